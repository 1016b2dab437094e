#include "eval/eval_report.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include "eval/evaluate_detector.h"
#include "graph/error.h"
#include "io/atomic_file.h"

namespace whittle {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

constexpr const char* kFormat = "whittle.eval/1";
const double kNaN = std::numeric_limits<double>::quiet_NaN();

ordered_json number(double v) { return std::isfinite(v) ? ordered_json(v) : ordered_json(nullptr); }

double number_from(const json& j, const std::string& key, const std::string& where) {
  const auto it = j.find(key);
  if (it == j.end()) throw Error(where + ": missing \"" + key + "\"");
  if (it->is_null()) return kNaN;
  if (!it->is_number()) throw Error(where + ": \"" + key + "\" is not a number");
  return it->get<double>();
}

std::vector<double> numbers_from(const json& j, const std::string& key, const std::string& where) {
  const auto it = j.find(key);
  if (it == j.end()) return {};
  if (!it->is_array()) throw Error(where + ": \"" + key + "\" is not an array");
  std::vector<double> out;
  out.reserve(it->size());
  for (const json& v : *it) {
    if (!v.is_number()) throw Error(where + ": \"" + key + "\" holds a value that is not a number");
    out.push_back(v.get<double>());
  }
  return out;
}

}  // namespace

PrCurve thin_pr_curve(const PrCurve& curve, std::size_t max_points) {
  const std::size_t n = std::min(curve.recall.size(), curve.precision.size());
  max_points = std::max<std::size_t>(max_points, 20);
  if (n <= max_points) return curve;
  const double r0 = curve.recall.front(), r1 = curve.recall[n - 1];
  const bool by_recall = r1 > r0;
  // The band of a point among `bands` equal recall bands (index bands when
  // the recall does not move).
  const auto band_of = [&](std::size_t i, std::size_t bands) {
    const double t = by_recall ? (curve.recall[i] - r0) / (r1 - r0)
                               : static_cast<double>(i) / static_cast<double>(n - 1);
    return std::min(static_cast<std::size_t>(std::floor(t * static_cast<double>(bands))), bands - 1);
  };
  std::vector<bool> keep(n, false);
  keep[0] = keep[n - 1] = true;

  // Corners of the precision envelope (a precision above every later one):
  // they alone decide both VOC APs.
  std::vector<std::size_t> corners;
  double later = -1;
  for (std::size_t i = n; i-- > 0;) {
    if (curve.precision[i] > later) {
      corners.push_back(i);
      later = curve.precision[i];
    }
  }
  std::reverse(corners.begin(), corners.end());
  // The 11-point thresholds t = 0, 0.1, ..., 1 (as voc07_ap makes them): the
  // first corner at recall >= t holds the max precision there, so the 11-point
  // AP is unchanged.
  for (int k = 0; k <= 10; ++k) {
    const double t = k * 0.1;
    for (std::size_t i : corners) {
      if (curve.recall[i] >= t) {
        keep[i] = true;
        break;
      }
    }
  }
  const std::size_t budget = max_points - 2 - 11;
  const std::size_t envelope_bands = budget / 3, shape_bands = budget / 3;
  // Per recall band the last corner: the envelope stays close for the area AP.
  std::vector<std::size_t> last_corner(envelope_bands, n);
  for (std::size_t i : corners) last_corner[band_of(i, envelope_bands)] = i;
  for (std::size_t i : last_corner)
    if (i < n) keep[i] = true;
  // Per band the highest and the lowest precision: the curve's shape,
  // drops at constant recall included.
  std::vector<std::size_t> best(shape_bands, n), worst(shape_bands, n);
  for (std::size_t i = 1; i + 1 < n; ++i) {
    const std::size_t b = band_of(i, shape_bands);
    if (best[b] == n || curve.precision[i] > curve.precision[best[b]]) best[b] = i;
    if (worst[b] == n || curve.precision[i] < curve.precision[worst[b]]) worst[b] = i;
  }
  for (std::size_t b = 0; b < shape_bands; ++b) {
    if (best[b] < n) keep[best[b]] = true;
    if (worst[b] < n) keep[worst[b]] = true;
  }
  PrCurve out;
  for (std::size_t i = 0; i < n; ++i) {
    if (!keep[i]) continue;
    out.recall.push_back(curve.recall[i]);
    out.precision.push_back(curve.precision[i]);
  }
  return out;
}

