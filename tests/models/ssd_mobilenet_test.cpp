// SSD-MobileNet builders: priors agree with the head outputs at every width
// and input size; structure of MobileNetV1-SSD and MobileNetV2-SSDLite.
#include <gtest/gtest.h>

#include <ATen/ATen.h>

#include "graph/cost_model.h"
#include "graph/error.h"
#include "graph/shape_inference.h"
#include "models/ssd/ssd_head.h"
#include "models/ssd/ssd_mobilenet.h"
#include "runtime/runner.h"

namespace whittle {
namespace {

// Sum over head.cls.k of H * W * A, from the graph's shapes.
int64_t flattened_size(const Detector& d) {
  ShapeMap s = infer_shapes(d.graph);
  int64_t n = 0;
  const size_t maps = dynamic_cast<const SsdHead&>(*d.head).config().priors.feature_sizes.size();
  for (size_t k = 0; k < maps; ++k) {
    const Shape& cls = s.at("head.cls." + std::to_string(k));
    const Shape& reg = s.at("head.reg." + std::to_string(k));
    EXPECT_EQ(cls[1] % (d.head->num_classes() + 1), 0);
    EXPECT_EQ(cls[1] / (d.head->num_classes() + 1), reg[1] / 4);
    n += reg[1] / 4 * reg[2] * reg[3];
  }
  return n;
}

std::vector<std::array<int64_t, 2>> feature_sizes(const Detector& d) {
  return dynamic_cast<const SsdHead&>(*d.head).config().priors.feature_sizes;
}

TEST(SsdMobileNet, PriorCountsMatchHeadOutputsAcrossWidthsAndSizes) {
  for (double width : {0.25, 0.5, 1.0}) {
    for (int64_t size : {128, 160, 192, 300, 320}) {
      SsdOptions o;
      o.num_classes = 7;
      o.width = width;
      o.input_size = size;
      for (int family = 0; family < 2; ++family) {
        SCOPED_TRACE((family ? "ssdlite_mobilenet_v2" : "ssd_mobilenet_v1") +
                     std::string(" width ") + std::to_string(width) + " size " +
                     std::to_string(size));
        Detector d = family ? build_ssdlite_mobilenet_v2(o) : build_ssd_mobilenet_v1(o);
        const auto& head = dynamic_cast<const SsdHead&>(*d.head);
        EXPECT_EQ(head.priors().size(0), flattened_size(d));
        EXPECT_EQ(d.preprocess.input_size, size);
        EXPECT_EQ(d.graph.inputs.at(0).shape, (Shape{1, 3, size, size}));
      }
    }
  }
}

TEST(SsdMobileNet, MobileNetV1SsdAt300) {
  Detector d = build_ssd_mobilenet_v1({});
  ShapeMap s = validate(d.graph);
  EXPECT_EQ(s.at("features.11.pw.act"), (Shape{1, 512, 19, 19}));
  EXPECT_EQ(s.at("features.13.pw.act"), (Shape{1, 1024, 10, 10}));
  EXPECT_EQ(feature_sizes(d), (std::vector<std::array<int64_t, 2>>{
                                  {19, 19}, {10, 10}, {5, 5}, {3, 3}, {2, 2}, {1, 1}}));
  EXPECT_EQ(dynamic_cast<const SsdHead&>(*d.head).priors().size(0), 3000);
  EXPECT_EQ(s.at("extras.0.conv.relu"), (Shape{1, 512, 5, 5}));
  EXPECT_EQ(s.at("head.cls.0"), (Shape{1, 6 * 21, 19, 19}));
  EXPECT_EQ(d.graph.node("head.reg.5").weight("weight").sizes(), (at::IntArrayRef{24, 256, 3, 3}));
  EXPECT_EQ(d.graph.metadata.at("whittle.zoo"), "ssd_mobilenet_v1");
  EXPECT_EQ(d.graph.metadata.at("whittle.ssd.scales"), "0.2,0.35,0.5,0.65,0.8,0.95,1.1");
  EXPECT_EQ(d.graph.metadata.count("whittle.ssd.steps"), 0u);
  EXPECT_NEAR(d.preprocess.mean[0] * 255, 127, 1e-4);
  EXPECT_NEAR(d.preprocess.std[0] * 255, 128, 1e-4);
  // Parameters: MobileNetV1 features (mobilenet_v1_test: 4,231,976 - 1,025,000
  // classifier = 3,206,976), extras (same layer sizes as SSD300's conv8-11:
  // 2,459,520), heads: per map a 3x3 cls conv (126) and reg conv (24) over the
  // source channels 512, 1024, 512, 256, 256, 256, plus 150 biases.
  const int64_t features = 3206976, extras = 262400 + 1180160 + 65664 + 295168 +
                                              2 * (32896 + 295168),
                heads = (512 + 1024 + 512 + 256 + 256 + 256) * 9 * 150 + 6 * 150;
  EXPECT_EQ(compute_cost(d.graph).params, features + extras + heads);
}

TEST(SsdMobileNet, MobileNetV2SsdLiteAt320And300) {
  Detector d = build_ssdlite_mobilenet_v2({});
  ShapeMap s = validate(d.graph);
  EXPECT_EQ(d.preprocess.input_size, 320);
  EXPECT_EQ(s.at("features.14.expand.act"), (Shape{1, 576, 20, 20}));
  EXPECT_EQ(s.at("features.18.act"), (Shape{1, 1280, 10, 10}));
  EXPECT_EQ(feature_sizes(d), (std::vector<std::array<int64_t, 2>>{
                                  {20, 20}, {10, 10}, {5, 5}, {3, 3}, {2, 2}, {1, 1}}));
  EXPECT_EQ(dynamic_cast<const SsdHead&>(*d.head).priors().size(0), 3234);  // (400 + 100 + 25 + 9 + 4 + 1) * 6
  // Extras: 1x1 -> out/2, depthwise 3x3/2, 1x1 -> out (512, 256, 256, 128).
  EXPECT_EQ(s.at("extras.0.pw1.act"), (Shape{1, 256, 10, 10}));
  EXPECT_EQ(d.graph.node("extras.0.dw").attrs.get_int("groups", 1), 256);
  EXPECT_EQ(s.at("extras.0.pw2.act"), (Shape{1, 512, 5, 5}));
  EXPECT_EQ(s.at("extras.3.pw2.act"), (Shape{1, 128, 1, 1}));
  // Depthwise-separable heads.
  EXPECT_EQ(d.graph.node("head.cls.0.dw").attrs.get_int("groups", 1), 576);
  EXPECT_EQ(d.graph.node("head.cls.0.dw.act").op, Op::ReLU6);
  EXPECT_EQ(d.graph.node("head.cls.0").weight("weight").sizes(), (at::IntArrayRef{126, 576, 1, 1}));
  EXPECT_TRUE(d.graph.node("head.reg.1").has_weight("bias"));
  EXPECT_EQ(d.graph.node("extras.1.dw.bn").attrs.get_float("eps", 0), 0.001);
  EXPECT_EQ(d.graph.metadata.at("whittle.ssd.scales"), "0.2,0.35,0.5,0.65,0.8,0.95,1");
  EXPECT_FLOAT_EQ(d.preprocess.mean[1], 0.5f);

  SsdOptions o;
  o.input_size = 300;
  d = build_ssdlite_mobilenet_v2(o);
  EXPECT_EQ(feature_sizes(d),
            (std::vector<std::array<int64_t, 2>>{{19, 19}, {10, 10}, {5, 5}, {3, 3}, {2, 2}, {1, 1}}));
  EXPECT_EQ(dynamic_cast<const SsdHead&>(*d.head).priors().size(0), 3000);
}

TEST(SsdMobileNet, TinyVariantRunsAndClassNamesFollowTheCount) {
  SsdOptions o;
  o.num_classes = 3;
  o.width = 0.25;
  o.input_size = 128;
  Detector d = build_ssdlite_mobilenet_v2(o);
  EXPECT_EQ(d.classes, (std::vector<std::string>{"class1", "class2", "class3"}));
  EXPECT_EQ(d.graph.metadata.at("whittle.width"), "0.25");
  Runner runner(d.graph);
  TensorMap raw = runner.run({{"input", at::rand({2, 3, 128, 128})}});
  auto dets = d.head->decode(raw, NmsOptions{});
  EXPECT_EQ(dets.size(), 2u);

  o.input_size = 16;
  EXPECT_THROW(build_ssd_mobilenet_v1(o), Error);
  o.input_size = 128;
  o.width = 0;
  EXPECT_THROW(build_ssdlite_mobilenet_v2(o), Error);
}

TEST(SsdMobileNet, FirstStride8AddsAFineMapAndScalesFollowTheOptions) {
  SsdOptions o;
  o.num_classes = 4;
  o.width = 0.5;
  o.input_size = 192;
  o.first_stride = 8;
  o.min_scale = 0.05;
  o.max_scale = 0.65;
  for (int family = 0; family < 2; ++family) {
    SCOPED_TRACE(family ? "ssdlite_mobilenet_v2" : "ssd_mobilenet_v1");
    Detector d = family ? build_ssdlite_mobilenet_v2(o) : build_ssd_mobilenet_v1(o);
    const auto& head = dynamic_cast<const SsdHead&>(*d.head);
    const auto sizes = feature_sizes(d);
    ASSERT_EQ(sizes.size(), 7u);
    EXPECT_EQ(sizes[0], (std::array<int64_t, 2>{24, 24}));  // 192 / 8
    EXPECT_EQ(sizes[1], (std::array<int64_t, 2>{12, 12}));
    const std::vector<double>& scales = head.config().priors.scales;
    ASSERT_EQ(scales.size(), 8u);
    EXPECT_DOUBLE_EQ(scales[0], 0.05);
    EXPECT_DOUBLE_EQ(scales[1], 0.15);
    EXPECT_DOUBLE_EQ(scales[6], 0.65);
    EXPECT_EQ(head.priors().size(0), flattened_size(d));
    // The first prior of the first cell: centre (0.5/24, 0.5/24), side 0.05.
    EXPECT_FLOAT_EQ(head.priors()[0][0].item<float>(), 0.5f / 24);
    EXPECT_FLOAT_EQ(head.priors()[0][2].item<float>(), 0.05f);
    // The settings survive the trip through metadata.
    Detector back = detector_from_graph(d.graph);
    EXPECT_TRUE(at::equal(dynamic_cast<const SsdHead&>(*back.head).priors(), head.priors()));
  }
  o.first_stride = 4;
  EXPECT_THROW(build_ssdlite_mobilenet_v2(o), Error);
  o.first_stride = 8;
  o.min_scale = 0.7;
  EXPECT_THROW(build_ssd_mobilenet_v1(o), Error);
}

}  // namespace
}  // namespace whittle
