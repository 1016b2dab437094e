#pragma once
// One exception type for the core: the message names the file, node, op and
// rule that failed, e.g. "(Conv backbone.conv2) in_channels 64 != producer channels 32".
#include <stdexcept>
#include <string>

namespace whittle {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace whittle
