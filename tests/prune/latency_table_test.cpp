// Latency table: its structure (which axes of which node are measured), the
// interpolation, the cache (round trip, key), the estimate of unpruned and
// pruned graphs, and plan_target_latency on synthetic tables. No assertion
// depends on a measured time: tables are measured with a tiny grid for their
// structure, then given made-up times where values matter.
#include "prune/latency_table.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>

#include "error_of.h"
#include "graph/cost_model.h"
#include "graph/error.h"
#include "graph/graph_builder.h"
#include "models/zoo.h"
#include "prune/importance.h"
#include "prune/latency_planner.h"
#include "prune/planners.h"
#include "prune/prune_test_data.h"
#include "prune/surgery.h"
#include "runtime/process_setup.h"
#include "runtime/threading.h"

namespace whittle {
namespace {

using test::error_of;
namespace fs = std::filesystem;

// x [1,3,32,32] -> c1 (3x3, 16) + BN + ReLU -> dw (depthwise 3x3) + BN + ReLU6
// -> c2 (1x1, `width`) + BN + ReLU -> { head (3x3, 8: an output),
//                                        pool -> flatten -> fc (10: an output) }
Graph small_graph(int64_t width = 24, uint64_t seed = 2345) {
  GraphBuilder b(seed);
  std::string x = b.input("x", {1, 3, 32, 32});
  x = b.conv_bn_act("c1", x, 16, 3, {.padding = 1, .bias = false}, Op::ReLU);
  x = b.conv_bn_act("dw", x, 16, 3, {.padding = 1, .groups = 16, .bias = false}, Op::ReLU6);
  x = b.conv_bn_act("c2", x, width, 1, {.bias = false}, Op::ReLU);
  b.output(b.conv("head", x, 8, 3, {.padding = 1}));
  std::string p = b.flatten("flat", b.global_avg_pool("pool", x));
  b.output(b.linear("fc", p, 10));
  return b.build();
}

// Few points, one call each: the structure, fast.
LatencyTableOptions tiny(const std::vector<double>& fractions = {0.5}) {
  LatencyTableOptions o = test::quick_latency_options();
  o.retries = LatencyTableOptions{}.retries;
  o.fractions = fractions;
  o.coarse_fractions = fractions;  // whatever a busy machine makes of the times
  return o;
}

// A fresh folder under the system temp dir, removed afterwards.
struct TempDir {
  fs::path path;
  explicit TempDir(const std::string& name) {
    path = fs::temp_directory_path() / (name + "-" + std::to_string(::getpid()));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
};

// Times proportional to each node's MACs at its width (bilinear in (in, out);
// depthwise: linear in its width), no fixed costs: the estimate's ratio is
// then the MAC ratio.
LatencyTable mac_proportional(const LatencyTable& structure, const Graph& graph) {
  std::map<std::string, int64_t> macs;
  for (const auto& n : compute_cost(graph).nodes) macs[n.name] = n.macs;
  return test::synthetic_latency_table(
      structure,
      [&](const LatencyEntry& e, int64_t in, int64_t out) {
        const double m = 1e-6 * static_cast<double>(macs.at(e.node));
        if (e.depthwise) return m * static_cast<double>(out) / static_cast<double>(e.out_channels);
        return m * static_cast<double>(in) / static_cast<double>(e.in_channels) * static_cast<double>(out) /
               static_cast<double>(e.out_channels);
      },
      0.0);
}

ImportanceOptions l1() {
  ImportanceOptions o;
  o.criterion = Criterion::L1;
  return o;
}

TEST(LatencyTable, EveryConvAndLinearHasItsGrid) {
  const Graph graph = small_graph();
  const int threads = current_threads();
  const LatencyTable t = measure_latency_table(graph, tiny());
  EXPECT_EQ(current_threads(), threads) << "the thread count is restored";
  EXPECT_EQ(t.threads, 1);
  EXPECT_EQ(t.fractions, (std::vector<double>{0.5, 1.0}));
  EXPECT_EQ(t.source, "measured");
  EXPECT_EQ(t.key, latency_cache_key(graph, tiny(), cpu_model_name()));
  ASSERT_EQ(t.entries.size(), 5u);
  struct Want {
    std::string node;
    bool depthwise;
    std::vector<int64_t> in, out;
  };
  // c1: its input is the image (fixed); dw: one axis; c2: both; head: its
  // output is a graph output (fixed); fc: in features (after the global pool,
  // one per channel), its output fixed.
  const std::vector<Want> want = {{"c1", false, {3}, {8, 16}},
                                  {"dw", true, {}, {8, 16}},
                                  {"c2", false, {8, 16}, {12, 24}},
                                  {"head", false, {12, 24}, {8}},
                                  {"fc", false, {12, 24}, {10}}};
  for (size_t i = 0; i < want.size(); ++i) {
    const LatencyEntry& e = t.entries[i];
    SCOPED_TRACE(want[i].node);
    EXPECT_EQ(e.node, want[i].node);
    EXPECT_EQ(e.depthwise, want[i].depthwise);
    EXPECT_EQ(e.in_points, want[i].in);
    EXPECT_EQ(e.out_points, want[i].out);
    EXPECT_EQ(e.ms.size(), want[i].out.size() * std::max<size_t>(1, want[i].in.size()));
    for (double ms : e.ms) EXPECT_TRUE(std::isfinite(ms) && ms >= 0);
    EXPECT_EQ(t.find(e.node), &e);
  }
  EXPECT_EQ(t.entries[0].op, Op::Conv2d);
  EXPECT_EQ(t.entries[4].op, Op::Linear);
  EXPECT_EQ(t.entries[2].input_shape, (Shape{1, 16, 32, 32}));
  EXPECT_EQ(t.find("c1.bn"), nullptr);
  // The other nodes, BatchNorms folded: c1.act, dw.act, c2.act [.., 32, 32],
  // pool [1, 24, 1, 1], flat [1, 24], fp32.
  EXPECT_EQ(t.rest_bytes, 4 * (16 * 1024 + 16 * 1024 + 24 * 1024 + 24 + 24));
  EXPECT_GE(t.rest_ms, 0);
  EXPECT_GE(t.rest_fixed_ms, 0);
  EXPECT_LE(t.rest_fixed_ms, t.rest_ms);
  EXPECT_GT(t.graph_ms, 0);
  EXPECT_DOUBLE_EQ(estimate_latency_ms(t, graph), t.full_width_ms());
}

TEST(LatencyTable, InterpolatesBilinearlyAndClampsAtTheEnds) {
  LatencyEntry e;
  e.in_channels = 40;
  e.out_channels = 20;
  e.in_points = {10, 20, 40};
  e.out_points = {10, 20};
  // ms(in, out) = in + out / 10 at the points
  e.ms = {11, 12, 21, 22, 41, 42};
  EXPECT_DOUBLE_EQ(interpolate_ms(e, 20, 10), 21);
  EXPECT_DOUBLE_EQ(interpolate_ms(e, 40, 20), 42);
  EXPECT_DOUBLE_EQ(e.full_ms(), 42);
  EXPECT_DOUBLE_EQ(interpolate_ms(e, 15, 15), 16.5);
  EXPECT_DOUBLE_EQ(interpolate_ms(e, 30, 12), 31.2);
  EXPECT_DOUBLE_EQ(interpolate_ms(e, 5, 15), 11.5) << "below the grid: the smallest width's time";
  EXPECT_DOUBLE_EQ(interpolate_ms(e, 50, 30), 42) << "above the grid: the full width's";
  // A fixed axis (one point) is constant along it.
  LatencyEntry fixed = e;
  fixed.in_points = {40};
  fixed.ms = {41, 42};
  EXPECT_DOUBLE_EQ(interpolate_ms(fixed, 3, 15), 41.5);
  // Depthwise: one axis, `out`.
  LatencyEntry dw;
  dw.depthwise = true;
  dw.in_channels = dw.out_channels = 32;
  dw.out_points = {8, 16, 32};
  dw.ms = {1, 2, 6};
  EXPECT_DOUBLE_EQ(interpolate_ms(dw, 999, 24), 4);
  EXPECT_DOUBLE_EQ(interpolate_ms(dw, 0, 12), 1.5);
  EXPECT_DOUBLE_EQ(interpolate_ms(dw, 0, 4), 1);
}

TEST(LatencyTable, JsonAndCacheRoundTrip) {
  const Graph graph = small_graph();
  const LatencyTable t = measure_latency_table(graph, tiny());
  const LatencyTable back = latency_table_from_json(latency_table_to_json(t));
  EXPECT_EQ(back.key, t.key);
  EXPECT_EQ(back.cpu, t.cpu);
  EXPECT_EQ(back.threads, t.threads);
  EXPECT_EQ(back.torch_version, t.torch_version);
  EXPECT_EQ(back.fractions, t.fractions);
  EXPECT_EQ(back.coarse_fractions, t.coarse_fractions);
  EXPECT_EQ(back.coarse_ms, t.coarse_ms);
  EXPECT_EQ(back.graph_ms, t.graph_ms);
  EXPECT_EQ(back.rest_ms, t.rest_ms);
  EXPECT_EQ(back.rest_fixed_ms, t.rest_fixed_ms);
  EXPECT_EQ(back.rest_bytes, t.rest_bytes);
  ASSERT_EQ(back.entries.size(), t.entries.size());
  for (size_t i = 0; i < t.entries.size(); ++i) {
    const LatencyEntry &a = t.entries[i], &b = back.entries[i];
    EXPECT_EQ(a.node, b.node);
    EXPECT_EQ(a.op, b.op);
    EXPECT_EQ(a.in_channels, b.in_channels);
    EXPECT_EQ(a.out_channels, b.out_channels);
    EXPECT_EQ(a.depthwise, b.depthwise);
    EXPECT_EQ(a.input_shape, b.input_shape);
    EXPECT_EQ(a.in_points, b.in_points);
    EXPECT_EQ(a.out_points, b.out_points);
    EXPECT_EQ(a.ms, b.ms);
  }
  EXPECT_DOUBLE_EQ(estimate_latency_ms(back, graph), estimate_latency_ms(t, graph));

  // Through the cache: measured and written once, then read.
  TempDir dir("whittle-latency-cache");
  LatencyTableOptions o = tiny();
  o.cache_dir = dir.path.string();
  o.read_cache = o.write_cache = true;
  const LatencyTable first = latency_table(graph, o);
  EXPECT_EQ(first.source, "measured");
  EXPECT_EQ(first.cache_path, latency_cache_path(graph, o));
  EXPECT_EQ(fs::path(first.cache_path).parent_path(), dir.path);
  EXPECT_TRUE(first.cache_error.empty()) << first.cache_error;
  ASSERT_TRUE(fs::is_regular_file(first.cache_path));
  const LatencyTable second = latency_table(graph, o);
  EXPECT_EQ(second.source, "cache");
  EXPECT_EQ(second.key, first.key);
  EXPECT_EQ(second.graph_ms, first.graph_ms);
  EXPECT_EQ(second.entries.size(), first.entries.size());
  EXPECT_EQ(second.entries[2].ms, first.entries[2].ms);
  // The same structure with other weights reads the same table.
  EXPECT_EQ(latency_table(small_graph(24, 99), o).source, "cache");
  // read_cache = false measures again.
  LatencyTableOptions fresh = o;
  fresh.read_cache = false;
  EXPECT_EQ(latency_table(graph, fresh).source, "measured");
  // A damaged cache file is measured again and replaced.
  std::ofstream(first.cache_path) << "{not json";
  EXPECT_EQ(latency_table(graph, o).source, "measured");
  EXPECT_EQ(latency_table(graph, o).source, "cache");
  // Where the cache cannot be written, the table still comes back.
  LatencyTableOptions blocked = o;
  std::ofstream(dir.path / "file") << "x";
  blocked.cache_dir = (dir.path / "file" / "sub").string();
  const LatencyTable unwritten = latency_table(graph, blocked);
  EXPECT_EQ(unwritten.source, "measured");
  EXPECT_FALSE(unwritten.cache_error.empty());
  EXPECT_TRUE(unwritten.cache_path.empty());

  EXPECT_NE(error_of([] { latency_table_from_json("{\"format\": \"x\"}", "t.json"); }).find("t.json"),
            std::string::npos);
  EXPECT_NE(error_of([] { latency_table_from_json("[1, 2", "t.json"); }).find("t.json"), std::string::npos);
  std::string text = latency_table_to_json(t);
  text.replace(text.find("\"ms\""), 4, "\"xx\"");
  EXPECT_NE(error_of([&] { latency_table_from_json(text, "t.json"); }).find("t.json"), std::string::npos);
}

TEST(LatencyTable, CacheKeyFollowsShapesThreadsCpuAndGrid) {
  const Graph graph = small_graph();
  const std::string cpu = "Some CPU @ 2.0GHz";
  const std::string key = latency_cache_key(graph, tiny(), cpu);
  EXPECT_EQ(key.size(), 16u);
  EXPECT_EQ(latency_cache_key(small_graph(24, 7), tiny(), cpu), key) << "weights are not part of the key";
  EXPECT_EQ(latency_cache_key(small_graph(), tiny(), cpu), key);
  EXPECT_NE(latency_cache_key(small_graph(32), tiny(), cpu), key) << "a conv's width";
  Graph bigger = small_graph();
  bigger.inputs[0].shape = {1, 3, 64, 64};
  EXPECT_NE(latency_cache_key(bigger, tiny(), cpu), key) << "the input size";
  Graph batch = small_graph();
  batch.inputs[0].shape = {8, 3, 32, 32};
  EXPECT_EQ(latency_cache_key(batch, tiny(), cpu), key) << "tables are batch 1";
  Graph strided = small_graph();
  strided.node("dw").attrs.set("stride", std::vector<int64_t>{2, 2});
  EXPECT_NE(latency_cache_key(strided, tiny(), cpu), key) << "an attribute";
  LatencyTableOptions two = tiny();
  two.threads = 2;
  EXPECT_NE(latency_cache_key(graph, two, cpu), key) << "threads";
  EXPECT_NE(latency_cache_key(graph, tiny(), "Another CPU"), key) << "the CPU";
  EXPECT_NE(latency_cache_key(graph, tiny({0.25, 0.5}), cpu), key) << "the grid";
  EXPECT_EQ(latency_cache_key(graph, tiny({1.0, 0.5, 0.5}), cpu), key) << "the grid, normalised";
  LatencyTableOptions coarse = tiny();
  coarse.coarse_fractions = {0.25, 1.0};
  EXPECT_NE(latency_cache_key(graph, coarse, cpu), key) << "the coarse grid";
  coarse = tiny();
  coarse.coarse_ms = 5;
  EXPECT_NE(latency_cache_key(graph, coarse, cpu), key) << "when the coarse grid is used";
  LatencyTableOptions runs = tiny();
  runs.min_runs = 7;
  EXPECT_EQ(latency_cache_key(graph, runs, cpu), key) << "how long points are timed is not part of the key";
  EXPECT_NE(error_of([&] { latency_cache_key(graph, tiny({0.0}), cpu); }).find("fraction"), std::string::npos);
}

TEST(LatencyTable, CacheKeyFollowsTheTimingEnvironment) {
  // A table timed with the caller's OMP_WAIT_POLICY=PASSIVE (no spin) is not
  // the one the default short spin runs (process_setup.h).
  const Graph graph = small_graph();
  const std::string cpu = "Some CPU @ 2.0GHz";
  const char* before = std::getenv("GOMP_SPINCOUNT");
  const std::string saved = before ? before : "";
  setenv("GOMP_SPINCOUNT", "0", 1);
  const std::string spin0 = latency_cache_key(graph, tiny(), cpu);
  setenv("GOMP_SPINCOUNT", "30000", 1);
  const std::string spin30000 = latency_cache_key(graph, tiny(), cpu);
  EXPECT_EQ(latency_cache_key(graph, tiny(), cpu), spin30000);
  if (before) setenv("GOMP_SPINCOUNT", saved.c_str(), 1);
  else unsetenv("GOMP_SPINCOUNT");
  EXPECT_NE(spin0, spin30000);
  EXPECT_NE(timing_environment().find("GOMP_SPINCOUNT"), std::string::npos);
}

TEST(LatencyTable, EstimatesPrunedGraphsByNameAndWidth) {
  const Graph graph = small_graph();
  const ChannelGroups groups = channel_groups(graph);
  // ms = in + out / 100 (exact under bilinear interpolation), rest 10 ms.
  const LatencyTable t = test::synthetic_latency_table(
      measure_latency_table(graph, tiny()),
      [](const LatencyEntry&, int64_t in, int64_t out) { return static_cast<double>(in) + out / 100.0; }, 10.0);
  const double full = (3 + 0.16) + (16 + 0.16) + (16 + 0.24) + (24 + 0.08) + (24 + 0.10) + 10.0;
  EXPECT_DOUBLE_EQ(t.full_width_ms(), full);
  EXPECT_DOUBLE_EQ(estimate_latency_ms(t, graph), full);
  EXPECT_DOUBLE_EQ(estimate_latency_ms(t, graph, groups, {}), full);

  // c1's group keeps 8 of 16 channels (c1, dw and c2's input), c2's 12 of 24.
  const std::string g1 = groups.groups[groups.find("c1")].name, g2 = "c2";
  ASSERT_GE(groups.find(g2), 0);
  PruningPlan plan;
  for (int64_t c = 0; c < 8; ++c) plan.remove[g1].push_back(2 * c);
  for (int64_t c = 0; c < 12; ++c) plan.remove[g2].push_back(c);
  const Graph pruned = apply_pruning(graph, groups, plan);
  const double rest_fraction = (8 * 1024 + 8 * 1024 + 12 * 1024 + 12 + 12) / double(16 * 1024 + 16 * 1024 + 24 * 1024 + 24 + 24);
  const double want = (3 + 0.08) + (8 + 0.08) + (8 + 0.12) + (12 + 0.08) + (12 + 0.10) + 10.0 * rest_fraction;
  EXPECT_NEAR(estimate_latency_ms(t, pruned), want, 1e-12);
  EXPECT_NEAR(estimate_latency_ms(t, graph, groups, {{g1, 8}, {g2, 12}}), want, 1e-12);
  // A fixed part of the rest (per-op costs) does not shrink with the widths.
  LatencyTable fixed = t;
  fixed.rest_fixed_ms = 4.0;
  const double want_fixed = want - 10.0 * rest_fraction + 4.0 + 6.0 * rest_fraction;
  EXPECT_DOUBLE_EQ(estimate_latency_ms(fixed, graph), full);
  EXPECT_NEAR(estimate_latency_ms(fixed, pruned), want_fixed, 1e-12);
  EXPECT_NEAR(estimate_latency_ms(fixed, graph, groups, {{g1, 8}, {g2, 12}}), want_fixed, 1e-12);

  // Errors name the node or the group.
  EXPECT_NE(error_of([&] { estimate_latency_ms(t, small_graph(32)); }).find("c2"), std::string::npos);
  LatencyTable missing = t;
  missing.entries.erase(missing.entries.begin() + 3);
  EXPECT_NE(error_of([&] { estimate_latency_ms(missing, graph); }).find("head"), std::string::npos);
  EXPECT_NE(error_of([&] { estimate_latency_ms(t, graph, groups, {{"nope", 1}}); }).find("nope"),
            std::string::npos);
  EXPECT_NE(error_of([&] { estimate_latency_ms(t, graph, groups, {{g2, 0}}); }).find(g2), std::string::npos);
}

TEST(LatencyPlanner, ReachesTheTargetOnASyntheticTable) {
  const Graph graph = build_zoo("mobilenet_v2", {.num_classes = 10, .width = 0.25, .input_size = 64});
  const ChannelGroups groups = channel_groups(graph);
  const GroupScores scores = channel_importance(graph, groups, l1());
  // Times = in + out + 0.5 per conv (a fixed cost per layer), rest 3 ms.
  const LatencyTable t = test::synthetic_latency_table(
      measure_latency_table(graph, tiny({0.25, 0.5})),
      [](const LatencyEntry&, int64_t in, int64_t out) { return 0.01 * static_cast<double>(in + out) + 0.5; },
      3.0);
  const double original = estimate_latency_ms(t, graph);
  for (int64_t round_to : {1, 8}) {
    for (double fraction : {0.9, 0.75}) {
      SCOPED_TRACE("round_to " + std::to_string(round_to) + ", fraction " + std::to_string(fraction));
      PlannerOptions options;
      options.round_to = round_to;
      TargetLatencyReport report;
      const PruningPlan plan = plan_target_latency(graph, groups, scores, t, fraction, options, &report);
      EXPECT_FALSE(plan.remove.empty());
      check_plan(plan, groups);
      EXPECT_DOUBLE_EQ(report.original_ms, original);
      EXPECT_DOUBLE_EQ(report.target_ms, fraction * original);
      const Graph pruned = apply_pruning(graph, groups, plan);
      EXPECT_NEAR(estimate_latency_ms(t, pruned), report.pruned_ms, 1e-9);
      EXPECT_LE(report.pruned_ms, report.target_ms + 1e-9);
      EXPECT_GT(report.pruned_ms, report.target_ms * 0.95) << "it stops where it crosses the target";
      std::map<std::string, int64_t> kept;
      for (const auto& [name, removed] : plan.remove) {
        const ChannelGroup& g = groups.group(name);
        kept[name] = g.channels - static_cast<int64_t>(removed.size());
        if (round_to > 1) {
          EXPECT_TRUE(kept[name] % round_to == 0 || kept[name] == g.channels) << name;
        }
      }
      EXPECT_NEAR(estimate_latency_ms(t, graph, groups, kept), report.pruned_ms, 1e-9);
    }
  }
  EXPECT_TRUE(plan_target_latency(graph, groups, scores, t, 1.0).remove.empty());
  EXPECT_NE(error_of([&] { plan_target_latency(graph, groups, scores, t, 0.05); }).find("cannot be reached"),
            std::string::npos);
  EXPECT_NE(error_of([&] { plan_target_latency(graph, groups, scores, t, 1.5); }).find("1.5"), std::string::npos);
  EXPECT_NE(error_of([&] { plan_target_latency(graph, groups, scores, t, 0); }).find("fraction"),
            std::string::npos);
}

TEST(LatencyPlanner, TimesProportionalToMacsGiveTheMacPlan) {
  const Graph graph = build_zoo("mobilenet_v2", {.num_classes = 10, .width = 0.25, .input_size = 64});
  const ChannelGroups groups = channel_groups(graph);
  const GroupScores scores = channel_importance(graph, groups, l1());
  // Grid points at 1 channel and full width: bilinear interpolation of a
  // bilinear cost is exact over the whole range.
  const LatencyTable t = mac_proportional(measure_latency_table(graph, tiny({1e-4})), graph);
  const int64_t macs = compute_cost(graph).macs;
  EXPECT_NEAR(estimate_latency_ms(t, graph), 1e-6 * static_cast<double>(macs), 1e-9);
  for (int64_t round_to : {1, 8}) {
    for (double fraction : {0.7, 0.5, 0.3}) {
      SCOPED_TRACE("round_to " + std::to_string(round_to) + ", fraction " + std::to_string(fraction));
      PlannerOptions options;
      options.round_to = round_to;
      const PruningPlan by_macs = plan_target_macs(graph, groups, scores, fraction, options);
      const PruningPlan by_latency = plan_target_latency(graph, groups, scores, t, fraction, options);
      EXPECT_EQ(by_latency.remove, by_macs.remove);
      const Graph pruned = apply_pruning(graph, groups, by_latency);
      EXPECT_NEAR(estimate_latency_ms(t, pruned), 1e-6 * static_cast<double>(compute_cost(pruned).macs), 1e-9);
    }
  }
}

}  // namespace
}  // namespace whittle
