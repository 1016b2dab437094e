// `whittle-cli finetune` and `prune-schedule` end to end on the synthetic set
// and the suite's SSDLite (one epoch): a fine-tuned (and distilled) pruned
// model that reloads and evaluates; an iterative schedule whose steps shrink
// the MACs down to the target, each recorded in schedule.json.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "app/cli_runner.h"
#include "app/synth_suite.h"
#include "io/onnx_import.h"
#include "models/detector.h"

namespace {

namespace fs = std::filesystem;
using whittle::test::run_cli;

class FinetuneCli : public whittle::test::SynthSuite<FinetuneCli> {
 public:
  static constexpr const char* kName = "whittle_finetune_cli";
  static constexpr int kSeed = 17;

 protected:
  // The suite's model with half of every group's channels removed.
  static std::string pruned() {
    const std::string file = path("pruned.onnx");
    if (!fs::exists(file)) {
      auto r = run_cli("prune --model " + model() + " --ratio 0.5 --out " + file);
      EXPECT_EQ(r.code, 0) << r.err;
    }
    return file;
  }
};

TEST_F(FinetuneCli, FineTunesAPrunedModelThatReloads) {
  const std::string out = path("tuned/f.onnx");
  auto r = run_cli("finetune --model " + pruned() + " --data " + voc() +
                   " --epochs 1 --batch 4 --lr 0.005 --val-every 1 --out " + out);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("epoch  steps     loss"), std::string::npos) << r.out;  // train's curve table
  EXPECT_NE(r.out.find("best val mAP"), std::string::npos) << r.out;
  ASSERT_TRUE(fs::exists(out));
  const whittle::Detector d = whittle::detector_from_graph(whittle::load_onnx(out));
  EXPECT_EQ(d.classes, (std::vector<std::string>{"aeroplane", "bicycle", "bird"}));
  EXPECT_EQ(d.graph.metadata.at("whittle.pruned.method"), "ratio 0.5");  // provenance kept
  auto eval = run_cli("eval --model " + out + " --data " + voc() + " --json");
  EXPECT_EQ(eval.code, 0) << eval.err;
}

TEST_F(FinetuneCli, DistilsFromTheTeacher) {
  const std::string out = path("distilled.onnx");
  auto r = run_cli("finetune --model " + pruned() + " --teacher " + model() + " --distill 2 --data " + voc() +
                   " --epochs 1 --batch 4 --lr 0.005 --val-every 0 --optimizer adam --schedule cosine --json --out " +
                   out);
  ASSERT_EQ(r.code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["curve"].size(), 1u) << j.dump();
  const auto& parts = j["curve"][0]["loss_parts"];
  ASSERT_TRUE(parts.contains("distill")) << j.dump();
  EXPECT_GT(parts["distill"].get<double>(), 0.0);
  EXPECT_EQ(j["distill"], 2.0);
  const whittle::Graph g = whittle::load_onnx(out);
  EXPECT_EQ(g.metadata.at("whittle.finetuned.teacher"), "model.onnx");
}

TEST_F(FinetuneCli, FinetuneErrors) {
  auto expect = [&](const std::string& args, const std::string& what) {
    auto r = run_cli("finetune " + args);
    EXPECT_NE(r.code, 0) << args;
    EXPECT_NE(r.err.find(what), std::string::npos) << args << " -> " << r.err;
  };
  const std::string base = "--model " + pruned() + " --data " + voc() + " --out " + path("bad.onnx");
  expect("--data " + voc() + " --out x.onnx", "--model");
  expect(base + " --distill 1", "--teacher");
  expect(base + " --epochs 0", "--epochs");
  expect(base + " --optimizer rmsprop", "rmsprop");
  expect(base + " --teacher " + path("nope.onnx"), "nope.onnx");
}

TEST_F(FinetuneCli, ScheduleShrinksStepByStepToTheTarget) {
  const std::string dir = path("schedule");
  auto r = run_cli("prune-schedule --model " + model() + " --data " + voc() +
                   " --criterion l1 --target-macs 0.5 --steps 3 --epochs-per-step 1 --batch 4 --lr 0.005"
                   " --val-every 0 --distill 1 --out " + dir);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("% MACs"), std::string::npos) << r.out;
  for (int k = 1; k <= 3; ++k) {
    EXPECT_TRUE(fs::exists(fs::path(dir) / ("step" + std::to_string(k) + ".onnx"))) << k;
    EXPECT_FALSE(fs::exists(fs::path(dir) / ("step" + std::to_string(k) + ".onnx.train"))) << "trainer state left";
  }
  std::ifstream in(fs::path(dir) / "schedule.json");
  const nlohmann::json j = nlohmann::json::parse(in);
  EXPECT_EQ(j["format"], "whittle.schedule/1");
  ASSERT_EQ(j["steps"].size(), 3u) << j.dump(2);
  const int64_t original = j["original"]["macs"];
  int64_t previous = original;
  for (const auto& s : j["steps"]) {
    EXPECT_LT(s["macs"].get<int64_t>(), previous) << s.dump();
    EXPECT_LE(s["macs"].get<int64_t>(), s["target_macs"].get<int64_t>()) << s.dump();
    EXPECT_LT(s["params"].get<int64_t>(), j["original"]["params"].get<int64_t>());
    EXPECT_TRUE(s["map"].is_number()) << s.dump();
    EXPECT_TRUE(s["loss"].is_number()) << s.dump();
    previous = s["macs"];
  }
  EXPECT_LE(previous, original / 2);
  EXPECT_GT(previous, original / 3);
  // Each step's model reloads as a detector and records how it was made.
  const whittle::Graph last = whittle::load_onnx((fs::path(dir) / "step3.onnx").string());
  EXPECT_EQ(last.metadata.at("whittle.pruned.method").rfind("prune-schedule step 3/3", 0), 0u);
  EXPECT_EQ(std::to_string(original), last.metadata.at("whittle.pruned.original_macs"));
  EXPECT_NO_THROW(whittle::detector_from_graph(last));
}

TEST_F(FinetuneCli, ScheduleWithoutFineTuningAndErrors) {
  const std::string dir = path("no_tuning");
  auto r = run_cli("prune-schedule --model " + model() + " --data " + voc() +
                   " --target-macs 0.7 --steps 2 --epochs-per-step 0 --json --out " + dir);
  ASSERT_EQ(r.code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["steps"].size(), 2u);
  EXPECT_TRUE(j["steps"][1]["loss"].is_null());
  EXPECT_TRUE(j["steps"][1]["map"].is_number());
  EXPECT_TRUE(fs::exists(fs::path(dir) / "step2.onnx"));

  auto expect = [&](const std::string& args, const std::string& what) {
    auto e = run_cli("prune-schedule " + args);
    EXPECT_NE(e.code, 0) << args;
    EXPECT_NE(e.err.find(what), std::string::npos) << args << " -> " << e.err;
  };
  const std::string base = "--model " + model() + " --data " + voc() + " --out " + path("bad");
  expect(base + " --steps 2", "--target-macs");
  expect(base + " --target-macs 0.5", "--steps");
  expect(base + " --target-macs 0.5 --steps 2 --criterion taylor --score-images 0", "--score-images");
  expect(base + " --target-macs 1.5 --steps 2", "--target-macs");
}

}  // namespace
