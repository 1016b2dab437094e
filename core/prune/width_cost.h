#pragma once
// Width cost: what a graph costs as a function of the channels each group
// loses, without surgery — for planners that try channel after channel
// (plan_target_macs) and for the GUI's ratio editor, whose totals follow
// every drag of a slider.
//
// Every node with weights is modelled by its two widths, out (weight dim 0,
// bias, BatchNorm/L2Norm vectors) and in (Conv2d/Linear weight dim 1): each
// is its full width minus, for every prunable group that narrows it, the
// group's removed channels times the node channels per group channel
// (width_effect: Filters, Depthwise and Norm narrow out by 1, ConvInput in
// by 1, LinearInput in by its block). A tensor's element count is then
// bilinear in (out, in), so that
//   params             learnable elements (BatchNorm running stats excluded)
//   MACs               Conv2d: N*H*W*kH*kW * out * in (in = channels per
//                      group: 1 for depthwise); Linear: N * out * in
//   weight_bytes_fp32  4 bytes per weight element (running stats included)
//   weight_bytes_int8  Conv2d/Linear weights 1 byte per element + one fp32
//                      scale per output channel; every other tensor
//                      (biases, BatchNorm, L2Norm) fp32
// equal exactly what graph/cost_model.h computes for the graph that
// apply_pruning (surgery.h) builds from any plan with those counts
// (tests/prune/width_cost_test.cpp checks it on the zoo's detectors).
//
// Estimated file sizes add a fixed overhead to the weight bytes, for what a
// saved model holds besides its tensors (an estimate, in the spirit of an
// ONNX/TorchScript file: names, shapes, op types and attributes):
//   kFileHeaderBytes once + kNodeOverheadBytes per node +
//   kTensorOverheadBytes per weight tensor (int8: one more tensor, the
//   scales, per Conv2d/Linear weight).
// The overhead does not change with the widths.
//
// With a LatencyTable (latency_table.h) of the same graph, the latency
// estimate comes from LatencyModel, updated alongside.
//
// Updates after one group's count changed touch only that group's nodes.
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "graph/graph.h"
#include "prune/channel_groups.h"

namespace whittle {

struct LatencyTable;
class LatencyModel;

inline constexpr int64_t kFileHeaderBytes = 1024;
inline constexpr int64_t kNodeOverheadBytes = 96;
inline constexpr int64_t kTensorOverheadBytes = 64;

struct WidthTotals {
  int64_t params = 0;
  int64_t macs = 0;
  int64_t weight_bytes_fp32 = 0;
  int64_t weight_bytes_int8 = 0;
  int64_t file_bytes_fp32 = 0;  // weight_bytes_fp32 + the fixed overhead (see above)
  int64_t file_bytes_int8 = 0;  // weight_bytes_int8 + the fixed overhead
  double latency_ms = -1;       // -1: no latency table
};

// The channels a ratio R removes from a C-channel group, as the planners
// (planners.h) count them: floor(R * C) (forgiving 0.3 * 10 =
// 2.9999999999999996), then the kept count rounded to a multiple of
// `round_to` (round_kept_channels), at least one channel kept.
int64_t ratio_removed_channels(double ratio, int64_t channels, int64_t round_to = 1);

class WidthCost {
 public:
  // `table` (optional) must be the latency table of `graph` and outlive
  // this object; `groups` are the graph's channel groups. The graph itself
  // is not kept. Starts with nothing removed. Throws whittle::Error (from
  // LatencyModel) when the table does not fit the graph.
  WidthCost(const Graph& graph, const ChannelGroups& groups, const LatencyTable* table = nullptr);
  ~WidthCost();
  WidthCost(WidthCost&&) noexcept;
  WidthCost& operator=(WidthCost&&) noexcept;

  // Totals with removed[g] channels removed from group g (indexed like
  // groups.groups; non-prunable groups' counts are ignored): recomputes all.
  const WidthTotals& reset(const std::vector<int64_t>& removed);
  // After removed[group] changed (the rest as in the last call): updates the
  // nodes the group touches only.
  const WidthTotals& update(const std::vector<int64_t>& removed, int group);
  // The same, keeping the counts here: group `group` now loses `removed`.
  const WidthTotals& set(int group, int64_t removed);

  const WidthTotals& totals() const { return totals_; }
  const std::vector<int64_t>& removed() const { return removed_; }
  bool has_latency() const { return latency_ != nullptr; }
  // Nodes (modelled ones: those with weights) that group g narrows.
  size_t touched_nodes(int group) const { return group_nodes_.at(static_cast<size_t>(group)).size(); }

 private:
  using Terms = std::vector<std::pair<int, int64_t>>;  // (group, node channels per group channel)
  struct TensorTerm {
    int64_t rest = 1;          // elements per (out, in) pair
    int64_t size0 = 0;         // dim 0 at full width (int8 scales)
    bool out = false, in = false;
    bool param = false;
    bool int8_weight = false;  // Conv2d/Linear "weight"
  };
  struct NodeTerm {
    int64_t out0 = 0, in0 = 0;
    Terms out_terms, in_terms;
    int64_t mac_coef = 0;  // 0: no MACs
    std::vector<TensorTerm> tensors;
  };
  struct NodeTotals {
    int64_t params = 0, macs = 0, fp32 = 0, int8 = 0;
  };
  NodeTotals node_totals(size_t i) const;
  void add(const NodeTotals& t, int sign);
  void finish();

  std::vector<NodeTerm> nodes_;
  std::vector<NodeTotals> cache_;
  std::vector<std::vector<size_t>> group_nodes_;
  std::vector<char> prunable_;
  std::vector<int64_t> removed_;
  int64_t overhead_fp32_ = 0, overhead_int8_ = 0;
  std::unique_ptr<LatencyModel> latency_;
  WidthTotals totals_;
};

}  // namespace whittle
