// eval/disagreement.h: score filtering, label mapping and the order of
// images by disagreement, on hand-made detections.
#include "eval/disagreement.h"

#include <gtest/gtest.h>

namespace whittle {
namespace {

ScoredBox sb(float x1, float y1, float x2, float y2, int label, float score = 0.9f) {
  return ScoredBox{x1, y1, x2, y2, label, score};
}

DetectionAgreement agreement(int matched, int only_a, int only_b, double sum_iou) {
  DetectionAgreement a;
  a.matched = matched;
  a.only_a = only_a;
  a.only_b = only_b;
  a.sum_iou = sum_iou;
  return a;
}

TEST(Disagreement, ScoreFilterKeepsScoresAtOrAboveTheThresholdInOrder) {
  const std::vector<ScoredBox> d{sb(0, 0, 1, 1, 0, 0.9f), sb(0, 0, 1, 1, 1, 0.5f), sb(0, 0, 1, 1, 2, 0.2f)};
  const std::vector<ScoredBox> kept = detections_at_score(d, 0.5);
  ASSERT_EQ(kept.size(), 2u);
  EXPECT_EQ(kept[0].label, 0);
  EXPECT_EQ(kept[1].label, 1);
  EXPECT_EQ(detections_at_score(d, 0.0).size(), 3u);
  EXPECT_TRUE(detections_at_score(d, 0.95).empty());
}

TEST(Disagreement, LabelsMapByTheTableAndUnmappedOnesAreDropped) {
  const std::vector<ScoredBox> d{sb(0, 0, 1, 1, 0), sb(0, 0, 1, 1, 1), sb(0, 0, 1, 1, 2), sb(0, 0, 1, 1, 7)};
  const std::vector<ScoredBox> mapped = map_detection_labels(d, {5, -1, 3});
  ASSERT_EQ(mapped.size(), 2u);
  EXPECT_EQ(mapped[0].label, 5);
  EXPECT_EQ(mapped[1].label, 3);
}

TEST(Disagreement, UnmatchedCountsFirstThenTheIouGap) {
  const Disagreement d = disagreement(agreement(2, 1, 2, 1.5));
  EXPECT_EQ(d.unmatched, 3);
  EXPECT_DOUBLE_EQ(d.iou_gap, 0.25);
  EXPECT_DOUBLE_EQ(disagreement(agreement(0, 0, 0, 0)).iou_gap, 0.0);

  EXPECT_TRUE(disagrees_more(agreement(0, 1, 0, 0), agreement(5, 0, 0, 2.5)));
  EXPECT_TRUE(disagrees_more(agreement(2, 0, 1, 1.0), agreement(2, 1, 0, 1.8)));
  EXPECT_FALSE(disagrees_more(agreement(2, 1, 0, 1.8), agreement(2, 0, 1, 1.0)));
  EXPECT_FALSE(disagrees_more(agreement(1, 1, 0, 0.5), agreement(1, 0, 1, 0.5)));  // equal
}

TEST(Disagreement, OrderIsMostDisagreementFirstAndStableOnTies) {
  const std::vector<DetectionAgreement> per_image{
      agreement(3, 0, 0, 3.0),   // 0: full agreement
      agreement(1, 2, 1, 0.9),   // 1: 3 unmatched
      agreement(2, 0, 1, 1.0),   // 2: 1 unmatched, gap 0.5
      agreement(2, 1, 0, 1.8),   // 3: 1 unmatched, gap 0.1
      agreement(0, 0, 0, 0.0),   // 4: nothing either side, as 0
      agreement(1, 0, 1, 0.5),   // 5: as 2
  };
  EXPECT_EQ(disagreement_order(per_image), (std::vector<int>{1, 2, 5, 3, 0, 4}));
  EXPECT_TRUE(disagreement_order({}).empty());
}

TEST(Disagreement, SameDetectionsBothSidesLeaveNothingUnmatched) {
  const std::vector<ScoredBox> d{sb(10, 10, 50, 60, 0, 0.8f), sb(40, 5, 90, 30, 2, 0.6f), sb(0, 0, 5, 5, 1, 0.3f)};
  const DetectionAgreement a = detection_agreement(detections_at_score(d, 0.5), detections_at_score(d, 0.5));
  EXPECT_EQ(a.matched, 2);
  EXPECT_EQ(disagreement(a).unmatched, 0);
  EXPECT_DOUBLE_EQ(disagreement(a).iou_gap, 0.0);
}

}  // namespace
}  // namespace whittle
