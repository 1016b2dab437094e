// Sensitivity scans on a small SSDLite (width 0.25, input 96) and a synthetic
// VOC set: the result's structure and JSON, that pruning most of a group
// moves the mAP, that the cached-prefix path scores exactly as one
// evaluate_detector per pruned model does; and the sensitivity planner on a
// hand-made table over a three-conv chain.
#include "prune/sensitivity.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>

#include "data/synth.h"
#include "data/voc_reader.h"
#include "error_of.h"
#include "graph/cost_model.h"
#include "graph/error.h"
#include "graph/graph_builder.h"
#include "models/ssd/ssd_zoo.h"
#include "prune/channel_groups.h"
#include "prune/sensitivity_planner.h"
#include "prune/surgery.h"
#include "prune_test_data.h"

namespace whittle {
namespace {

using test::error_of;

namespace fs = std::filesystem;

class SensitivityTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("whittle_sensitivity_" + std::to_string(getpid()));
    fs::remove_all(dir_);
    SynthOptions so;
    so.out = dir_.string();
    so.images = 16;
    so.classes = 3;
    so.size = 96;
    so.seed = 7;
    so.threads = 1;
    const SynthReport report = synthesize_voc(so);
    VocReadOptions read;
    read.sets = {"trainval"};
    data_ = read_voc(report.root, read);
    detector_ = build_detector_zoo("ssdlite_mobilenet_v2", 3, 0.25, 96);
    detector_.classes = {"aeroplane", "bicycle", "bird"};
    // Four groups from the stem to the extras: first, two in the middle, last.
    const ChannelGroups groups = channel_groups(detector_.graph);
    std::vector<std::string> prunable;
    for (const auto& g : groups.groups)
      if (g.prunable) prunable.push_back(g.name);
    ASSERT_GE(prunable.size(), 8u);
    scanned_ = {prunable[0], prunable[3], prunable[prunable.size() / 2], prunable.back()};
  }
  static void TearDownTestSuite() { fs::remove_all(dir_); }

  static SensitivityOptions options() {
    SensitivityOptions o;
    o.ratios = {0.9, 0.5};  // given out of order: the result is ascending
    o.groups = scanned_;
    o.images = 12;
    o.eval.batch_size = 4;
    o.eval.workers = 0;
    return o;
  }

  static const SensitivityResult& cached_scan() {
    static const SensitivityResult r = [] {
      NullProgress progress;
      return analyze_sensitivity(detector_, data_, options(), progress);
    }();
    return r;
  }

  static inline fs::path dir_;
  static inline Dataset data_;
  static inline Detector detector_;
  static inline std::vector<std::string> scanned_;
};

TEST_F(SensitivityTest, ResultHoldsEveryGroupAndRatio) {
  const SensitivityResult& r = cached_scan();
  EXPECT_EQ(r.metric, "voc07");
  EXPECT_EQ(r.criterion, "l1");
  EXPECT_EQ(r.images, 12);
  EXPECT_EQ(r.macs, compute_cost(detector_.graph).macs);
  ASSERT_EQ(r.groups.size(), scanned_.size());
  const ChannelGroups groups = channel_groups(detector_.graph);
  for (size_t i = 0; i < r.groups.size(); ++i) {
    const GroupSensitivity& g = r.groups[i];
    SCOPED_TRACE(g.name);
    EXPECT_EQ(g.name, scanned_[i]);
    EXPECT_EQ(g.channels, groups.group(g.name).channels);
    EXPECT_EQ(g.ratios, (std::vector<double>{0.5, 0.9}));
    ASSERT_EQ(g.removed.size(), 2u);
    ASSERT_EQ(g.macs.size(), 2u);
    ASSERT_EQ(g.map.size(), 2u);
    EXPECT_EQ(g.removed[0], g.channels / 2);
    EXPECT_EQ(g.removed[1], static_cast<int64_t>(std::floor(0.9 * g.channels + 1e-9)));
    EXPECT_LT(g.macs[1], g.macs[0]);
    EXPECT_LT(g.macs[0], r.macs);
    for (double m : g.map) EXPECT_TRUE(std::isfinite(m) && m >= 0 && m <= 1) << m;
  }
}

TEST_F(SensitivityTest, PruningMostOfAGroupMovesTheMap) {
  const SensitivityResult& r = cached_scan();
  ASSERT_GT(r.baseline, 0.0) << "the untrained detector finds nothing: the test cannot tell";
  int moved = 0;
  for (const auto& g : r.groups)
    if (g.map.back() != r.baseline) ++moved;
  EXPECT_GE(moved, 1) << sensitivity_to_json(r);
}

