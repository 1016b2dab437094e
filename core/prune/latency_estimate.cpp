// Pricing graphs with a latency table (latency_table.h): interpolation,
// estimates of a graph or of kept counts per group, and the incremental
// LatencyModel. Building and caching tables is latency_table.cpp's.
#include "prune/latency_table.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <map>
#include <string>

#include "graph/error.h"
#include "prune/latency_graph.h"

namespace whittle {
using namespace latency_graph;

namespace {

// The position of x on an axis: between points[lo] and points[hi] at t.
struct Bracket {
  size_t lo = 0, hi = 0;
  double t = 0;
};
Bracket bracket(const std::vector<int64_t>& points, int64_t x) {
  const size_t n = points.size();
  if (n <= 1 || x <= points.front()) return {0, 0, 0};
  if (x >= points.back()) return {n - 1, n - 1, 0};
  const size_t hi = static_cast<size_t>(std::upper_bound(points.begin(), points.end(), x) - points.begin());
  const size_t lo = hi - 1;
  return {lo, hi, static_cast<double>(x - points[lo]) / static_cast<double>(points[hi] - points[lo])};
}

}  // namespace

double interpolate_ms(const LatencyEntry& entry, int64_t in, int64_t out) {
  const Bracket o = bracket(entry.out_points, out);
  const auto& ms = entry.ms;
  if (entry.depthwise) return ms[o.lo] + o.t * (ms[o.hi] - ms[o.lo]);
  const Bracket i = bracket(entry.in_points, in);
  const size_t cols = entry.out_points.size();
  auto at_row = [&](size_t row) {
    return ms[row * cols + o.lo] + o.t * (ms[row * cols + o.hi] - ms[row * cols + o.lo]);
  };
  const double lo = at_row(i.lo), hi = at_row(i.hi);
  return lo + i.t * (hi - lo);
}

double estimate_latency_ms(const LatencyTable& table, const Graph& graph) {
  const GraphParts parts = graph_parts(table, graph);
  return parts.convs_ms + scaled_rest(table, parts.rest_bytes);
}

// ------------------------------------------------------------ model ----

LatencyModel::LatencyModel(const LatencyTable& table, const Graph& graph, const ChannelGroups& groups)
    : table_(&table), group_convs_(groups.groups.size()), group_rests_(groups.groups.size()) {
  const ShapeMap shapes = infer_shapes(graph, batch1_inputs(graph));
  const Folding folding = runner_folding(graph);
  std::map<std::string, size_t> conv_index, rest_index;
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    const Node& n = graph.nodes[i];
    if (is_timed(n.op)) {
      const LatencyEntry& e = table_entry(table, n);
      if (widths(n) != std::make_pair(e.in_channels, e.out_channels))
        throw Error(n.label() + " does not have the latency table's widths (" +
                    std::to_string(e.in_channels) + " -> " + std::to_string(e.out_channels) + ")");
      conv_index[n.name] = convs_.size();
      convs_.push_back({&e, {}, {}});
    } else if (is_rest(graph, folding, i)) {
      const Shape& out = shapes.at(n.output);
      RestTerm r;
      r.bytes = 4 * numel(out);
      r.slots = n.op == Op::Flatten ? shapes.at(n.inputs[0]).at(1) : (out.size() >= 2 ? out[1] : 1);
      rest_index[n.name] = rests_.size();
      rests_.push_back(std::move(r));
    }
  }
  auto add_unique = [](std::vector<size_t>& list, size_t i) {
    if (std::find(list.begin(), list.end(), i) == list.end()) list.push_back(i);
  };
  for (size_t g = 0; g < groups.groups.size(); ++g) {
    const ChannelGroup& group = groups.groups[g];
    if (!group.prunable) continue;
    const int gi = static_cast<int>(g);
    for (const auto& m : group.members) {
      if (auto it = conv_index.find(m.node); it != conv_index.end()) {
        const WidthEffect e = width_effect(m);
        if (e.axis == WidthEffect::None) continue;
        ConvTerm& c = convs_[it->second];
        (e.axis == WidthEffect::Out ? c.out_terms : c.in_terms).push_back({gi, e.per_channel});
        add_unique(group_convs_[g], it->second);
      } else if (auto rt = rest_index.find(m.node); rt != rest_index.end()) {
        if (m.role != ChannelRole::PassThrough && m.role != ChannelRole::Norm) continue;
        rests_[rt->second].terms.push_back({gi, 1});
        add_unique(group_rests_[g], rt->second);
      }
    }
  }
}

double LatencyModel::conv_ms(size_t i, const std::vector<int64_t>& removed) const {
  const ConvTerm& c = convs_[i];
  int64_t in = c.entry->in_channels, out = c.entry->out_channels;
  for (const auto& [g, per] : c.in_terms) in -= removed[g] * per;
  for (const auto& [g, per] : c.out_terms) out -= removed[g] * per;
  return interpolate_ms(*c.entry, std::max<int64_t>(in, 1), std::max<int64_t>(out, 1));
}

int64_t LatencyModel::rest_bytes(size_t i, const std::vector<int64_t>& removed) const {
  const RestTerm& r = rests_[i];
  int64_t slots = r.slots;
  for (const auto& [g, per] : r.terms) slots -= removed[g] * per;
  return r.slots > 0 ? r.bytes / r.slots * std::max<int64_t>(slots, 0) : r.bytes;
}

double LatencyModel::total() const { return conv_total_ + scaled_rest(*table_, rest_total_); }

double LatencyModel::reset(const std::vector<int64_t>& removed) {
  conv_cache_.assign(convs_.size(), 0);
  rest_cache_.assign(rests_.size(), 0);
  conv_total_ = 0;
  rest_total_ = 0;
  for (size_t i = 0; i < convs_.size(); ++i) conv_total_ += conv_cache_[i] = conv_ms(i, removed);
  for (size_t i = 0; i < rests_.size(); ++i) rest_total_ += rest_cache_[i] = rest_bytes(i, removed);
  return total();
}

double LatencyModel::update(const std::vector<int64_t>& removed, int group) {
  for (size_t i : group_convs_[group]) {
    conv_total_ -= conv_cache_[i];
    conv_total_ += conv_cache_[i] = conv_ms(i, removed);
  }
  for (size_t i : group_rests_[group]) {
    rest_total_ -= rest_cache_[i];
    rest_total_ += rest_cache_[i] = rest_bytes(i, removed);
  }
  return total();
}

double estimate_latency_ms(const LatencyTable& table, const Graph& graph, const ChannelGroups& groups,
                           const std::map<std::string, int64_t>& kept) {
  std::vector<int64_t> removed(groups.groups.size(), 0);
  for (const auto& [name, count] : kept) {
    const int g = groups.find(name);
    if (g < 0) throw Error("latency estimate: unknown group '" + name + "'");
    const ChannelGroup& group = groups.groups[g];
    if (count < 1 || count > group.channels)
      throw Error("latency estimate: group '" + name + "' cannot keep " + std::to_string(count) + " of its " +
                  std::to_string(group.channels) + " channels");
    if (count < group.channels && !group.prunable)
      throw Error("latency estimate: group '" + name + "' is not prunable (" + group.reason + ")");
    removed[g] = group.channels - count;
  }
  LatencyModel model(table, graph, groups);
  return model.reset(removed);
}

}  // namespace whittle
