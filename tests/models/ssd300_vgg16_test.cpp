// SSD300-VGG16 (torchvision ssd300_vgg16): exact parameter count, structure, priors.
#include <gtest/gtest.h>

#include <ATen/ATen.h>

#include <cmath>

#include "graph/cost_model.h"
#include "graph/shape_inference.h"
#include "models/ssd/ssd300_vgg16.h"
#include "models/ssd/ssd_head.h"
#include "runtime/fold_batch_norm.h"
#include "runtime/runner.h"

namespace whittle {
namespace {

// One build (26 M weights) checked for everything structural.
TEST(Ssd300Vgg16, ParameterCountStructureAndMetadata) {
  const Detector d = build_ssd300_vgg16(20);
  // torchvision ssd300_vgg16(num_classes=21), module by module:
  //   VGG16 convs conv1_1 .. conv5_3 (features[:30] minus pool5)    14,714,688
  //   L2Norm(512) scale                                                     512
  //   fc6 Conv(512, 1024, 3, dilation 6)  512*1024*9 + 1024          4,719,616
  //   fc7 Conv(1024, 1024, 1)             1024*1024 + 1024           1,049,600
  //   extras conv8_1 1024*256+256 = 262,400, conv8_2 256*512*9+512 = 1,180,160,
  //          conv9_1 512*128+128 = 65,664, conv9_2 128*256*9+256 = 295,168,
  //          conv10_1/11_1 256*128+128 = 32,896, conv10_2/11_2 295,168   2,459,520
  //   heads (A * 21 + A * 4 = 25A outputs, 3x3): 512*100*9+100 = 460,900,
  //          1024*150*9+150 = 1,382,550, 512*150*9+150 = 691,350,
  //          256*150*9+150 = 345,750, 256*100*9+100 = 230,500 (x2)   3,341,550
  //   total                                                          26,285,486
  EXPECT_EQ(compute_cost(d.graph).params, 26285486);

  ShapeMap s = validate(d.graph);
  EXPECT_EQ(s.at("features.pool3"), (Shape{1, 256, 38, 38}));  // ceil_mode: 75 -> 38
  EXPECT_EQ(d.graph.node("features.pool3").attrs.get_int("ceil_mode", 0), 1);
  EXPECT_EQ(d.graph.node("features.pool2").attrs.get_int("ceil_mode", 0), 0);
  EXPECT_EQ(d.graph.find_node("features.pool5"), -1);
  EXPECT_EQ(d.graph.node("features.conv4_3.l2norm").op, Op::L2Norm);
  EXPECT_EQ(d.graph.node("features.conv4_3.l2norm").weight("weight")[7].item<float>(), 20.0f);
  EXPECT_EQ(s.at("fc.pool5"), (Shape{1, 512, 19, 19}));
  EXPECT_EQ(d.graph.node("fc.fc6").attrs.get_ints("dilation", {}), (std::vector<int64_t>{6, 6}));
  EXPECT_EQ(s.at("fc.fc7.relu"), (Shape{1, 1024, 19, 19}));
  const std::vector<Shape> cls = {{1, 84, 38, 38}, {1, 126, 19, 19}, {1, 126, 10, 10},
                                  {1, 126, 5, 5},  {1, 84, 3, 3},    {1, 84, 1, 1}};
  int64_t flattened = 0;
  for (size_t k = 0; k < 6; ++k) {
    EXPECT_EQ(s.at("head.cls." + std::to_string(k)), cls[k]) << k;
    Shape reg = cls[k];
    reg[1] = reg[1] / 21 * 4;
    EXPECT_EQ(s.at("head.reg." + std::to_string(k)), reg) << k;
    flattened += cls[k][1] / 21 * cls[k][2] * cls[k][3];
  }
  EXPECT_EQ(flattened, 8732);
  EXPECT_EQ(d.graph.outputs, d.head->output_names());
  EXPECT_EQ(d.graph.outputs.front(), "head.cls.0");
  EXPECT_EQ(d.graph.outputs.back(), "head.reg.5");
  const auto& head = dynamic_cast<const SsdHead&>(*d.head);
  EXPECT_EQ(head.priors().size(0), 8732);

  EXPECT_EQ(d.classes.size(), 20u);
  EXPECT_EQ(d.classes.front(), "aeroplane");
  EXPECT_EQ(d.preprocess.input_size, 300);
  EXPECT_FLOAT_EQ(d.preprocess.mean[0], 0.48235f);
  EXPECT_FLOAT_EQ(d.preprocess.std[2], 1.0f / 255.0f);
  const auto& m = d.graph.metadata;
  EXPECT_EQ(m.at("whittle.family"), "ssd");
  EXPECT_EQ(m.at("whittle.zoo"), "ssd300_vgg16");
  EXPECT_EQ(m.at("whittle.ssd.num_classes"), "20");
  EXPECT_EQ(m.at("whittle.ssd.variances"), "0.1,0.2");
  EXPECT_EQ(m.at("whittle.ssd.steps"), "8,16,32,64,100,300");
  EXPECT_EQ(m.at("whittle.classes").substr(0, 18), "aeroplane,bicycle,");

  // Head and extras are Xavier-uniform: |w| <= sqrt(6 / (fan_in + fan_out)).
  const at::Tensor& w = d.graph.node("head.cls.0").weight("weight");
  EXPECT_LE(w.abs().max().item<float>(), std::sqrt(6.0 / (512 * 9 + 84 * 9)) + 1e-6);
  EXPECT_EQ(d.graph.node("head.cls.0").weight("bias").abs().sum().item<float>(), 0.0f);
}

// The one forward at 300 (about a second): raw outputs fit the head.
TEST(Ssd300Vgg16, ForwardAt300DecodesToBoxesInRange) {
  const Detector d = build_ssd300_vgg16(3);
  Runner runner(d.graph);
  at::manual_seed(1);
  TensorMap raw = runner.run({{"input", at::randn({1, 3, 300, 300})}});
  EXPECT_EQ(raw.at("head.cls.0").sizes(), (at::IntArrayRef{1, 16, 38, 38}));
  auto [cls, reg] = dynamic_cast<const SsdHead&>(*d.head).flatten_outputs(raw);
  EXPECT_EQ(cls.sizes(), (at::IntArrayRef{1, 8732, 4}));
  auto dets = d.head->decode(raw, NmsOptions{});
  ASSERT_EQ(dets.size(), 1u);
  for (const ScoredBox& b : dets[0]) {
    EXPECT_TRUE(b.label >= 0 && b.label < 3);
    EXPECT_TRUE(b.x1 >= 0 && b.x2 <= 1 && b.y1 >= 0 && b.y2 <= 1);
  }
}

// ssd300_vgg16_bn: BatchNorm after the 13 trunk, 2 fc and 8 extras convs;
// folded, it is ssd300_vgg16 op for op and shape for shape, with the same
// outputs as before folding (statistics randomised so the fold is exercised).
TEST(Ssd300Vgg16, BatchNormVariantFoldsToThePlainNetwork) {
  Detector d = build_ssd300_vgg16(20, 2345, /*batch_norm=*/true);
  EXPECT_EQ(d.graph.metadata.at("whittle.zoo"), "ssd300_vgg16_bn");
  int bn = 0;
  at::manual_seed(3);
  for (Node& n : d.graph.nodes) {
    if (n.op != Op::BatchNorm2d) continue;
    ++bn;
    const int64_t c = n.weight("weight").size(0);
    n.weights["weight"] = at::rand({c}) + 0.5;
    n.weights["bias"] = at::randn({c}) * 0.1;
    n.weights["running_mean"] = at::randn({c}) * 0.1;
    n.weights["running_var"] = at::rand({c}) + 0.5;
  }
  EXPECT_EQ(bn, 23);
  EXPECT_EQ(d.graph.node("features.conv1_1.bn").inputs[0], "features.conv1_1");
  EXPECT_EQ(d.graph.node("extras.conv11_2.bn").inputs[0], "extras.conv11_2");

  at::manual_seed(1);
  const at::Tensor x = at::randn({1, 3, 300, 300});
  RunnerOptions unfolded;
  unfolded.fold_batch_norm = false;
  TensorMap before = Runner(d.graph, unfolded).run({{"input", x}});

  Graph folded = d.graph.clone();
  EXPECT_EQ(fold_batch_norm(folded).summary, "folded 23 BatchNorm");
  const Graph plain = build_ssd300_vgg16(20).graph;
  EXPECT_EQ(compute_cost(folded).params, 26285486);
  EXPECT_EQ(compute_cost(folded).macs, compute_cost(plain).macs);
  ASSERT_EQ(folded.nodes.size(), plain.nodes.size());
  const ShapeMap fs = validate(folded), ps = validate(plain);
  for (size_t i = 0; i < plain.nodes.size(); ++i) {
    EXPECT_EQ(folded.nodes[i].op, plain.nodes[i].op) << plain.nodes[i].name;
    EXPECT_EQ(folded.nodes[i].name, plain.nodes[i].name);
    EXPECT_EQ(fs.at(folded.nodes[i].output), ps.at(plain.nodes[i].output)) << plain.nodes[i].name;
  }
  TensorMap after = Runner(folded, unfolded).run({{"input", x}});
  for (const auto& out : folded.outputs) {
    const double scale = before.at(out).abs().max().item<double>();
    EXPECT_LE((before.at(out) - after.at(out)).abs().max().item<double>(), 1e-4 * scale) << out;
  }
}

}  // namespace
}  // namespace whittle
