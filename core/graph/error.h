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

// The first line of an exception's message: LibTorch's errors go on with a
// C++ backtrace that does not belong in a one-line Whittle error.
inline std::string first_line(const std::exception& e) {
  const std::string what = e.what();
  const auto end = what.find('\n');
  return end == std::string::npos ? what : what.substr(0, end);
}

}  // namespace whittle
