#pragma once
// Number and table formatting for the terminal.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace whittle::cli {

std::string with_commas(int64_t n);                 // 138357544 -> "138,357,544"
std::string si(double value, int decimals = 2);     // 15470264320 -> "15.47 G"
std::string megabytes(int64_t bytes);               // "553.43 MB"
std::string join(const std::vector<std::string>& parts, const std::string& separator);
// printf "%.*f"; NaN (e.g. an AP that is not defined) prints as nan_text.
std::string fixed(double value, int decimals, const char* nan_text = "n/a");
// A JSON number, or null for NaN and infinities (JSON has neither).
nlohmann::ordered_json number_or_null(double value);

// Left-aligned text columns, right-aligned numeric ones; widths fit the data.
class Table {
 public:
  explicit Table(std::vector<std::string> headers, std::vector<bool> right_aligned);
  void add(std::vector<std::string> row);
  std::string render() const;

 private:
  std::vector<std::string> headers_;
  std::vector<bool> right_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace whittle::cli
