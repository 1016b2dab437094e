#include "graph/attributes.h"

#include <iomanip>
#include <sstream>

#include "graph/error.h"

namespace whittle {
namespace {

template <typename T>
T get_typed(const std::map<std::string, AttrValue>& values, const std::string& key, T fallback,
            const char* type_name) {
  auto it = values.find(key);
  if (it == values.end()) return fallback;
  if (const T* v = std::get_if<T>(&it->second)) return *v;
  throw Error("attribute '" + key + "' is not " + type_name);
}

}  // namespace

int64_t Attributes::get_int(const std::string& key, int64_t fallback) const {
  return get_typed<int64_t>(values_, key, fallback, "an integer");
}

double Attributes::get_float(const std::string& key, double fallback) const {
  auto it = values_.find(key);
  if (it != values_.end())
    if (const int64_t* i = std::get_if<int64_t>(&it->second)) return static_cast<double>(*i);
  return get_typed<double>(values_, key, fallback, "a float");
}

std::vector<int64_t> Attributes::get_ints(const std::string& key,
                                          std::vector<int64_t> fallback) const {
  return get_typed<std::vector<int64_t>>(values_, key, std::move(fallback), "an integer list");
}

std::string Attributes::get_string(const std::string& key, std::string fallback) const {
  return get_typed<std::string>(values_, key, std::move(fallback), "a string");
}

std::vector<int64_t> Attributes::get_pair(const std::string& key, int64_t fallback) const {
  auto it = values_.find(key);
  if (it == values_.end()) return {fallback, fallback};
  if (const int64_t* v = std::get_if<int64_t>(&it->second)) return {*v, *v};
  auto list = get_ints(key, {});
  if (list.size() == 1) return {list[0], list[0]};
  if (list.size() != 2) throw Error("attribute '" + key + "' must hold 1 or 2 values");
  return list;
}

std::string format_attr(const AttrValue& value) {
  std::ostringstream out;
  if (const auto* i = std::get_if<int64_t>(&value)) {
    out << *i;
  } else if (const auto* d = std::get_if<double>(&value)) {
    out << std::setprecision(9) << *d;
  } else if (const auto* list = std::get_if<std::vector<int64_t>>(&value)) {
    out << '[';
    for (size_t k = 0; k < list->size(); ++k) out << (k ? "," : "") << (*list)[k];
    out << ']';
  } else {
    out << '"' << std::get<std::string>(value) << '"';
  }
  return out.str();
}

}  // namespace whittle
