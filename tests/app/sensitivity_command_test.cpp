// `whittle-cli sensitivity` end to end on the synthetic set and the suite's
// SSDLite (one epoch): the scan file, the table, --no-cache giving the same
// numbers, planning a MAC target from the scan (then `prune --plan`), and a
// scan with a data-driven criterion (taylor).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "app/cli_runner.h"
#include "app/synth_suite.h"

namespace {

namespace fs = std::filesystem;
using whittle::test::run_cli;

class SensitivityCli : public whittle::test::SynthSuite<SensitivityCli> {
 public:
  static constexpr const char* kName = "whittle_sensitivity_cli";
  static constexpr int kSeed = 13;

 protected:
  static nlohmann::json read_json(const std::string& file) {
    std::ifstream in(file);
    return nlohmann::json::parse(in);
  }
  // Three prunable groups of 32 or more channels, "first,middle,last" (as
  // `groups` lists them), for --groups; "" when the model has fewer.
  static std::string three_groups() {
    auto g = run_cli("groups " + model() + " --json");
    EXPECT_EQ(g.code, 0) << g.err;
    std::vector<std::string> names;
    for (const auto& group : nlohmann::json::parse(g.out))
      if (group["prunable"].get<bool>() && group["channels"].get<int64_t>() >= 32) names.push_back(group["name"]);
    if (names.size() < 3) return "";
    return names[0] + "," + names[names.size() / 2] + "," + names.back();
  }
  // Scans every group at two ratios on 8 test images.
  static std::string scan_args() {
    return "sensitivity --model " + model() + " --data " + voc() + " --set trainval --images 8 --batch 4 " +
           "--ratios 0.5,0.9 --workers 1";
  }
};

TEST_F(SensitivityCli, WritesTheScanAndPrintsTheCurves) {
  const std::string out = path("scan/sens.json");  // the folder is made
  auto r = run_cli(scan_args() + " --out " + out);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  for (const char* text : {"group", "channels", "50%", "90%", "baseline voc07 mAP", "wrote "})
    EXPECT_NE(r.out.find(text), std::string::npos) << text << " missing in\n" << r.out;
  ASSERT_TRUE(fs::exists(out));
  const nlohmann::json j = read_json(out);
  EXPECT_EQ(j["format"], "whittle.sensitivity/1");
  EXPECT_EQ(j["images"], 8);
  EXPECT_TRUE(j["baseline"].is_number());
  ASSERT_GT(j["groups"].size(), 10u);
  for (const auto& [name, g] : j["groups"].items()) {
    EXPECT_EQ(g["ratios"], nlohmann::json::parse("[0.5, 0.9]")) << name;
    EXPECT_EQ(g["map"].size(), 2u) << name;
    EXPECT_LE(g["macs"][1].get<int64_t>(), g["macs"][0].get<int64_t>()) << name;
    EXPECT_LT(g["macs"][0].get<int64_t>(), j["macs"].get<int64_t>()) << name;
  }

  // The plain path gives the same numbers; --json prints the scan.
  const std::string plain = path("plain.json");
  auto p = run_cli(scan_args() + " --no-cache --json --out " + plain);
  ASSERT_EQ(p.code, 0) << p.err;
  const nlohmann::json printed = nlohmann::json::parse(p.out);
  EXPECT_EQ(printed["baseline"], j["baseline"]);
  for (const auto& [name, g] : j["groups"].items())
    for (size_t k = 0; k < 2; ++k)
      EXPECT_NEAR(printed["groups"][name]["map"][k].get<double>(), g["map"][k].get<double>(), 1e-9) << name;
}

TEST_F(SensitivityCli, PlansATargetFromTheScan) {
  const std::string scan = path("groups.json");
  // Three groups only: --groups limits the scan.
  const std::string list = three_groups();
  ASSERT_FALSE(list.empty());
  auto r = run_cli(scan_args() + " --groups " + list + " --out " + scan);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(read_json(scan)["groups"].size(), 3u);

  const std::string plan = path("plan.json");
  auto p = run_cli("sensitivity --model " + model() + " --from " + scan + " --target-macs 0.9 --save-plan " + plan);
  ASSERT_EQ(p.code, 0) << p.err;
  EXPECT_NE(p.out.find("predicted mAP"), std::string::npos) << p.out;
  ASSERT_TRUE(fs::exists(plan));
  auto pruned = run_cli("prune --model " + model() + " --plan " + plan + " --out " + path("planned.onnx") + " --json");
  ASSERT_EQ(pruned.code, 0) << pruned.err;
  const nlohmann::json j = nlohmann::json::parse(pruned.out);
  EXPECT_LE(j["macs"]["after"].get<double>(), 0.9 * j["macs"]["before"].get<double>());

  // With a speed target: the latency table (measured here, cached in the
  // test's folder) prices each plan, and the line says the estimate.
  auto fast = run_cli("sensitivity --model " + model() + " --from " + scan + " --target-macs 0.9 --speed-ratio 0.5" +
                      " --latency-cache " + path("latency") + " --save-plan " + path("fast.json"));
  ASSERT_EQ(fast.code, 0) << fast.err;
  EXPECT_NE(fast.out.find("a latency speed-up >= 0.5 x the MAC speed-up"), std::string::npos) << fast.out;
  EXPECT_NE(fast.out.find("the latency table's estimate"), std::string::npos) << fast.out;
  EXPECT_TRUE(fs::exists(path("fast.json")));

  auto unreachable = run_cli("sensitivity --model " + model() + " --from " + scan +
                             " --target-macs 0.05 --save-plan " + path("never.json"));
  EXPECT_NE(unreachable.code, 0);
  EXPECT_NE(unreachable.err.find("cannot be reached"), std::string::npos) << unreachable.err;

  // A plan picks channels as its scan did: a rounding or criterion other than
  // the scan's is refused, not silently ignored; the scan's own is accepted.
  auto rounded = run_cli("sensitivity --model " + model() + " --from " + scan +
                         " --target-macs 0.9 --round 8 --save-plan " + path("rounded.json"));
  EXPECT_NE(rounded.code, 0);
  EXPECT_NE(rounded.err.find("scanned with --round 1"), std::string::npos) << rounded.err;
  EXPECT_FALSE(fs::exists(path("rounded.json")));
  auto other = run_cli("sensitivity --model " + model() + " --from " + scan +
                       " --target-macs 0.9 --criterion l2 --save-plan " + path("l2.json"));
  EXPECT_NE(other.code, 0);
  EXPECT_NE(other.err.find("scanned with 'l1'"), std::string::npos) << other.err;
  auto same = run_cli("sensitivity --model " + model() + " --from " + scan +
                      " --target-macs 0.9 --criterion l1 --round 1 --save-plan " + path("same.json"));
  EXPECT_EQ(same.code, 0) << same.err;
}

TEST_F(SensitivityCli, ScansAndPlansWithTaylor) {
  // taylor scores channels on --score-set's first --score-images images.
  const std::string list = three_groups();
  ASSERT_FALSE(list.empty());
  const std::string scan = path("taylor.json");
  const std::string plan = path("taylor.plan.json");
  auto r = run_cli(scan_args() + " --criterion taylor --score-set train --score-images 8 --groups " + list +
                   " --out " + scan + " --target-macs 0.9 --save-plan " + plan);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("importance data: 8 images"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("predicted mAP"), std::string::npos) << r.out;
  const nlohmann::json j = read_json(scan);
  EXPECT_EQ(j["criterion"], "taylor");
  EXPECT_EQ(j["groups"].size(), 3u);
  ASSERT_TRUE(fs::exists(plan));

  // Planning from a taylor scan scores the channels again: it needs images.
  auto from = run_cli("sensitivity --model " + model() + " --from " + scan + " --target-macs 0.9 --save-plan " +
                      path("again.json"));
  EXPECT_NE(from.code, 0);
  EXPECT_NE(from.err.find("--data"), std::string::npos) << from.err;
}

TEST_F(SensitivityCli, ErrorsNameTheProblem) {
  auto expect = [&](const std::string& args, const std::string& what) {
    auto r = run_cli("sensitivity " + args);
    EXPECT_NE(r.code, 0) << args;
    EXPECT_NE(r.err.find(what), std::string::npos) << args << " -> " << r.err;
  };
  const std::string base = "--model " + model() + " --data " + voc();
  expect(base, "--out");
  expect("--data " + voc() + " --out x.json", "--model");
  expect(base + " --out " + path("x.json") + " --ratios 0.5,1.2", "ratio 1.2");
  expect(base + " --out " + path("x.json") + " --groups nope", "unknown group 'nope'");
  expect(base + " --out " + path("x.json") + " --target-macs 0.5", "--save-plan");
  expect("--model " + model() + " --from " + path("x.json"), "--target-macs");
  expect(base + " --out " + path("x.json") + " --speed-ratio 0.8", "--speed-ratio goes with a plan");
  expect(base + " --out " + path("x.json") + " --target-macs 0.5 --speed-ratio 1.5 --save-plan " + path("p.json"),
         "--speed-ratio 1.5 must be");
  expect(base + " --out " + path("x.json") + " --target-latency 0 --save-plan " + path("p.json"),
         "--target-latency 0 must be");
}

}  // namespace
