// eval/detection_agreement.h: greedy same-class IoU matching of two
// detection lists, on hand-made cases.
#include "eval/detection_agreement.h"

#include <gtest/gtest.h>

#include "error_of.h"

namespace whittle {
namespace {

ScoredBox sb(float x1, float y1, float x2, float y2, int label, float score = 0.9f) {
  return ScoredBox{x1, y1, x2, y2, label, score};
}

TEST(DetectionAgreement, IdenticalListsAgreeFully) {
  std::vector<ScoredBox> a{sb(0, 0, 0.5f, 0.5f, 0), sb(0.5f, 0.5f, 1, 1, 1, 0.4f)};
  const DetectionAgreement r = detection_agreement(a, a);
  EXPECT_EQ(r.matched, 2);
  EXPECT_EQ(r.only_a, 0);
  EXPECT_EQ(r.only_b, 0);
  EXPECT_DOUBLE_EQ(r.ratio(), 1.0);
  EXPECT_DOUBLE_EQ(r.mean_iou(), 1.0);
  EXPECT_DOUBLE_EQ(r.max_score_diff, 0.0);
}

TEST(DetectionAgreement, BothEmptyIsFullAgreementOneEmptyIsNone) {
  EXPECT_DOUBLE_EQ(detection_agreement(std::vector<ScoredBox>{}, std::vector<ScoredBox>{}).ratio(), 1.0);
  const DetectionAgreement r = detection_agreement({sb(0, 0, 1, 1, 0)}, {});
  EXPECT_EQ(r.only_a, 1);
  EXPECT_EQ(r.only_b, 0);
  EXPECT_DOUBLE_EQ(r.ratio(), 0.0);
}

TEST(DetectionAgreement, ClassesMustMatchAndIouReachTheThreshold) {
  // Same box, other class: no match.
  EXPECT_EQ(detection_agreement({sb(0, 0, 1, 1, 0)}, {sb(0, 0, 1, 1, 1)}).matched, 0);
  // IoU exactly 0.5: [0,1]x[0,0.5] inside [0,1]x[0,1].
  EXPECT_DOUBLE_EQ(box_iou(sb(0, 0, 1, 1, 0), sb(0, 0, 1, 0.5f, 0)), 0.5);
  EXPECT_EQ(detection_agreement({sb(0, 0, 1, 1, 0)}, {sb(0, 0, 1, 0.5f, 0)}).matched, 1);
  // IoU 0.25 < 0.5: none; a lower threshold matches.
  EXPECT_EQ(detection_agreement({sb(0, 0, 1, 1, 0)}, {sb(0, 0, 0.5f, 0.5f, 0)}).matched, 0);
  EXPECT_EQ(detection_agreement({sb(0, 0, 1, 1, 0)}, {sb(0, 0, 0.5f, 0.5f, 0)}, 0.25).matched, 1);
  EXPECT_DOUBLE_EQ(box_iou(sb(0, 0, 1, 1, 0), sb(2, 2, 3, 3, 0)), 0.0);
}

TEST(DetectionAgreement, GreedyByHighestIouEachDetectionOnce) {
  // a0 overlaps b0 (IoU 0.6) and b1 (IoU 0.9); a1 reaches 0.5 only with b0
  // (IoU 5/6). Greedy by IoU: (a0,b1) 0.9, then (a1,b0) 5/6: two matches.
  const ScoredBox a0 = sb(0, 0, 1, 1, 2, 0.9f);
  const ScoredBox b1 = sb(0, 0, 1, 0.9f, 2, 0.7f);
  const ScoredBox b0 = sb(0, 0.4f, 1, 1, 2, 0.8f);   // IoU with a0: 0.6
  const ScoredBox a1 = sb(0, 0.5f, 1, 1, 2, 0.5f);  // IoU with b0: 0.5/0.6
  ASSERT_NEAR(box_iou(a0, b0), 0.6, 1e-6);
  ASSERT_NEAR(box_iou(a1, b0), 5.0 / 6.0, 1e-6);
  ASSERT_LT(box_iou(a1, b1), 0.5);
  const DetectionAgreement r = detection_agreement({a0, a1}, {b0, b1});
  EXPECT_EQ(r.matched, 2);
  EXPECT_NEAR(r.mean_iou(), (0.9 + 5.0 / 6.0) / 2, 1e-6);
  EXPECT_NEAR(r.max_score_diff, 0.3, 1e-6);  // a1 0.5 vs b0 0.8

  // Two detections on one box of the other list: one matched, one left over.
  const DetectionAgreement dup = detection_agreement({a0, a0}, {a0});
  EXPECT_EQ(dup.matched, 1);
  EXPECT_EQ(dup.only_a, 1);
  EXPECT_EQ(dup.count_a(), 2);
  EXPECT_EQ(dup.count_b(), 1);
  EXPECT_DOUBLE_EQ(dup.ratio(), 0.5);
}

TEST(DetectionAgreement, TotalsOverImagesAndDetectionLists) {
  DetectionAgreement total = detection_agreement({sb(0, 0, 1, 1, 0)}, {sb(0, 0, 1, 1, 0)});
  total += detection_agreement({sb(0, 0, 1, 1, 0)}, {sb(0, 0, 1, 1, 1), sb(0, 0, 1, 1, 0)});
  EXPECT_EQ(total.matched, 2);
  EXPECT_EQ(total.only_b, 1);
  EXPECT_DOUBLE_EQ(total.ratio(), 2.0 / 3.0);

  // Detection records match only within an image (VOC boxes, voc_iou).
  const Box box{1, 1, 10, 10};
  std::vector<Detection> a{{"img1", 0, 0.9f, box}, {"img2", 0, 0.8f, box}};
  std::vector<Detection> b{{"img1", 0, 0.7f, box}, {"img3", 0, 0.8f, box}};
  const DetectionAgreement d = detection_agreement(a, b);
  EXPECT_EQ(d.matched, 1);
  EXPECT_EQ(d.only_a, 1);
  EXPECT_EQ(d.only_b, 1);
  EXPECT_NEAR(d.max_score_diff, 0.2, 1e-6);
}

TEST(DetectionAgreement, RejectsABadThreshold) {
  EXPECT_NE(test::error_of([] { detection_agreement(std::vector<ScoredBox>{}, {}, 0.0); }).find("(0, 1]"),
            std::string::npos);
  EXPECT_NE(test::error_of([] { detection_agreement(std::vector<ScoredBox>{}, {}, 1.5); }).find("(0, 1]"),
            std::string::npos);
}

}  // namespace
}  // namespace whittle
