// quantize_detector on a small SSDLite (width 0.25, input 96, random weights
// with BatchNorm statistics randomised so folding matters) and a synthetic VOC
// set: the int8 model's head outputs stay close to the fp32 ones, kept layers
// are fp32 with their fused activation, Auto measures every layer and
// searches, and bad input is refused with a clear message.
#include "workflow/quantize_detector.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "data/synth.h"
#include "data/voc_reader.h"
#include "error_of.h"
#include "models/ssd/ssd_zoo.h"
#include "quant/calibration_table.h"
#include "quant/int8_plan.h"
#include "quant/make_executor.h"
#include "runtime/runner.h"

namespace whittle {
namespace {

using test::error_of;
namespace fs = std::filesystem;

class QuantizeDetectorTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("whittle_quantize_" + std::to_string(getpid()));
    fs::remove_all(dir_);
    SynthOptions so;
    so.out = dir_.string();
    so.images = 12;
    so.classes = 3;
    so.size = 96;
    so.seed = 3;
    so.threads = 1;
    const SynthReport report = synthesize_voc(so);
    VocReadOptions read;
    read.sets = {"trainval"};
    data_ = read_voc(report.root, read);
    detector_ = build_detector_zoo("ssdlite_mobilenet_v2", 3, 0.25, 96);
    detector_.classes = {"aeroplane", "bicycle", "bird"};
    at::manual_seed(5);
    for (Node& n : detector_.graph.nodes)
      if (n.op == Op::BatchNorm2d) {
        const int64_t c = n.weight("running_mean").size(0);
        n.weights["running_mean"] = at::randn({c}) * 0.1;
        n.weights["running_var"] = at::rand({c}) + 0.5;
      }
  }
  static void TearDownTestSuite() { fs::remove_all(dir_); }

  static QuantizeDetectorOptions options() {
    QuantizeDetectorOptions o;
    o.calibration_images = 8;
    o.batch_size = 4;
    o.workers = 0;
    o.sensitivity_images = 4;
    return o;
  }

  static inline fs::path dir_;
  static inline Dataset data_;
  static inline Detector detector_;
};

TEST_F(QuantizeDetectorTest, Int8HeadOutputsStayCloseToFp32) {
  NullProgress progress;
  const QuantizeDetectorResult r = quantize_detector(detector_, data_, &data_, options(), progress);
  ASSERT_TRUE(r.int8.int8);
  EXPECT_EQ(r.calibration_images, 8);
  EXPECT_EQ(r.int8.int8->calibration_images, 8);
  ASSERT_TRUE(r.fp32_map && r.int8_map);
  EXPECT_TRUE(std::isfinite(*r.fp32_map) && std::isfinite(*r.int8_map));
  for (const Node& n : r.int8.graph.nodes) EXPECT_NE(n.op, Op::BatchNorm2d) << n.name;  // folded

  const at::Tensor x = at::rand({2, 3, 96, 96}) * 2 - 1;
  Runner fp32(detector_.graph);
  auto int8 = make_inference_executor(r.int8.graph, r.int8.int8.get());
  const TensorMap a = fp32.run({{"input", x}}), b = int8->run({{"input", x}});
  for (const auto& [name, ref] : a) {
    const double rel = ((b.at(name) - ref).norm() / ref.norm()).item<double>();
    EXPECT_LT(rel, 0.1) << name;
    EXPECT_GT(rel, 0.0) << name << ": int8 should not be bit-identical to fp32";
  }
}

TEST_F(QuantizeDetectorTest, ListedLayersStayFp32WithTheirActivation) {
  QuantizedGraph model = prepare_for_int8(detector_.graph);
  const std::vector<std::string> layers = int8_layers(QuantizedGraph{model.graph, {}});
  ASSERT_GT(layers.size(), 10u);
  QuantizeDetectorOptions o = options();
  o.keep = KeepFp32::List;
  o.keep_nodes = {layers[0], layers.back()};
  NullProgress progress;
  const QuantizeDetectorResult r = quantize_detector(detector_, data_, nullptr, o, progress);
  EXPECT_FALSE(r.fp32_map.has_value());
  EXPECT_EQ(r.kept_fp32, o.keep_nodes);
  const QuantizedGraph q{r.int8.graph, *r.int8.int8};
  const Int8Plan plan = plan_int8(q);
  for (const std::string& name : o.keep_nodes) {
    const int i = q.graph.find_node(name);
    EXPECT_EQ(plan.nodes[static_cast<size_t>(i)].precision, Precision::Fp32) << name;
  }
  // The stem conv is fused with its ReLU6 when int8: kept fp32, the ReLU6 goes too.
  EXPECT_GT(q.spec.fp32_nodes.size(), o.keep_nodes.size());
  EXPECT_EQ(int8_layers(q).size(), layers.size() - 2);
}

