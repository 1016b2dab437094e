#include "runtime/runner.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include "graph/error.h"
#include "graph/graph_builder.h"
#include "random_batch_norm.h"

namespace whittle {
namespace {

using test::randomize_batch_norm;


// Every op of the IR in one small graph.
Graph every_op_graph() {
  GraphBuilder b;
  auto x = b.input("input", {2, 3, 20, 20});
  auto s = b.conv_bn_act("stem", x, 8, 3, {.stride = 1, .padding = 1}, Op::ReLU);
  auto dw = b.conv_bn_act("dw", s, 8, 3, {.padding = 2, .dilation = 2, .groups = 8}, Op::ReLU6);
  auto gate = b.sigmoid("gate", b.conv("se", b.global_avg_pool("gap", dw), 8, 1));
  auto se = b.mul("se_mul", dw, gate);
  auto res = b.add("res", se, s);
  auto sw = b.hardswish("hs", b.conv("c2", res, 8, 1));
  auto si = b.silu("silu", sw);
  auto lk = b.leaky_relu("leaky", si, 0.1);
  auto mp = b.max_pool("mp", lk, 3, 2, 0, true);
  auto ap = b.avg_pool("ap", lk, 2, 2, 0, false, false);
  auto up = b.upsample_to("up", mp, 10, 10);
  auto cat = b.concat("cat", {up, ap});
  auto nrm = b.l2norm("norm", cat, 20.0);
  auto idt = b.identity("id", nrm);
  auto up2 = b.upsample("up2", idt, 2);
  auto fc = b.linear("fc", b.flatten("flat", b.avg_pool("pool", up2, 4, 4)), 5);
  b.output(fc);
  b.output(nrm);
  Graph g = b.build();
  randomize_batch_norm(g, 11);
  return g;
}

// The same computation written directly with ATen ops (unfolded BN).
std::vector<at::Tensor> reference(const Graph& g, const at::Tensor& x) {
  auto w = [&](const char* node, const char* key) { return g.node(node).weight(key); };
  auto conv = [&](const at::Tensor& in, const char* node, std::vector<int64_t> pad,
                  std::vector<int64_t> dil, int64_t groups) {
    const Node& n = g.node(node);
    return at::conv2d(in, n.weight("weight"), n.has_weight("bias") ? n.weight("bias") : at::Tensor(),
                      {1, 1}, pad, dil, groups);
  };
  auto bn = [&](const at::Tensor& in, const char* node) {
    return at::batch_norm(in, w(node, "weight"), w(node, "bias"), w(node, "running_mean"),
                          w(node, "running_var"), false, 0.1, 1e-5, false);
  };
  at::Tensor s = at::relu(bn(conv(x, "stem", {1, 1}, {1, 1}, 1), "stem.bn"));
  at::Tensor dw = at::hardtanh(bn(conv(s, "dw", {2, 2}, {2, 2}, 8), "dw.bn"), 0, 6);
  at::Tensor gate = at::sigmoid(conv(dw.mean({2, 3}, true), "se", {0, 0}, {1, 1}, 1));
  at::Tensor res = dw * gate + s;
  at::Tensor lk = at::leaky_relu(at::silu(at::hardswish(conv(res, "c2", {0, 0}, {1, 1}, 1))), 0.1);
  at::Tensor mp = at::max_pool2d(lk, {3, 3}, {2, 2}, {0, 0}, {1, 1}, true);
  at::Tensor ap = at::avg_pool2d(lk, {2, 2}, {2, 2}, {0, 0}, false, false);
  at::Tensor cat = at::cat({at::upsample_nearest2d(mp, {10, 10}), ap}, 1);
  at::Tensor nrm = cat / cat.norm(2, {1}, true).clamp_min(1e-10) * w("norm", "weight").view({1, -1, 1, 1});
  at::Tensor up2 = at::upsample_nearest2d(nrm, {20, 20});
  at::Tensor fc = at::linear(at::avg_pool2d(up2, {4, 4}, {4, 4}).flatten(1), w("fc", "weight"), w("fc", "bias"));
  return {fc, nrm};
}

// Batch 1 too: there at::conv2d sends small convs to its NCHW im2col path,
// which the channels-last runner bypasses for oneDNN (node_ops.cpp).
TEST(Runner, EveryOpMatchesDirectATen) {
  Graph g = every_op_graph();
  const Graph original = g.clone();
  at::manual_seed(3);
  for (int64_t batch : {1, 2}) {
    at::Tensor x = at::randn({batch, 3, 20, 20});
    auto expected = reference(g, x);
    for (bool fold : {false, true})
      for (bool channels_last : {false, true}) {
        Runner runner(g, {RunMode::Inference, fold, channels_last});
        auto out = runner.forward(x);
        ASSERT_EQ(out.size(), 2u);
        for (size_t k = 0; k < out.size(); ++k) {
          EXPECT_TRUE(out[k].is_contiguous());
          EXPECT_LT((out[k] - expected[k]).abs().max().item<double>(), 1e-4)
              << "output " << k << " batch " << batch << " fold=" << fold << " channels_last=" << channels_last;
        }
      }
  }
  // The runner's own copy of the weights (folded, channels-last) leaves the caller's alone.
  for (size_t i = 0; i < g.nodes.size(); ++i)
    for (const auto& [key, w] : g.nodes[i].weights) {
      EXPECT_TRUE(w.is_contiguous()) << g.nodes[i].name << "." << key;
      EXPECT_TRUE(at::equal(w, original.nodes[i].weights.at(key))) << g.nodes[i].name << "." << key;
    }
}

TEST(Runner, UnfoldedPlainLayoutIsBitIdenticalToATen) {
  Graph g = every_op_graph();
  at::Tensor x = at::randn({2, 3, 20, 20});
  Runner runner(g, {RunMode::Inference, false, false});
  auto out = runner.forward(x);
  auto expected = reference(g, x);
  EXPECT_TRUE(at::equal(out[1], expected[1]));
}

TEST(Runner, ReturnsRequestedIntermediates) {
  Graph g = every_op_graph();
  at::Tensor x = at::randn({1, 3, 20, 20});
  // "lk" feeds two pools and "hs" is overwritten in place unless kept.
  Runner runner(g, {RunMode::Inference, true, true, {"stem.bn", "hs"}});
  TensorMap out = runner.run({{"input", x}}, {"stem.bn", "hs", "leaky"});
  ASSERT_EQ(out.count("stem.bn"), 1u);
  EXPECT_EQ(out["stem.bn"].sizes(), (at::IntArrayRef{1, 8, 20, 20}));
  Runner plain(g, {RunMode::Inference, false, false});
  TensorMap ref = plain.run({{"input", x}}, {"hs"});
  EXPECT_LT((out["hs"] - ref["hs"]).abs().max().item<double>(), 1e-4);
  // Negative values survive: the ReLU after stem.bn did not overwrite it.
  EXPECT_LT(out["stem.bn"].min().item<double>(), 0.0);
}

// The Runner computes a conv's only ReLU/ReLU6 inside the conv, unless a run
// asks for the conv's own output: then that run gives the value before the
// activation, and the activation's output is the same either way.
TEST(Runner, FusedActivationsAndRequestsForTheConvOutput) {
  Graph g = every_op_graph();
  randomize_batch_norm(g, 11);
  at::Tensor x = at::randn({1, 3, 20, 20});
  Runner runner(g);  // stem.bn is the folded conv's output, read only by stem.act
  TensorMap fused = runner.run({{"input", x}}, {"stem.act", "dw.act"});
  TensorMap asked = runner.run({{"input", x}}, {"stem.bn", "stem.act"});
  EXPECT_LT(asked.at("stem.bn").min().item<double>(), 0.0);
  EXPECT_TRUE(at::equal(asked.at("stem.act"), at::relu(asked.at("stem.bn"))));
  EXPECT_LT((fused.at("stem.act") - asked.at("stem.act")).abs().max().item<double>(), 1e-5);
  EXPECT_GE(fused.at("stem.act").min().item<double>(), 0.0);
  EXPECT_GE(fused.at("dw.act").min().item<double>(), 0.0);  // ReLU6
  EXPECT_LE(fused.at("dw.act").max().item<double>(), 6.0);
  Runner plain(g, {RunMode::Inference, false, false});
  const TensorMap ref = plain.run({{"input", x}}, {"dw.act"});
  EXPECT_LT((fused.at("dw.act") - ref.at("dw.act")).abs().max().item<double>(), 1e-4);
}

TEST(Runner, FoldedValueRequestNamesTheFix) {
  Runner runner(every_op_graph());
  try {
    runner.run({{"input", at::randn({1, 3, 20, 20})}}, {"stem"});
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("keep_values"), std::string::npos) << e.what();
  }
}

TEST(Runner, BadInputsGiveClearErrors) {
  Runner runner(every_op_graph());
  try {
    runner.run({{"image", at::randn({1, 3, 20, 20})}});
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "graph input 'input' was not given");
  }
  try {
    runner.forward(at::randn({1, 4, 20, 20}));
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "(Conv stem) in_channels 3 != producer channels 4");
  }
}

