#pragma once
// Planners: a PruningPlan from the groups' channel scores (importance.h,
// higher = more important) and a rule. Every planner removes a group's least
// important channels (ties: the lower index first), touches prunable groups
// only, and leaves every group at least one channel.
//
//   plan_uniform       the same ratio R of every prunable group
//   plan_layer_ratios  a ratio per group (the plan file's "ratios" table)
//   plan_global        the globally least important channels (scores
//                      normalised per group, see ImportanceOptions) until a
//                      fraction of all prunable channels is gone
//   plan_target_macs   channels by global rank until the pruned graph's MACs
//                      (graph/cost_model.h) are at most F x the original
//
// A ratio R of a C-channel group removes floor(R * C) channels; then, with
// round_to = m > 1, the kept count becomes max(m, round(kept / m) * m), at
// most C (so a group narrower than m is left whole).
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "graph/graph.h"
#include "prune/channel_groups.h"
#include "prune/pruning_plan.h"

namespace whittle {

using GroupScores = std::map<std::string, at::Tensor>;  // group name -> [channels]

struct PlannerOptions {
  int64_t round_to = 1;  // kept channels rounded to a multiple of this (1: no rounding)
};

// max(multiple, round(kept / multiple) * multiple), at most `channels`, at
// least 1. Throws whittle::Error for multiple < 1.
int64_t round_kept_channels(int64_t kept, int64_t channels, int64_t multiple);

// Indices 0..n-1 by ascending score, ties to the lower index.
std::vector<int64_t> channel_ranking(const at::Tensor& scores);
// Indices (ascending) of the `count` lowest scores, ties to the lower index:
// channel_ranking's first `count`, sorted.
std::vector<int64_t> least_important(const at::Tensor& scores, int64_t count);

// Throws whittle::Error unless 0 <= ratio < 1, or naming a prunable group
// without scores (or with as many as it has channels).
PruningPlan plan_uniform(const ChannelGroups& groups, const GroupScores& scores, double ratio,
                         const PlannerOptions& options = {});

// Groups absent from `ratios` keep every channel. Throws whittle::Error
// naming a group that is unknown, not prunable (with a ratio > 0) or has a
// ratio outside [0, 1).
PruningPlan plan_layer_ratios(const ChannelGroups& groups, const GroupScores& scores,
                              const std::map<std::string, double>& ratios,
                              const PlannerOptions& options = {});

// Removes floor(fraction * prunable channels) channels by global rank (before
// rounding, which then moves each group's count to its nearest multiple).
PruningPlan plan_global(const ChannelGroups& groups, const GroupScores& scores, double fraction,
                        const PlannerOptions& options = {});

// The steps that planners aiming at a cost share (plan_target_macs here,
// plan_target_latency in latency_planner.h):
//
// A channel in the global ranking.
struct RankedChannel {
  double score;
  int group;  // index into groups.groups
  int64_t channel;
};
// Every channel of every prunable group, least important first (ties: the
// lower group index, then the lower channel). Throws whittle::Error naming a
// prunable group without scores or with as many as it has channels.
std::vector<RankedChannel> global_ranking(const ChannelGroups& groups, const GroupScores& scores);

// Channels taken in `ranked` order until the cost is at most `aim`: each
// group's count rounded to options.round_to, every group keeping a channel.
// `cost` is the cost with nothing removed; update(removed, g) returns it
// after removed[g] changed (removed: per group, indexed like groups.groups).
struct RankedRemoval {
  std::vector<int64_t> removed;  // per group, after rounding
  double cost = 0;               // the last cost; > aim: the aim is out of reach
};
RankedRemoval remove_by_rank(const ChannelGroups& groups, const std::vector<RankedChannel>& ranked,
                             const PlannerOptions& options, double cost, double aim,
                             const std::function<double(const std::vector<int64_t>& removed, int group)>& update);

// The plan that removes counts[g] least important channels of each
// prunable group g (indexed like groups.groups), the removed fraction as its
// informative ratio.
PruningPlan plan_from_counts(const ChannelGroups& groups, const GroupScores& scores,
                             const std::vector<int64_t>& counts);

struct TargetMacsReport {
  int64_t original_macs = 0;
  int64_t target_macs = 0;  // floor(fraction * original_macs)
  int64_t pruned_macs = 0;  // of the pruned graph: surgery + cost model
};

// Removes channels by global rank until the pruned graph's MACs are at most
// fraction x the original's; the last channel (or, with rounding, the last
// group step of round_to channels) is the one that crosses the target. MACs
// are tracked analytically per group channel (a conv's MACs are
// H * W * k^2 * out * in, bilinear in the kept counts of its groups), then
// checked once by surgery and the cost model. Throws whittle::Error for a
// fraction outside (0, 1], or when even every prunable group at its minimum
// width stays above the target.
PruningPlan plan_target_macs(const Graph& graph, const ChannelGroups& groups, const GroupScores& scores,
                             double fraction, const PlannerOptions& options = {},
                             TargetMacsReport* report = nullptr);

}  // namespace whittle
