// `whittle-cli pipeline` end to end on a tiny configuration (SSD-MobileNetV1
// width 0.25, input 96, the suite's 24 synthetic images, one epoch): every
// stage runs and the project lists each stage's model with its metrics and
// evaluation report; a second run skips every stage; a changed fine-tune
// stage reruns it and the stages after it only; a bad configuration is an
// error naming the file and the key.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "app/cli_runner.h"
#include "app/synth_suite.h"
#include "eval/eval_report.h"
#include "io/project_file.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using whittle::test::run_cli;

// map.at(key) that fails the test naming the key instead of throwing.
template <typename Map>
typename Map::mapped_type at(const Map& map, const std::string& key) {
  auto it = map.find(key);
  if (it == map.end()) {
    ADD_FAILURE() << "no key " << key;
    return {};
  }
  return it->second;
}

class PipelineCli : public whittle::test::SynthSuite<PipelineCli> {
 public:
  static constexpr const char* kName = "whittle_pipeline_cli";
  static constexpr int kSeed = 23;

 protected:
  static json tiny(double finetune_lr = 0.005) {
    return {{"data", voc()},
            {"out", "run"},
            {"base",
             {{"zoo", "ssd_mobilenet_v1"},
              {"width", 0.25},
              {"input", 96},
              {"train", {{"epochs", 1}, {"batch", 4}, {"lr", 0.01}}}}},
            {"prune", {{"criterion", "l1"}, {"ratio", 0.3}}},
            {"finetune", {{"epochs", 1}, {"batch", 4}, {"lr", finetune_lr}, {"distill", 1.0}}},
            {"quantize", {{"observer", "minmax"}, {"calib", 4}}},
            {"evaluate", {{"batch", 4}}},
            {"benchmark", {{"runs", 2}, {"warmup", 1}, {"image", "128x96"}}},
            {"export", {{"formats", {"onnx-int8-qop"}}}}};
  }
  static std::string write(const std::string& name, const json& config) {
    const std::string file = path(name);
    std::ofstream(file) << config.dump(2);
    return file;
  }
  // stage -> ran, from --json.
  static std::map<std::string, bool> ran(const std::string& out) {
    std::map<std::string, bool> r;
    const json summary = json::parse(out);
    for (const json& s : summary.at("stages")) r[s.at("stage")] = s.at("ran");
    return r;
  }
};

TEST_F(PipelineCli, RunsEveryStageThenResumes) {
  const std::string config = write("tiny.json", tiny());
  auto r = run_cli("pipeline " + config);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  for (const char* row : {"original", "pruned", "finetuned", "int8", "int8.onnx-int8-qop", "mAP", "ms/image"})
    EXPECT_NE(r.out.find(row), std::string::npos) << row << "\n" << r.out;
  EXPECT_NE(r.err.find("stage times: base"), std::string::npos) << r.err;

  const std::string out = path("run");
  for (const char* f : {"base.onnx", "pruned.onnx", "pruned.plan.json", "finetuned.onnx", "int8.onnx",
                        "export/int8.onnx-int8-qop.onnx", "eval/original.eval.json", "eval/int8.eval.json",
                        "stages/base.json", "stages/export.json", "comparison.txt", "project.whittle"})
    EXPECT_TRUE(fs::exists(fs::path(out) / f)) << f;

  const whittle::Project p = whittle::load_project(out + "/project.whittle");
  EXPECT_EQ(fs::path(p.model).filename(), "base.onnx");
  EXPECT_EQ(fs::path(p.data), fs::path(voc()));
  EXPECT_TRUE(p.metrics.count("map")) << "original map";
  EXPECT_TRUE(p.metrics.count("latency_ms"));
  ASSERT_TRUE(p.reports.count("eval"));
  const whittle::EvalReport original = whittle::load_eval_report(p.reports.at("eval"));
  EXPECT_EQ(original.metric, "voc07");
  ASSERT_EQ(p.variants.size(), 4u);
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"pruned", "pruned"}, {"finetuned", "finetuned"}, {"int8", "quantized"}, {"int8.onnx-int8-qop", "exported"}};
  std::string parent;
  for (size_t k = 0; k < expected.size(); ++k) {
    const whittle::ProjectVariant& v = p.variants[k];
    EXPECT_EQ(v.name, expected[k].first);
    EXPECT_EQ(v.kind, expected[k].second);
    EXPECT_EQ(v.parent, parent) << v.name;
    EXPECT_TRUE(fs::exists(v.file)) << v.file;
    for (const char* m : {"params", "macs", "file_bytes"}) EXPECT_TRUE(v.metrics.count(m)) << v.name << " " << m;
    if (v.kind != "exported") {
      parent = v.name;
      for (const char* m : {"map", "latency_ms", "ms_per_image"}) EXPECT_TRUE(v.metrics.count(m)) << v.name << " " << m;
      ASSERT_TRUE(v.reports.count("eval")) << v.name;
      EXPECT_NO_THROW(whittle::load_eval_report(v.reports.at("eval")));
    }
  }
  EXPECT_LT(at(p.variants[0].metrics, "macs"), at(p.metrics, "macs"));  // pruned
  EXPECT_EQ(at(p.variants[0].settings, "ratio"), "0.3");
  EXPECT_EQ(at(p.variants[1].settings, "epochs"), "1");
  EXPECT_FALSE(p.variants[0].plan.empty());

  // Again: every stage is up to date.
  auto again = run_cli("pipeline " + config + " --json");
  ASSERT_EQ(again.code, 0) << again.err;
  const std::map<std::string, bool> r2 = ran(again.out);
  EXPECT_EQ(r2.size(), 7u);
  for (const auto& [stage, did] : r2) EXPECT_FALSE(did) << stage;
  EXPECT_NE(again.err.find("finetune: up to date"), std::string::npos) << again.err;

  // A changed fine-tune stage: it and the stages after it run again.
  const std::string changed = write("tiny.json", tiny(0.002));
  auto third = run_cli("pipeline " + changed + " --json");
  ASSERT_EQ(third.code, 0) << third.err;
  const std::map<std::string, bool> r3 = ran(third.out);
  EXPECT_FALSE(at(r3, "base"));
  EXPECT_FALSE(at(r3, "prune"));
  for (const char* s : {"finetune", "quantize", "evaluate", "benchmark", "export"}) EXPECT_TRUE(at(r3, s)) << s;
  const whittle::Project p3 = whittle::load_project(out + "/project.whittle");
  EXPECT_EQ(at(p3.variants[1].settings, "lr"), "0.002");
}

TEST_F(PipelineCli, BadConfigurationNamesTheFileAndTheKey) {
  json bad = tiny();
  bad["finetune"]["epochs"] = "two";
  const std::string file = write("bad.json", bad);
  auto r = run_cli("pipeline " + file);
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find(file), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("finetune.epochs"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(path("run-bad")));

  json unknown = tiny();
  unknown["prune"]["critrion"] = "l2";
  auto u = run_cli("pipeline " + write("unknown.json", unknown));
  EXPECT_NE(u.code, 0);
  EXPECT_NE(u.err.find("prune.critrion: unknown key"), std::string::npos) << u.err;

  std::ofstream(path("broken.json")) << "{\"data\": ";
  auto b = run_cli("pipeline " + path("broken.json"));
  EXPECT_NE(b.code, 0);
  EXPECT_NE(b.err.find("broken.json: not JSON"), std::string::npos) << b.err;
}

}  // namespace
