#pragma once
// Small builders shared by the prune tests: score checks, channel members
// and groups made by hand, tiny graphs (GraphBuilder's default seed), and
// latency-table options that measure each point once without a cache.
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "graph/graph.h"
#include "graph/graph_builder.h"
#include "prune/channel_groups.h"
#include "prune/latency_table.h"

namespace whittle::test {

// One timed run per point, no cache: the times are noise at test sizes; what
// the tests check is the table's arithmetic and format.
inline LatencyTableOptions quick_latency_options() {
  LatencyTableOptions o;
  o.threads = 1;
  o.min_runs = 1;
  o.min_point_ms = 0;
  o.max_runs = 1;
  o.retries = 0;
  o.graph_runs = 1;
  o.read_cache = false;
  o.write_cache = false;
  return o;
}

// The table's times replaced by `ms(entry, in, out)`, and rest_ms by `rest`.
inline LatencyTable synthetic_latency_table(
    LatencyTable t, const std::function<double(const LatencyEntry&, int64_t, int64_t)>& ms, double rest) {
  for (auto& e : t.entries) {
    e.ms.clear();
    if (e.depthwise) {
      for (int64_t out : e.out_points) e.ms.push_back(ms(e, out, out));
    } else {
      for (int64_t in : e.in_points)
        for (int64_t out : e.out_points) e.ms.push_back(ms(e, in, out));
    }
  }
  t.rest_ms = rest;
  t.rest_fixed_ms = 0;  // all of the rest scales with the activations
  t.graph_ms = t.full_width_ms();
  return t;
}

inline std::vector<float> values(const at::Tensor& t) {
  at::Tensor c = t.to(at::kFloat).contiguous();
  return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

// Scores `got` equal `want` within `tol`, channel by channel.
inline void expect_near(const at::Tensor& got, const std::vector<float>& want, float tol = 1e-5f) {
  ASSERT_EQ(got.numel(), static_cast<int64_t>(want.size()));
  const std::vector<float> g = values(got);
  for (size_t i = 0; i < want.size(); ++i) EXPECT_NEAR(g[i], want[i], tol) << "channel " << i;
}

inline ChannelMember member(const std::string& node, ChannelRole role, std::vector<int64_t> channels) {
  ChannelMember m;
  m.node = node;
  m.role = role;
  m.channels = std::move(channels);
  return m;
}

// A group without members; one that is not prunable says it is a graph
// output, as channel_groups does.
inline ChannelGroup group(int id, const std::string& name, int64_t channels, bool prunable = true) {
  ChannelGroup g;
  g.id = id;
  g.name = name;
  g.channels = channels;
  g.prunable = prunable;
  if (!prunable) g.reason = "(Conv " + name + ") output '" + name + "' is a graph output";
  return g;
}

// pw1 (1x1, 16) + BN + ReLU6 -> dw (depthwise 3x3) + BN + ReLU6 -> pw2 (1x1,
// 8) + BN -> pool -> flatten -> fc (10); input [1, 3, 8, 8].
inline Graph depthwise_graph() {
  GraphBuilder b;
  auto x = b.input("input", {1, 3, 8, 8});
  auto y = b.conv_bn_act("pw1", x, 16, 1, {}, Op::ReLU6);
  y = b.conv_bn_act("dw", y, 16, 3, {.padding = 1, .groups = 16}, Op::ReLU6);
  y = b.conv_bn_act("pw2", y, 8, 1, {}, Op::Identity);
  b.output(b.linear("fc", b.flatten("flat", b.global_avg_pool("gap", y)), 10));
  return b.build();
}

// conv (3x3, 6) + ReLU -> 2x2 max pool -> flatten (6 blocks of 16) -> fc1
// (10) + ReLU -> fc2 (5); input [1, 3, 8, 8].
inline Graph flatten_linear_graph() {
  GraphBuilder b;
  auto x = b.input("input", {1, 3, 8, 8});
  auto y = b.max_pool("pool", b.relu("relu", b.conv("conv", x, 6, 3, {.padding = 1})), 2, 2);
  y = b.flatten("flat", y);
  b.output(b.linear("fc2", b.relu("fc1.relu", b.linear("fc1", y, 10)), 5));
  return b.build();
}

}  // namespace whittle::test
