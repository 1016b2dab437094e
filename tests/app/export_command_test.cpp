// `whittle-cli export` end to end: a small SSDLite detector saved as ONNX
// goes out as .ptl and as ONNX, each checked with --verify; its int8 model
// (QDQ ONNX) goes out as QDQ and as QOperator ONNX for OpenCV DNN.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "app/cli_runner.h"
#include "io/onnx_export.h"
#include "io/onnx_int8.h"
#include "io/ptl_export.h"
#include "models/ssd/ssd_zoo.h"
#include "quant/minmax_quant.h"

namespace {

namespace fs = std::filesystem;
using whittle::test::run_cli;

class ExportCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("whittle_export_cli_" + std::to_string(getpid()));
    fs::create_directories(dir_);
    detector_ = whittle::build_detector_zoo("ssdlite_mobilenet_v2", 3, 0.25, 96);
    whittle::save_onnx(detector_.graph, model());
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  std::string model() const { return path("ssdlite.onnx"); }

  fs::path dir_;
  whittle::Detector detector_;
};

TEST_F(ExportCli, PtlVerifiesAgainstTheRunnerAndKeepsTheMetadata) {
  std::string out = path("ssdlite.ptl");
  auto r = run_cli("export --model " + model() + " --format ptl --out " + out + " --verify --json");
  ASSERT_EQ(r.code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["file"], out);
  EXPECT_EQ(j["format"], "ptl");
  EXPECT_EQ(j["bytes"].get<int64_t>(), static_cast<int64_t>(fs::file_size(out)));
  EXPECT_EQ(j["verify"]["engine"], "PyTorch Mobile");
  EXPECT_EQ(j["verify"]["pass"], true);
  EXPECT_LE(j["verify"]["max_abs_diff"].get<double>(), 1e-5);
  EXPECT_EQ(j["verify"]["input_shapes"][0], (std::vector<int64_t>{1, 3, 96, 96}));
  EXPECT_EQ(j["verify"]["outputs"].size(), detector_.graph.outputs.size());
  EXPECT_EQ(whittle::load_ptl_metadata(out), detector_.graph.metadata);
}

TEST_F(ExportCli, OnnxVerifiesInOpenCV) {
  std::string out = path("copy.onnx");
  auto r = run_cli("export --model " + model() + " --format onnx --out " + out + " --verify");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("wrote " + out + " (ONNX fp32", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("verify: OpenCV DNN vs Whittle on a random [1,3,96,96] input"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("): pass\n"), std::string::npos) << r.out;
  EXPECT_TRUE(fs::exists(out));
}

TEST_F(ExportCli, UnknownFormatListsTheValidOnesAndWritesNothing) {
  std::string out = path("model.tflite");
  auto r = run_cli("export --model " + model() + " --format tflite --out " + out);
  EXPECT_NE(r.code, 0);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err,
            "whittle-cli: error: unknown --format 'tflite' (valid: onnx, ptl, onnx-int8-qdq, "
            "onnx-int8-qop)\n");
  EXPECT_FALSE(fs::exists(out));

  auto missing = run_cli("export --model " + path("missing.onnx") + " --format ptl --out " + path("m.ptl"));
  EXPECT_NE(missing.code, 0);
  EXPECT_EQ(missing.err.rfind("whittle-cli: error: ", 0), 0u) << missing.err;
  EXPECT_NE(missing.err.find("missing.onnx"), std::string::npos) << missing.err;
  EXPECT_FALSE(fs::exists(path("m.ptl")));
}

// The detector's int8 model, as `whittle-cli quantize` writes it.
std::string save_int8_model(const whittle::Detector& d, const std::string& path) {
  at::manual_seed(4);
  std::vector<at::Tensor> xs{at::randn({1, 3, 96, 96}), at::randn({1, 3, 96, 96})};
  whittle::save_qdq_onnx(whittle::test::minmax_quantize(d.graph, xs), path);
  return path;
}