TEST_F(SensitivityTest, CachedPrefixScoresAsThePlainPath) {
  SensitivityOptions o = options();
  o.cache_prefix = false;
  NullProgress progress;
  const SensitivityResult plain = analyze_sensitivity(detector_, data_, o, progress);
  const SensitivityResult& cached = cached_scan();
  EXPECT_EQ(plain.baseline, cached.baseline);
  ASSERT_EQ(plain.groups.size(), cached.groups.size());
  for (size_t i = 0; i < plain.groups.size(); ++i) {
    EXPECT_EQ(plain.groups[i].macs, cached.groups[i].macs) << plain.groups[i].name;
    for (size_t k = 0; k < plain.groups[i].map.size(); ++k)
      EXPECT_NEAR(plain.groups[i].map[k], cached.groups[i].map[k], 1e-9)
          << plain.groups[i].name << " ratio " << plain.groups[i].ratios[k];
  }
}

TEST_F(SensitivityTest, JsonRoundTrips) {
  const SensitivityResult& r = cached_scan();
  const std::string text = sensitivity_to_json(r);
  const nlohmann::json j = nlohmann::json::parse(text);
  EXPECT_EQ(j["format"], "whittle.sensitivity/1");
  EXPECT_DOUBLE_EQ(j["baseline"].get<double>(), r.baseline);
  ASSERT_TRUE(j["groups"].contains(scanned_[0])) << text;
  const auto& g = j["groups"][scanned_[0]];
  for (const char* key : {"channels", "ratios", "removed", "macs", "map"}) EXPECT_TRUE(g.contains(key)) << key;
  EXPECT_EQ(g["map"].size(), 2u);

  const SensitivityResult back = sensitivity_from_json(text);
  EXPECT_EQ(back.baseline, r.baseline);
  EXPECT_EQ(back.macs, r.macs);
  ASSERT_EQ(back.groups.size(), r.groups.size());
  for (size_t i = 0; i < r.groups.size(); ++i) {
    EXPECT_EQ(back.groups[i].name, r.groups[i].name);  // graph order, not sorted by name
    EXPECT_EQ(back.groups[i].ratios, r.groups[i].ratios);
    EXPECT_EQ(back.groups[i].removed, r.groups[i].removed);
    EXPECT_EQ(back.groups[i].macs, r.groups[i].macs);
    EXPECT_EQ(back.groups[i].map, r.groups[i].map);
  }
  EXPECT_NE(error_of([] { sensitivity_from_json(R"({"format": "whittle.plan/1"})", "s.json"); })
                .find("s.json: format"),
            std::string::npos);
  EXPECT_NE(error_of([] {
              sensitivity_from_json(R"({"format": "whittle.sensitivity/1", "macs": 1, "baseline": 0.5,
                "groups": {"g": {"channels": 4, "ratios": [0.5], "removed": [2], "macs": [], "map": [0.1]}}})");
            }).find("differ in length"),
            std::string::npos);
}

TEST_F(SensitivityTest, BadOptionsAndCancellation) {
  NullProgress progress;
  SensitivityOptions o = options();
  o.groups = {"no.such.group"};
  EXPECT_NE(error_of([&] { analyze_sensitivity(detector_, data_, o, progress); }).find("unknown group 'no.such.group'"),
            std::string::npos);
  o = options();
  o.ratios = {0.5, 1.0};
  EXPECT_NE(error_of([&] { analyze_sensitivity(detector_, data_, o, progress); }).find("ratio 1 must be"),
            std::string::npos);

  // Cancelled after the first progress report: stops promptly with Cancelled.
  class CancelSoon : public Progress {
   protected:
    void on_progress(double, const std::string&) override { cancel(); }
  } cancel_soon;
  cancel_soon.set_interval(std::chrono::milliseconds(0));
  const auto start = std::chrono::steady_clock::now();
  EXPECT_THROW(analyze_sensitivity(detector_, data_, options(), cancel_soon), Cancelled);
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 10.0);
}

// ---- planner -------------------------------------------------------------------

// input -> a (16) -> b (16) -> c (16) -> head (4, a graph output): groups a,
// b and c, each prunable.
Graph chain() {
  GraphBuilder b(2345);
  auto x = b.input("input", {1, 3, 16, 16});
  auto a = b.conv_bn_act("a", x, 16, 3, {.padding = 1, .bias = false}, Op::ReLU);
  auto bb = b.conv_bn_act("b", a, 16, 3, {.padding = 1, .bias = false}, Op::ReLU);
  auto c = b.conv_bn_act("c", bb, 16, 3, {.padding = 1, .bias = false}, Op::ReLU);
  b.output(b.conv("head", c, 4, 1));
  return b.build();
}

