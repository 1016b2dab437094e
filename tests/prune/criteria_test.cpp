// Each criterion on hand-made weights (and, for taylor and apoz, a tiny graph
// and hand-fed batches) against scores computed by hand.
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <numeric>

#include "graph/error.h"
#include "graph/graph_builder.h"
#include "prune/criteria/apoz.h"
#include "prune/criteria/bn_scale.h"
#include "prune/criteria/fpgm.h"
#include "prune/criteria/l1_norm.h"
#include "prune/criteria/l2_norm.h"
#include "prune/criteria/random.h"
#include "prune/criteria/taylor.h"
#include "prune/importance.h"
#include "prune/prune_test_data.h"

namespace whittle {
namespace {

using namespace test;

Node weighted_node(const std::string& name, Op op, at::Tensor weight) {
  Node n;
  n.name = name;
  n.op = op;
  n.output = name;
  n.weights["weight"] = std::move(weight);
  return n;
}

// A 3-filter 1x1 conv over 2 input channels:
//   filter 0 = [1, -2], filter 1 = [0.5, 0.5], filter 2 = [-3, 4].
Graph three_filter_graph() {
  Graph g;
  g.nodes.push_back(weighted_node(
      "conv", Op::Conv2d, at::tensor({1.f, -2.f, 0.5f, 0.5f, -3.f, 4.f}).view({3, 2, 1, 1})));
  return g;
}

ChannelGroup conv_group(std::vector<int64_t> order = {0, 1, 2}) {
  ChannelGroup group;
  group.name = "conv";
  group.channels = 3;
  group.members.push_back(member("conv", ChannelRole::Filters, std::move(order)));
  group.members.push_back(member("next", ChannelRole::ConvInput, {0, 1, 2}));
  return group;
}

TEST(Criteria, L1SumsAbsoluteFilterWeights) {
  const Graph g = three_filter_graph();
  auto scores = l1_norm_scores(g, conv_group());
  ASSERT_EQ(scores.size(), 1u);  // the ConvInput member is not scored
  expect_near(scores[0], {3.f, 1.f, 7.f});
  // Group order follows the member's channel map.
  expect_near(l1_norm_scores(g, conv_group({2, 0, 1}))[0], {7.f, 3.f, 1.f});
}

TEST(Criteria, L2IsTheFilterNorm) {
  expect_near(l2_norm_scores(three_filter_graph(), conv_group())[0],
              {std::sqrt(5.f), std::sqrt(0.5f), 5.f});
}

TEST(Criteria, DepthwiseMembersCountForL1AndL2) {
  Graph g = three_filter_graph();
  // depthwise 3x3 filters: all 1 (l1 9, l2 3), all -2 (18, 6), zero (0, 0)
  at::Tensor dw = at::cat({at::ones({1, 1, 3, 3}), at::full({1, 1, 3, 3}, -2.f), at::zeros({1, 1, 3, 3})});
  g.nodes.push_back(weighted_node("dw", Op::Conv2d, dw));
  ChannelGroup group = conv_group();
  group.members.push_back(member("dw", ChannelRole::Depthwise, {0, 1, 2}));
  auto l1 = l1_norm_scores(g, group);
  ASSERT_EQ(l1.size(), 2u);
  expect_near(l1[1], {9.f, 18.f, 0.f});
  auto l2 = l2_norm_scores(g, group);
  ASSERT_EQ(l2.size(), 2u);
  expect_near(l2[1], {3.f, 6.f, 0.f});
  EXPECT_EQ(fpgm_scores(g, group).size(), 1u) << "fpgm reads Filters members only";
}

TEST(Criteria, BnScaleIsAbsoluteGammaOfBatchNormMembers) {
  Graph g = three_filter_graph();
  g.nodes.push_back(weighted_node("bn", Op::BatchNorm2d, at::tensor({-0.5f, 2.f, 0.f})));
  g.nodes.push_back(weighted_node("l2", Op::L2Norm, at::tensor({9.f, 9.f, 9.f})));
  ChannelGroup group = conv_group();
  group.members.push_back(member("bn", ChannelRole::Norm, {0, 1, 2}));
  group.members.push_back(member("l2", ChannelRole::Norm, {0, 1, 2}));
  auto scores = bn_scale_scores(g, group);
  ASSERT_EQ(scores.size(), 1u) << "an L2Norm scale is not a BatchNorm gamma";
  expect_near(scores[0], {0.5f, 2.f, 0.f});
}

TEST(Criteria, BnScaleWithoutBatchNormNamesTheGroup) {
  try {
    bn_scale_scores(three_filter_graph(), conv_group());
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("'conv'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("BatchNorm"), std::string::npos) << e.what();
  }
}

TEST(Criteria, FpgmSumsDistancesToTheOtherFilters) {
  // 1-D filters 0, 1 and 3: distances 0-1 = 1, 0-3 = 3, 1-3 = 2.
  Graph g;
  g.nodes.push_back(weighted_node("conv", Op::Conv2d, at::tensor({0.f, 1.f, 3.f}).view({3, 1, 1, 1})));
  expect_near(fpgm_scores(g, conv_group())[0], {4.f, 3.f, 5.f});
  // The three-filter conv: |f0 - f1| = sqrt(0.25 + 6.25), |f0 - f2| = sqrt(16 + 36),
  // |f1 - f2| = sqrt(12.25 + 12.25).
  const float d01 = std::sqrt(6.5f), d02 = std::sqrt(52.f), d12 = std::sqrt(24.5f);
  expect_near(fpgm_scores(three_filter_graph(), conv_group())[0], {d01 + d02, d01 + d12, d02 + d12});
}

TEST(Criteria, RandomIsUniformAndDeterministicBySeed) {
  ChannelGroup group;
  group.name = "g";
  group.id = 3;
  group.channels = 1000;
  const std::vector<float> a = values(random_scores(group, 7).at(0));
  EXPECT_EQ(a, values(random_scores(group, 7).at(0)));
  EXPECT_NE(a, values(random_scores(group, 8).at(0)));
  ChannelGroup other = group;
  other.id = 4;
  EXPECT_NE(a, values(random_scores(other, 7).at(0))) << "groups draw different streams";
  double mean = 0;
  for (float v : a) {
    EXPECT_GE(v, 0.f);
    EXPECT_LT(v, 1.f);
    mean += v / a.size();
  }
  EXPECT_NEAR(mean, 0.5, 0.05);
}

// input [N, 1, 2, 2] -> conv1 (1x1, 2 filters: w = 1 and w = s, no bias)
// -> relu -> conv2 (1x1, both weights 1) -> output. The graph output is
// relu(x) + relu(s x) summed over nothing: the loss is its sum.
Graph tiny_graph(float second_filter) {
  GraphBuilder b;
  auto x = b.input("input", {1, 1, 2, 2});
  auto y = b.relu("relu", b.conv("conv1", x, 2, 1, {.bias = false}));
  b.output(b.conv("conv2", y, 1, 1, {.bias = false}));
  Graph g = b.build();
  g.node("conv1").weights["weight"] = at::tensor({1.f, second_filter}).view({2, 1, 1, 1});
  g.node("conv2").weights["weight"] = at::ones({1, 2, 1, 1});
  return g;
}

ChannelGroups tiny_groups() {
  ChannelGroups groups;
  ChannelGroup g = group(0, "conv1", 2);
  g.members = {member("conv1", ChannelRole::Filters, {0, 1}),
               member("relu", ChannelRole::PassThrough, {0, 1}),
               member("conv2", ChannelRole::ConvInput, {0, 1})};
  groups.groups.push_back(g);
  return groups;
}

ImportanceData tiny_data(std::vector<at::Tensor> inputs) {
  ImportanceData data;
  for (auto& x : inputs) data.batches.push_back({{"input", x}});
  data.loss = [](const TensorMap& outputs, size_t) { return outputs.at("conv2").sum(); };
  return data;
}

TEST(Criteria, TaylorIsActivationTimesGradient) {
  // a = conv1's output, dL/da = 1 wherever relu passes (a > 0).
  // Batch 1: one image of ones: channel 0 sum_hw a * g = 4; channel 1 (w = -1): a = -1, g = 0.
  // Batch 2: two images, 2 and 4 everywhere: mean over n of (8, 16) = 12.
  // Average over batches: channel 0 = (4 + 12) / 2 = 8, channel 1 = 0.
  Graph g = tiny_graph(-1.f);
  const at::Tensor before = g.node("conv1").weight("weight").clone();
  ImportanceData data =
      tiny_data({at::ones({1, 1, 2, 2}), at::cat({at::full({1, 1, 2, 2}, 2.f), at::full({1, 1, 2, 2}, 4.f)})});
  auto scores = taylor_scores(g, tiny_groups(), data);
  ASSERT_EQ(scores.at("conv1").size(), 1u);
  expect_near(scores.at("conv1")[0], {8.f, 0.f});
  // The caller's graph is untouched: same values, no autograd.
  EXPECT_TRUE(at::equal(g.node("conv1").weight("weight"), before));
  EXPECT_FALSE(g.node("conv1").weight("weight").requires_grad());
}

TEST(Criteria, TaylorTakesTheAbsoluteValueOfTheMeanNotTheMeanOfAbsolutes) {
  // Identity-like channel (w = 1), no relu cut for positive inputs; loss =
  // sum(out * sign) with sign +1 for image 1 and -1 for image 2: a * g sums
  // to +4 and -4, mean 0.
  Graph g = tiny_graph(0.f);
  ImportanceData data = tiny_data({at::ones({2, 1, 2, 2})});
  data.loss = [](const TensorMap& outputs, size_t) {
    const at::Tensor sign = at::tensor({1.f, -1.f}).view({2, 1, 1, 1});
    return (outputs.at("conv2") * sign).sum();
  };
  expect_near(taylor_scores(g, tiny_groups(), data).at("conv1")[0], {0.f, 0.f});
}

TEST(Criteria, TaylorUsesTheBatchNormOutputWithInferenceStatistics) {
  // conv (w = 1) -> BatchNorm (gamma 2, running mean 1, var 1 - eps) -> output
  // through a 1x1 conv of ones. a = 2 (x - 1), dL/da = 1: for x = 3 the score
  // is 4 positions x 4 = 16 whatever the batch statistics.
  GraphBuilder b;
  auto x = b.input("input", {1, 1, 2, 2});
  auto y = b.batch_norm("bn", b.conv("conv", x, 1, 1, {.bias = false}));
  b.output(b.conv("out", y, 1, 1, {.bias = false}));
  Graph g = b.build();
  g.node("conv").weights["weight"] = at::ones({1, 1, 1, 1});
  g.node("out").weights["weight"] = at::ones({1, 1, 1, 1});
  g.node("bn").weights["weight"] = at::full({1}, 2.f);
  g.node("bn").weights["running_mean"] = at::ones({1});
  g.node("bn").weights["running_var"] = at::full({1}, 1.f - 1e-5f);
  ChannelGroups groups;
  ChannelGroup group;
  group.name = "conv";
  group.channels = 1;
  group.members = {member("conv", ChannelRole::Filters, {0}), member("bn", ChannelRole::Norm, {0}),
                   member("out", ChannelRole::ConvInput, {0})};
  groups.groups.push_back(group);
  ImportanceData data;
  data.batches.push_back({{"input", at::full({1, 1, 2, 2}, 3.f)}});
  data.loss = [](const TensorMap& outputs, size_t) { return outputs.at("out").sum(); };
  auto scores = taylor_scores(g, groups, data);
  ASSERT_EQ(scores.at("conv").size(), 1u) << "the conv's own output is hidden behind its BatchNorm";
  expect_near(scores.at("conv")[0], {16.f}, 1e-3f);
  EXPECT_TRUE(at::equal(g.node("bn").weight("running_mean"), at::ones({1})));
}

TEST(Criteria, ApozScoresTheFractionOfPositiveOutputs) {
  // conv1 filters 1 and -1 before a ReLU; inputs 1, 2, 3, -1: channel 0 is
  // positive at 3 of 4 positions, channel 1 at 1 of 4; a second batch of
  // positive inputs: 1 and 0. Averaged: 0.875 and 0.125.
  Graph g = tiny_graph(-1.f);
  ImportanceData data =
      tiny_data({at::tensor({1.f, 2.f, 3.f, -1.f}).view({1, 1, 2, 2}), at::ones({1, 1, 2, 2})});
  auto scores = apoz_scores(g, tiny_groups(), data);
  ASSERT_EQ(scores.at("conv1").size(), 1u) << "the ReLU is the member scored";
  expect_near(scores.at("conv1")[0], {0.875f, 0.125f});
}

TEST(Criteria, ApozGivesADeadChannelZero) {
  Graph g = tiny_graph(0.f);  // channel 1 is always 0
  auto scores = apoz_scores(g, tiny_groups(), tiny_data({at::rand({3, 1, 2, 2}) + 0.1}));
  expect_near(scores.at("conv1")[0], {1.f, 0.f});
}

}  // namespace
}  // namespace whittle
