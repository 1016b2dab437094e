// SSD training end to end on a tiny set: Runner in training mode + SsdHead loss.
#include <gtest/gtest.h>

#include <ATen/ATen.h>

#include <cmath>

#include "models/ssd/ssd_mobilenet.h"
#include "runtime/runner.h"

namespace whittle {
namespace {

TEST(SsdOverfit, LossHalvesOnTwoImagesIn30SgdSteps) {
  SsdOptions o;
  o.num_classes = 3;
  o.width = 0.25;
  o.input_size = 128;
  Detector d = build_ssdlite_mobilenet_v2(o);
  at::manual_seed(11);
  const at::Tensor images = at::rand({2, 3, 128, 128}) * 2 - 1;
  std::vector<Target> targets = {
      {at::tensor(std::vector<float>{0.1f, 0.2f, 0.5f, 0.7f, 0.55f, 0.1f, 0.95f, 0.45f}).view({2, 4}),
       at::tensor(std::vector<int64_t>{0, 2})},
      {at::tensor(std::vector<float>{0.3f, 0.3f, 0.8f, 0.9f}).view({1, 4}),
       at::tensor(std::vector<int64_t>{1})}};
  Runner runner(d.graph, RunnerOptions{RunMode::Training});
  std::vector<at::Tensor> params = runner.parameters();
  std::vector<at::Tensor> velocity;
  for (const auto& p : params) velocity.push_back(at::zeros_like(p));
  const double lr = 0.05, momentum = 0.9;
  double first = 0, last = 0;
  for (int step = 0; step < 30; ++step) {
    HeadLoss loss = d.head->loss(runner.run({{"input", images}}), targets);
    const double value = loss.total.item<double>();
    ASSERT_TRUE(std::isfinite(value)) << "step " << step;
    if (step == 0) first = value;
    last = value;
    loss.total.backward();
    at::NoGradGuard no_grad;
    for (size_t i = 0; i < params.size(); ++i) {
      if (!params[i].grad().defined()) continue;
      velocity[i].mul_(momentum).add_(params[i].grad());  // torch.optim.SGD
      params[i].sub_(velocity[i] * lr);
      params[i].mutable_grad().zero_();
    }
  }
  RecordProperty("first_loss", std::to_string(first));
  RecordProperty("last_loss", std::to_string(last));
  EXPECT_LT(last, 0.5 * first) << "first " << first << ", last " << last;
}

TEST(SsdOverfit, BatchWithoutObjectsTrainsWithoutNaN) {
  SsdOptions o;
  o.num_classes = 2;
  o.width = 0.25;
  o.input_size = 64;
  Detector d = build_ssd_mobilenet_v1(o);
  Runner runner(d.graph, RunnerOptions{RunMode::Training});
  std::vector<Target> empty(2, Target{at::zeros({0, 4}), at::zeros({0}, at::kLong)});
  HeadLoss loss = d.head->loss(runner.run({{"input", at::rand({2, 3, 64, 64})}}), empty);
  EXPECT_EQ(loss.total.item<double>(), 0.0);
  EXPECT_EQ(loss.parts.at("positives"), 0.0);
  loss.total.backward();
  for (const at::Tensor& p : runner.parameters()) {
    if (!p.grad().defined()) continue;
    ASSERT_TRUE(at::isfinite(p.grad()).all().item<bool>());
  }
}

}  // namespace
}  // namespace whittle
