// `whittle-cli export` end to end: a small SSDLite detector saved as ONNX
// goes out as .ptl and as ONNX, each checked with --verify.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "app/cli_runner.h"
#include "io/onnx_export.h"
#include "io/ptl_export.h"
#include "models/ssd/ssd_zoo.h"

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
  EXPECT_EQ(r.err, "whittle-cli: error: unknown --format 'tflite' (valid: onnx, ptl)\n");
  EXPECT_FALSE(fs::exists(out));

  auto missing = run_cli("export --model " + path("missing.onnx") + " --format ptl --out " + path("m.ptl"));
  EXPECT_NE(missing.code, 0);
  EXPECT_EQ(missing.err.rfind("whittle-cli: error: ", 0), 0u) << missing.err;
  EXPECT_NE(missing.err.find("missing.onnx"), std::string::npos) << missing.err;
  EXPECT_FALSE(fs::exists(path("m.ptl")));
}

}  // namespace
