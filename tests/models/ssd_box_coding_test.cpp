// SSD matching and box coding on hand cases.
#include <gtest/gtest.h>

#include <ATen/ATen.h>

#include "models/ssd/ssd300_vgg16.h"
#include "models/ssd/ssd_box_coding.h"

namespace whittle {
namespace {

at::Tensor boxes(std::vector<float> v) {
  return at::tensor(v, at::kFloat).view({-1, 4});
}

TEST(SsdBoxCoding, IouHandCase) {
  at::Tensor a = boxes({0, 0, 2, 2});
  at::Tensor b = boxes({1, 1, 3, 3, 0, 0, 2, 2, 5, 5, 6, 6, 0, 0, 0, 0});
  at::Tensor iou = box_iou(a, b);
  ASSERT_EQ(iou.sizes(), (at::IntArrayRef{1, 4}));
  EXPECT_NEAR(iou[0][0].item<float>(), 1.0 / 7.0, 1e-6);  // 1 / (4 + 4 - 1)
  EXPECT_NEAR(iou[0][1].item<float>(), 1.0, 1e-6);
  EXPECT_EQ(iou[0][2].item<float>(), 0.0f);
  EXPECT_EQ(iou[0][3].item<float>(), 0.0f);
  EXPECT_EQ(box_iou(boxes({1, 1, 1, 1}), boxes({1, 1, 1, 1}))[0][0].item<float>(), 0.0f);  // no NaN
}

// Four priors (cx, cy, w, h) on a line.
at::Tensor line_priors() {
  return boxes({0.125f, 0.5f, 0.25f, 0.25f, 0.375f, 0.5f, 0.25f, 0.25f,  //
                0.625f, 0.5f, 0.25f, 0.25f, 0.875f, 0.5f, 0.25f, 0.25f});
}

TEST(SsdBoxCoding, GroundTruthIsForcedOntoItsBestPriorBelowThreshold) {
  // A tiny box inside prior 2: IoU = 0.01 / 0.0625 = 0.16 < 0.5, still matched.
  at::Tensor gt = boxes({0.6f, 0.45f, 0.7f, 0.55f});
  at::Tensor m = match_priors(gt, line_priors(), 0.5);
  EXPECT_TRUE(at::equal(m, at::tensor(std::vector<int64_t>{-1, -1, 0, -1})));
}

TEST(SsdBoxCoding, ThresholdIsInclusiveAndPriorsTakeTheirBestGroundTruth) {
  // Priors as x1y1x2y2: [0, .25], [.25, .5], [.5, .75], [.75, 1] by [.375, .625].
  // gt 0 covers prior 0 and half of prior 1: IoU 0.0625 / 0.09375 = 2/3 with
  // prior 0, 0.03125 / 0.125 = 0.25 with prior 1. gt 1 covers priors 2 and 3:
  // IoU exactly 0.5 with each; its best (first) prior 2 is forced, prior 3
  // matches only through the threshold (IoU >= 0.5).
  at::Tensor gt = boxes({0.0f, 0.375f, 0.375f, 0.625f,  // gt 0
                         0.5f, 0.375f, 1.0f, 0.625f});  // gt 1
  at::Tensor m = match_priors(gt, line_priors(), 0.5);
  EXPECT_TRUE(at::equal(m, at::tensor(std::vector<int64_t>{0, -1, 1, 1}))) << m;
  m = match_priors(gt, line_priors(), 0.51);
  EXPECT_TRUE(at::equal(m, at::tensor(std::vector<int64_t>{0, -1, 1, -1}))) << m;
  m = match_priors(gt, line_priors(), 0.25);
  EXPECT_TRUE(at::equal(m, at::tensor(std::vector<int64_t>{0, 0, 1, 1}))) << m;
}

TEST(SsdBoxCoding, LaterGroundTruthWinsASharedBestPriorAndEmptyMatchesNothing) {
  at::Tensor gt = boxes({0.6f, 0.45f, 0.7f, 0.55f, 0.55f, 0.45f, 0.7f, 0.55f});
  at::Tensor m = match_priors(gt, line_priors(), 0.5);
  EXPECT_TRUE(at::equal(m, at::tensor(std::vector<int64_t>{-1, -1, 1, -1}))) << m;
  m = match_priors(at::zeros({0, 4}), line_priors(), 0.5);
  EXPECT_TRUE(at::equal(m, at::full({4}, -1, at::kLong)));
}

TEST(SsdBoxCoding, EncodeHandValuesAndDecodeRoundTrip) {
  at::Tensor prior = boxes({0.5f, 0.5f, 0.2f, 0.4f});
  // gt centre (0.52, 0.46), size (0.2, 0.8): t = (0.02 / (0.1 * 0.2), -0.04 / (0.1 * 0.4),
  // log(1) / 0.2, log(2) / 0.2) = (1, -1, 0, 3.4657).
  at::Tensor t = encode_boxes(boxes({0.42f, 0.06f, 0.62f, 0.86f}), prior);
  EXPECT_NEAR(t[0][0].item<float>(), 1.0, 1e-5);
  EXPECT_NEAR(t[0][1].item<float>(), -1.0, 1e-5);
  EXPECT_NEAR(t[0][2].item<float>(), 0.0, 1e-5);
  EXPECT_NEAR(t[0][3].item<float>(), std::log(2.0) / 0.2, 1e-5);

  // Random boxes against all SSD300 priors: decode(encode(g)) == g.
  at::Tensor priors = generate_ssd_priors(ssd300_vgg16_prior_config());
  const int64_t p = priors.size(0);
  at::manual_seed(2345);
  at::Tensor lo = at::rand({p, 2}) * 0.7, size = at::rand({p, 2}) * 0.3 + 0.01;
  at::Tensor g = at::cat({lo, lo + size}, 1);
  at::Tensor back = decode_boxes(encode_boxes(g, priors), priors);
  EXPECT_LT((back - g).abs().max().item<float>(), 1e-5);
  // Batched offsets [B, P, 4] decode against [P, 4] priors.
  at::Tensor batched = decode_boxes(encode_boxes(g, priors).unsqueeze(0).repeat({2, 1, 1}), priors);
  EXPECT_LT((batched[1] - g).abs().max().item<float>(), 1e-5);
  // Zero offsets decode to the priors themselves.
  EXPECT_LT((decode_boxes(at::zeros({p, 4}), priors) - cxcywh_to_xyxy(priors)).abs().max().item<float>(),
            1e-7);
}

}  // namespace
}  // namespace whittle
