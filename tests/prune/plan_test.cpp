// PruningPlan: JSON round trip, file round trip, and check_plan's errors.
#include "prune/pruning_plan.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>

#include "error_of.h"
#include "graph/error.h"
#include "prune/channel_groups.h"
#include "prune/prune_test_data.h"

namespace whittle {
namespace {

using namespace test;

ChannelGroups two_groups() {
  ChannelGroups groups;
  groups.groups = {group(0, "features.0", 4), group(1, "head.cls", 6, false)};
  return groups;
}

TEST(PruningPlan, JsonRoundTrip) {
  PruningPlan plan;
  plan.remove["features.0"] = {0, 3};
  plan.remove["features.3"] = {7};
  plan.ratios["features.0"] = 0.5;
  const std::string text = plan_to_json(plan);
  EXPECT_NE(text.find("\"format\": \"whittle.plan/1\""), std::string::npos) << text;
  EXPECT_NE(text.find("\"features.0\": [0, 3],"), std::string::npos) << "one line per group:\n" << text;
  const PruningPlan back = plan_from_json(text);
  EXPECT_EQ(back.remove, plan.remove);
  EXPECT_EQ(back.ratios, plan.ratios);
  EXPECT_EQ(back.removed_channels(), 3);
}

TEST(PruningPlan, EmptyPlanRoundTrips) {
  const PruningPlan back = plan_from_json(plan_to_json(PruningPlan{}));
  EXPECT_TRUE(back.remove.empty());
  EXPECT_TRUE(back.ratios.empty());
  EXPECT_EQ(back.removed_channels(), 0);
}

TEST(PruningPlan, ReadsRatiosOnlyAndSortsIndices) {
  const PruningPlan plan = plan_from_json(R"({"remove": {"g": [5, 1, 3]}, "ratios": {"h": 0.25}})");
  EXPECT_EQ(plan.remove.at("g"), (std::vector<int64_t>{1, 3, 5}));
  EXPECT_EQ(plan.ratios.at("h"), 0.25);
  EXPECT_TRUE(plan_from_json(R"({"ratios": {"h": 0}})").remove.empty());
}

TEST(PruningPlan, MalformedJsonNamesTheSource) {
  auto expect = [](const std::string& text, const std::string& what) {
    const std::string e = error_of([&] { plan_from_json(text, "my_plan.json"); });
    EXPECT_NE(e.find("my_plan.json"), std::string::npos) << text << " -> " << e;
    EXPECT_NE(e.find(what), std::string::npos) << text << " -> " << e;
  };
  expect("{\"remove\": ", "not valid JSON");
  expect("[1, 2]", "JSON object");
  expect(R"({"format": "whittle.plan/2"})", "whittle.plan/1");
  expect(R"({"remove": {"g": [1, -2]}})", "-2");
  expect(R"({"remove": {"g": [1, 2.5]}})", "2.5");
  expect(R"({"remove": {"g": [4, 1, 4]}})", "channel 4 twice");
  expect(R"({"remove": {"g": 3}})", "remove[\"g\"]");
  expect(R"({"ratios": {"g": 1.0}})", "ratios[\"g\"]");
  expect(R"({"ratios": {"g": "half"}})", "ratios[\"g\"]");
  expect(R"({"ratio": {"g": 0.5}})", "unknown key \"ratio\"");
}

TEST(PruningPlan, CheckPlanNamesTheGroupAndTheRule) {
  const ChannelGroups groups = two_groups();
  auto expect = [&](PruningPlan plan, const std::string& what) {
    const std::string e = error_of([&] { check_plan(plan, groups); });
    EXPECT_NE(e.find(what), std::string::npos) << e;
  };
  PruningPlan ok;
  ok.remove["features.0"] = {1, 2, 3};
  ok.remove["head.cls"] = {};
  ok.ratios["features.0"] = 0.75;
  ok.ratios["head.cls"] = 0;
  EXPECT_NO_THROW(check_plan(ok, groups));

  PruningPlan p;
  p.remove["features.9"] = {1};
  expect(p, "unknown group 'features.9'");
  p = {};
  p.remove["head.cls"] = {0};
  expect(p, "group 'head.cls' is not prunable ((Conv head.cls) output 'head.cls' is a graph output)");
  p = {};
  p.remove["features.0"] = {4};
  expect(p, "group 'features.0' has no channel 4 (it has 4)");
  p.remove["features.0"] = {1, 1};
  expect(p, "lists channel 1 twice");
  p.remove["features.0"] = {2, 1};
  expect(p, "out of order");
  p.remove["features.0"] = {0, 1, 2, 3};
  expect(p, "group 'features.0' would lose every one of its 4 channels");
  p = {};
  p.ratios["nope"] = 0.5;
  expect(p, "unknown group 'nope'");
  p = {};
  p.ratios["head.cls"] = 0.5;
  expect(p, "group 'head.cls' is not prunable");
}

TEST(PruningPlan, SaveAndLoadAFile) {
  const auto dir = std::filesystem::temp_directory_path() / ("whittle_plan_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "plan.json").string();
  PruningPlan plan;
  plan.remove["a"] = {2};
  plan.ratios["a"] = 0.1;
  save_plan(plan, path);
  const PruningPlan back = load_plan(path);
  EXPECT_EQ(back.remove, plan.remove);
  EXPECT_EQ(back.ratios, plan.ratios);
  std::ofstream(path) << "{oops";
  EXPECT_NE(error_of([&] { load_plan(path); }).find(path), std::string::npos);
  const std::string missing = (dir / "missing.json").string();
  EXPECT_NE(error_of([&] { load_plan(missing); }).find(missing), std::string::npos);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace whittle
