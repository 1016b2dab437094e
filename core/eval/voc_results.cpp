#include "eval/voc_results.h"

#include <charconv>
#include <cmath>
#include <filesystem>
#include <unordered_set>

#include "graph/error.h"
#include "io/atomic_file.h"

namespace whittle {
namespace {

// Locale-independent "%.{decimals}f".
void append_fixed(std::string& out, double value, int decimals) {
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value,
                                 std::chars_format::fixed, decimals);
  if (ec != std::errc()) throw Error("VOC results: cannot format value");
  out.append(buffer, end);
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

bool parse_number(std::string_view text, double& value) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && end == text.data() + text.size() && std::isfinite(value);
}

}  // namespace

void write_voc_results(const std::string& prefix, const std::vector<std::string>& classes,
                       const std::vector<Detection>& dets) {
  std::vector<std::string> text(classes.size());
  for (size_t d = 0; d < dets.size(); ++d) {
    const Detection& det = dets[d];
    if (det.label < 0 || det.label >= static_cast<int>(classes.size()))
      throw Error("VOC results: detection " + std::to_string(d) + " has label " +
                  std::to_string(det.label) + ", out of range for " +
                  std::to_string(classes.size()) + " classes");
    if (det.image_id.empty() ||
        det.image_id.find_first_of(" \t\r\n\v\f") != std::string::npos)
      throw Error("VOC results: detection " + std::to_string(d) + ": image id '" + det.image_id +
                  "' is empty or holds whitespace");
    std::string& out = text[det.label];
    out += det.image_id;  // devkit: '%s %.6f %.1f %.1f %.1f %.1f'
    out += ' ';
    append_fixed(out, det.score, 6);
    for (float v : {det.box.xmin, det.box.ymin, det.box.xmax, det.box.ymax}) {
      out += ' ';
      append_fixed(out, v, 1);
    }
    out += '\n';
  }
  for (size_t c = 0; c < classes.size(); ++c)
    write_file_atomic(prefix + classes[c] + ".txt", text[c]);
}

std::vector<Detection> read_voc_results(const std::string& prefix, const Dataset& gt,
                                        std::vector<std::string>* missing_classes) {
  std::unordered_set<std::string_view> ids;
  ids.reserve(gt.images.size() * 2);
  for (const ImageRecord& image : gt.images) ids.insert(image.id);

  std::vector<Detection> dets;
  for (size_t c = 0; c < gt.classes.size(); ++c) {
    const std::string path = prefix + gt.classes[c] + ".txt";
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
      if (missing_classes) missing_classes->push_back(gt.classes[c]);
      continue;
    }
    const std::string bytes = read_file(path);
    size_t pos = 0;
    int line_number = 0;
    while (pos < bytes.size()) {
      size_t eol = bytes.find('\n', pos);
      if (eol == std::string::npos) eol = bytes.size();
      const std::string_view line(bytes.data() + pos, eol - pos);
      pos = eol + 1;
      ++line_number;
      std::string_view tokens[7];
      int count = 0;
      for (size_t i = 0; i < line.size();) {
        while (i < line.size() && is_space(line[i])) ++i;
        if (i == line.size()) break;
        size_t j = i;
        while (j < line.size() && !is_space(line[j])) ++j;
        if (count < 7) tokens[count] = line.substr(i, j - i);
        ++count;
        i = j;
      }
      if (count == 0) continue;  // blank line
      const std::string where = path + ":" + std::to_string(line_number) + ": ";
      double values[5];
      bool ok = count == 6;
      for (int k = 0; ok && k < 5; ++k) ok = parse_number(tokens[k + 1], values[k]);
      if (!ok)
        throw Error(where + "expected 'image_id score xmin ymin xmax ymax', got '" +
                    std::string(line.substr(0, 200)) + "'");
      if (!ids.count(tokens[0]))
        throw Error(where + "unknown image id '" + std::string(tokens[0]) +
                    "' (not in the data set)");
      Detection det;
      det.image_id = std::string(tokens[0]);
      det.label = static_cast<int>(c);
      det.score = static_cast<float>(values[0]);
      det.box = Box{static_cast<float>(values[1]), static_cast<float>(values[2]),
                    static_cast<float>(values[3]), static_cast<float>(values[4])};
      dets.push_back(std::move(det));
    }
  }
  return dets;
}

}  // namespace whittle
