// `whittle-cli export` end to end: a small SSDLite detector saved as ONNX
// goes out as .ptl and as ONNX, each checked with --verify; its int8 model
// (QDQ ONNX) goes out as QDQ and as QOperator ONNX for OpenCV DNN.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "app/cli_runner.h"
#include "data/synth.h"
#include "int8_exact.h"
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
            "onnx-int8-qop, onnx-fp16)\n");
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
  WHITTLE_SKIP_IF_INT8_SATURATES();
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

// --verify --data: the written file and Whittle's runner on real images (a
// small synthetic VOC set): raw output differences and detection agreement.
std::string synth_voc(const fs::path& dir) {
  whittle::SynthOptions so;
  so.out = (dir / "synth").string();
  so.images = 10;
  so.classes = 3;
  so.size = 128;
  so.seed = 5;
  so.split = {{"train", 0.5}, {"test", 0.5}};
  so.threads = 2;
  return whittle::synthesize_voc(so).root;
}

nlohmann::json real_images_of(const whittle::test::CliResult& r) {
  auto j = nlohmann::json::parse(r.out);
  EXPECT_TRUE(j["verify"].contains("real_images")) << r.out;
  return j["verify"]["real_images"];
}

void expect_agreement_fields(const nlohmann::json& v, int images) {
  EXPECT_EQ(v["set"], "test");
  EXPECT_EQ(v["images"].get<int>(), images);
  for (const char* key : {"max_abs_diff", "max_rel_diff", "score_threshold", "iou_threshold", "detections_whittle",
                          "detections_export", "matched", "only_in_whittle", "only_in_export", "agreement",
                          "mean_iou", "pass"})
    EXPECT_TRUE(v.contains(key)) << key;
  EXPECT_EQ(v["matched"].get<int>() + v["only_in_whittle"].get<int>(), v["detections_whittle"].get<int>());
  EXPECT_EQ(v["matched"].get<int>() + v["only_in_export"].get<int>(), v["detections_export"].get<int>());
}

TEST_F(ExportCli, VerifyOnRealImagesReportsDetectionAgreement) {
  WHITTLE_SKIP_IF_INT8_SATURATES();
  const std::string voc = synth_voc(dir_);
  // An untrained detector scores every class near 1/4: a low --score keeps detections.
  const std::string data = " --verify --json --data " + voc + " --set test --images 4 --score 0.05";

  for (const std::string format : {"onnx", "ptl"}) {
    const std::string out = path("real." + format);
    auto r = run_cli("export --model " + model() + " --format " + format + " --out " + out + data);
    ASSERT_EQ(r.code, 0) << r.err << r.out;
    const auto v = real_images_of(r);
    expect_agreement_fields(v, 4);
    EXPECT_EQ(v["engine"], format == "onnx" ? "OpenCV DNN" : "PyTorch Mobile");
    EXPECT_LE(v["max_abs_diff"].get<double>(), 1e-3) << format;
    EXPECT_GT(v["detections_whittle"].get<int>(), 0) << format;
    EXPECT_EQ(v["agreement"].get<double>(), 1.0) << format;  // the same function
    EXPECT_EQ(v["only_in_export"].get<int>(), 0) << format;
  }

  const std::string int8 = save_int8_model(detector_, path("ssdlite_int8.onnx"));
  auto q = run_cli("export --model " + int8 + " --format onnx-int8-qop --out " + path("real_qop.onnx") + data);
  ASSERT_EQ(q.code, 0) << q.err << q.out;
  const auto v = real_images_of(q);
  expect_agreement_fields(v, 4);
  EXPECT_EQ(v["engine"], "OpenCV DNN (int8)");
  EXPECT_TRUE(v.contains("max_step_diff"));
  EXPECT_GT(v["detections_whittle"].get<int>(), 0);
  EXPECT_GE(v["agreement"].get<double>(), 0.8);

  // The text form.
  auto t = run_cli("export --model " + model() + " --format onnx --out " + path("t.onnx") +
                   " --verify --data " + voc + " --images 2 --score 0.05");
  ASSERT_EQ(t.code, 0) << t.err;
  EXPECT_NE(t.out.find("verify on 2 images of 'test' (" + voc + "): OpenCV DNN vs Whittle's runner"),
            std::string::npos)
      << t.out;
  EXPECT_NE(t.out.find("only in the export: agreement 1.000\n"), std::string::npos) << t.out;
}

TEST_F(ExportCli, VerifyDataNeedsADetectorAndVerify) {
  const std::string voc = synth_voc(dir_);
  auto r = run_cli("export --model " + model() + " --format onnx --out " + path("x.onnx") + " --data " + voc);
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("--data is for --verify"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(path("x.onnx")));

  // A plain graph without detector metadata.
  whittle::Graph plain = detector_.graph.clone();
  plain.metadata.clear();
  whittle::save_onnx(plain, path("plain.onnx"));
  auto p = run_cli("export --model " + path("plain.onnx") + " --format onnx --out " + path("y.onnx") +
                   " --verify --data " + voc);
  EXPECT_NE(p.code, 0);
  EXPECT_NE(p.err.find("--data needs a detector"), std::string::npos) << p.err;
  EXPECT_FALSE(fs::exists(path("y.onnx")));
}

// onnx-fp16 (whittle-cli export --format onnx-fp16): about half the fp32
// file, OpenCV DNN close to the fp32 runner (the weights' fp16 rounding), and
// Whittle's own commands read it back. --tolerance 1e-2 is the format's
// default_tolerance, given explicitly here.
TEST_F(ExportCli, OnnxFp16IsHalfTheFileAndRunsInOpenCV) {
  const std::string out = path("ssdlite_fp16.onnx");
  auto r = run_cli("export --model " + model() + " --format onnx-fp16 --out " + out +
                   " --verify --tolerance 1e-2 --json");
  ASSERT_EQ(r.code, 0) << r.err << r.out;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["format"], "onnx-fp16");
  EXPECT_EQ(j["bytes"].get<int64_t>(), static_cast<int64_t>(fs::file_size(out)));
  EXPECT_LT(fs::file_size(out), fs::file_size(model()) * 55 / 100);
  EXPECT_EQ(j["verify"]["engine"], "OpenCV DNN (FLOAT16 weights widened to FLOAT)");
  EXPECT_EQ(j["verify"]["reference"], "fp32 runner");
  EXPECT_EQ(j["verify"]["pass"], true);
  EXPECT_GT(j["verify"]["max_rel_diff"].get<double>(), 0.0);  // the weights are rounded
  EXPECT_LT(j["verify"]["max_rel_diff"].get<double>(), 1e-2);
  std::vector<std::string> left;
  for (const auto& e : fs::directory_iterator(dir_)) left.push_back(e.path().filename().string());
  EXPECT_EQ(left.size(), 2u);  // the model and the fp16 file: the widened copy is removed

  auto bench = run_cli("bench --model " + out + " --runs 1 --warmup 0 --image 128x96");
  EXPECT_EQ(bench.code, 0) << bench.err << bench.out;
}

}  // namespace
