// SSD MultiBox loss: hard negative mining and hand-computed losses.
#include <gtest/gtest.h>

#include <ATen/ATen.h>

#include <cmath>

#include "graph/error.h"
#include "models/ssd/ssd_loss.h"

namespace whittle {
namespace {

at::Tensor boxes(std::vector<float> v) { return at::tensor(v, at::kFloat).view({-1, 4}); }

at::Tensor line_priors() {  // x1y1x2y2: [0, .25], [.25, .5], [.5, .75], [.75, 1] by [.375, .625]
  return boxes({0.125f, 0.5f, 0.25f, 0.25f, 0.375f, 0.5f, 0.25f, 0.25f,  //
                0.625f, 0.5f, 0.25f, 0.25f, 0.875f, 0.5f, 0.25f, 0.25f});
}

Target target(std::vector<float> b, std::vector<int64_t> labels) {
  return {boxes(std::move(b)), at::tensor(labels, at::kLong)};
}

Target no_objects() { return {at::zeros({0, 4}), at::zeros({0}, at::kLong)}; }

TEST(SsdLoss, HardNegativeMiningTakesThreeTimesPositivesHighestLossNegatives) {
  at::Tensor loss = at::tensor(std::vector<float>{0.1f, 0.9f, 0.5f, 0.3f, 0.8f, 0.2f, 0.7f, 0.6f,  //
                                                  0.1f, 0.9f, 0.5f, 0.3f, 0.8f, 0.2f, 0.7f, 0.6f,  //
                                                  0.1f, 0.9f, 0.5f, 0.3f, 0.8f, 0.2f, 0.7f, 0.6f})
                        .view({3, 8});
  at::Tensor positive = at::zeros({3, 8}, at::kBool);
  positive[0][1] = true;  // the highest loss is positive: never a negative
  // image 1: no positives -> no negatives.
  positive[2][0] = positive[2][1] = positive[2][2] = true;  // 9 wanted, 5 left
  at::Tensor mask = hard_negative_mask(loss, positive, 3);
  auto row = [&](int64_t i) {
    std::vector<int> v;
    for (int64_t j = 0; j < 8; ++j) v.push_back(mask[i][j].item<bool>());
    return v;
  };
  EXPECT_EQ(row(0), (std::vector<int>{0, 0, 0, 0, 1, 0, 1, 1}));  // 0.8, 0.7, 0.6
  EXPECT_EQ(row(1), (std::vector<int>(8, 0)));
  EXPECT_EQ(row(2), (std::vector<int>{0, 0, 0, 1, 1, 1, 1, 1}));
  // Ratio 1: only the hardest negative.
  EXPECT_EQ(hard_negative_mask(loss, positive, 1)[0].nonzero().item<int64_t>(), 4);
}

TEST(SsdLoss, HandComputedLocAndConf) {
  // Two classes -> three columns. One gt = prior 0 exactly, label 1 (column 2).
  at::Tensor cls = at::zeros({2, 4, 3});
  cls[0][3][1] = 5.0f;  // prior 3 (background) strongly predicts class 0: the hardest negative
  at::Tensor reg = at::zeros({2, 4, 4});
  reg[0][0][0] = 2.0f;   // SmoothL1: |2| - 0.5 = 1.5
  reg[0][0][1] = 0.5f;   // 0.5 * 0.5^2 = 0.125
  reg[0][1][0] = 10.0f;  // a negative prior: no box loss
  std::vector<Target> targets = {target({0.0f, 0.375f, 0.25f, 0.625f}, {1}), no_objects()};
  MultiboxLossOptions o;
  o.neg_pos_ratio = 1;
  MultiboxLoss l = multibox_loss(cls, reg, line_priors(), targets, o);
  EXPECT_EQ(l.positives, 1);
  EXPECT_NEAR(l.loc.item<float>(), 1.625, 1e-6);
  // CE(positive) = log 3; CE(prior 3, background) = log(1 + e^5 + 1).
  EXPECT_NEAR(l.conf.item<float>(), std::log(3.0) + std::log(2.0 + std::exp(5.0)), 1e-5);
  EXPECT_NEAR(l.total.item<float>(), l.loc.item<float>() + l.conf.item<float>(), 1e-6);
  // Ratio 3: all three background priors of image 0 (none of image 1: it has no positives).
  o.neg_pos_ratio = 3;
  l = multibox_loss(cls, reg, line_priors(), targets, o);
  EXPECT_NEAR(l.conf.item<float>(), 3 * std::log(3.0) + std::log(2.0 + std::exp(5.0)), 1e-5);
}

TEST(SsdLoss, BatchWithoutObjectsGivesZeroLossAndFiniteGradients) {
  at::Tensor cls = at::randn({2, 4, 3}).requires_grad_(true);
  at::Tensor reg = at::randn({2, 4, 4}).requires_grad_(true);
  Target undefined;  // undefined tensors count as no objects
  MultiboxLoss l = multibox_loss(cls, reg, line_priors(), {no_objects(), undefined});
  EXPECT_EQ(l.positives, 0);
  EXPECT_EQ(l.total.item<float>(), 0.0f);
  l.total.backward();
  ASSERT_TRUE(cls.grad().defined());
  EXPECT_TRUE(at::isfinite(cls.grad()).all().item<bool>());
  EXPECT_EQ(cls.grad().abs().sum().item<float>(), 0.0f);
}

TEST(SsdLoss, BadTargetsNameTheImageAndRule) {
  at::Tensor cls = at::zeros({1, 4, 3}), reg = at::zeros({1, 4, 4});
  try {
    multibox_loss(cls, reg, line_priors(), {target({0, 0, 0.5f, 0.5f}, {2})});
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("label out of range 0..1"), std::string::npos) << e.what();
  }
  EXPECT_THROW(multibox_loss(cls, reg, line_priors(), {}), Error);  // 0 targets for 1 image
  EXPECT_THROW(multibox_loss(cls, at::zeros({1, 5, 4}), line_priors(), {no_objects()}), Error);
}

}  // namespace
}  // namespace whittle
