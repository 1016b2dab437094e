#include "graph/cost_model.h"

#include <gtest/gtest.h>

#include "graph/graph_builder.h"

namespace whittle {
namespace {

TEST(CostModel, HandComputedConvBnLinear) {
  GraphBuilder b;
  auto x = b.input("input", {1, 3, 32, 32});
  auto c = b.conv("conv", x, 8, 3, {.padding = 1});            // 8*3*3*3 + 8 = 224 params
  auto n = b.batch_norm("bn", c);                               // 16 params, 16 buffer values
  auto d = b.conv("dw", n, 8, 3, {.stride = 2, .padding = 1, .groups = 8, .bias = false});  // 72
  auto f = b.flatten("flat", d);                                // 8*16*16 = 2048 features
  auto l = b.linear("fc", f, 10);                               // 20480 + 10
  b.output(l);
  GraphCost cost = compute_cost(b.build());
  ASSERT_EQ(cost.nodes.size(), 5u);
  EXPECT_EQ(cost.nodes[0].params, 224);
  EXPECT_EQ(cost.nodes[0].macs, 32 * 32 * 8 * 27);  // each output: 3*3*3 multiply-adds
  EXPECT_EQ(cost.nodes[1].params, 16);
  EXPECT_EQ(cost.nodes[1].macs, 0);
  EXPECT_EQ(cost.nodes[1].weight_bytes_fp32, 32 * 4);  // running stats are stored too
  EXPECT_EQ(cost.nodes[2].params, 72);
  EXPECT_EQ(cost.nodes[2].macs, 16 * 16 * 8 * 9);  // depthwise: 1 input channel per output
  EXPECT_EQ(cost.nodes[2].output_shape, (Shape{1, 8, 16, 16}));
  EXPECT_EQ(cost.nodes[4].macs, 2048 * 10);
  EXPECT_EQ(cost.params, 224 + 16 + 72 + 20490);
  EXPECT_EQ(cost.macs, 221184 + 18432 + 20480);
  EXPECT_EQ(cost.weight_bytes_fp32, (224 + 32 + 72 + 20490) * 4);
  EXPECT_EQ(cost.weight_bytes_fp16, (224 + 32 + 72 + 20490) * 2);
  // int8: conv/linear weights 1 byte + one fp32 scale per output channel; the rest fp32
  EXPECT_EQ(cost.weight_bytes_int8,
            (216 + 8 * 4 + 8 * 4) + 32 * 4 + (72 + 8 * 4) + (20480 + 10 * 4 + 10 * 4));
  EXPECT_EQ(cost.nodes[0].activation_bytes, 8 * 32 * 32 * 4);
}

TEST(CostModel, PeakActivationFreesAfterLastUse) {
  GraphBuilder b;
  auto x = b.input("input", {1, 1, 10, 10});  // 400 bytes
  auto r = b.relu("r", x);                     // 400
  auto s = b.sigmoid("s", r);                  // 400; input freed after r, r after s
  auto t = b.add("t", s, s);                   // 400
  b.output(t);
  GraphCost cost = compute_cost(b.build());
  EXPECT_EQ(cost.activation_bytes, 1200);
  EXPECT_EQ(cost.peak_activation_bytes, 800);
}

TEST(CostModel, ResolutionOverride) {
  GraphBuilder b;
  auto x = b.input("input", {1, 3, 32, 32});
  b.output(b.conv("conv", x, 4, 1, {.bias = false}));
  Graph g = b.build();
  EXPECT_EQ(compute_cost(g).macs, 32 * 32 * 4 * 3);
  EXPECT_EQ(compute_cost(g, {{"input", {2, 3, 64, 64}}}).macs, 2 * 64 * 64 * 4 * 3);
}

}  // namespace
}  // namespace whittle
