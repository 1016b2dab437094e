#include "prune/surgery.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <chrono>
#include <iostream>

#include "graph/cost_model.h"
#include "graph/error.h"
#include "graph/graph_builder.h"
#include "graph/shape_inference.h"
#include "io/onnx_export.h"
#include "io/onnx_import.h"
#include "models/ssd/ssd_zoo.h"
#include "models/zoo.h"
#include "prune/prune_test_data.h"
#include "runtime/runner.h"

namespace whittle {
namespace {

using test::depthwise_graph;
using test::flatten_linear_graph;

// Random conv biases, BN statistics and L2Norm weights, so that a channel is
// only silent when the test makes it so.
void randomize(Graph& g, uint64_t seed) {
  at::manual_seed(seed);
  for (auto& node : g.nodes) {
    if (node.op == Op::BatchNorm2d) {
      int64_t c = node.weights["weight"].size(0);
      node.weights["weight"] = at::rand({c}) + 0.5;
      node.weights["bias"] = at::randn({c}) * 0.1;
      node.weights["running_mean"] = at::randn({c}) * 0.1;
      node.weights["running_var"] = at::rand({c}) + 0.5;
    } else if ((node.op == Op::Conv2d || node.op == Op::Linear) && node.has_weight("bias")) {
      node.weights["bias"] = at::randn(node.weights["bias"].sizes()) * 0.1;
    } else if (node.op == Op::L2Norm) {
      node.weights["weight"] = at::rand(node.weights["weight"].sizes()) * 20.0 + 1.0;
    }
  }
}

// Every third channel (1, 4, 7, ...) of every prunable group with two or more.
PruningPlan every_third_channel(const ChannelGroups& groups) {
  PruningPlan plan;
  for (const auto& g : groups.groups) {
    if (!g.prunable || g.channels < 2) continue;
    std::vector<int64_t> removed;
    for (int64_t c = 1; c < g.channels; c += 3) removed.push_back(c);
    plan.remove[g.name] = removed;
  }
  return plan;
}

// Makes the planned channels silent: their filters, biases and BN affine
// parameters zero, so each one's value after BN and activation is exactly 0.
void zero_planned_channels(Graph& graph, const ChannelGroups& groups, const PruningPlan& plan) {
  for (const auto& [name, removed] : plan.remove)
    for (const auto& m : groups.group(name).members) {
      Node& node = graph.node(m.node);
      for (int64_t r : removed) {
        const int64_t c = m.channels[r];
        switch (m.role) {
          case ChannelRole::Filters:
          case ChannelRole::Depthwise:
          case ChannelRole::Norm:
            for (const char* key : {"weight", "bias"})
              if (node.has_weight(key)) node.weights[key].select(0, c).zero_();
            break;
          default:
            break;
        }
      }
    }
}

double max_abs_diff(const at::Tensor& a, const at::Tensor& b) {
  return (a - b).abs().max().item<double>();
}

struct Checked {
  Graph pruned;
  std::vector<at::Tensor> outputs;
  PruningPlan plan;
};

// Zeroes the planned channels, prunes them away and asserts every graph
// output is unchanged.
Checked expect_zero_filters_removable(Graph graph, const std::string& what, double tolerance = 1e-5) {
  randomize(graph, 7);
  ChannelGroups groups = channel_groups(graph);
  PruningPlan plan = every_third_channel(groups);
  EXPECT_GT(plan.remove.size(), 0u) << what;
  zero_planned_channels(graph, groups, plan);

  at::manual_seed(3);
  at::Tensor input = at::randn(graph.inputs.at(0).shape);
  std::vector<at::Tensor> before = Runner(graph).forward(input);
  Graph pruned = apply_pruning(graph, groups, plan);
  EXPECT_NO_THROW(validate(pruned)) << what;
  EXPECT_LT(compute_cost(pruned).params, compute_cost(graph).params) << what;
  std::vector<at::Tensor> after = Runner(pruned).forward(input);
  EXPECT_EQ(before.size(), after.size());
  for (size_t k = 0; k < before.size() && k < after.size(); ++k) {
    EXPECT_EQ(before[k].sizes(), after[k].sizes()) << what << " output " << graph.outputs[k];
    if (before[k].sizes() != after[k].sizes()) continue;
    double diff = max_abs_diff(before[k], after[k]);
    EXPECT_LE(diff, tolerance) << what << " output " << graph.outputs[k] << " (max |y| "
                               << before[k].abs().max().item<double>() << ")";
  }
  return {std::move(pruned), std::move(after), std::move(plan)};
}

Graph residual_graph() {
  GraphBuilder b;
  auto x = b.input("input", {1, 3, 16, 16});
  auto s = b.conv_bn_act("stem", x, 8, 3, {.padding = 1}, Op::ReLU);
  auto a = b.conv_bn_act("a", s, 8, 3, {.padding = 1}, Op::Identity);
  auto c = b.conv_bn_act("b", s, 8, 1, {}, Op::Identity);
  auto y = b.relu("relu", b.add("add", a, c));
  y = b.add("add2", y, b.relu("d.relu", b.conv("d", y, 8, 1)));  // y + f(y)
  b.output(b.conv("out", y, 4, 1));
  return b.build();
}

Graph concat_graph() {
  GraphBuilder b;
  auto x = b.input("input", {1, 3, 16, 16});
  auto a = b.relu("a.relu", b.conv("a", x, 4, 3, {.padding = 1}));
  auto c = b.conv_bn_act("c", x, 6, 1, {}, Op::Hardswish);
  auto cat = b.concat("cat", {a, c});
  auto y = b.conv_bn_act("d", cat, 7, 3, {.stride = 2, .padding = 1}, Op::SiLU);
  y = b.upsample("up", b.max_pool("pool", y, 2, 2), 2);
  y = b.avg_pool("avg", b.leaky_relu("leaky", y), 3, 1, 1);
  auto z = b.concat("cat2", {y, b.relu6("e", b.conv("e.conv", y, 3, 1))});
  b.output(b.conv("out", b.identity("id", z), 5, 1));
  return b.build();
}

Graph se_graph() {
  GraphBuilder b;
  auto x = b.input("input", {1, 3, 8, 8});
  auto y = b.conv_bn_act("conv", x, 8, 3, {.padding = 1}, Op::ReLU);
  auto s = b.relu("se.reduce.relu", b.conv("se.reduce", b.global_avg_pool("se.pool", y), 4, 1));
  s = b.sigmoid("se.gate", b.conv("se.expand", s, 8, 1));
  y = b.l2norm("norm", b.mul("se.mul", y, s));
  b.output(b.conv("out", y, 4, 1));
  return b.build();
}

TEST(Surgery, ZeroFiltersResidual) { expect_zero_filters_removable(residual_graph(), "residual"); }
TEST(Surgery, ZeroFiltersConcat) { expect_zero_filters_removable(concat_graph(), "concat"); }
TEST(Surgery, ZeroFiltersDepthwise) { expect_zero_filters_removable(depthwise_graph(), "depthwise"); }
TEST(Surgery, ZeroFiltersFlattenLinear) { expect_zero_filters_removable(flatten_linear_graph(), "linear"); }
TEST(Surgery, ZeroFiltersSqueezeExcitation) { expect_zero_filters_removable(se_graph(), "se"); }

TEST(Surgery, ZeroFiltersVgg16) {
  expect_zero_filters_removable(build_zoo("vgg16", {.num_classes = 10, .input_size = 64}), "vgg16");
}
TEST(Surgery, ZeroFiltersMobilenetV1) {
  expect_zero_filters_removable(
      build_zoo("mobilenet_v1", {.num_classes = 10, .width = 0.5, .input_size = 96}), "mobilenet_v1");
}
TEST(Surgery, ZeroFiltersMobilenetV2) {
  expect_zero_filters_removable(
      build_zoo("mobilenet_v2", {.num_classes = 10, .width = 0.5, .input_size = 96}), "mobilenet_v2");
}
TEST(Surgery, ZeroFiltersSsd300Vgg16) {
  expect_zero_filters_removable(build_detector_zoo("ssd300_vgg16", 20).graph, "ssd300_vgg16");
}
TEST(Surgery, ZeroFiltersSsdMobilenetV1) {
  expect_zero_filters_removable(build_detector_zoo("ssd_mobilenet_v1", 20, 0.5, 160).graph,
                                "ssd_mobilenet_v1");
}
TEST(Surgery, ZeroFiltersSsdliteMobilenetV2) {
  expect_zero_filters_removable(build_detector_zoo("ssdlite_mobilenet_v2", 20, 0.5, 192).graph,
                                "ssdlite_mobilenet_v2");
}

TEST(Surgery, ParameterCountDropsByHandCheckedAmount) {
  Graph g = depthwise_graph();
  ChannelGroups groups = channel_groups(g);
  PruningPlan plan;
  plan.remove["pw1"] = {0, 5, 9};
  Graph pruned = apply_pruning(g, groups, plan);
  // Per channel of pw1's group: pw1 filter 3, pw1.bn 2, dw 3x3 9, dw.bn 2,
  // pw2 input column 8 (1x1, 8 filters) = 24 parameters.
  EXPECT_EQ(compute_cost(g).params - compute_cost(pruned).params, 3 * 24);
  EXPECT_EQ(pruned.node("dw").attrs.get_int("groups", 0), 13);
  EXPECT_EQ(pruned.node("dw").weight("weight").sizes(), (at::IntArrayRef{13, 1, 3, 3}));
  EXPECT_EQ(pruned.node("pw2").weight("weight").sizes(), (at::IntArrayRef{8, 13, 1, 1}));
  EXPECT_EQ(pruned.node("dw.bn").weight("running_var").size(0), 13);
  // The kept weights are copied in order.
  EXPECT_TRUE(at::equal(pruned.node("pw1").weight("weight")[0], g.node("pw1").weight("weight")[1]));
  EXPECT_TRUE(at::equal(pruned.node("pw2").weight("weight").select(1, 4),
                        g.node("pw2").weight("weight").select(1, 6)));

  // Flatten -> Linear: removing channel 2 of 6 drops 16 columns of fc1.
  Graph l = flatten_linear_graph();
  PruningPlan lp;
  lp.remove["conv"] = {2};
  Graph lpruned = apply_pruning(l, channel_groups(l), lp);
  EXPECT_EQ(compute_cost(l).params - compute_cost(lpruned).params, 3 * 9 + 1 + 16 * 10);
  EXPECT_TRUE(at::equal(lpruned.node("fc1").weight("weight").slice(1, 32, 48),
                        l.node("fc1").weight("weight").slice(1, 48, 64)));
}

TEST(Surgery, InputGraphIsUnchangedAndSharesNoStorage) {
  Graph g = residual_graph();
  Graph copy = g.clone();
  ChannelGroups groups = channel_groups(g);
  Graph pruned = apply_pruning(g, groups, every_third_channel(groups));
  ASSERT_EQ(g.nodes.size(), copy.nodes.size());
  for (size_t i = 0; i < g.nodes.size(); ++i)
    for (const auto& [key, t] : g.nodes[i].weights) {
      EXPECT_TRUE(at::equal(t, copy.nodes[i].weights.at(key))) << g.nodes[i].name << "." << key;
      EXPECT_NE(t.data_ptr(), pruned.nodes[i].weights.at(key).data_ptr()) << g.nodes[i].name << "." << key;
    }
  // An empty plan copies the graph.
  Graph same = apply_pruning(g, groups, PruningPlan{});
  EXPECT_EQ(compute_cost(same).params, compute_cost(g).params);
  EXPECT_NE(same.nodes[0].weights.at("weight").data_ptr(), g.nodes[0].weights.at("weight").data_ptr());
}

TEST(Surgery, PrunedGraphRoundTripsThroughOnnx) {
  Checked c = expect_zero_filters_removable(
      build_zoo("mobilenet_v2", {.num_classes = 10, .width = 0.5, .input_size = 64}), "mobilenet_v2");
  Graph reloaded = from_onnx_bytes(to_onnx_bytes(c.pruned), "pruned.onnx");
  EXPECT_EQ(compute_cost(reloaded).params, compute_cost(c.pruned).params);
  at::manual_seed(3);
  at::Tensor input = at::randn(c.pruned.inputs.at(0).shape);
  std::vector<at::Tensor> out = Runner(reloaded).forward(input);
  ASSERT_EQ(out.size(), c.outputs.size());
  for (size_t k = 0; k < out.size(); ++k) EXPECT_LE(max_abs_diff(out[k], c.outputs[k]), 1e-6);

  Checked d = expect_zero_filters_removable(concat_graph(), "concat");
  Graph d2 = from_onnx_bytes(to_onnx_bytes(d.pruned), "concat.onnx");
  at::manual_seed(3);
  out = Runner(d2).forward(at::randn(d.pruned.inputs.at(0).shape));
  ASSERT_EQ(out.size(), d.outputs.size());
  for (size_t k = 0; k < out.size(); ++k) EXPECT_LE(max_abs_diff(out[k], d.outputs[k]), 1e-6);
}

void expect_error_naming(const Graph& g, const ChannelGroups& groups, const PruningPlan& plan,
                         const std::string& name) {
  try {
    apply_pruning(g, groups, plan);
    ADD_FAILURE() << "no error for group " << name;
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(name), std::string::npos) << e.what();
  }
}

TEST(Surgery, ErrorsNameTheGroup) {
  Graph g = residual_graph();
  ChannelGroups groups = channel_groups(g);
  PruningPlan unknown;
  unknown.remove["no.such.group"] = {0};
  expect_error_naming(g, groups, unknown, "no.such.group");
  PruningPlan fixed;
  fixed.remove["out"] = {0};  // the graph output's group
  expect_error_naming(g, groups, fixed, "out");
  PruningPlan all;
  all.remove["stem"] = {0, 1, 2, 3, 4, 5, 6, 7};
  expect_error_naming(g, groups, all, "stem");
}

TEST(Surgery, Ssd300Vgg16GroupsAndSurgeryAreFast) {
  Graph g = build_detector_zoo("ssd300_vgg16", 20).graph;
  auto start = std::chrono::steady_clock::now();
  ChannelGroups groups = channel_groups(g);
  auto mid = std::chrono::steady_clock::now();
  Graph pruned = apply_pruning(g, groups, every_third_channel(groups));
  auto end = std::chrono::steady_clock::now();
  auto ms = [](auto a, auto b) { return std::chrono::duration<double, std::milli>(b - a).count(); };
  std::cout << "[ timing   ] ssd300_vgg16: channel_groups " << ms(start, mid) << " ms, apply_pruning "
            << ms(mid, end) << " ms, " << groups.groups.size() << " groups\n";
  EXPECT_LT(compute_cost(pruned).params, compute_cost(g).params);
}

}  // namespace
}  // namespace whittle