double map_from_curves(const std::vector<ClassAp>& classes, const std::string& metric) {
  const ApMetric m = parse_ap_metric(metric);
  if (m == ApMetric::Coco) throw Error("map_from_curves: metric coco needs curves at every IoU");
  double sum = 0;
  int counted = 0;
  for (const ClassAp& c : classes) {
    if (c.num_gt <= 0) continue;
    sum += c.curve.recall.empty() ? 0.0 : (m == ApMetric::Voc07 ? voc07_ap(c.curve) : voc12_ap(c.curve));
    ++counted;
  }
  return counted == 0 ? kNaN : sum / counted;
}

EvalReport eval_report(const EvalResult& result) {
  EvalReport report;
  report.metric = result.map.metric;
  report.map = result.map.map;
  report.images = result.images;
  report.ms_per_image = result.ms_per_image;
  report.classes = result.map.classes;
  for (ClassAp& c : report.classes) c.curve = thin_pr_curve(c.curve);
  return report;
}

std::string eval_report_to_json(const EvalReport& report) {
  ordered_json j;
  j["format"] = kFormat;
  j["metric"] = report.metric;
  j["map"] = number(report.map);
  j["images"] = report.images;
  j["ms_per_image"] = number(report.ms_per_image);
  ordered_json classes = ordered_json::array();
  for (const ClassAp& c : report.classes) {
    ordered_json k;
    k["name"] = c.name;
    k["ap"] = number(c.ap);
    k["num_gt"] = c.num_gt;
    k["num_det"] = c.num_det;
    ordered_json recall = ordered_json::array(), precision = ordered_json::array();
    for (double v : c.curve.recall) recall.push_back(number(v));
    for (double v : c.curve.precision) precision.push_back(number(v));
    k["recall"] = std::move(recall);
    k["precision"] = std::move(precision);
    classes.push_back(std::move(k));
  }
  j["classes"] = std::move(classes);
  return j.dump(1) + "\n";
}

EvalReport eval_report_from_json(const std::string& text, const std::string& source) {
  json j;
  try {
    j = json::parse(text);
  } catch (const std::exception& e) {
    throw Error(source + ": not JSON (" + first_line(e) + ")");
  }
  if (!j.is_object()) throw Error(source + ": not a JSON object");
  const std::string format = j.value("format", std::string());
  if (format != kFormat)
    throw Error(source + ": format \"" + format + "\" is not \"" + kFormat + "\" (an evaluation report)");
  EvalReport r;
  try {
    r.metric = j.value("metric", std::string());
    r.map = number_from(j, "map", source);
    r.images = j.value("images", 0);
    r.ms_per_image = j.contains("ms_per_image") ? number_from(j, "ms_per_image", source) : 0.0;
    if (!std::isfinite(r.ms_per_image)) r.ms_per_image = 0;
    const auto classes = j.find("classes");
    if (classes != j.end()) {
      if (!classes->is_array()) throw Error(source + ": \"classes\" is not an array");
      for (const json& k : *classes) {
        if (!k.is_object()) throw Error(source + ": a class is not an object");
        ClassAp c;
        c.name = k.value("name", std::string());
        const std::string where = source + ": class '" + c.name + "'";
        c.ap = number_from(k, "ap", where);
        c.num_gt = k.value("num_gt", 0);
        c.num_det = k.value("num_det", 0);
        c.curve.recall = numbers_from(k, "recall", where);
        c.curve.precision = numbers_from(k, "precision", where);
        if (c.curve.recall.size() != c.curve.precision.size())
          throw Error(where + ": recall and precision have different lengths (" +
                      std::to_string(c.curve.recall.size()) + " != " +
                      std::to_string(c.curve.precision.size()) + ")");
        r.classes.push_back(std::move(c));
      }
    }
  } catch (const json::exception& e) {
    throw Error(source + ": " + first_line(e));
  }
  return r;
}

void save_eval_report(const EvalReport& report, const std::string& path) {
  write_file_atomic(path, eval_report_to_json(report));
}

EvalReport load_eval_report(const std::string& path) {
  return eval_report_from_json(read_file(path), path);
}

}  // namespace whittle
