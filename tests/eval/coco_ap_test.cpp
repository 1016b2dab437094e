// COCO-style AP (IoU 0.50:0.95, 101-point) on hand-computed cases.
#include "eval/coco_ap.h"

#include <gtest/gtest.h>

#include <cmath>

#include "eval/eval_test_data.h"

namespace whittle {
namespace {

using test::det;
using test::gt_object;
using test::image;
using test::make_dataset;

const Box kG1{1, 1, 10, 10}, kG2{101, 1, 110, 10};
const Box kNowhere{301, 301, 320, 320};

TEST(CocoAp, IouIsContinuousConversionOfVocBoxes) {
  // VOC (1,1,10,10) -> [0,10]^2, area 100; (1,1,10,5) -> [0,10]x[0,5].
  EXPECT_DOUBLE_EQ(coco_iou(kG1, Box{1, 1, 10, 5}), 0.5);
  EXPECT_DOUBLE_EQ(coco_iou(kG1, Box{1, 1, 10, 10}), 1.0);
  EXPECT_DOUBLE_EQ(coco_iou(kG1, Box{11, 1, 20, 10}), 0.0);  // adjacent, no shared pixel
}

TEST(CocoAp, PerfectDetectionsScoreOne) {
  Dataset gt = make_dataset(2, {image("a", {gt_object(0, kG1), gt_object(1, kG2)}),
                                image("b", {gt_object(0, kG2)})});
  std::vector<Detection> dets{{"a", 0, 0.9f, kG1}, {"a", 1, 0.3f, kG2}, {"b", 0, 0.2f, kG2}};
  MapResult r = evaluate_coco(gt, dets);
  EXPECT_EQ(r.metric, "coco");
  EXPECT_DOUBLE_EQ(r.map, 1.0);
  EXPECT_DOUBLE_EQ(r.ap50, 1.0);
  EXPECT_DOUBLE_EQ(r.ap75, 1.0);
  EXPECT_DOUBLE_EQ(evaluate_detections(gt, dets, ApMetric::Coco).map, 1.0);
}

TEST(CocoAp, ThresholdsAveraged) {
  // One gt [0,10]^2, one det [0,10]x[0,7.2]: IoU 0.72 -> TP at 0.50..0.70
  // (5 thresholds, AP 1 each), FP at 0.75..0.95 (AP 0): AP = 5/10.
  Dataset gt = make_dataset(1, {image("a", {gt_object(0, kG1)})});
  MapResult r = evaluate_coco(gt, {{"a", 0, 0.9f, Box{1, 1, 10, 7.2f}}});
  EXPECT_DOUBLE_EQ(r.map, 0.5);
  EXPECT_DOUBLE_EQ(r.ap50, 1.0);
  EXPECT_DOUBLE_EQ(r.ap75, 0.0);
}

TEST(CocoAp, HundredOnePointInterpolation) {
  // Two gts; dets by score TP, FP, TP (exact boxes: same at every threshold).
  // recall .5 .5 1, precision 1 1/2 2/3 -> envelope 1 2/3 2/3.
  // r = 0.00..0.50 (51 points) -> 1; r = 0.51..1.00 (50 points) -> 2/3.
  // AP = (51 + 50 * 2/3) / 101 = 253/303.
  Dataset gt = make_dataset(1, {image("a", {gt_object(0, kG1), gt_object(0, kG2)})});
  std::vector<Detection> dets{{"a", 0, 0.9f, kG1}, {"a", 0, 0.8f, kNowhere}, {"a", 0, 0.7f, kG2}};
  MapResult r = evaluate_coco(gt, dets);
  EXPECT_NEAR(r.map, 253.0 / 303, 1e-12);
  EXPECT_NEAR(r.ap50, 253.0 / 303, 1e-12);
  EXPECT_EQ(r.classes[0].curve.recall.size(), 3u);
}

TEST(CocoAp, DifficultGtsAreIgnoreRegions) {
  // d1, d2 on the difficult gt: ignored (neither TP nor FP, even the second);
  // d3 TP on the plain gt; npos = 1 -> AP 1.
  Dataset gt = make_dataset(1, {image("a", {gt_object(0, kG1), gt_object(0, kG2, true)})});
  std::vector<Detection> dets{{"a", 0, 0.9f, kG2}, {"a", 0, 0.85f, kG2}, {"a", 0, 0.8f, kG1}};
  MapResult r = evaluate_coco(gt, dets);
  EXPECT_EQ(r.classes[0].num_gt, 1);
  EXPECT_DOUBLE_EQ(r.map, 1.0);
}

TEST(CocoAp, DuplicateIsFalsePositive) {
  // TP then a duplicate FP on the same gt: recall 1 1, precision 1 1/2 -> 1.
  // In the other order of score a FP leads: recall 0 1, precision 0 1/2 -> 1/2.
  Dataset gt = make_dataset(1, {image("a", {gt_object(0, kG1)})});
  EXPECT_DOUBLE_EQ(evaluate_coco(gt, {{"a", 0, 0.9f, kG1}, {"a", 0, 0.8f, kG1}}).map, 1.0);
  EXPECT_DOUBLE_EQ(evaluate_coco(gt, {{"a", 0, 0.9f, kNowhere}, {"a", 0, 0.8f, kG1}}).map, 0.5);
}

TEST(CocoAp, MaxDetsPerImageAndClass) {
  // Two gts, two exact dets; with max_dets = 1 only the higher-scoring det
  // counts: recall reaches 1/2 -> r = 0..0.50 at precision 1: 51/101.
  Dataset gt = make_dataset(1, {image("a", {gt_object(0, kG1), gt_object(0, kG2)})});
  std::vector<Detection> dets{{"a", 0, 0.8f, kG1}, {"a", 0, 0.9f, kG2}};
  EXPECT_DOUBLE_EQ(evaluate_coco(gt, dets).map, 1.0);
  CocoOptions one;
  one.max_dets = 1;
  EXPECT_NEAR(evaluate_coco(gt, dets, one).map, 51.0 / 101, 1e-12);
}

TEST(CocoAp, ClassesWithoutGtOrDets) {
  Dataset gt = make_dataset(2, {image("a", {gt_object(0, kG1)}), image("empty", {})});
  MapResult r = evaluate_coco(gt, {{"empty", 1, 0.9f, kG1}});
  EXPECT_DOUBLE_EQ(r.classes[0].ap, 0.0);  // gts, no dets
  EXPECT_TRUE(std::isnan(r.classes[1].ap));  // no gts
  EXPECT_DOUBLE_EQ(r.map, 0.0);
}

}  // namespace
}  // namespace whittle
