// `whittle-cli train` and `eval` end to end on a tiny synthetic data set
// (24 images of 128 px, 3 classes) and the smallest zoo detector
// (SSDLite-MobileNetV2, width 0.25, input 96), as a user runs them.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "app/cli_runner.h"
#include "app/synth_suite.h"

namespace {

namespace fs = std::filesystem;
using whittle::test::run_cli;

const char* const kZoo = "--zoo ssdlite_mobilenet_v2 --width 0.25 --input 96";

int count_lines(const fs::path& file) {
  std::ifstream in(file);
  int n = 0;
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) ++n;
  return n;
}

int count_newlines(const std::string& text) {
  return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

class TrainEvalCli : public whittle::test::SynthSuite<TrainEvalCli> {
 public:
  static constexpr const char* kName = "whittle_train_eval_cli";
  static constexpr int kSeed = 5;

 protected:
  static int set_size(const std::string& set) {
    return count_lines(fs::path(voc()) / "ImageSets" / "Main" / (set + ".txt"));
  }
};

TEST_F(TrainEvalCli, TrainWritesModelAndPrintsCurve) {
  const std::string out = path("curve/two.onnx");  // the folder is made
  auto r = run_cli(std::string("train ") + kZoo + " --data " + voc() +
                   " --epochs 2 --batch 4 --lr 0.01 --val-every 1 --seed 3 --out " + out);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_TRUE(fs::exists(out));
  EXPECT_TRUE(fs::exists(out + ".train"));
  EXPECT_NE(r.out.find("3 classes (aeroplane,bicycle,bird)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("epoch 1/2: loss"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("epoch 2/2: loss"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("val mAP"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("epoch  steps     loss"), std::string::npos) << r.out;  // the curve table
  EXPECT_NE(r.out.find("best val mAP"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("after epoch 2"), std::string::npos) << r.out;
}

TEST_F(TrainEvalCli, ResumeAfterOneEpochContinuesToEpochTwo) {
  const std::string out = path("resume.onnx");
  auto first = run_cli(std::string("train ") + kZoo + " --data " + voc() +
                       " --epochs 1 --batch 4 --lr 0.01 --val-every 1 --json --out " + out);
  ASSERT_EQ(first.code, 0) << first.err;
  auto j1 = nlohmann::json::parse(first.out);
  EXPECT_EQ(j1["epochs"], 1);
  ASSERT_EQ(j1["curve"].size(), 1u);
  EXPECT_TRUE(j1["curve"][0]["val_map"].is_number()) << j1.dump();

  // --resume alone continues the model in --out.
  auto second = run_cli("train --data " + voc() + " --epochs 2 --batch 4 --lr 0.01 --val-every 1 --resume --json --out " + out);
  ASSERT_EQ(second.code, 0) << second.err;
  EXPECT_NE(second.err.find("resumed from " + out + " after epoch 1"), std::string::npos) << second.err;
  auto j2 = nlohmann::json::parse(second.out);
  EXPECT_EQ(j2["epochs"], 2);
  ASSERT_EQ(j2["curve"].size(), 2u);
  EXPECT_EQ(j2["curve"][0]["loss"], j1["curve"][0]["loss"]);  // epoch 1 kept from the checkpoint
  EXPECT_EQ(j2["curve"][1]["epoch"], 2);
  EXPECT_EQ(j2["global_step"].get<int>(), 2 * j1["global_step"].get<int>());
}

TEST_F(TrainEvalCli, InitReportsWhatItLoaded) {
  auto r = run_cli(std::string("train ") + kZoo + " --data " + voc() + " --epochs 1 --batch 4 --lr 0.01 --val-every 0 --init " +
                   model() + " --out " + path("init.onnx"));
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("init from " + model() + ": loaded"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("not validated"), std::string::npos) << r.out;
}

TEST_F(TrainEvalCli, EvalJsonHasTheFieldsAndCountsTheSet) {
  auto r = run_cli("eval --model " + model() + " --data " + voc() + " --set test --json");
  ASSERT_EQ(r.code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  for (const char* key : {"map", "ap", "images", "ms_per_image", "metric"})
    EXPECT_TRUE(j.contains(key)) << key << " missing in " << r.out;
  EXPECT_EQ(j["images"].get<int>(), set_size("test"));
  EXPECT_EQ(j["metric"], "voc07");
  EXPECT_EQ(j["ap"].size(), 3u);  // the model's classes, not VOC's 20
  EXPECT_GT(j["ms_per_image"].get<double>(), 0.0);
  if (!j["map"].is_null()) {
    EXPECT_GE(j["map"].get<double>(), 0.0);
    EXPECT_LE(j["map"].get<double>(), 1.0);
  }
}

TEST_F(TrainEvalCli, EvalTableAndResultsFilesOnePerClass) {
  const std::string prefix = path("results/comp4_det_test_");
  auto r = run_cli("eval --model " + model() + " --data " + voc() + " --set test --metric voc12 --results " + prefix);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("mAP (voc12)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("ms/image"), std::string::npos) << r.out;
  for (const char* c : {"aeroplane", "bicycle", "bird"}) {
    EXPECT_NE(r.out.find(c), std::string::npos) << r.out;
    EXPECT_TRUE(fs::exists(prefix + c + ".txt")) << c;
  }
  int files = 0;
  for (const auto& e : fs::directory_iterator(path("results"))) files += e.is_regular_file();
  EXPECT_EQ(files, 3);
  // The files score as the command did (eval-dets reads them back).
  auto back = run_cli("eval-dets --voc " + voc() + " --set test --metric voc12 --json --results " + prefix);
  ASSERT_EQ(back.code, 0) << back.err;
}

// Errors come before any slow work: no data set or model is needed to see them.
TEST(TrainEvalCliErrors, ExitNonZeroWithOneLine) {
  const fs::path dir = fs::temp_directory_path() / ("whittle_train_eval_errors_" + std::to_string(getpid()));
  const std::string voc = (dir / "VOCdevkit" / "VOC2007").string();
  const std::string out = (dir / "x.onnx").string();
  struct Case {
    std::string args, expect;
  };
  const Case cases[] = {
      {std::string("train ") + kZoo + " --epochs 1 --out " + out, "--data"},
      {"train --zoo ssd_nope --data " + voc + " --out " + out, "ssd_nope"},
      {"train --data " + voc + " --out " + out, "--zoo"},
      {"eval --model " + out + " --data " + voc + " --metric voc99", "voc99"},
      {"eval --model " + (dir / "missing.onnx").string() + " --data " + voc, "missing.onnx"},
      {"train " + std::string(kZoo) + " --data " + voc + " --optimizer rmsprop --out " + out, "rmsprop"},
  };
  for (const Case& c : cases) {
    auto r = run_cli(c.args);
    EXPECT_NE(r.code, 0) << c.args;
    EXPECT_EQ(count_newlines(r.err), 1) << c.args << "\n" << r.err;
    EXPECT_NE(r.err.find(c.expect), std::string::npos) << c.args << "\n" << r.err;
  }
  EXPECT_FALSE(fs::exists(out));
}

}  // namespace
