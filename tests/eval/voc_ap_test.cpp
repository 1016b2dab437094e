// VOC AP (2007 11-point and 2010+ area) on hand-computed cases.
#include "eval/voc_ap.h"

#include <gtest/gtest.h>

#include <cmath>

#include "graph/error.h"

#include "eval/eval_test_data.h"

namespace whittle {
namespace {

using test::det;
using test::gt_object;
using test::image;
using test::make_dataset;

// Three gts far apart in one image.
const Box kG1{1, 1, 10, 10}, kG2{101, 1, 110, 10}, kG3{201, 1, 210, 10};
const Box kNowhere{301, 301, 320, 320};

// Dets by score: d1 TP (g1), d2 FP (no gt), d3 TP (g2), d4 FP (duplicate on
// g1), d5 TP (g3); given out of score order to exercise the sort.
//   cum tp 1 1 2 2 3, cum fp 0 1 1 2 2
//   recall    1/3 1/3 2/3 2/3 1
//   precision 1   1/2 2/3 1/2 3/5
// 11-point: t = 0..0.3 -> 1 (4 points), t = 0.4..0.6 -> max(2/3,1/2,3/5) = 2/3
//   (3 points), t = 0.7..1 -> 3/5 (4 points): (4 + 2 + 2.4) / 11 = 8.4/11.
// Area: envelope over recall steps 0->1/3 at 1, 1/3->2/3 at 2/3, 2/3->1 at 3/5:
//   1/3 + 2/9 + 1/5 = 34/45.
std::vector<Detection> five_dets() {
  return {det("a", 0, 0.7f, kG2), det("a", 0, 0.9f, kG1), det("a", 0, 0.5f, kG3),
          det("a", 0, 0.8f, kNowhere), det("a", 0, 0.6f, Box{1, 1, 10, 11})};
}

TEST(VocAp, HandComputedElevenPoint) {
  Dataset gt = make_dataset(1, {image("a", {gt_object(0, kG1), gt_object(0, kG2), gt_object(0, kG3)})});
  MapResult r = evaluate_detections(gt, five_dets(), ApMetric::Voc07);
  ASSERT_EQ(r.classes.size(), 1u);
  EXPECT_EQ(r.metric, "voc07");
  EXPECT_NEAR(r.classes[0].ap, 8.4 / 11, 1e-12);
  EXPECT_NEAR(r.map, 8.4 / 11, 1e-12);
  EXPECT_EQ(r.classes[0].num_gt, 3);
  EXPECT_EQ(r.classes[0].num_det, 5);
  const std::vector<double> recall{1. / 3, 1. / 3, 2. / 3, 2. / 3, 1};
  const std::vector<double> precision{1, 0.5, 2. / 3, 0.5, 0.6};
  ASSERT_EQ(r.classes[0].curve.recall.size(), 5u);
  for (int k = 0; k < 5; ++k) {
    EXPECT_NEAR(r.classes[0].curve.recall[k], recall[k], 1e-12) << k;
    EXPECT_NEAR(r.classes[0].curve.precision[k], precision[k], 1e-12) << k;
  }
}

TEST(VocAp, HandComputedArea) {
  Dataset gt = make_dataset(1, {image("a", {gt_object(0, kG1), gt_object(0, kG2), gt_object(0, kG3)})});
  MapResult r = evaluate_detections(gt, five_dets(), ApMetric::Voc12);
  EXPECT_EQ(r.metric, "voc12");
  EXPECT_NEAR(r.classes[0].ap, 34.0 / 45, 1e-12);
}

TEST(VocAp, DuplicateDetectionIsFalsePositive) {
  // Two dets on one gt: TP then FP. recall 1 1, precision 1 1/2 -> both APs 1;
  // without the duplicate rule the second would be a TP of a used gt.
  Dataset gt = make_dataset(1, {image("a", {gt_object(0, kG1)})});
  std::vector<Detection> dets{det("a", 0, 0.9f, kG1), det("a", 0, 0.8f, kG1)};
  MapResult r = evaluate_detections(gt, dets, ApMetric::Voc07);
  EXPECT_DOUBLE_EQ(r.classes[0].curve.precision[1], 0.5);
  EXPECT_DOUBLE_EQ(r.classes[0].curve.recall[1], 1.0);
}

TEST(VocAp, DifficultIsNeitherTpNorFpAndNotInNpos) {
  // gts: g1 plain, g2 difficult. d1 (0.9) on g2 -> ignored, d2 (0.8) on g2
  // again -> ignored (not a duplicate FP), d3 (0.7) on g1 -> TP. npos = 1.
  // Points: (0, 0), (0, 0), (1, 1) -> both metrics 1. Counting d1 as FP would
  // give precision 1/2 at recall 1; counting g2 in npos, recall 1/2.
  Dataset gt = make_dataset(1, {image("a", {gt_object(0, kG1), gt_object(0, kG2, true)})});
  std::vector<Detection> dets{det("a", 0, 0.9f, kG2), det("a", 0, 0.8f, kG2),
                              det("a", 0, 0.7f, kG1)};
  for (ApMetric m : {ApMetric::Voc07, ApMetric::Voc12}) {
    MapResult r = evaluate_detections(gt, dets, m);
    EXPECT_EQ(r.classes[0].num_gt, 1);
    EXPECT_DOUBLE_EQ(r.classes[0].ap, 1.0) << ap_metric_name(m);
    EXPECT_DOUBLE_EQ(r.classes[0].curve.recall.back(), 1.0);
    EXPECT_DOUBLE_EQ(r.classes[0].curve.precision.back(), 1.0);
  }
}

TEST(VocAp, OverlapUsesAllGtsIncludingMatchedOnes) {
  // g1 (1,1,10,10) and g2 (1,1,10,12) overlap. d1 matches g2 (IoU 1). d2 =
  // (1,1,10,11) has IoU 110/120 with g2 and 100/110 with g1: its best gt is
  // the already-detected g2 -> FP, even though g1 is free and IoU > 0.5.
  Dataset gt = make_dataset(1, {image("a", {gt_object(0, kG1), gt_object(0, Box{1, 1, 10, 12})})});
  std::vector<Detection> dets{det("a", 0, 0.9f, Box{1, 1, 10, 12}), det("a", 0, 0.8f, Box{1, 1, 10, 11})};
  MapResult r = evaluate_detections(gt, dets, ApMetric::Voc12);
  // recall 1/2 1/2, precision 1 1/2 -> area 1/2.
  EXPECT_DOUBLE_EQ(r.classes[0].ap, 0.5);
}

TEST(VocAp, HalfOverlapIsNotEnough) {
  // +1 convention: gt (1,1,10,10) has area 10*10 = 100; det (1,1,10,5) has
  // area 10*5 = 50, all inside: IoU = 50/100 = 0.5 exactly -> FP (strict >).
  // det (1,1,10,6): IoU 60/100 -> TP.
  EXPECT_DOUBLE_EQ(voc_iou(kG1, Box{1, 1, 10, 5}), 0.5);
  Dataset gt = make_dataset(1, {image("a", {gt_object(0, kG1)})});
  for (ApMetric m : {ApMetric::Voc07, ApMetric::Voc12}) {
    EXPECT_DOUBLE_EQ(evaluate_detections(gt, {det("a", 0, 0.9f, Box{1, 1, 10, 5})}, m).map, 0.0);
    EXPECT_DOUBLE_EQ(evaluate_detections(gt, {det("a", 0, 0.9f, Box{1, 1, 10, 6})}, m).map, 1.0);
  }
}

TEST(VocAp, IouPlusOneConvention) {
  // Touching boxes share the pixel column 10: iw = 10 - 10 + 1 = 1.
  EXPECT_DOUBLE_EQ(voc_iou(Box{1, 1, 10, 10}, Box{10, 1, 19, 10}), 10.0 / 190.0);
  EXPECT_DOUBLE_EQ(voc_iou(Box{1, 1, 10, 10}, Box{11, 1, 20, 10}), 0.0);
  EXPECT_DOUBLE_EQ(voc_iou(kG1, kG1), 1.0);
}

TEST(VocAp, EqualScoresKeepInputOrder) {
  // Same score: stable sort keeps input (file) order, as the devkit's sort.
  // [TP, FP]: recall 1 1, precision 1 1/2 -> AP 1.
  // [FP, TP]: recall 0 1, precision 0 1/2 -> 11-point 1/2, area 1/2.
  Dataset gt = make_dataset(1, {image("a", {gt_object(0, kG1)})});
  std::vector<Detection> tp_first{det("a", 0, 0.5f, kG1), det("a", 0, 0.5f, kNowhere)};
  std::vector<Detection> fp_first{det("a", 0, 0.5f, kNowhere), det("a", 0, 0.5f, kG1)};
  for (ApMetric m : {ApMetric::Voc07, ApMetric::Voc12}) {
    EXPECT_DOUBLE_EQ(evaluate_detections(gt, tp_first, m).map, 1.0) << ap_metric_name(m);
    EXPECT_DOUBLE_EQ(evaluate_detections(gt, fp_first, m).map, 0.5) << ap_metric_name(m);
  }
}

TEST(VocAp, ImageWithoutObjectsAndClassesWithoutDetsOrGts) {
  // Class 0: FP (0.95) on an image with no objects, then TP: recall 0 1,
  // precision 0 1/2 -> AP 1/2. Class 1: a gt, no dets -> AP 0. Class 2: no
  // gt (a det anyway) -> NaN, left out: mAP = (1/2 + 0) / 2.
  Dataset gt = make_dataset(3, {image("a", {gt_object(0, kG1), gt_object(1, kG2)}), image("empty", {})});
  std::vector<Detection> dets{det("empty", 0, 0.95f, kG1), det("a", 0, 0.9f, kG1),
                              det("a", 2, 0.9f, kG3)};
  for (ApMetric m : {ApMetric::Voc07, ApMetric::Voc12}) {
    MapResult r = evaluate_detections(gt, dets, m);
    ASSERT_EQ(r.classes.size(), 3u);
    EXPECT_DOUBLE_EQ(r.classes[0].ap, 0.5);
    EXPECT_DOUBLE_EQ(r.classes[1].ap, 0.0);
    EXPECT_EQ(r.classes[1].num_det, 0);
    EXPECT_TRUE(std::isnan(r.classes[2].ap));
    EXPECT_EQ(r.classes[2].num_gt, 0);
    EXPECT_TRUE(r.classes[2].curve.recall.empty());
    EXPECT_DOUBLE_EQ(r.map, 0.25);
  }
}

TEST(VocAp, NoGtAnywhereGivesNanMap) {
  Dataset gt = make_dataset(1, {image("a", {})});
  EXPECT_TRUE(std::isnan(evaluate_detections(gt, {}, ApMetric::Voc07).map));
}

TEST(VocAp, ElevenPointThresholdsAreNumpys) {
  // voc_eval.py's thresholds are np.arange(0., 1.1, 0.1), i.e. i * 0.1:
  // t[3] = 0.30000000000000004, so a recall of exactly 3/10 reaches only
  // t = 0, 0.1, 0.2 -> 3/11 (4/11 with decimal thresholds). Likewise 6/10.
  PrCurve curve{{3.0 / 10}, {1.0}};
  EXPECT_DOUBLE_EQ(voc07_ap(curve), 3.0 / 11);
  EXPECT_DOUBLE_EQ(voc07_ap(PrCurve{{6.0 / 10}, {1.0}}), 6.0 / 11);
  EXPECT_DOUBLE_EQ(voc07_ap(PrCurve{{0.5}, {1.0}}), 6.0 / 11);  // t = 0..0.5
  EXPECT_DOUBLE_EQ(voc12_ap(curve), 0.3);
  EXPECT_DOUBLE_EQ(voc07_ap(PrCurve{}), 0.0);
  EXPECT_DOUBLE_EQ(voc12_ap(PrCurve{}), 0.0);
}

TEST(VocAp, BadInputIsAnError) {
  Dataset gt = make_dataset(1, {image("a", {gt_object(0, kG1)})});
  EXPECT_THROW(evaluate_detections(gt, {det("zzz", 0, 0.5f, kG1)}, ApMetric::Voc07), Error);
  EXPECT_THROW(evaluate_detections(gt, {det("a", 1, 0.5f, kG1)}, ApMetric::Voc07), Error);
  EXPECT_THROW(evaluate_detections(gt, {det("a", 0, NAN, kG1)}, ApMetric::Coco), Error);
  try {
    evaluate_detections(gt, {det("zzz", 0, 0.5f, kG1)}, ApMetric::Voc12);
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("unrecognized image 'zzz'"), std::string::npos) << e.what();
  }
  Dataset dup = make_dataset(1, {image("a", {}), image("a", {})});
  EXPECT_THROW(evaluate_detections(dup, {}, ApMetric::Voc07), Error);
  EXPECT_EQ(parse_ap_metric("voc12"), ApMetric::Voc12);
  EXPECT_THROW(parse_ap_metric("voc2007"), Error);
}

}  // namespace
}  // namespace whittle
