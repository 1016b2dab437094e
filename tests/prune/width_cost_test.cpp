// WidthCost: params, MACs and weight bytes as a function of the channels each
// group loses equal surgery + the cost model exactly, on the zoo's detectors
// (plain, residual and depthwise groups); incremental updates equal a full
// recompute; the latency estimate follows LatencyModel/estimate_latency_ms.
#include "prune/width_cost.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <chrono>
#include <iostream>
#include <string>

#include "graph/cost_model.h"
#include "models/ssd/ssd_zoo.h"
#include "prune/importance.h"
#include "prune/latency_table.h"
#include "prune/planners.h"
#include "prune/prune_test_data.h"
#include "prune/surgery.h"

namespace whittle {
namespace {

std::vector<int64_t> counts_of(const ChannelGroups& groups, const PruningPlan& plan) {
  std::vector<int64_t> counts(groups.groups.size(), 0);
  for (const auto& [name, removed] : plan.remove)
    counts[static_cast<size_t>(groups.find(name))] = static_cast<int64_t>(removed.size());
  return counts;
}

void expect_equal_to_surgery(const Graph& graph, const ChannelGroups& groups, const PruningPlan& plan,
                             WidthCost& cost, const std::string& what) {
  SCOPED_TRACE(what);
  const std::vector<int64_t> counts = counts_of(groups, plan);
  const WidthTotals full = cost.reset(counts);
  const GraphCost want = compute_cost(plan.remove.empty() ? graph : apply_pruning(graph, groups, plan));
  EXPECT_EQ(full.params, want.params);
  EXPECT_EQ(full.macs, want.macs);
  EXPECT_EQ(full.weight_bytes_fp32, want.weight_bytes_fp32);
  EXPECT_EQ(full.weight_bytes_int8, want.weight_bytes_int8);
  EXPECT_GT(full.file_bytes_fp32, full.weight_bytes_fp32);
  EXPECT_GT(full.file_bytes_int8, full.weight_bytes_int8);
  EXPECT_EQ(full.latency_ms, -1);

  // The same counts one group at a time, from nothing removed.
  cost.reset(std::vector<int64_t>(groups.groups.size(), 0));
  for (size_t g = 0; g < counts.size(); ++g) cost.set(static_cast<int>(g), counts[g]);
  EXPECT_EQ(cost.totals().params, want.params);
  EXPECT_EQ(cost.totals().macs, want.macs);
  EXPECT_EQ(cost.totals().weight_bytes_fp32, want.weight_bytes_fp32);
  EXPECT_EQ(cost.totals().weight_bytes_int8, want.weight_bytes_int8);
  EXPECT_EQ(cost.totals().file_bytes_fp32, full.file_bytes_fp32);
}

class WidthCostZoo : public ::testing::TestWithParam<std::string> {};

TEST_P(WidthCostZoo, EqualsSurgeryAndCostModel) {
  const Detector detector = build_detector_zoo(GetParam());
  const Graph& graph = detector.graph;
  const ChannelGroups groups = channel_groups(graph);
  const GroupScores scores = channel_importance(graph, groups, ImportanceOptions{});
  WidthCost cost(graph, groups);

  const GraphCost original = compute_cost(graph);
  EXPECT_EQ(cost.totals().params, original.params);
  EXPECT_EQ(cost.totals().macs, original.macs);
  EXPECT_EQ(cost.totals().weight_bytes_fp32, original.weight_bytes_fp32);
  EXPECT_EQ(cost.totals().weight_bytes_int8, original.weight_bytes_int8);

  expect_equal_to_surgery(graph, groups, plan_uniform(groups, scores, 0.3), cost, "uniform 0.3");
  PlannerOptions by8;
  by8.round_to = 8;
  expect_equal_to_surgery(graph, groups, plan_uniform(groups, scores, 0.5, by8), cost, "uniform 0.5 by 8");
  std::map<std::string, double> ratios;
  int i = 0;
  for (const ChannelGroup& g : groups.groups)
    if (g.prunable) ratios[g.name] = static_cast<double>((i++ * 37) % 95) / 100.0;
  expect_equal_to_surgery(graph, groups, plan_layer_ratios(groups, scores, ratios), cost, "layer ratios");
  expect_equal_to_surgery(graph, groups, plan_global(groups, scores, 0.6), cost, "global 0.6");
  expect_equal_to_surgery(graph, groups, plan_target_macs(graph, groups, scores, 0.4), cost, "target MACs 0.4");
  // Every prunable group down to one channel.
  PruningPlan most;
  for (const ChannelGroup& g : groups.groups)
    if (g.prunable && g.channels > 1) most.remove[g.name] = least_important(scores.at(g.name), g.channels - 1);
  expect_equal_to_surgery(graph, groups, most, cost, "one channel each");

  std::cout << "[ " << GetParam() << " ] fp32 file estimate " << cost.reset(std::vector<int64_t>(groups.groups.size(), 0)).file_bytes_fp32
            << " bytes (weights " << original.weight_bytes_fp32 << "), int8 " << cost.totals().file_bytes_int8
            << " (weights " << original.weight_bytes_int8 << ")\n";
}

INSTANTIATE_TEST_SUITE_P(Detectors, WidthCostZoo,
                         ::testing::Values("ssd300_vgg16", "ssd_mobilenet_v1", "ssdlite_mobilenet_v2"));

TEST(WidthCost, RatioRemovedChannelsCountsAsThePlanners) {
  EXPECT_EQ(ratio_removed_channels(0.3, 10), 3) << "0.3 * 10 = 2.9999999999999996";
  EXPECT_EQ(ratio_removed_channels(0.0, 10), 0);
  EXPECT_EQ(ratio_removed_channels(0.99, 3), 2) << "every group keeps a channel";
  EXPECT_EQ(ratio_removed_channels(0.1, 64, 8), 8) << "kept 58 rounds to 56";
  EXPECT_EQ(ratio_removed_channels(0.5, 6, 8), 0) << "narrower than the multiple: whole";
  ChannelGroups groups;
  groups.groups = {test::group(0, "a", 100), test::group(1, "b", 37)};
  GroupScores scores{{"a", at::rand({100})}, {"b", at::rand({37})}};
  for (double r : {0.05, 0.1, 0.3, 0.33, 0.5, 0.7, 0.9, 0.98})
    for (int64_t m : {1, 4, 8}) {
      PlannerOptions o;
      o.round_to = m;
      const PruningPlan plan = plan_uniform(groups, scores, r, o);
      for (const ChannelGroup& g : groups.groups) {
        const auto it = plan.remove.find(g.name);
        EXPECT_EQ(ratio_removed_channels(r, g.channels, m),
                  it == plan.remove.end() ? 0 : static_cast<int64_t>(it->second.size()))
            << g.name << " ratio " << r << " round " << m;
      }
    }
}

TEST(WidthCost, UpdatesTouchOnlyTheGroupsNodes) {
  const Detector detector = build_detector_zoo("ssd300_vgg16");
  const ChannelGroups groups = channel_groups(detector.graph);
  WidthCost cost(detector.graph, groups);
  std::vector<int> prunable;
  for (size_t g = 0; g < groups.groups.size(); ++g)
    if (groups.groups[g].prunable) prunable.push_back(static_cast<int>(g));
  ASSERT_FALSE(prunable.empty());
  for (int g : prunable) EXPECT_LE(cost.touched_nodes(g), 8u) << groups.groups[g].name;
  const auto start = std::chrono::steady_clock::now();
  const int edits = 10000;
  for (int i = 0; i < edits; ++i) {
    const int g = prunable[static_cast<size_t>(i) % prunable.size()];
    cost.set(g, (i * 13) % groups.groups[g].channels);
  }
  const double us = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count();
  std::cout << "[ SSD300 ] WidthCost::set: " << us / edits << " us per change\n";
  std::vector<int64_t> counts = cost.removed();
  const WidthTotals incremental = cost.totals();
  const WidthTotals full = cost.reset(counts);
  EXPECT_EQ(incremental.params, full.params);
  EXPECT_EQ(incremental.macs, full.macs);
  EXPECT_EQ(incremental.weight_bytes_int8, full.weight_bytes_int8);
}

TEST(WidthCost, LatencyFollowsTheTable) {
  const Graph graph = test::depthwise_graph();
  const ChannelGroups groups = channel_groups(graph);
  const LatencyTableOptions options = test::quick_latency_options();
  const LatencyTable table = measure_latency_table(graph, options);
  WidthCost cost(graph, groups, &table);
  ASSERT_TRUE(cost.has_latency());
  EXPECT_NEAR(cost.totals().latency_ms, table.full_width_ms(), 1e-9);
  const GroupScores scores = channel_importance(graph, groups, ImportanceOptions{});
  for (double r : {0.25, 0.5, 0.8}) {
    const PruningPlan plan = plan_uniform(groups, scores, r);
    const WidthTotals& t = cost.reset(counts_of(groups, plan));
    const double want = estimate_latency_ms(table, apply_pruning(graph, groups, plan));
    EXPECT_NEAR(t.latency_ms, want, 1e-6 * want) << "ratio " << r;
  }
}

}  // namespace
}  // namespace whittle
