#pragma once
// Numbers in the prune module's messages, file keys and tables.
#include <string>

namespace whittle {

// printf "%g": a ratio as a person writes it, 0.3, not 0.300000.
std::string number_text(double value);

}  // namespace whittle