// A scan of chain() with real MACs and made-up mAPs: baseline 0.8; `drops`
// gives each group's mAP loss at ratios 0.25, 0.5, 0.75.
SensitivityResult table(const Graph& graph, const ChannelGroups& groups, const GroupScores& scores,
                        const std::map<std::string, std::vector<double>>& drops) {
  SensitivityResult r;
  r.baseline = 0.8;
  r.macs = compute_cost(graph).macs;
  for (const auto& [name, drop] : drops) {
    GroupSensitivity g;
    g.name = name;
    g.channels = groups.group(name).channels;
    g.ratios = {0.25, 0.5, 0.75};
    for (size_t i = 0; i < g.ratios.size(); ++i) {
      const PruningPlan plan = plan_layer_ratios(groups, scores, {{name, g.ratios[i]}});
      g.removed.push_back(plan.removed_channels());
      g.macs.push_back(compute_cost(apply_pruning(graph, groups, plan)).macs);
      g.map.push_back(r.baseline - drop[i]);
    }
    r.groups.push_back(g);
  }
  // The result lists groups in graph order, as a scan does.
  std::sort(r.groups.begin(), r.groups.end(),
            [&](const auto& x, const auto& y) { return groups.find(x.name) < groups.find(y.name); });
  return r;
}

TEST(SensitivityPlanner, MeetsTheTargetAndPrefersInsensitiveGroups) {
  const Graph graph = chain();
  const ChannelGroups groups = channel_groups(graph);
  ASSERT_GE(groups.find("a"), 0);
  ASSERT_GE(groups.find("b"), 0);
  ASSERT_GE(groups.find("c"), 0);
  const GroupScores scores = channel_importance(graph, groups, {});
  // a is fragile, b hardly cares up to half its channels, c is in between.
  const SensitivityResult sens = table(graph, groups, scores,
                                       {{"a", {0.3, 0.5, 0.7}}, {"b", {0.0, 0.01, 0.4}}, {"c", {0.05, 0.1, 0.3}}});
  for (double fraction : {0.8, 0.6, 0.45}) {
    SCOPED_TRACE("fraction " + std::to_string(fraction));
    SensitivityPlanReport report;
    const PruningPlan plan = plan_from_sensitivity(graph, groups, scores, sens, fraction, {}, &report);
    const int64_t original = compute_cost(graph).macs;
    const int64_t pruned = compute_cost(apply_pruning(graph, groups, plan)).macs;
    EXPECT_EQ(report.original_macs, original);
    EXPECT_EQ(report.pruned_macs, pruned);
    EXPECT_LE(pruned, static_cast<int64_t>(std::floor(fraction * original)));
    auto ratio = [&](const std::string& g) { return report.ratios.count(g) ? report.ratios.at(g) : 0.0; };
    EXPECT_GT(ratio("b"), 0.0);
    EXPECT_GE(ratio("b"), ratio("c"));
    EXPECT_GE(ratio("c"), ratio("a"));
    EXPECT_EQ(plan.ratios, report.ratios);
    EXPECT_NEAR(report.predicted_map, sens.baseline - report.predicted_loss, 1e-12);
  }
  // 0.8: a quarter of b (a quarter of the MACs of b and of c's input) is
  // enough and free; 0.45: b at half, then c (b at 0.75 would cost 0.39 more).
  SensitivityPlanReport report;
  plan_from_sensitivity(graph, groups, scores, sens, 0.8, {}, &report);
  EXPECT_EQ(report.ratios, (std::map<std::string, double>{{"b", 0.25}}));
  EXPECT_EQ(report.predicted_loss, 0.0);
  plan_from_sensitivity(graph, groups, scores, sens, 0.45, {}, &report);
  EXPECT_EQ(report.ratios, (std::map<std::string, double>{{"b", 0.5}, {"c", 0.5}}));
  EXPECT_NEAR(report.predicted_loss, 0.11, 1e-12);
}