TEST_F(QuantizeDetectorTest, AutoRanksEveryLayerAndSearchesWhenTheBoundIsMissed) {
  QuantizeDetectorOptions o = options();
  o.keep = KeepFp32::Auto;
  o.max_map_loss = -1.0;  // unreachable: the search runs to the end and keeps the best trial
  NullProgress progress;
  const QuantizeDetectorResult r = quantize_detector(detector_, data_, &data_, o, progress);
  const size_t layers = int8_layers(QuantizedGraph{prepare_for_int8(detector_.graph).graph, {}}).size();
  ASSERT_EQ(r.sensitivity.size(), layers);
  for (size_t i = 1; i < r.sensitivity.size(); ++i)
    EXPECT_GE(r.sensitivity[i - 1].relative_error, r.sensitivity[i].relative_error);
  EXPECT_GT(r.sensitivity.front().relative_error, 0.0);
  ASSERT_FALSE(r.auto_trials.empty());
  EXPECT_EQ(r.auto_trials.front().first, 1);
  EXPECT_EQ(r.auto_trials.back().first, static_cast<int>(layers));  // doubled up to all layers

  o.max_map_loss = 1.0;  // already met by plain int8: no search
  const QuantizeDetectorResult easy = quantize_detector(detector_, data_, &data_, o, progress);
  EXPECT_TRUE(easy.sensitivity.empty());
  EXPECT_TRUE(easy.auto_trials.empty());
  EXPECT_TRUE(easy.kept_fp32.empty());
}

TEST_F(QuantizeDetectorTest, ACalibrationTableReplacesCalibration) {
  NullProgress progress;
  const QuantizeDetectorResult first = quantize_detector(detector_, data_, nullptr, options(), progress);
  QuantizeDetectorOptions o = options();
  o.table = parse_calibration_table(calibration_table_text(*first.int8.int8), "table.txt");
  Dataset empty;  // no images needed
  empty.classes = data_.classes;
  const QuantizeDetectorResult again = quantize_detector(detector_, empty, nullptr, o, progress);
  EXPECT_EQ(calibration_table_text(*again.int8.int8), calibration_table_text(*first.int8.int8));
  const at::Tensor x = at::rand({1, 3, 96, 96});
  auto a = make_inference_executor(first.int8.graph, first.int8.int8.get());
  auto b = make_inference_executor(again.int8.graph, again.int8.int8.get());
  for (const auto& [name, t] : a->run({{"input", x}})) EXPECT_TRUE(at::equal(t, b->run({{"input", x}}).at(name)));

  QuantSpec missing = *o.table;
  const std::string dropped = missing.activations.rbegin()->first;
  missing.activations.erase(dropped);
  o.table = missing;
  EXPECT_NE(error_of([&] { quantize_detector(detector_, empty, nullptr, o, progress); }).find("no"),
            std::string::npos);
}

TEST_F(QuantizeDetectorTest, BadInputIsRefused) {
  NullProgress progress;
  QuantizeDetectorOptions o = options();
  Dataset empty;
  empty.classes = data_.classes;
  EXPECT_NE(error_of([&] { quantize_detector(detector_, empty, nullptr, o, progress); }).find("no images"),
            std::string::npos);
  o.keep = KeepFp32::Auto;
  EXPECT_NE(error_of([&] { quantize_detector(detector_, data_, nullptr, o, progress); }).find("validation"),
            std::string::npos);
  o.keep = KeepFp32::List;
  o.keep_nodes = {"no_such_layer"};
  EXPECT_NE(error_of([&] { quantize_detector(detector_, data_, nullptr, o, progress); }).find("no_such_layer"),
            std::string::npos);
  Detector int8 = detector_;
  int8.int8 = std::make_shared<const QuantSpec>();
  EXPECT_NE(error_of([&] { quantize_detector(int8, data_, nullptr, options(), progress); }).find("already int8"),
            std::string::npos);
}

}  // namespace
}  // namespace whittle
