#include "quant/calibrate.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <cmath>

#include "error_of.h"
#include "graph/graph_builder.h"
#include "runtime/runner.h"

namespace whittle {
namespace {

// conv-BN-ReLU -> conv -> ReLU6, a residual add, pooling and a linear head.
Graph tiny_graph() {
  GraphBuilder b(7);
  auto x = b.input("x", {2, 3, 8, 8});
  ConvOptions pad1;
  pad1.padding = 1;
  auto a = b.conv_bn_act("c1", x, 8, 3, pad1, Op::ReLU);
  auto c2 = b.conv("c2", a, 8, 1);
  auto r6 = b.relu6("r6", c2);
  auto sum = b.add("sum", a, r6);
  auto gap = b.global_avg_pool("gap", sum);
  auto flat = b.flatten("flat", gap);
  b.output(b.linear("fc", flat, 4));
  return b.build();
}

std::vector<at::Tensor> tiny_batches() {
  at::manual_seed(3);
  return {at::randn({2, 3, 8, 8}), at::randn({2, 3, 8, 8}), at::randn({1, 3, 8, 8})};
}

class RecordingProgress : public Progress {
 public:
  std::vector<double> fractions;

 protected:
  void on_progress(double fraction, const std::string&) override { fractions.push_back(fraction); }
};

TEST(Calibrate, PrepareFoldsBatchNormIntoACopy) {
  const Graph g = tiny_graph();
  QuantizedGraph q = prepare_for_int8(g);
  for (const auto& node : q.graph.nodes) EXPECT_NE(node.op, Op::BatchNorm2d) << node.name;
  EXPECT_EQ(q.graph.nodes.size() + 1, g.nodes.size());
  EXPECT_EQ(g.node("c1.bn").op, Op::BatchNorm2d);  // the original is untouched
  EXPECT_TRUE(q.spec.activations.empty());
}

TEST(Calibrate, EveryValueGetsAPlausibleRangeUnderEveryObserver) {
  QuantizedGraph q = prepare_for_int8(tiny_graph());
  for (auto kind : {ObserverKind::MinMax, ObserverKind::MovingAverage, ObserverKind::Percentile,
                    ObserverKind::Entropy, ObserverKind::Mse}) {
    SCOPED_TRACE(observer_name(kind));
    NullProgress progress;
    const QuantSpec spec =
        calibrate(q.graph, calibration_batches(tiny_batches()), kind, {}, progress);
    EXPECT_EQ(spec.observer, observer_name(kind));
    EXPECT_EQ(spec.calibration_images, 5);
    EXPECT_TRUE(spec.fp32_nodes.empty());
    ASSERT_EQ(spec.activations.size(), q.graph.nodes.size() + 1);
    EXPECT_TRUE(spec.activations.count("x"));
    for (const auto& node : q.graph.nodes) {
      ASSERT_TRUE(spec.activations.count(node.output)) << node.output;
      const ActivationQuant& a = spec.activations.at(node.output);
      EXPECT_TRUE(std::isfinite(a.scale) && a.scale > 0) << node.output;
      EXPECT_LE(a.lo, 0.0f);
      EXPECT_GE(a.hi, 0.0f);
      EXPECT_GE(a.zero_point, 0);
      EXPECT_LE(a.zero_point, 255);
    }
    // ReLU outputs: one-signed; ReLU6: at most 6.
    EXPECT_EQ(spec.activations.at("c1.act").lo, 0.0f);
    EXPECT_EQ(spec.activations.at("c1.act").zero_point, 0);
    EXPECT_GT(spec.activations.at("c1.act").hi, 0.0f);
    EXPECT_LE(spec.activations.at("r6").hi, 6.0f);
    EXPECT_LT(spec.activations.at("x").lo, -1.0f);  // the input is N(0, 1)
    EXPECT_GT(spec.activations.at("x").hi, 1.0f);
  }
}

TEST(Calibrate, MinMaxRangesAreTheRunnersExactExtremes) {
  QuantizedGraph q = prepare_for_int8(tiny_graph());
  NullProgress progress;
  const auto batches = tiny_batches();
  const QuantSpec spec =
      calibrate(q.graph, calibration_batches(batches), ObserverKind::MinMax, {}, progress);
  Runner runner(q.graph);
  float lo = INFINITY, hi = -INFINITY;
  for (const auto& b : batches) {
    at::Tensor c2 = runner.run({{"x", b}}, {"c2"}).at("c2");
    lo = std::min(lo, c2.min().item<float>());
    hi = std::max(hi, c2.max().item<float>());
  }
  const ActivationQuant expected = affine_uint8(lo, hi);
  EXPECT_EQ(spec.activations.at("c2").lo, expected.lo);
  EXPECT_EQ(spec.activations.at("c2").hi, expected.hi);
  EXPECT_EQ(spec.activations.at("c2").scale, expected.scale);
}

TEST(Calibrate, ReportsProgressOverBothPasses) {
  QuantizedGraph q = prepare_for_int8(tiny_graph());
  RecordingProgress progress;
  progress.set_interval(std::chrono::milliseconds(0));
  CalibrateOptions options;
  options.expected_images = 5;
  calibrate(q.graph, calibration_batches(tiny_batches()), ObserverKind::Entropy, options, progress);
  ASSERT_EQ(progress.fractions.size(), 7u);  // 3 batches x 2 passes + the end
  for (size_t i = 1; i < progress.fractions.size(); ++i)
    EXPECT_GE(progress.fractions[i], progress.fractions[i - 1]);
  EXPECT_DOUBLE_EQ(progress.fractions[2], 0.5);  // the end of pass 1
  EXPECT_EQ(progress.fractions.back(), 1.0);
}

TEST(Calibrate, NonFiniteActivationsNameTheValue) {
  QuantizedGraph q = prepare_for_int8(tiny_graph());
  q.graph.node("c2").weights["weight"][3][0][0][0] = NAN;
  NullProgress progress;
  const std::string error = test::error_of([&] {
    calibrate(q.graph, calibration_batches(tiny_batches()), ObserverKind::MinMax, {}, progress);
  });
  EXPECT_NE(error.find("(Conv c2) output 'c2'"), std::string::npos) << error;
  EXPECT_NE(error.find("batch 1 (images 1 to 2)"), std::string::npos) << error;
  EXPECT_NE(error.find("not finite"), std::string::npos) << error;

  QuantizedGraph clean = prepare_for_int8(tiny_graph());
  auto batches = tiny_batches();
  batches[1][0][1][2][3] = INFINITY;
  const std::string input_error = test::error_of([&] {
    calibrate(clean.graph, calibration_batches(batches), ObserverKind::Entropy, {}, progress);
  });
  EXPECT_NE(input_error.find("graph input 'x', batch 2 (images 3 to 4)"), std::string::npos)
      << input_error;
}

TEST(Calibrate, EmptySourcesAndBatchesAreErrors) {
  QuantizedGraph q = prepare_for_int8(tiny_graph());
  NullProgress progress;
  EXPECT_NE(test::error_of([&] {
              calibrate(q.graph, calibration_batches({}), ObserverKind::MinMax, {}, progress);
            }).find("gave no images"),
            std::string::npos);
  EXPECT_NE(test::error_of([&] {
              calibrate(q.graph, calibration_batches({at::zeros({0, 3, 8, 8})}),
                        ObserverKind::MinMax, {}, progress);
            }).find("batch 1 (images 1 to 0) is empty"),
            std::string::npos);
}

TEST(Calibrate, ASecondPassThatDoesNotReplayIsAnError) {
  QuantizedGraph q = prepare_for_int8(tiny_graph());
  NullProgress progress;
  CalibrationBatches once = calibration_batches(tiny_batches());
  bool rewound = false;
  once.rewind = [&rewound] { rewound = true; };  // first call: fine; then the source stays spent
  const std::string error =
      test::error_of([&] { calibrate(q.graph, once, ObserverKind::Percentile, {}, progress); });
  EXPECT_NE(error.find("the second pass saw 0 images, the first 5"), std::string::npos) << error;
  EXPECT_TRUE(rewound);
}

TEST(Calibrate, HonoursCancellation) {
  QuantizedGraph q = prepare_for_int8(tiny_graph());
  NullProgress progress;
  progress.cancel();
  EXPECT_THROW(
      calibrate(q.graph, calibration_batches(tiny_batches()), ObserverKind::MinMax, {}, progress),
      Cancelled);
}

}  // namespace
}  // namespace whittle