// chain()'s time as a synthetic table: conv a (3 -> 16, a tenth of the
// MACs) takes 10 ms per 16 output channels, the others next to nothing, no
// rest. Pruning b alone (the cheap choice for MACs) then barely speeds the
// model up; a latency or speed target has to take a, fragile as it is.
TEST(SensitivityPlanner, LatencyAndSpeedTargetsTakeTheSlowGroup) {
  const Graph graph = chain();
  const ChannelGroups groups = channel_groups(graph);
  const GroupScores scores = channel_importance(graph, groups, {});
  const SensitivityResult sens = table(graph, groups, scores,
                                       {{"a", {0.3, 0.5, 0.7}}, {"b", {0.0, 0.01, 0.4}}, {"c", {0.05, 0.1, 0.3}}});
  const LatencyTable t = test::synthetic_latency_table(
      measure_latency_table(graph, test::quick_latency_options()),
      [](const LatencyEntry& e, int64_t in, int64_t out) {
        return e.node == "a" ? 10.0 * static_cast<double>(out) / 16.0 : 1e-3 * static_cast<double>(in * out) / 256.0;
      },
      0.0);
  auto a_ratio = [](const SensitivityPlanReport& r) { return r.ratios.count("a") ? r.ratios.at("a") : 0.0; };

  SensitivityTargets macs_only;
  macs_only.macs = 0.8;
  SensitivityPlanReport plain;
  plan_from_sensitivity(graph, groups, scores, sens, macs_only, {}, &plain);
  EXPECT_EQ(a_ratio(plain), 0.0);
  EXPECT_EQ(plain.original_ms, -1);  // no table, no estimate

  SensitivityTargets speed = macs_only;
  speed.speed = 0.8;
  speed.table = &t;
  SensitivityPlanReport fast;
  const PruningPlan plan = plan_from_sensitivity(graph, groups, scores, sens, speed, {}, &fast);
  EXPECT_GT(a_ratio(fast), 0.0);
  EXPECT_GT(fast.predicted_loss, plain.predicted_loss);
  EXPECT_LE(fast.pruned_macs, fast.target_macs);
  const Graph pruned = apply_pruning(graph, groups, plan);
  EXPECT_NEAR(fast.pruned_ms, estimate_latency_ms(t, pruned), 1e-9);
  EXPECT_NEAR(fast.original_ms, estimate_latency_ms(t, graph), 1e-9);
  EXPECT_GE(fast.original_ms / fast.pruned_ms,
            0.8 * static_cast<double>(fast.original_macs) / static_cast<double>(fast.pruned_macs) - 1e-9);

  SensitivityTargets latency;
  latency.latency = 0.6;
  latency.table = &t;
  SensitivityPlanReport quick;
  plan_from_sensitivity(graph, groups, scores, sens, latency, {}, &quick);
  EXPECT_GE(a_ratio(quick), 0.4);
  EXPECT_LE(quick.pruned_ms, quick.target_ms);
  EXPECT_NEAR(quick.target_ms, 0.6 * quick.original_ms, 1e-9);

  SensitivityTargets no_table;
  no_table.speed = 0.8;
  EXPECT_NE(error_of([&] { plan_from_sensitivity(graph, groups, scores, sens, no_table); }).find("latency table"),
            std::string::npos);
}

TEST(SensitivityPlanner, NoisyCurvesAreMadeMonotone) {
  GroupSensitivity g;
  g.map = {0.7, 0.75, 0.6, std::nan("")};
  const std::vector<double> loss = sensitivity_losses(g, 0.8);
  ASSERT_EQ(loss.size(), 4u);
  EXPECT_NEAR(loss[0], 0.1, 1e-12);
  EXPECT_NEAR(loss[1], 0.1, 1e-12);  // 0.05 is not believed: running maximum
  EXPECT_NEAR(loss[2], 0.2, 1e-12);
  EXPECT_NEAR(loss[3], 0.8, 1e-12);  // NaN: the whole baseline
}

TEST(SensitivityPlanner, RefusesUnreachableTargetsAndOtherModels) {
  const Graph graph = chain();
  const ChannelGroups groups = channel_groups(graph);
  const GroupScores scores = channel_importance(graph, groups, {});
  const SensitivityResult sens = table(graph, groups, scores, {{"b", {0.0, 0.01, 0.4}}});
  EXPECT_NE(error_of([&] { plan_from_sensitivity(graph, groups, scores, sens, 0.2); }).find("cannot be reached"),
            std::string::npos);
  SensitivityResult other = sens;
  other.macs += 1;
  EXPECT_NE(error_of([&] { plan_from_sensitivity(graph, groups, scores, other, 0.9); }).find("another model"),
            std::string::npos);
  EXPECT_NE(error_of([&] { plan_from_sensitivity(graph, groups, scores, sens, 0.0); }).find("must be > 0"),
            std::string::npos);
}

}  // namespace
}  // namespace whittle
