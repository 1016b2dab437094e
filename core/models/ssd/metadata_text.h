#pragma once
// Text forms of the numbers and lists the SSD family keeps in graph metadata
// (whittle.ssd.*), with errors that name the key. Numbers are written as the
// shortest decimal that reads back as the same double ("0.1", "1.05").
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace whittle::ssd_text {

using Metadata = std::map<std::string, std::string>;

std::string format_decimal(double value);
// Values joined by `separator`: {0.1, 0.2} -> "0.1,0.2".
std::string join_decimals(const std::vector<double>& values, char separator = ',');
std::vector<std::string> split(const std::string& text, char separator);

// The value of `key`; throws whittle::Error "metadata key 'whittle.x' is missing".
const std::string& require(const Metadata& metadata, const std::string& key);

// Whole-string parses; throw whittle::Error "metadata whittle.x: 'abc' is not a number".
double parse_decimal(const std::string& key, const std::string& text);
int64_t parse_integer(const std::string& key, const std::string& text);
std::vector<double> parse_decimals(const std::string& key, const std::string& text,
                                   char separator = ',');

}  // namespace whittle::ssd_text
