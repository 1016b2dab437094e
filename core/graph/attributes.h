#pragma once
// Named node attributes: integers, floats, integer lists and strings.
#include <cstdint>
#include <map>
#include <string>
#include <variant>
#include <vector>

namespace whittle {

using AttrValue = std::variant<int64_t, double, std::vector<int64_t>, std::string>;

class Attributes {
 public:
  void set(const std::string& key, AttrValue value) { values_[key] = std::move(value); }
  bool has(const std::string& key) const { return values_.count(key) != 0; }
  void erase(const std::string& key) { values_.erase(key); }

  // Typed getters; the fallback is returned when the key is absent. A present
  // key of another type throws whittle::Error naming the key.
  int64_t get_int(const std::string& key, int64_t fallback) const;
  double get_float(const std::string& key, double fallback) const;
  std::vector<int64_t> get_ints(const std::string& key, std::vector<int64_t> fallback) const;
  std::string get_string(const std::string& key, std::string fallback) const;
  // A pair attribute such as stride: a list of two, or one value used twice.
  std::vector<int64_t> get_pair(const std::string& key, int64_t fallback) const;

  const std::map<std::string, AttrValue>& all() const { return values_; }
  bool operator==(const Attributes& other) const { return values_ == other.values_; }

 private:
  std::map<std::string, AttrValue> values_;
};

// Stable text form of a value: 3, 0.1, [1,1], "nearest".
std::string format_attr(const AttrValue& value);

}  // namespace whittle
