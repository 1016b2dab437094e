// MobileNetV2 (torchvision mobilenet_v2): exact counts, structure, forward.
#include <gtest/gtest.h>

#include <ATen/ATen.h>

#include <cmath>

#include "graph/cost_model.h"
#include "graph/shape_inference.h"
#include "models/mobilenet_v2.h"
#include "runtime/runner.h"

namespace whittle {
namespace {

int count_ops(const Graph& g, Op op) {
  int n = 0;
  for (const Node& node : g.nodes) n += node.op == op;
  return n;
}

TEST(MobileNetV2, ImageNetParamsAndMacsMatchTorchvision) {
  Graph g = build_mobilenet_v2();
  GraphCost cost = compute_cost(g);
  // torchvision mobilenet_v2(): sum(p.numel() for p in parameters()).
  EXPECT_EQ(cost.params, 3504872);
  // torchvision's model card: 0.301 GFLOPS (multiply-adds).
  EXPECT_EQ(cost.macs, 300774272);
  EXPECT_EQ(std::llround(static_cast<double>(cost.macs) / 1e6), 301);
}

TEST(MobileNetV2, HalfWidthTwentyOneClassesMatchesTorchvision) {
  BackboneOptions o;
  o.width = 0.5;
  o.num_classes = 21;
  Graph g = build_mobilenet_v2(o);
  // torchvision mobilenet_v2(width_mult=0.5, num_classes=21), by hand. Block
  // (in, hidden = in*t, out): expand in*hid + 2*hid (absent when t = 1),
  // depthwise 9*hid + 2*hid, project hid*out + 2*out; BN has gamma and beta.
  // Channels make_divisible(c/2, 8): first 16; stages 8, 16, 16, 32, 48, 80,
  // 160; last max(1, 0.5) * 1280 = 1280.
  //   first conv 3*16*9 + 2*16                                   =     464
  //   (1,16,1,1)  16->8                                          =     320
  //   (6,24,2,2)  8->16 (1,808), 16->16 (4,352)                  =   6,160
  //   (6,32,3,2)  16->16 x3 (4,352 each)                         =  13,056
  //   (6,64,4,2)  16->32 (5,920), 32->32 x3 (14,848 each)        =  50,464
  //   (6,96,3,1)  32->48 (17,952), 48->48 x2 (31,488 each)       =  80,928
  //   (6,160,3,2) 48->80 (40,768), 80->80 x2 (83,200 each)       = 207,168
  //   (6,320,1,1) 80->160                                        = 121,760
  //   last conv 160*1280 + 2*1280                                = 207,360
  //   classifier 1280*21 + 21                                    =  26,901
  //   total                                                        714,581
  // (With 1000 classes the same network has 1,968,680, torchvision's
  // published figure for mobilenet_v2 0.5.)
  EXPECT_EQ(compute_cost(g).params, 714581);
  o.num_classes = 1000;
  EXPECT_EQ(compute_cost(build_mobilenet_v2(o)).params, 1968680);
  EXPECT_EQ(g.metadata.at("whittle.width"), "0.5");
  EXPECT_EQ(g.metadata.at("whittle.num_classes"), "21");
}

TEST(MobileNetV2, WiderThanOneScalesTheLastConv) {
  BackboneOptions o;
  o.width = 1.4;
  Graph g = build_mobilenet_v2(o);
  // last_channel = make_divisible(1280 * 1.4) = 1792; torchvision
  // mobilenet_v2(width_mult=1.4) has 6,108,776 parameters.
  EXPECT_EQ(g.node("features.18").weight("weight").size(0), 1792);
  EXPECT_EQ(compute_cost(g).params, 6108776);
}

TEST(MobileNetV2, StructureAndNames) {
  Graph g = build_mobilenet_v2();
  ShapeMap shapes = validate(g);
  ASSERT_EQ(g.outputs, std::vector<std::string>{"logits"});
  EXPECT_EQ(shapes.at("logits"), (Shape{1, 1000}));
  EXPECT_EQ(g.inputs.at(0).name, "input");
  // 52 convs: first + 17 blocks * 3 - 1 (block 1 has no expansion) + last.
  EXPECT_EQ(count_ops(g, Op::Conv2d), 52);
  EXPECT_EQ(count_ops(g, Op::BatchNorm2d), 52);
  EXPECT_EQ(count_ops(g, Op::ReLU6), 35);
  // Residual blocks: 1 + 2 + 3 + 2 + 2 in the stages (24, 32, 64, 96, 160).
  EXPECT_EQ(count_ops(g, Op::Add), 10);
  EXPECT_EQ(g.find_node("features.1.expand"), -1);
  EXPECT_EQ(g.find_node("features.2.add"), -1);  // stride 2
  EXPECT_NE(g.find_node("features.3.add"), -1);
  EXPECT_EQ(g.find_node("features.11.add"), -1);  // 64 -> 96
  EXPECT_EQ(g.node("features.14.dw").attrs.get_int("groups", 0), 576);
  EXPECT_DOUBLE_EQ(g.node("features.5.dw.bn").attrs.get_float("eps", 0), 1e-5);
  EXPECT_FALSE(g.node("features.0").has_weight("bias"));
  EXPECT_EQ(g.node("features.17.project.bn").op, Op::BatchNorm2d);
  // The projection is linear: its BN feeds the last conv directly.
  ASSERT_EQ(g.consumers("features.17.project.bn").size(), 1u);
  EXPECT_EQ(g.nodes[g.consumers("features.17.project.bn")[0]].name, "features.18");
  EXPECT_EQ(shapes.at("features.14.expand.act"), (Shape{1, 576, 14, 14}));
  EXPECT_EQ(shapes.at("features.18.act"), (Shape{1, 1280, 7, 7}));
}

TEST(MobileNetV2, FeaturesOnlyEndsAtLastConv) {
  BackboneOptions o;
  o.classifier = false;
  o.input_size = 320;
  Graph g = build_mobilenet_v2(o);
  ASSERT_EQ(g.outputs, std::vector<std::string>{"features.18.act"});
  EXPECT_EQ(validate(g).at("features.18.act"), (Shape{1, 1280, 10, 10}));
  // 3,504,872 - classifier (1280*1000 + 1000).
  EXPECT_EQ(compute_cost(g).params, 2223872);

  GraphBuilder b;
  std::string x = b.input("image", {1, 3, 64, 64});
  std::vector<std::string> blocks = add_mobilenet_v2_features(b, x, 1.0);
  ASSERT_EQ(blocks.size(), 19u);
  EXPECT_EQ(blocks[0], "features.0.act");
  EXPECT_EQ(blocks[1], "features.1.project.bn");
  EXPECT_EQ(blocks[3], "features.3.add");
  EXPECT_EQ(blocks[18], "features.18.act");
}

TEST(MobileNetV2, ForwardAtSmallSize) {
  BackboneOptions o;
  o.width = 0.35;
  o.input_size = 96;
  Graph g = build_mobilenet_v2(o);
  // torchvision at 0.35: first conv make_divisible(11.2) = 16.
  EXPECT_EQ(g.node("features.0").weight("weight").size(0), 16);
  EXPECT_EQ(g.metadata.at("whittle.width"), "0.35");

  at::manual_seed(7);
  at::Tensor x = at::randn({1, 3, 96, 96});
  Runner runner(g);
  std::vector<at::Tensor> out = runner.forward(x);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].sizes(), (at::IntArrayRef{1, 1000}));
  EXPECT_TRUE(at::isfinite(out[0]).all().item<bool>());
  EXPECT_GT(out[0].abs().max().item<float>(), 0.0f);

  // Same seed, same graph, same logits.
  Runner again(build_mobilenet_v2(o));
  EXPECT_TRUE(at::allclose(again.forward(x)[0], out[0]));
}

}  // namespace
}  // namespace whittle
