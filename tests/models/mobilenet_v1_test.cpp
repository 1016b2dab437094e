// MobileNetV1 (Howard et al. 2017): exact counts against the paper, structure, forward.
#include <gtest/gtest.h>

#include <ATen/ATen.h>

#include "graph/cost_model.h"
#include "graph/shape_inference.h"
#include "models/mobilenet_v1.h"
#include "runtime/runner.h"

namespace whittle {
namespace {

TEST(MobileNetV1, ImageNetParamsAndMacsByHand) {
  Graph g = build_mobilenet_v1();
  GraphCost cost = compute_cost(g);
  // Convs have no bias; every BN has gamma and beta (running stats are not
  // parameters); fc has a bias. Blocks (in -> out): 32->64, 64->128,
  // 128->128, 128->256, 256->256, 256->512, 512->512 x5, 512->1024, 1024->1024.
  //   first conv 3*32*9 = 864, BN 2*32 = 64                          928
  //   depthwise 9*in + BN 2*in = 11 * sum(in) = 11 * 4,960        54,560
  //   pointwise sum(in*out) = 2048 + 8192 + 16384 + 32768 + 65536
  //     + 131072 + 5*262144 + 524288 + 1048576                 3,139,584
  //   pointwise BN 2 * sum(out) = 2 * 5,952                       11,904
  //   fc 1024*1000 + 1000                                      1,025,000
  //   total                                                    4,231,976
  // The paper (Table 1/8) says 4.2 M; Keras' MobileNet reports 4,253,864 of
  // which 21,888 are BN running statistics: 4,231,976 trainable.
  EXPECT_EQ(cost.params, 4231976);
  // MACs at 224 (output H*W * out * in/groups * k*k):
  //   first conv 112^2 * 32 * 27                                10,838,016
  //   depthwise 9 * sum(H_out^2 * in):
  //     9 * (112^2*32 + 56^2*64 + 56^2*128 + 28^2*128 + 28^2*256 + 14^2*256
  //          + 5 * 14^2*512 + 7^2*512 + 7^2*1024)             = 17,385,984
  //   pointwise sum(H^2 * in * out):
  //     112^2*2048 + 56^2*(8192 + 16384) + 28^2*(32768 + 65536)
  //     + 14^2*(131072 + 5*262144) + 7^2*(524288 + 1048576)   = 539,492,352
  //   fc 1024*1000                                             1,024,000
  //   total 568,740,352: the paper's 569 M mult-adds.
  EXPECT_EQ(cost.macs, 568740352);
}

TEST(MobileNetV1, WidthMultipliersMatchThePaper) {
  // Paper Table 6 (224): 0.75 -> 2.6 M params, 325 M mult-adds; 0.5 -> 1.3 M,
  // 149 M; 0.25 -> 0.5 M, 41 M.
  struct Case {
    double width;
    int64_t params, macs;
  };
  for (Case c : {Case{0.75, 2585560, 325400448}, Case{0.5, 1331592, 149497088},
                 Case{0.25, 470072, 41030272}}) {
    BackboneOptions o;
    o.width = c.width;
    GraphCost cost = compute_cost(build_mobilenet_v1(o));
    EXPECT_EQ(cost.params, c.params) << c.width;
    EXPECT_EQ(cost.macs, c.macs) << c.width;
  }
  // 0.5: channels 16, 32, 64, ..., 512 (make_divisible(c/2, 8) = c/2 here).
  BackboneOptions o;
  o.width = 0.5;
  Graph g = build_mobilenet_v1(o);
  EXPECT_EQ(g.node("features.0").weight("weight").size(0), 16);
  EXPECT_EQ(g.node("features.13.pw").weight("weight").size(0), 512);
}

TEST(MobileNetV1, StructureAndFeaturesOnly) {
  Graph g = build_mobilenet_v1();
  ShapeMap shapes = validate(g);
  ASSERT_EQ(g.outputs, std::vector<std::string>{"logits"});
  EXPECT_EQ(shapes.at("logits"), (Shape{1, 1000}));
  EXPECT_EQ(g.metadata.at("whittle.zoo"), "mobilenet_v1");
  int convs = 0, relus = 0;
  for (const Node& n : g.nodes) {
    convs += n.op == Op::Conv2d;
    relus += n.op == Op::ReLU;
  }
  EXPECT_EQ(convs, 27);  // 1 + 13 * 2
  EXPECT_EQ(relus, 27);
  EXPECT_EQ(g.node("features.6.dw").attrs.get_int("groups", 0), 256);
  EXPECT_EQ(g.node("features.6.dw").attrs.get_pair("stride", 0), (std::vector<int64_t>{2, 2}));
  EXPECT_EQ(shapes.at("features.5.pw.act"), (Shape{1, 256, 28, 28}));
  EXPECT_EQ(shapes.at("features.11.pw.act"), (Shape{1, 512, 14, 14}));

  BackboneOptions o;
  o.classifier = false;
  o.input_size = 300;
  Graph f = build_mobilenet_v1(o);
  ASSERT_EQ(f.outputs, std::vector<std::string>{"features.13.pw.act"});
  EXPECT_EQ(validate(f).at("features.13.pw.act"), (Shape{1, 1024, 10, 10}));
  EXPECT_EQ(compute_cost(f).params, 4231976 - 1025000);
}

TEST(MobileNetV1, ForwardAtSmallSize) {
  BackboneOptions o;
  o.width = 0.25;
  o.input_size = 64;
  o.num_classes = 5;
  Graph g = build_mobilenet_v1(o);
  Runner runner(g);
  std::vector<at::Tensor> out = runner.forward(at::randn({1, 3, 64, 64}));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].sizes(), (at::IntArrayRef{1, 5}));
  EXPECT_TRUE(at::isfinite(out[0]).all().item<bool>());
}

}  // namespace
}  // namespace whittle
