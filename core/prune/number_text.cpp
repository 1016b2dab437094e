#include "prune/number_text.h"

#include <cstdio>

namespace whittle {

std::string number_text(double value) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", value);
  return buf;
}

}  // namespace whittle
