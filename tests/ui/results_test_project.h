#pragma once
// A small project for the results dashboard and report tests, made in a
// folder: the original SSD-MobileNet (width 0.25, 96 px, 3 classes), a
// "pruned" one (width 0.125), a "quantized" variant (kind quantized, its own
// file size stored), and a fine-tuned variant whose model file is missing and
// which has no metrics; eval reports for the first three and a sensitivity
// scan of the original. Metrics:
//   original  map 0.50  latency_ms 10 (fp32)  threads 2
//   p50       map 0.40  latency_ms  6 (fp32)  threads 2
//   int8      map 0.45  latency_ms  3 (int8)  threads 2  file_bytes 12345
//   ft        (none)
// Core headers only: include before Qt's.
#include <cmath>
#include <string>
#include <vector>

#include "eval/eval_report.h"
#include "io/onnx_export.h"
#include "io/project_file.h"
#include "models/ssd/ssd_zoo.h"
#include "prune/sensitivity.h"

namespace whittle::ui::uitest {

// A PR curve over `gts` ground truths from a hit pattern (1 = TP).
inline PrCurve curve_from_hits(const std::vector<int>& hits, int gts) {
  PrCurve c;
  int tp = 0, n = 0;
  for (int h : hits) {
    tp += h;
    ++n;
    c.recall.push_back(static_cast<double>(tp) / gts);
    c.precision.push_back(static_cast<double>(tp) / n);
  }
  return c;
}

inline EvalReport make_eval(double map, int quality) {
  EvalReport r;
  r.metric = "voc07";
  r.map = map;
  r.images = 20;
  r.ms_per_image = 4.0;
  const char* names[] = {"cat", "dog", "car"};
  for (int k = 0; k < 3; ++k) {
    ClassAp c;
    c.name = names[k];
    c.num_gt = 8;
    std::vector<int> hits;
    for (int i = 0; i < 8; ++i) hits.push_back((i + k) % (quality + 1) == 0 ? 0 : 1);
    c.curve = curve_from_hits(hits, 8);
    c.num_det = static_cast<int>(hits.size());
    c.ap = voc07_ap(c.curve);
    r.classes.push_back(c);
  }
  return r;
}

inline SensitivityResult make_scan() {
  SensitivityResult s;
  s.metric = "voc07";
  s.criterion = "l1";
  s.images = 20;
  s.macs = 1000000;
  s.baseline = 0.5;
  for (int g = 0; g < 3; ++g) {
    GroupSensitivity group;
    group.name = "features." + std::to_string(g);
    group.channels = 32;
    for (int i = 1; i <= 5; ++i) {
      const double ratio = 0.15 * i;
      group.ratios.push_back(ratio);
      group.removed.push_back(static_cast<int64_t>(std::round(32 * ratio)));
      group.macs.push_back(1000000 - 10000 * i * (g + 1));
      group.map.push_back(0.5 - 0.02 * i * (g + 1));
    }
    s.groups.push_back(group);
  }
  return s;
}

// Writes the models, reports and `folder`/results.whittle; returns the
// project (paths absolute, as load_project gives them).
inline Project make_results_project(const std::string& folder) {
  const std::string dir = folder + "/";
  save_onnx(build_detector_zoo("ssd_mobilenet_v1", 3, 0.25, 96).graph, dir + "ssd.onnx");
  save_onnx(build_detector_zoo("ssd_mobilenet_v1", 3, 0.125, 96).graph, dir + "p50.onnx");
  save_onnx(build_detector_zoo("ssd_mobilenet_v1", 3, 0.25, 96).graph, dir + "int8.onnx");
  save_eval_report(make_eval(0.5, 4), dir + "ssd.eval.json");
  save_eval_report(make_eval(0.4, 2), dir + "p50.eval.json");
  save_eval_report(make_eval(0.45, 3), dir + "int8.eval.json");
  save_sensitivity(make_scan(), dir + "ssd.sensitivity.json");

  Project p;
  p.model = dir + "ssd.onnx";
  p.data = dir + "data/VOC2007";
  p.metrics = {{"map", 0.5}, {"latency_ms", 10.0}, {"threads", 2}};
  p.reports = {{"eval", dir + "ssd.eval.json"}, {"sensitivity", dir + "ssd.sensitivity.json"}};
  ProjectVariant pruned;
  pruned.name = "p50";
  pruned.kind = "pruned";
  pruned.file = dir + "p50.onnx";
  pruned.settings = {{"criterion", "l1"}, {"ratio", "0.5"}};
  pruned.metrics = {{"map", 0.4}, {"latency_ms", 6.0}, {"threads", 2}};
  pruned.reports = {{"eval", dir + "p50.eval.json"}};
  ProjectVariant int8;
  int8.name = "int8";
  int8.kind = "quantized";
  int8.parent = "p50";
  int8.file = dir + "int8.onnx";
  int8.settings = {{"observer", "minmax"}, {"calibration_images", "200"}};
  int8.metrics = {{"map", 0.45}, {"latency_ms", 3.0}, {"threads", 2}, {"file_bytes", 12345}};
  int8.reports = {{"eval", dir + "int8.eval.json"}};
  ProjectVariant ft;
  ft.name = "ft";
  ft.kind = "finetuned";
  ft.parent = "p50";
  ft.file = dir + "missing.onnx";
  p.variants = {pruned, int8, ft};
  save_project(p, dir + "results.whittle");
  return load_project(dir + "results.whittle");
}

}  // namespace whittle::ui::uitest