TEST(Runner, OtherResolutionsRun) {
  Graph g = every_op_graph();
  g.nodes.pop_back();  // fc
  g.nodes.pop_back();  // pool
  g.nodes.pop_back();  // flat ... keep outputs valid
  g.outputs = {"norm"};
  Runner runner(g);
  // up_to has a fixed size: any input whose pooled map fits 10x10 concat works.
  EXPECT_EQ(runner.forward(at::randn({3, 3, 20, 20}))[0].size(0), 3);
}

TEST(Runner, TrainingModeReducesALoss) {
  GraphBuilder b(5);
  auto x = b.input("input", {8, 2, 6, 6});
  auto h = b.conv_bn_act("c1", x, 8, 3, {.padding = 1}, Op::ReLU);
  auto y = b.linear("fc", b.flatten("flat", b.global_avg_pool("gap", h)), 1);
  b.output(y);
  Graph g = b.build();
  at::manual_seed(1);
  at::Tensor data = at::randn({8, 2, 6, 6});
  at::Tensor target = data.mean({1, 2, 3}).unsqueeze(1) * 3.0;

  Runner runner(g, {RunMode::Training});
  auto params = runner.parameters();
  ASSERT_EQ(params.size(), 5u);  // conv weight (no bias), BN weight and bias, fc weight and bias
  for (auto& p : params) EXPECT_TRUE(p.requires_grad());
  at::Tensor mean_before = g.node("c1.bn").weight("running_mean").clone();
  double first = 0, last = 0;
  for (int step = 0; step < 100; ++step) {
    at::Tensor loss = (runner.forward(data)[0] - target).pow(2).mean();
    if (step == 0) first = loss.item<double>();
    last = loss.item<double>();
    for (auto& p : params) p.mutable_grad() = at::Tensor();
    loss.backward();
    at::NoGradGuard no_grad;
    for (auto& p : params) {
      ASSERT_TRUE(p.grad().defined());
      p.sub_(p.grad() * 0.1);
    }
  }
  EXPECT_LT(last, first * 0.5) << "first " << first << " last " << last;
  // Train-mode BatchNorm updated the graph's own running statistics.
  EXPECT_FALSE(at::equal(mean_before, g.node("c1.bn").weight("running_mean")));
  // The graph itself was trained in place: an inference runner sees new weights.
  at::Tensor eval_loss = (Runner(g).forward(data)[0] - target).pow(2).mean();
  EXPECT_LT(eval_loss.item<double>(), first);
}

}  // namespace
}  // namespace whittle
