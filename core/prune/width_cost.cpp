#include "prune/width_cost.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <string>

#include "graph/error.h"
#include "graph/shape_inference.h"
#include "prune/latency_table.h"
#include "prune/planners.h"

namespace whittle {

int64_t ratio_removed_channels(double ratio, int64_t channels, int64_t round_to) {
  // floor(ratio * channels), forgiving the binary representation of ratios
  // such as 0.3 (0.3 * 10 = 2.9999999999999996)
  const int64_t count = static_cast<int64_t>(std::floor(ratio * static_cast<double>(channels) + 1e-9));
  return channels - round_kept_channels(channels - count, channels, round_to);
}

WidthCost::WidthCost(const Graph& graph, const ChannelGroups& groups, const LatencyTable* table)
    : group_nodes_(groups.groups.size()),
      prunable_(groups.groups.size(), 0),
      removed_(groups.groups.size(), 0) {
  const ShapeMap shapes = infer_shapes(graph);
  std::map<std::string, size_t> index;
  int64_t tensors_fp32 = 0, tensors_int8 = 0;
  for (const Node& node : graph.nodes) {
    if (node.weights.empty()) continue;
    const bool conv = node.op == Op::Conv2d || node.op == Op::Linear;
    NodeTerm m;
    if (conv) {
      const at::Tensor& w = node.weight("weight");
      const Shape& out = shapes.at(node.output);
      m.out0 = w.size(0);
      m.in0 = w.size(1);
      // Conv2d: N * H * W * kH * kW per (output channel, input channel of its group);
      // Linear: N per (output, input)
      m.mac_coef = node.op == Op::Conv2d ? numel(out) / out.at(1) * w.size(2) * w.size(3) : out.at(0);
    } else {
      for (const auto& [key, t] : node.weights)
        if (t.dim() == 1) {
          m.out0 = t.size(0);
          break;
        }
    }
    for (const auto& [key, t] : node.weights) {
      TensorTerm tt;
      tt.param = is_parameter(key);
      tt.size0 = t.dim() >= 1 ? t.size(0) : 1;
      if (conv && key == "weight") {
        tt.out = tt.in = true;
        tt.int8_weight = true;
        tt.rest = t.numel() / (t.size(0) * t.size(1));
        ++tensors_int8;  // its scales
      } else if (t.dim() == 1 && t.size(0) == m.out0) {
        tt.out = true;  // bias; BatchNorm/L2Norm vectors
      } else {
        tt.rest = t.numel();
      }
      ++tensors_fp32;
      m.tensors.push_back(tt);
    }
    index[node.name] = nodes_.size();
    nodes_.push_back(std::move(m));
  }
  overhead_fp32_ = kFileHeaderBytes + kNodeOverheadBytes * static_cast<int64_t>(graph.nodes.size()) +
                   kTensorOverheadBytes * tensors_fp32;
  overhead_int8_ = overhead_fp32_ + kTensorOverheadBytes * tensors_int8;

  for (size_t g = 0; g < groups.groups.size(); ++g) {
    const ChannelGroup& group = groups.groups[g];
    if (!group.prunable) continue;
    prunable_[g] = 1;
    for (const ChannelMember& member : group.members) {
      auto it = index.find(member.node);
      if (it == index.end()) continue;
      WidthEffect e = width_effect(member);
      if (member.role == ChannelRole::Norm) e = {WidthEffect::Out, 1};
      if (e.axis == WidthEffect::None) continue;
      NodeTerm& m = nodes_[it->second];
      (e.axis == WidthEffect::Out ? m.out_terms : m.in_terms).push_back({static_cast<int>(g), e.per_channel});
      auto& list = group_nodes_[g];
      if (std::find(list.begin(), list.end(), it->second) == list.end()) list.push_back(it->second);
    }
  }
  if (table) latency_ = std::make_unique<LatencyModel>(*table, graph, groups);
  reset(removed_);
}

WidthCost::~WidthCost() = default;
WidthCost::WidthCost(WidthCost&&) noexcept = default;
WidthCost& WidthCost::operator=(WidthCost&&) noexcept = default;

WidthCost::NodeTotals WidthCost::node_totals(size_t i) const {
  const NodeTerm& m = nodes_[i];
  int64_t out = m.out0, in = m.in0;
  for (const auto& [g, per] : m.out_terms) out -= removed_[g] * per;
  for (const auto& [g, per] : m.in_terms) in -= removed_[g] * per;
  out = std::max<int64_t>(out, 0);
  in = std::max<int64_t>(in, 0);
  NodeTotals t;
  t.macs = m.mac_coef * out * in;
  for (const TensorTerm& tt : m.tensors) {
    const int64_t n = tt.rest * (tt.out ? out : 1) * (tt.in ? in : 1);
    if (tt.param) t.params += n;
    t.fp32 += 4 * n;
    t.int8 += tt.int8_weight ? n + 4 * (tt.out ? out : tt.size0) : 4 * n;
  }
  return t;
}

void WidthCost::add(const NodeTotals& t, int sign) {
  totals_.params += sign * t.params;
  totals_.macs += sign * t.macs;
  totals_.weight_bytes_fp32 += sign * t.fp32;
  totals_.weight_bytes_int8 += sign * t.int8;
}

void WidthCost::finish() {
  totals_.file_bytes_fp32 = totals_.weight_bytes_fp32 + overhead_fp32_;
  totals_.file_bytes_int8 = totals_.weight_bytes_int8 + overhead_int8_;
}

const WidthTotals& WidthCost::reset(const std::vector<int64_t>& removed) {
  if (removed.size() != removed_.size())
    throw Error("width cost: " + std::to_string(removed.size()) + " counts for " +
                std::to_string(removed_.size()) + " groups");
  for (size_t g = 0; g < removed.size(); ++g) removed_[g] = prunable_[g] ? removed[g] : 0;
  totals_ = WidthTotals{};
  cache_.resize(nodes_.size());
  for (size_t i = 0; i < nodes_.size(); ++i) add(cache_[i] = node_totals(i), 1);
  totals_.latency_ms = latency_ ? latency_->reset(removed_) : -1;
  finish();
  return totals_;
}

const WidthTotals& WidthCost::update(const std::vector<int64_t>& removed, int group) {
  return set(group, removed.at(static_cast<size_t>(group)));
}

const WidthTotals& WidthCost::set(int group, int64_t removed) {
  const size_t g = static_cast<size_t>(group);
  if (g >= removed_.size()) throw Error("width cost: no group " + std::to_string(group));
  if (!prunable_[g] || removed_[g] == removed) return totals_;
  removed_[g] = removed;
  for (size_t i : group_nodes_[g]) {
    add(cache_[i], -1);
    add(cache_[i] = node_totals(i), 1);
  }
  if (latency_) totals_.latency_ms = latency_->update(removed_, group);
  finish();
  return totals_;
}

}  // namespace whittle