TEST_F(ExportCli, Int8QopRunsInOpenCVCloseToTheInt8Runner) {
  const std::string int8 = save_int8_model(detector_, path("ssdlite_int8.onnx"));
  const std::string out = path("ssdlite_qop.onnx");
  auto r = run_cli("export --model " + int8 + " --format onnx-int8-qop --out " + out + " --verify --json");
  ASSERT_EQ(r.code, 0) << r.err << r.out;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["format"], "onnx-int8-qop");
  EXPECT_EQ(j["bytes"].get<int64_t>(), static_cast<int64_t>(fs::file_size(out)));
  EXPECT_EQ(j["verify"]["engine"], "OpenCV DNN (int8)");
  EXPECT_EQ(j["verify"]["reference"], "int8 runner");
  EXPECT_EQ(j["verify"]["tolerance_unit"], "quantization steps");
  EXPECT_EQ(j["verify"]["pass"], true);
  EXPECT_LE(j["verify"]["max_step_diff"].get<double>(), j["verify"]["tolerance"].get<double>());
  EXPECT_EQ(j["verify"]["outputs"].size(), detector_.graph.outputs.size());
  EXPECT_TRUE(j["verify"]["outputs"][0].contains("max_step_diff"));
}

TEST_F(ExportCli, Int8QdqReloadsBitIdentical) {
  const std::string int8 = save_int8_model(detector_, path("ssdlite_int8.onnx"));
  const std::string out = path("copy_int8.onnx");
  auto r = run_cli("export --model " + int8 + " --format onnx-int8-qdq --out " + out + " --verify");
  ASSERT_EQ(r.code, 0) << r.err << r.out;
  EXPECT_EQ(r.out.rfind("wrote " + out + " (ONNX int8 QDQ", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("verify: Whittle int8 runner, QDQ reloaded vs Whittle's int8 runner on a random "
                       "[1,3,96,96] input: max abs diff 0.00e+00 (0.00 quantization steps)"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("(tolerance 0.00 steps): pass\n"), std::string::npos) << r.out;
  EXPECT_TRUE(whittle::is_qdq_onnx(out));
}

TEST_F(ExportCli, Int8FormatsNeedAnInt8ModelAndFp32FormatsAnFp32One) {
  const std::string out = path("x_qop.onnx");
  auto r = run_cli("export --model " + model() + " --format onnx-int8-qop --out " + out);
  EXPECT_NE(r.code, 0);
  EXPECT_EQ(r.err.rfind("whittle-cli: error: --format onnx-int8-qop needs a Whittle int8 model", 0), 0u)
      << r.err;
  EXPECT_NE(r.err.find(model() + " is not one"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("whittle-cli quantize"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(out));

  const std::string int8 = save_int8_model(detector_, path("ssdlite_int8.onnx"));
  auto f = run_cli("export --model " + int8 + " --format onnx --out " + path("x.onnx"));
  EXPECT_NE(f.code, 0);
  EXPECT_NE(f.err.find(int8 + " is an int8 model: use --format onnx-int8-qdq, onnx-int8-qop or ptl"),
            std::string::npos)
      << f.err;
  EXPECT_FALSE(fs::exists(path("x.onnx")));
}

TEST_F(ExportCli, Int8PtlMatchesTheInt8Runner) {
  const std::string int8 = save_int8_model(detector_, path("ssdlite_int8.onnx"));
  const std::string out = path("ssdlite_int8.ptl");
  auto r = run_cli("export --model " + int8 + " --format ptl --out " + out + " --verify --json");
  ASSERT_EQ(r.code, 0) << r.err << r.out;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["verify"]["engine"], "PyTorch Mobile");
  EXPECT_EQ(j["verify"]["reference"], "int8 runner");
  EXPECT_EQ(j["verify"]["max_step_diff"].get<double>(), 0.0);  // the same kernels: identical
  EXPECT_EQ(j["verify"]["pass"], true);
  const std::string fp32 = path("ssdlite_fp32.ptl");
  ASSERT_EQ(run_cli("export --model " + model() + " --format ptl --out " + fp32).code, 0);
  EXPECT_LT(fs::file_size(out), fs::file_size(fp32) / 2);
}

}  // namespace
