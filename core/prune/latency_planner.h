#pragma once
// plan_target_latency: plan_target_macs (planners.h) with the measured
// latency table (latency_table.h) as the cost: channels go by global rank
// (scores normalised per group, ImportanceOptions; ties by group then channel) until the
// table's estimate of the pruned graph is at most F x the original's.
#include "graph/graph.h"
#include "prune/channel_groups.h"
#include "prune/latency_table.h"
#include "prune/planners.h"
#include "prune/pruning_plan.h"

namespace whittle {

struct TargetLatencyReport {
  double original_ms = 0;  // the table's estimate of the unpruned graph
  double target_ms = 0;    // fraction x original_ms
  double pruned_ms = 0;    // the table's estimate of the pruned graph (surgery)
};

// Removes channels by global rank until the estimated latency of the pruned
// graph is at most fraction x the original's; the last channel (or, with
// rounding, the last group step of round_to channels) is the one that
// crosses the target. The estimate is tracked per group channel
// (LatencyModel), then checked once on the pruned graph (surgery +
// estimate_latency_ms). `table` must be the table of `graph`. Throws
// whittle::Error for a fraction outside (0, 1], or when even every prunable
// group at its minimum width stays above the target (the convs that cannot
// be pruned and the fixed costs set a floor).
PruningPlan plan_target_latency(const Graph& graph, const ChannelGroups& groups, const GroupScores& scores,
                                const LatencyTable& table, double fraction, const PlannerOptions& options = {},
                                TargetLatencyReport* report = nullptr);

}  // namespace whittle
