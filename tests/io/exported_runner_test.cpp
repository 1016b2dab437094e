// io/exported_runner.h: an exported file run in its runtime on several inputs
// gives what Whittle's runners give (fp32 ONNX in OpenCV DNN and .ptl in the
// lite interpreter to float precision; int8 .ptl and QDQ reload identical to
// the Int8Runner; QOperator in OpenCV within a few quantization steps).
#include "io/exported_runner.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "error_of.h"
#include "int8_exact.h"
#include "io/onnx_export.h"
#include "io/onnx_int8.h"
#include "io/ptl_export.h"
#include "models/ssd/ssd_zoo.h"
#include "quant/int8_runner.h"
#include "quant/minmax_quant.h"
#include "runtime/runner.h"

namespace whittle {
namespace {

namespace fs = std::filesystem;
using test::error_of;

class ExportedRunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("whittle_exported_runner_" + std::to_string(getpid()));
    fs::create_directories(dir_);
    detector_ = build_detector_zoo("ssdlite_mobilenet_v2", 3, 0.25, 96);
    at::manual_seed(7);
    for (int i = 0; i < 3; ++i) inputs_.push_back({at::randn({1, 3, 96, 96})});
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  QuantizedGraph int8_model() const {
    std::vector<at::Tensor> xs;
    for (const auto& in : inputs_) xs.push_back(in[0]);
    return test::minmax_quantize(detector_.graph, xs);
  }

  // max |got - want| over every output and input.
  static double max_diff(const std::vector<TensorMap>& got, const std::vector<TensorMap>& want) {
    EXPECT_EQ(got.size(), want.size());
    double d = 0;
    for (size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].size(), want[i].size());
      for (const auto& [name, w] : want[i]) {
        const at::Tensor& g = got[i].at(name);
        EXPECT_TRUE(g.sizes().equals(w.sizes())) << name;
        d = std::max(d, (g - w).abs().max().item<double>());
      }
    }
    return d;
  }

  std::vector<TensorMap> fp32_reference() const {
    Runner runner(detector_.graph, {RunMode::Inference, true, false});
    std::vector<TensorMap> out;
    for (const auto& in : inputs_) out.push_back(runner.run({{detector_.graph.inputs[0].name, in[0]}}));
    return out;
  }

  std::vector<TensorMap> int8_reference(const QuantizedGraph& model, Int8Runner& runner) const {
    std::vector<TensorMap> out;
    for (const auto& in : inputs_) out.push_back(runner.run({{model.graph.inputs[0].name, in[0]}}));
    return out;
  }

  fs::path dir_;
  Detector detector_;
  std::vector<std::vector<at::Tensor>> inputs_;
};

TEST_F(ExportedRunnerTest, Fp32OnnxInOpenCvAndPtlInMobileMatchTheRunner) {
  save_onnx(detector_.graph, path("m.onnx"));
  save_ptl(detector_.graph, path("m.ptl"));
  const auto options = ExportedModelOptions::for_graph(detector_.graph);
  const auto want = fp32_reference();
  EXPECT_LE(max_diff(run_exported(path("m.onnx"), ExportRuntime::OpenCvDnn, options, inputs_), want), 1e-4);
  EXPECT_LE(max_diff(run_exported(path("m.ptl"), ExportRuntime::PytorchMobile, options, inputs_), want), 1e-5);

  // Loaded once, run several times: the same outputs each time.
  ExportedModel model(path("m.onnx"), ExportRuntime::OpenCvDnn, options);
  EXPECT_EQ(model.runtime(), ExportRuntime::OpenCvDnn);
  const TensorMap first = model.run(inputs_[0]);
  const TensorMap again = model.run(inputs_[0]);
  for (const auto& [name, t] : first) EXPECT_TRUE(at::equal(t, again.at(name))) << name;
}

TEST_F(ExportedRunnerTest, Int8FilesMatchTheInt8Runner) {
  WHITTLE_SKIP_IF_INT8_SATURATES();
  const QuantizedGraph q = int8_model();
  save_ptl(q, path("q.ptl"));
  save_qdq_onnx(q, path("q_qdq.onnx"));
  save_qop_onnx(q, path("q_qop.onnx"));
  Int8Runner runner(q);
  const auto want = int8_reference(q, runner);
  const auto options = ExportedModelOptions::for_graph(q.graph, runner.engine());
  // The same kernels on the same engine: identical.
  EXPECT_EQ(max_diff(run_exported(path("q.ptl"), ExportRuntime::PytorchMobile, options, inputs_), want), 0.0);
  EXPECT_EQ(max_diff(run_exported(path("q_qdq.onnx"), ExportRuntime::WhittleInt8, options, inputs_), want), 0.0);
  // OpenCV's int8 kernels round differently: a few steps, per output.
  const auto qop = run_exported(path("q_qop.onnx"), ExportRuntime::OpenCvDnn, options, inputs_);
  for (size_t i = 0; i < inputs_.size(); ++i) {
    std::vector<at::Tensor> got;
    for (const auto& name : q.graph.outputs) got.push_back(qop[i].at(name));
    const Int8Comparison c = compare_with_int8_runner(q, inputs_[i], got, "OpenCV DNN (int8)");
    EXPECT_LE(c.max_step_diff, 4.0) << "input " << i;
  }
}

TEST_F(ExportedRunnerTest, ErrorsNameTheFile) {
  const auto options = ExportedModelOptions::for_graph(detector_.graph);
  const std::string missing = path("missing.onnx");
  EXPECT_NE(error_of([&] { ExportedModel(missing, ExportRuntime::OpenCvDnn, options); }).find(missing),
            std::string::npos);
  EXPECT_NE(error_of([&] { ExportedModel(path("missing.ptl"), ExportRuntime::PytorchMobile, options); })
                .find("missing.ptl"),
            std::string::npos);
  save_onnx(detector_.graph, path("m.onnx"));
  ExportedModel model(path("m.onnx"), ExportRuntime::OpenCvDnn, options);
  EXPECT_NE(error_of([&] { model.run({}); }).find("got 0 inputs, the file has 1"), std::string::npos);
  EXPECT_NE(error_of([&] { ExportedModel(path("m.onnx"), ExportRuntime::OpenCvDnn, {}); })
                .find("input and output names"),
            std::string::npos);
  EXPECT_EQ(export_runtime_name(ExportRuntime::PytorchMobile), "PyTorch Mobile");
}

}  // namespace
}  // namespace whittle
