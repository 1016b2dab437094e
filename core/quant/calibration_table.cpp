#include "quant/calibration_table.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <sstream>
#include <vector>

#include "graph/error.h"
#include "io/atomic_file.h"

namespace whittle {
namespace {

constexpr const char* kFormat = "whittle.calibration/1";

template <typename T>
std::string number(T value) {
  char buffer[64];
  auto result = std::to_chars(buffer, buffer + sizeof buffer, value);  // shortest round trip
  return std::string(buffer, result.ptr);
}

// The whole token as a T, or nothing.
template <typename T>
bool parse_number(const std::string& text, T& value) {
  auto result = std::from_chars(text.data(), text.data() + text.size(), value);
  return result.ec == std::errc() && result.ptr == text.data() + text.size();
}

void check_name(const std::string& name, const char* what) {
  if (name.empty()) throw Error(std::string("calibration table: empty ") + what + " name");
  for (char c : name)
    if (std::isspace(static_cast<unsigned char>(c)))
      throw Error(std::string("calibration table: ") + what + " name '" + name +
                  "' contains whitespace");
}

std::vector<std::string> tokens(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> out;
  for (std::string t; in >> t;) out.push_back(t);
  return out;
}

// Errors while reading one line: "<source>:<line>: <message>".
struct LineReader {
  const std::string& source;
  int line = 0;

  [[noreturn]] void fail(const std::string& message) const {
    throw Error(source + ":" + std::to_string(line) + ": " + message);
  }

  template <typename T>
  T number_field(const std::string& text, const char* what) const {
    T value{};
    if (!parse_number(text, value) || !std::isfinite(static_cast<double>(value)))
      fail(std::string(what) + " '" + text + "' is not a finite number");
    return value;
  }

  void header(const std::vector<std::string>& t, QuantSpec& spec) const {
    if (t.empty() || t[0] != kFormat)
      fail(std::string("not a calibration table (the first line must start with '") + kFormat +
           "')");
    for (size_t i = 1; i < t.size(); ++i) {
      const auto eq = t[i].find('=');
      if (eq == std::string::npos) fail("header field '" + t[i] + "' is not key=value");
      const std::string key = t[i].substr(0, eq), value = t[i].substr(eq + 1);
      if (key == "observer") {
        spec.observer = value;
      } else if (key == "images") {
        int images = 0;
        if (!parse_number(value, images) || images < 0)
          fail("images '" + value + "' is not a count");
        spec.calibration_images = images;
      } else {
        fail("unknown header field '" + key + "' (a header has observer and images)");
      }
    }
  }

  void value(const std::vector<std::string>& t, QuantSpec& spec) const {
    if (t.size() != 6) fail("a value line is 'value <name> <scale> <zero_point> <lo> <hi>'");
    ActivationQuant q;
    q.scale = number_field<double>(t[2], "scale");
    if (!(q.scale > 0)) fail("scale " + t[2] + " is not positive");
    int64_t zero_point = 0;
    if (!parse_number(t[3], zero_point) || zero_point < 0 || zero_point > 255)
      fail("zero point '" + t[3] + "' is not an integer in 0..255");
    q.zero_point = zero_point;
    q.lo = number_field<float>(t[4], "lo");
    q.hi = number_field<float>(t[5], "hi");
    if (q.lo > q.hi) fail("lo " + t[4] + " > hi " + t[5]);
    if (!spec.activations.emplace(t[1], q).second) fail("value '" + t[1] + "' is listed twice");
  }

  void fp32(const std::vector<std::string>& t, QuantSpec& spec) const {
    if (t.size() != 2) fail("an fp32 line is 'fp32 <node>'");
    if (!spec.fp32_nodes.insert(t[1]).second) fail("fp32 node '" + t[1] + "' is listed twice");
  }
};

}  // namespace

std::string calibration_table_text(const QuantSpec& spec) {
  if (!spec.observer.empty()) check_name(spec.observer, "observer");
  std::string out = std::string(kFormat) + " observer=" + spec.observer +
                    " images=" + std::to_string(spec.calibration_images) + "\n";
  out += "# value <name> <scale> <zero_point> <lo> <hi>\n";
  for (const auto& [name, q] : spec.activations) {  // std::map: sorted by name
    check_name(name, "value");
    out += "value " + name + " " + number(q.scale) + " " + std::to_string(q.zero_point) + " " +
           number(q.lo) + " " + number(q.hi) + "\n";
  }
  for (const auto& node : spec.fp32_nodes) {
    check_name(node, "node");
    out += "fp32 " + node + "\n";
  }
  return out;
}

QuantSpec parse_calibration_table(const std::string& text, const std::string& source) {
  QuantSpec spec;
  LineReader reader{source};
  std::istringstream in(text);
  bool seen_header = false;
  for (std::string line; std::getline(in, line);) {
    ++reader.line;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const std::vector<std::string> t = tokens(line);
    if (!seen_header) {
      reader.header(t, spec);
      seen_header = true;
    } else if (t.empty() || t[0][0] == '#') {
      continue;
    } else if (t[0] == "value") {
      reader.value(t, spec);
    } else if (t[0] == "fp32") {
      reader.fp32(t, spec);
    } else {
      reader.fail("unknown line '" + t[0] + "' (lines are 'value ...' or 'fp32 ...')");
    }
  }
  if (!seen_header) {
    reader.line = 1;
    reader.fail("empty file, not a calibration table");
  }
  return spec;
}

void save_calibration_table(const std::string& path, const QuantSpec& spec) {
  write_file_atomic(path, calibration_table_text(spec));
}

QuantSpec load_calibration_table(const std::string& path) {
  return parse_calibration_table(read_file(path), path);
}

}  // namespace whittle
