#include "models/ssd/metadata_text.h"

#include <charconv>
#include <cmath>
#include <system_error>

#include "graph/error.h"

namespace whittle::ssd_text {

std::string format_decimal(double value) {
  char buffer[64];
  auto result = std::to_chars(buffer, buffer + sizeof(buffer), value);  // shortest round trip
  return std::string(buffer, result.ptr);
}

std::string join_decimals(const std::vector<double>& values, char separator) {
  std::string out;
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out += separator;
    out += format_decimal(values[i]);
  }
  return out;
}

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return parts;
}

const std::string& require(const Metadata& metadata, const std::string& key) {
  auto it = metadata.find(key);
  if (it == metadata.end()) throw Error("metadata key '" + key + "' is missing");
  return it->second;
}

double parse_decimal(const std::string& key, const std::string& text) {
  double value = 0;
  auto result = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || result.ec != std::errc() || result.ptr != text.data() + text.size() ||
      !std::isfinite(value))
    throw Error("metadata " + key + ": '" + text + "' is not a number");
  return value;
}

int64_t parse_integer(const std::string& key, const std::string& text) {
  int64_t value = 0;
  auto result = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || result.ec != std::errc() || result.ptr != text.data() + text.size())
    throw Error("metadata " + key + ": '" + text + "' is not an integer");
  return value;
}

std::vector<double> parse_decimals(const std::string& key, const std::string& text,
                                   char separator) {
  std::vector<double> values;
  if (text.empty()) return values;
  for (const std::string& part : split(text, separator)) values.push_back(parse_decimal(key, part));
  return values;
}

}  // namespace whittle::ssd_text
