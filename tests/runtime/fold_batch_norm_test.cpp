#include "runtime/fold_batch_norm.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include "graph/graph_builder.h"
#include "runtime/runner.h"

namespace whittle {
namespace {

Graph conv_bn_graph() {
  GraphBuilder b;
  auto x = b.input("input", {1, 4, 9, 9});
  auto a = b.conv_bn_act("a", x, 6, 3, {.padding = 1}, Op::ReLU);
  auto c = b.conv("c", a, 6, 1);  // with bias
  auto n = b.batch_norm("c.bn", c);
  auto d = b.conv("d", n, 6, 1);
  auto shared = b.batch_norm("d.bn", d);
  auto other = b.relu("d.relu", d);  // d feeds two nodes: its BN must stay
  b.output(b.add("sum", shared, other));
  Graph g = b.build();
  at::manual_seed(9);
  for (auto& node : g.nodes)
    if (node.op == Op::BatchNorm2d) {
      node.weights["weight"] = at::rand({6}) + 0.5;
      node.weights["bias"] = at::randn({6});
      node.weights["running_mean"] = at::randn({6});
      node.weights["running_var"] = at::rand({6}) + 0.1;
    }
  return g;
}

TEST(FoldBatchNorm, FoldsOnlySafeConvBnPairs) {
  Graph g = conv_bn_graph();
  Graph folded = g.clone();
  PassResult r = fold_batch_norm(folded);
  EXPECT_TRUE(r.changed);
  EXPECT_EQ(r.summary, "folded 2 BatchNorm");
  EXPECT_EQ(folded.find_node("a.bn"), -1);
  EXPECT_EQ(folded.find_node("c.bn"), -1);
  EXPECT_NE(folded.find_node("d.bn"), -1);
  EXPECT_EQ(folded.node("a").output, "a.bn");  // the conv took over the BN's value
  EXPECT_TRUE(folded.node("a").has_weight("bias"));

  at::Tensor x = at::randn({1, 4, 9, 9});
  auto before = Runner(g, {RunMode::Inference, false, false}).forward(x)[0];
  auto after = Runner(folded, {RunMode::Inference, false, false}).forward(x)[0];
  EXPECT_LT((before - after).abs().max().item<double>(), 1e-5);
}

TEST(FoldBatchNorm, KeepsRequestedValuesAndDeclinesWhenNothingApplies) {
  Graph g = conv_bn_graph();
  PassResult r = fold_batch_norm(g, {"a", "c"});
  EXPECT_FALSE(r.changed);
  EXPECT_EQ(r.summary, "folded 0 BatchNorm");
  EXPECT_EQ(g.nodes.size(), conv_bn_graph().nodes.size());
}

}  // namespace
}  // namespace whittle
