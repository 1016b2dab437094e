// Planners: ratios, rounding to multiples, the minimum width, global ranking
// and the MAC target on real networks (surgery + cost model as the judge).
#include "prune/planners.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <chrono>
#include <functional>

#include "error_of.h"
#include "graph/cost_model.h"
#include "graph/error.h"
#include "models/ssd/ssd_zoo.h"
#include "models/zoo.h"
#include "prune/importance.h"
#include "prune/prune_test_data.h"
#include "prune/surgery.h"

namespace whittle {
namespace {

using namespace test;

// Scores 0, 1, ..., n-1 in a scrambled order: channel i scores (i * 7) % n
// for n coprime with 7.
at::Tensor scrambled(int64_t n) {
  std::vector<float> s;
  for (int64_t i = 0; i < n; ++i) s.push_back(static_cast<float>((i * 7) % n));
  return at::tensor(s);
}

// The channels with the k lowest scrambled scores: i with (i * 7) % n < k.
std::vector<int64_t> lowest_scrambled(int64_t n, int64_t k) {
  std::vector<int64_t> v;
  for (int64_t i = 0; i < n; ++i)
    if ((i * 7) % n < k) v.push_back(i);
  return v;
}

TEST(Planners, RoundKeptChannelsToMultiples) {
  struct Case {
    int64_t kept, channels, multiple, want;
  };
  for (const Case& c : {Case{60, 64, 8, 64}, Case{59, 64, 8, 56}, Case{3, 64, 8, 8}, Case{5, 6, 8, 6},
                        Case{20, 16, 8, 16}, Case{0, 10, 1, 1}, Case{7, 10, 1, 7}, Case{13, 100, 4, 12},
                        Case{14, 100, 4, 16}})
    EXPECT_EQ(round_kept_channels(c.kept, c.channels, c.multiple), c.want)
        << "kept " << c.kept << " of " << c.channels << " to a multiple of " << c.multiple;
  EXPECT_NE(error_of([] { round_kept_channels(4, 8, 0); }).find("multiple"), std::string::npos);
}

TEST(Planners, LeastImportantBreaksTiesByIndex) {
  EXPECT_EQ(least_important(at::tensor({2.f, 1.f, 1.f, 0.f, 5.f}), 3), (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(least_important(at::tensor({1.f, 1.f, 1.f}), 2), (std::vector<int64_t>{0, 1}));
  EXPECT_TRUE(least_important(at::tensor({1.f}), 0).empty());
  EXPECT_EQ(channel_ranking(at::tensor({2.f, 1.f, 1.f, 0.f, 5.f})), (std::vector<int64_t>{3, 1, 2, 0, 4}));
}

TEST(Planners, UniformRemovesTheFloorOfTheRatio) {
  ChannelGroups groups;
  groups.groups = {group(0, "a", 10), group(1, "b", 3), group(2, "head", 4, false)};
  GroupScores scores{{"a", scrambled(10)}, {"b", at::tensor({0.5f, 0.1f, 0.9f})}};
  const PruningPlan plan = plan_uniform(groups, scores, 0.3);  // 0.3 * 10 = 2.9999999999999996
  EXPECT_EQ(plan.remove.at("a"), lowest_scrambled(10, 3));
  EXPECT_EQ(plan.remove.count("b"), 0u) << "floor(0.9) = 0";
  EXPECT_EQ(plan.remove.count("head"), 0u);
  EXPECT_EQ(plan.ratios.at("a"), 0.3);
  EXPECT_EQ(plan.ratios.count("head"), 0u);
  check_plan(plan, groups);

  // Every group keeps at least one channel.
  const PruningPlan most = plan_uniform(groups, scores, 0.99);
  EXPECT_EQ(most.remove.at("a"), lowest_scrambled(10, 9));
  EXPECT_EQ(most.remove.at("b"), (std::vector<int64_t>{0, 1}));
  check_plan(most, groups);

  EXPECT_NE(error_of([&] { plan_uniform(groups, scores, 1.0); }).find("ratio 1 must be >= 0 and < 1"),
            std::string::npos);
  EXPECT_NE(error_of([&] { plan_uniform(groups, {{"a", scrambled(10)}}, 0.5); }).find("group 'b'"),
            std::string::npos);
  EXPECT_NE(error_of([&] { plan_uniform(groups, {{"a", scrambled(9)}, {"b", scrambled(3)}}, 0.5); })
                .find("group 'a' has 10 channels but 9 scores"),
            std::string::npos);
}

TEST(Planners, RoundingKeepsMultiplesAndTheMinimumWidth) {
  ChannelGroups groups;
  groups.groups = {group(0, "wide", 64), group(1, "narrow", 6), group(2, "mid", 20)};
  GroupScores scores{{"wide", scrambled(64)}, {"narrow", scrambled(6)}, {"mid", scrambled(20)}};
  PlannerOptions options;
  options.round_to = 8;
  // 0.3: wide keeps 64 - 19 = 45 -> 48; narrow (< 8) stays whole; mid keeps 14 -> 16.
  PruningPlan plan = plan_uniform(groups, scores, 0.3, options);
  EXPECT_EQ(plan.remove.at("wide"), lowest_scrambled(64, 16));
  EXPECT_EQ(plan.remove.count("narrow"), 0u);
  EXPECT_EQ(plan.remove.at("mid"), lowest_scrambled(20, 4));
  // 0.95: wide keeps 4 -> the minimum of one multiple, 8; mid keeps 1 -> 8.
  plan = plan_uniform(groups, scores, 0.95, options);
  EXPECT_EQ(plan.remove.at("wide").size(), 56u);
  EXPECT_EQ(plan.remove.at("mid").size(), 12u);
  EXPECT_EQ(plan.remove.count("narrow"), 0u);
}

TEST(Planners, LayerRatiosTouchOnlyTheListedGroups) {
  ChannelGroups groups;
  groups.groups = {group(0, "a", 10), group(1, "b", 8), group(2, "head", 4, false)};
  GroupScores scores{{"a", scrambled(10)}, {"b", scrambled(8)}};
  const PruningPlan plan = plan_layer_ratios(groups, scores, {{"b", 0.5}, {"head", 0.0}});
  EXPECT_EQ(plan.remove.count("a"), 0u);
  EXPECT_EQ(plan.remove.at("b"), lowest_scrambled(8, 4));
  EXPECT_EQ(plan.ratios.at("b"), 0.5);
  EXPECT_NE(error_of([&] { plan_layer_ratios(groups, scores, {{"c", 0.5}}); }).find("unknown group 'c'"),
            std::string::npos);
  EXPECT_NE(error_of([&] { plan_layer_ratios(groups, scores, {{"head", 0.5}}); })
                .find("group 'head' is not prunable"),
            std::string::npos);
  EXPECT_NE(error_of([&] { plan_layer_ratios(groups, scores, {{"a", -0.1}}); }).find("group 'a'"),
            std::string::npos);
}

TEST(Planners, GlobalRankingRemovesTheGloballyLeastImportant) {
  ChannelGroups groups;
  groups.groups = {group(0, "a", 4), group(1, "b", 4), group(2, "head", 4, false)};
  // Every channel of a scores below every channel of b.
  GroupScores scores{{"a", at::tensor({0.1f, 0.4f, 0.2f, 0.3f})}, {"b", at::tensor({0.9f, 0.5f, 0.8f, 0.7f})}};
  PruningPlan plan = plan_global(groups, scores, 0.25);  // 2 of 8
  EXPECT_EQ(plan.remove.at("a"), (std::vector<int64_t>{0, 2}));
  EXPECT_EQ(plan.remove.count("b"), 0u);
  EXPECT_DOUBLE_EQ(plan.ratios.at("a"), 0.5);
  // 5 of 8: a keeps its best channel, so b gives two.
  plan = plan_global(groups, scores, 0.625);
  EXPECT_EQ(plan.remove.at("a"), (std::vector<int64_t>{0, 2, 3}));
  EXPECT_EQ(plan.remove.at("b"), (std::vector<int64_t>{1, 3}));
  check_plan(plan, groups);
}

ImportanceOptions l1() {
  ImportanceOptions o;
  o.criterion = Criterion::L1;
  return o;
}

// Within one group step: some group, given back one step (one channel, or
// `step` with rounding), takes the pruned graph over the target.
void expect_within_one_step(const Graph& graph, const ChannelGroups& groups, const PruningPlan& plan,
                            int64_t target, int64_t step) {
  bool crosses = false;
  for (const auto& [name, removed] : plan.remove) {
    PruningPlan back = plan;
    auto& list = back.remove[name];
    list.resize(list.size() - std::min<size_t>(static_cast<size_t>(step), list.size()));
    if (compute_cost(apply_pruning(graph, groups, back)).macs > target) {
      crosses = true;
      break;
    }
  }
  EXPECT_TRUE(crosses) << "the plan removes more than one group step past the target";
}

TEST(Planners, TargetMacsReachesTheTargetOnMobileNetV2) {
  const Graph graph = build_zoo("mobilenet_v2");
  const ChannelGroups groups = channel_groups(graph);
  const GroupScores scores = channel_importance(graph, groups, l1());
  const int64_t original = compute_cost(graph).macs;
  for (int64_t round_to : {1, 8}) {
    PlannerOptions options;
    options.round_to = round_to;
    TargetMacsReport report;
    const PruningPlan plan = plan_target_macs(graph, groups, scores, 0.5, options, &report);
    SCOPED_TRACE("round_to " + std::to_string(round_to));
    EXPECT_EQ(report.original_macs, original);
    EXPECT_EQ(report.target_macs, original / 2);
    const Graph pruned = apply_pruning(graph, groups, plan);
    const int64_t macs = compute_cost(pruned).macs;
    EXPECT_EQ(macs, report.pruned_macs);
    EXPECT_LE(macs, report.target_macs);
    EXPECT_GT(macs, report.target_macs * 0.9);
    expect_within_one_step(graph, groups, plan, report.target_macs, round_to);
    if (round_to > 1)
      for (const auto& [name, removed] : plan.remove) {
        const ChannelGroup& g = groups.group(name);
        const int64_t kept = g.channels - static_cast<int64_t>(removed.size());
        EXPECT_TRUE(kept % round_to == 0 || kept == g.channels) << name << " keeps " << kept;
      }
  }
}

TEST(Planners, TargetMacsRejectsWhatItCannotReach) {
  const Graph graph = build_zoo("mobilenet_v2", {.num_classes = 10, .width = 0.25, .input_size = 64});
  const ChannelGroups groups = channel_groups(graph);
  const GroupScores scores = channel_importance(graph, groups, l1());
  EXPECT_NE(error_of([&] { plan_target_macs(graph, groups, scores, 0.001); }).find("cannot be reached"),
            std::string::npos);
  EXPECT_NE(error_of([&] { plan_target_macs(graph, groups, scores, 1.5); }).find("1.5"), std::string::npos);
  EXPECT_TRUE(plan_target_macs(graph, groups, scores, 1.0).remove.empty());
}

TEST(Planners, TargetMacsPlansSsd300Vgg16Quickly) {
  const Detector detector = build_detector_zoo("ssd300_vgg16");
  const ChannelGroups groups = channel_groups(detector.graph);
  const auto start = std::chrono::steady_clock::now();
  const GroupScores scores = channel_importance(detector.graph, groups, l1());
  TargetMacsReport report;
  const PruningPlan plan = plan_target_macs(detector.graph, groups, scores, 0.5, {}, &report);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "[ SSD300 ] l1 importance + target-MACs plan (0.5): " << seconds << " s, "
            << plan.removed_channels() << " channels removed, MACs " << report.original_macs << " -> "
            << report.pruned_macs << '\n';
  EXPECT_LE(report.pruned_macs, report.target_macs);
  EXPECT_LT(seconds, 30.0) << "planning should take well under a few seconds";
}

}  // namespace
}  // namespace whittle
