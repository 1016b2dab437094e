// `whittle-cli prune` end to end: a small SSDLite detector (built and saved
// here, untrained: pruning does not care) and a synthetic VOC set for the
// data-driven criteria.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "app/cli_runner.h"
#include "app/synth_suite.h"
#include "io/onnx_export.h"
#include "io/onnx_import.h"
#include "models/detector.h"
#include "models/ssd/ssd_zoo.h"

namespace {

namespace fs = std::filesystem;
using whittle::test::run_cli;

class PruneCli : public whittle::test::SynthSuite<PruneCli> {
 public:
  static constexpr const char* kName = "whittle_prune_cli";
  static constexpr int kSeed = 11;

 protected:
  // SSDLite-MobileNetV2, width 0.25, input 96, the synthetic set's 3 classes.
  static std::string detector() {
    const std::string file = path("detector.onnx");
    if (!fs::exists(file)) {
      whittle::Detector d = whittle::build_detector_zoo("ssdlite_mobilenet_v2", 3, 0.25, 96);
      d.classes = {"aeroplane", "bicycle", "bird"};
      whittle::store_detector_metadata(d);
      whittle::save_onnx(d.graph, file);
    }
    return file;
  }

  static nlohmann::json prune_json(const std::string& args) {
    auto r = run_cli("prune --model " + detector() + " " + args + " --json");
    EXPECT_EQ(r.code, 0) << args << "\n" << r.err;
    try {
      return nlohmann::json::parse(r.out);
    } catch (const std::exception& e) {
      ADD_FAILURE() << "not JSON: " << r.out << "\n" << r.err;
      return {};
    }
  }
};

TEST_F(PruneCli, RatioWritesASmallerDetectorThatStillRuns) {
  const std::string out = path("l1.onnx");
  const std::string plan = path("l1.plan.json");
  const nlohmann::json j =
      prune_json("--criterion l1 --ratio 0.5 --round 4 --out " + out + " --save-plan " + plan);
  ASSERT_TRUE(j.contains("macs")) << j.dump();
  EXPECT_LT(j["macs"]["after"].get<int64_t>(), j["macs"]["before"].get<int64_t>());
  EXPECT_LT(j["params"]["after"].get<int64_t>(), j["params"]["before"].get<int64_t>());
  EXPECT_GT(j["removed_channels"].get<int64_t>(), 0);
  ASSERT_GT(j["groups"].size(), 5u);
  for (const auto& g : j["groups"]) {
    const int64_t channels = g["channels"], kept = g["kept"], removed = g["removed"];
    EXPECT_EQ(kept + removed, channels) << g.dump();
    EXPECT_GE(kept, 1) << g.dump();
    EXPECT_TRUE(kept % 4 == 0 || kept == channels) << g.dump();
  }

  // The saved model is still a detector, tagged with how it was made.
  const whittle::Graph pruned = whittle::load_onnx(out);
  EXPECT_EQ(pruned.metadata.at("whittle.family"), "ssd");
  EXPECT_EQ(pruned.metadata.at("whittle.pruned.criterion"), "l1");
  EXPECT_EQ(pruned.metadata.at("whittle.pruned.source"), "detector.onnx");
  EXPECT_NE(pruned.metadata.at("whittle.pruned.method").find("ratio 0.5"), std::string::npos);
  auto bench = run_cli("bench --model " + out + " --runs 1 --warmup 0 --image 128x96");
  EXPECT_EQ(bench.code, 0) << bench.err;

  // The saved plan replays to the same model.
  ASSERT_TRUE(fs::exists(plan));
  const nlohmann::json again = prune_json("--plan " + plan + " --out " + path("replay.onnx"));
  EXPECT_EQ(again["macs"]["after"], j["macs"]["after"]);
  EXPECT_EQ(again["params"]["after"], j["params"]["after"]);
  EXPECT_EQ(again["criterion"], "none");
}

TEST_F(PruneCli, RatioTablePlanPrunesOnlyItsGroups) {
  const nlohmann::json all = prune_json("--ratio 0 --out " + path("zero.onnx"));
  ASSERT_TRUE(all.contains("groups"));
  EXPECT_EQ(all["removed_channels"], 0);
  EXPECT_EQ(all["macs"]["after"], all["macs"]["before"]);
  std::string group;
  for (const auto& g : all["groups"])
    if (g["channels"].get<int64_t>() >= 8) group = g["name"];
  ASSERT_FALSE(group.empty());
  const std::string table = path("table.json");
  std::ofstream(table) << "{\"ratios\": {\"" << group << "\": 0.5}}";
  const nlohmann::json j = prune_json("--criterion l2 --plan " + table + " --out " + path("table.onnx"));
  for (const auto& g : j["groups"]) {
    if (g["name"] == group) EXPECT_EQ(g["removed"].get<int64_t>(), g["channels"].get<int64_t>() / 2);
    else EXPECT_EQ(g["removed"], 0) << g.dump();
  }
}

TEST_F(PruneCli, TargetMacsWithDataDrivenCriteria) {
  for (const char* criterion : {"taylor", "apoz"}) {
    const std::string out = path(std::string(criterion) + ".onnx");
    const nlohmann::json j = prune_json(std::string("--criterion ") + criterion + " --data " + voc() +
                                        " --images 8 --batch 4 --target-macs 0.6 --out " + out);
    ASSERT_TRUE(j.contains("macs")) << criterion;
    EXPECT_LE(j["macs"]["after"].get<double>(), 0.6 * j["macs"]["before"].get<double>()) << criterion;
    EXPECT_GT(j["macs"]["after"].get<double>(), 0.5 * j["macs"]["before"].get<double>()) << criterion;
    EXPECT_EQ(j["macs"]["target"].get<int64_t>(),
              static_cast<int64_t>(0.6 * j["macs"]["before"].get<double>()));
    const whittle::Graph pruned = whittle::load_onnx(out);
    EXPECT_EQ(pruned.metadata.at("whittle.pruned.criterion"), criterion);
    EXPECT_EQ(pruned.metadata.at("whittle.pruned.images"), "8 of train");
  }
}

TEST_F(PruneCli, TableOutputAndAPlainClassifier) {
  const std::string classifier = path("mnv2.onnx");
  auto built = run_cli("zoo build mobilenet_v2 --width 0.25 --input 64 --classes 10 --out " + classifier);
  ASSERT_EQ(built.code, 0) << built.err;
  auto r = run_cli("prune --model " + classifier + " --criterion fpgm --target-macs 0.7 --round 8 --out " +
                   path("mnv2.pruned.onnx"));
  ASSERT_EQ(r.code, 0) << r.err;
  for (const char* text : {"group", "kept", "removed", "params", "MACs", "->", "wrote "})
    EXPECT_NE(r.out.find(text), std::string::npos) << text << " missing in\n" << r.out;
  // apoz reads images through a plain graph too; taylor needs a detector's loss.
  auto apoz = run_cli("prune --model " + classifier + " --criterion apoz --data " + voc() +
                      " --images 4 --ratio 0.25 --out " + path("mnv2.apoz.onnx"));
  EXPECT_EQ(apoz.code, 0) << apoz.err;
  auto taylor = run_cli("prune --model " + classifier + " --criterion taylor --data " + voc() +
                        " --ratio 0.25 --out " + path("mnv2.taylor.onnx"));
  EXPECT_NE(taylor.code, 0);
  EXPECT_NE(taylor.err.find("not a detector"), std::string::npos) << taylor.err;
}

TEST_F(PruneCli, ErrorsNameTheProblem) {
  const std::string out = path("bad.onnx");
  auto expect = [&](const std::string& args, const std::string& what) {
    auto r = run_cli("prune " + args);
    EXPECT_NE(r.code, 0) << args;
    EXPECT_NE(r.err.find(what), std::string::npos) << args << " -> " << r.err;
    EXPECT_FALSE(fs::exists(out)) << args;
  };
  const std::string model = "--model " + detector() + " --out " + out;
  expect(model, "exactly one of --ratio");
  expect(model + " --ratio 0.5 --target-macs 0.5", "exactly one of --ratio");
  expect(model + " --ratio 1.5", "--ratio");
  expect(model + " --target-macs 0", "--target-macs");
  expect(model + " --ratio 0.5 --criterion l3", "'l3'");
  expect(model + " --ratio 0.5 --aggregate median", "'median'");
  expect(model + " --ratio 0.5 --criterion taylor", "--data");
  expect(model + " --ratio 0.5 --round 0", "--round");
  expect("--model " + path("nope.onnx") + " --ratio 0.5 --out " + out, "nope.onnx");
  const std::string plan = path("bad_plan.json");
  std::ofstream(plan) << R"({"remove": {"no.such.group": [0]}})";
  expect(model + " --plan " + plan, "unknown group 'no.such.group'");
  expect(model + " --target-macs 0.0001", "cannot be reached");
}

}  // namespace
