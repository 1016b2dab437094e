#pragma once
// An evaluation kept as a file next to a model: the mAP, the per-class APs
// and their precision-recall curves, the image count and the model time per
// image. `whittle-cli pipeline` and the workbench's evaluate job write it; a
// project lists it as a model's "eval" report (io/project_file.h); the
// results dashboard and the report read it.
//
//   {"format": "whittle.eval/1", "metric": "voc07", "map": 0.61, "images": 100,
//    "ms_per_image": 12.5,
//    "classes": [{"name": "cat", "ap": 0.7, "num_gt": 40, "num_det": 212,
//                 "recall": [...], "precision": [...]}, ...]}
//
// A NaN AP or mAP (no ground truth) is null. Curves longer than
// kEvalReportCurvePoints are thinned by thin_pr_curve.
#include <cstddef>
#include <string>
#include <vector>

#include "eval/voc_ap.h"

namespace whittle {

struct EvalResult;  // eval/evaluate_detector.h

struct EvalReport {
  std::string metric;  // "voc07", "voc12", "coco"
  double map = 0;      // NaN when no class has ground truth
  int images = 0;
  double ms_per_image = 0;
  std::vector<ClassAp> classes;  // data-set class order, PR curves included (thinned)
};

constexpr std::size_t kEvalReportCurvePoints = 200;

// The report of an evaluation, its curves thinned to kEvalReportCurvePoints.
EvalReport eval_report(const EvalResult& result);

// Atomic (io/atomic_file.h), JSON "whittle.eval/1". Errors name `path`.
void save_eval_report(const EvalReport& report, const std::string& path);
// Throws whittle::Error naming the file when it is missing, not JSON, of
// another format, or malformed (curves of different lengths, ...).
EvalReport load_eval_report(const std::string& path);

std::string eval_report_to_json(const EvalReport& report);
// Errors name `source`.
EvalReport eval_report_from_json(const std::string& text, const std::string& source = "eval report");

// At most `max_points` points (>= 20) of `curve`, in order: the first and
// the last point; for each 11-point threshold t the first point of the
// precision envelope at recall >= t (so the VOC07 AP is unchanged); per
// recall band the last envelope corner (the area AP stays within a band's
// envelope drop); and per recall band (index band when the recall does not
// move) the points of highest and lowest precision, so the curve's shape and
// its drops at constant recall survive. Shorter curves are returned as they are.
PrCurve thin_pr_curve(const PrCurve& curve, std::size_t max_points = kEvalReportCurvePoints);

// mAP over classes with ground truth (num_gt > 0) of each class's AP computed
// from its (possibly thinned) curve with `metric` "voc07" or "voc12"; a class
// with ground truth and no curve counts 0. NaN when no class has ground truth.
// Throws whittle::Error for another metric.
double map_from_curves(const std::vector<ClassAp>& classes, const std::string& metric);

}  // namespace whittle
