// Evaluation reports: JSON round trip, errors naming the file, and curve
// thinning that keeps the end points, monotone recall and the AP.
#include "eval/eval_report.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <unistd.h>
#include <algorithm>

#include "eval/evaluate_detector.h"
#include "graph/error.h"
#include "io/atomic_file.h"

namespace whittle {
namespace {

namespace fs = std::filesystem;

// A PR curve as evaluate_detections makes one: `n` detections, each a TP with
// probability falling with rank, over `gts` ground truths.
PrCurve random_curve(int n, int gts, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(0, 1);
  PrCurve c;
  int tp = 0, fp = 0;
  for (int i = 0; i < n; ++i) {
    const double p_tp = 0.9 * (1.0 - static_cast<double>(i) / n);
    if (tp < gts && u(rng) < p_tp) ++tp;
    else ++fp;
    c.recall.push_back(static_cast<double>(tp) / gts);
    c.precision.push_back(static_cast<double>(tp) / (tp + fp));
  }
  return c;
}

fs::path temp_file(const std::string& name) {
  return fs::temp_directory_path() / ("whittle_eval_report_" + std::to_string(::getpid()) + "_" + name);
}

TEST(EvalReport, FromEvalResultThinsCurvesAndKeepsFigures) {
  EvalResult result;
  result.images = 12;
  result.ms_per_image = 3.25;
  result.map.metric = "voc07";
  result.map.map = 0.5;
  ClassAp a;
  a.name = "cat";
  a.ap = 0.6;
  a.num_gt = 300;
  a.num_det = 1000;
  a.curve = random_curve(1000, 300, 7);
  ClassAp b;
  b.name = "dog";
  b.ap = std::numeric_limits<double>::quiet_NaN();
  result.map.classes = {a, b};

  const EvalReport r = eval_report(result);
  EXPECT_EQ(r.metric, "voc07");
  EXPECT_DOUBLE_EQ(r.map, 0.5);
  EXPECT_EQ(r.images, 12);
  EXPECT_DOUBLE_EQ(r.ms_per_image, 3.25);
  ASSERT_EQ(r.classes.size(), 2u);
  EXPECT_LE(r.classes[0].curve.recall.size(), kEvalReportCurvePoints);
  EXPECT_EQ(r.classes[0].num_det, 1000);
  EXPECT_TRUE(std::isnan(r.classes[1].ap));
  EXPECT_TRUE(r.classes[1].curve.recall.empty());
}

TEST(EvalReport, ThinningKeepsEndPointsMonotoneRecallAndAp) {
  for (unsigned seed : {1u, 2u, 3u}) {
    const PrCurve full = random_curve(5000, 800, seed);
    const PrCurve thin = thin_pr_curve(full, 200);
    ASSERT_EQ(thin.recall.size(), thin.precision.size());
    EXPECT_LE(thin.recall.size(), 200u);
    EXPECT_GE(thin.recall.size(), 100u);  // the bands are used
    EXPECT_EQ(thin.recall.front(), full.recall.front());
    EXPECT_EQ(thin.precision.front(), full.precision.front());
    EXPECT_EQ(thin.recall.back(), full.recall.back());
    EXPECT_EQ(thin.precision.back(), full.precision.back());
    for (size_t i = 1; i < thin.recall.size(); ++i) EXPECT_GE(thin.recall[i], thin.recall[i - 1]);
    // The highest precision survives, the VOC07 AP exactly, the area AP closely.
    EXPECT_EQ(*std::max_element(thin.precision.begin(), thin.precision.end()),
              *std::max_element(full.precision.begin(), full.precision.end()));
    EXPECT_NEAR(voc07_ap(thin), voc07_ap(full), 1e-12) << "seed " << seed;
    EXPECT_NEAR(voc12_ap(thin), voc12_ap(full), 0.01) << "seed " << seed;
  }
}

TEST(EvalReport, ThinningLeavesShortCurvesAndFlatRecall) {
  const PrCurve small = random_curve(150, 50, 4);
  const PrCurve same = thin_pr_curve(small, 200);
  EXPECT_EQ(same.recall, small.recall);
  EXPECT_EQ(same.precision, small.precision);

  // Recall that never moves (a class whose every detection is false): index
  // bands, the end points and the precision range kept.
  PrCurve flat;
  for (int i = 0; i < 1000; ++i) {
    flat.recall.push_back(0.25);
    flat.precision.push_back(1.0 / (i + 1));
  }
  const PrCurve thin = thin_pr_curve(flat, 50);
  EXPECT_LE(thin.recall.size(), 50u);
  EXPECT_EQ(thin.precision.front(), 1.0);
  EXPECT_EQ(thin.precision.back(), flat.precision.back());
}

TEST(EvalReport, RoundTripThroughFile) {
  EvalReport r;
  r.metric = "voc12";
  r.map = 0.4321;
  r.images = 7;
  r.ms_per_image = 1.5;
  ClassAp a;
  a.name = "car";
  a.ap = 0.8642;
  a.num_gt = 3;
  a.num_det = 4;
  a.curve.recall = {1.0 / 3, 1.0 / 3, 2.0 / 3, 1.0};
  a.curve.precision = {1.0, 0.5, 2.0 / 3, 0.75};
  ClassAp b;
  b.name = "bus";
  b.ap = std::numeric_limits<double>::quiet_NaN();
  r.classes = {a, b};

  const fs::path path = temp_file("round_trip.eval.json");
  save_eval_report(r, path.string());
  const std::string text = read_file(path.string());
  EXPECT_NE(text.find("\"whittle.eval/1\""), std::string::npos);
  const EvalReport back = load_eval_report(path.string());
  fs::remove(path);
  EXPECT_EQ(back.metric, "voc12");
  EXPECT_DOUBLE_EQ(back.map, r.map);
  EXPECT_EQ(back.images, 7);
  EXPECT_DOUBLE_EQ(back.ms_per_image, 1.5);
  ASSERT_EQ(back.classes.size(), 2u);
  EXPECT_EQ(back.classes[0].name, "car");
  EXPECT_DOUBLE_EQ(back.classes[0].ap, a.ap);
  EXPECT_EQ(back.classes[0].num_gt, 3);
  EXPECT_EQ(back.classes[0].num_det, 4);
  EXPECT_EQ(back.classes[0].curve.recall, a.curve.recall);
  EXPECT_EQ(back.classes[0].curve.precision, a.curve.precision);
  EXPECT_TRUE(std::isnan(back.classes[1].ap));

  // The area mAP recomputed from the curves (only "car" has ground truth).
  EXPECT_NEAR(map_from_curves(back.classes, "voc12"), voc12_ap(a.curve), 1e-12);
}

TEST(EvalReport, ErrorsNameTheFile) {
  const fs::path missing = temp_file("missing.eval.json");
  try {
    load_eval_report(missing.string());
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(missing.string()), std::string::npos) << e.what();
  }
  const fs::path other = temp_file("other.json");
  write_file_atomic(other.string(), R"({"format": "whittle.project/1"})");
  try {
    load_eval_report(other.string());
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(other.string()), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("whittle.eval/1"), std::string::npos) << e.what();
  }
  write_file_atomic(other.string(),
                    R"({"format": "whittle.eval/1", "map": 0.5, "classes": [{"name": "x", "ap": 0.5,
                        "recall": [0.5, 1.0], "precision": [1.0]}]})");
  try {
    load_eval_report(other.string());
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(other.string()), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("different lengths"), std::string::npos) << e.what();
  }
  fs::remove(other);
}

}  // namespace
}  // namespace whittle
