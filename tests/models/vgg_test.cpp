// VGG16 (torchvision vgg16): exact parameter and MAC counts, names, shapes.
#include <gtest/gtest.h>

#include <ATen/ATen.h>

#include <cmath>

#include "graph/cost_model.h"
#include "graph/shape_inference.h"
#include "models/vgg.h"
#include "runtime/runner.h"

namespace whittle {
namespace {

// The full network holds 138 M weights (553 MB, ~1.5 s to draw): one test
// builds it once (ctest runs each test in its own process) and checks it all.
TEST(Vgg16, ImageNetCountsNamesShapesAndMetadata) {
  const Graph g = build_vgg16();
  GraphCost cost = compute_cost(g);
  // torchvision vgg16: sum(p.numel() for p in parameters()) = 138,357,544.
  EXPECT_EQ(cost.params, 138357544);
  // Convs (bias-free MACs, H = W per stage 224, 112, 56, 28, 14):
  //   224^2 * 64*(3 + 64)*9           = 1,936,392,192
  //   112^2 * 128*(64 + 128)*9        = 2,774,532,096
  //   56^2 * 256*(128 + 256 + 256)*9  = 4,624,220,160
  //   28^2 * 512*(256 + 512 + 512)*9  = 4,624,220,160
  //   14^2 * 512*(512 * 3)*9          = 1,387,266,048
  // fc: 25088*4096 + 4096*4096 + 4096*1000 = 123,633,664
  // total 15,470,264,320: torchvision's model card says 15.47 GFLOPS.
  EXPECT_EQ(cost.macs, 15470264320);
  EXPECT_EQ(std::llround(static_cast<double>(cost.macs) / 1e7), 1547);

  ShapeMap shapes = validate(g);
  ASSERT_EQ(g.inputs.size(), 1u);
  EXPECT_EQ(g.inputs[0].name, "input");
  EXPECT_EQ(g.inputs[0].shape, (Shape{1, 3, 224, 224}));
  ASSERT_EQ(g.outputs, std::vector<std::string>{"logits"});
  EXPECT_EQ(shapes.at("logits"), (Shape{1, 1000}));
  EXPECT_EQ(shapes.at("features.conv1_1.relu"), (Shape{1, 64, 224, 224}));
  EXPECT_EQ(shapes.at("features.conv4_3.relu"), (Shape{1, 512, 28, 28}));
  EXPECT_EQ(shapes.at("features.pool5"), (Shape{1, 512, 7, 7}));
  EXPECT_EQ(g.node("classifier.fc6").weight("weight").sizes(), (at::IntArrayRef{4096, 25088}));
  EXPECT_EQ(g.node("classifier.fc7").weight("weight").sizes(), (at::IntArrayRef{4096, 4096}));
  EXPECT_EQ(g.node("logits").op, Op::Linear);
  EXPECT_TRUE(g.node("features.conv3_3").has_weight("bias"));
  int convs = 0, pools = 0, linears = 0;
  for (const Node& n : g.nodes) {
    convs += n.op == Op::Conv2d;
    pools += n.op == Op::MaxPool2d;
    linears += n.op == Op::Linear;
    EXPECT_NE(n.op, Op::BatchNorm2d) << n.name;
  }
  EXPECT_EQ(convs, 13);
  EXPECT_EQ(pools, 5);
  EXPECT_EQ(linears, 3);
  EXPECT_EQ(g.metadata.at("whittle.family"), "classifier");
  EXPECT_EQ(g.metadata.at("whittle.zoo"), "vgg16");
  EXPECT_EQ(g.metadata.at("whittle.num_classes"), "1000");
  EXPECT_EQ(g.metadata.at("whittle.input_size"), "224");
  EXPECT_EQ(g.metadata.at("whittle.width"), "1");
}

TEST(Vgg16, FeaturesOnlyEndsAtPool5) {
  BackboneOptions o;
  o.classifier = false;
  Graph g = build_vgg16(o);
  ASSERT_EQ(g.outputs, std::vector<std::string>{"features.pool5"});
  EXPECT_EQ(validate(g).at("features.pool5"), (Shape{1, 512, 7, 7}));
  // 138,357,544 - fc6 (25088*4096 + 4096) - fc7 (4096*4096 + 4096)
  //   - fc8 (4096*1000 + 1000) = 14,714,688: the 13 convs alone.
  EXPECT_EQ(compute_cost(g).params, 14714688);
  EXPECT_EQ(g.metadata.at("whittle.family"), "backbone");
}

TEST(Vgg16, WidthAndInputSizeScaleTheCounts) {
  BackboneOptions o;
  o.width = 0.25;
  o.input_size = 64;
  o.num_classes = 10;
  Graph g = build_vgg16(o);
  ShapeMap shapes = validate(g);
  // Channels 16,16 | 32,32 | 64 x3 | 128 x3 | 128 x3; pool5 is 2x2 at 64, so
  // fc6 takes 128*2*2 = 512 inputs (no adaptive pool); hidden 4096/4 = 1024.
  EXPECT_EQ(shapes.at("features.pool5"), (Shape{1, 128, 2, 2}));
  EXPECT_EQ(g.node("classifier.fc6").weight("weight").sizes(), (at::IntArrayRef{1024, 512}));
  EXPECT_EQ(shapes.at("logits"), (Shape{1, 10}));
  // convs: 3*16*9+16 + 16*16*9+16 + 16*32*9+32 + 32*32*9+32 + 32*64*9+64
  //   + 2*(64*64*9+64) + 64*128*9+128 + 5*(128*128*9+128) = 920,784
  // fc: 512*1024+1024 + 1024*1024+1024 + 1024*10+10 = 1,585,162
  EXPECT_EQ(compute_cost(g).params, 920784 + 1585162);
  EXPECT_EQ(vgg_channels(3, 0.1), 1);  // never below one channel
  EXPECT_EQ(vgg_channels(512, 0.5), 256);
}

TEST(Vgg16, SmallForwardRuns) {
  BackboneOptions o;
  o.width = 0.125;
  o.input_size = 32;
  o.num_classes = 7;
  Graph g = build_vgg16(o);
  Runner runner(g);
  at::Tensor x = at::randn({1, 3, 32, 32});
  std::vector<at::Tensor> out = runner.forward(x);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].sizes(), (at::IntArrayRef{1, 7}));
  EXPECT_TRUE(at::isfinite(out[0]).all().item<bool>());
}

}  // namespace
}  // namespace whittle
