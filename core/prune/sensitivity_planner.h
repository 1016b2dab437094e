#pragma once
// A plan from a sensitivity scan (sensitivity.h): a ratio per scanned group,
// chosen among the scanned ratios, so that the pruned graph's MACs are at
// most F x the original, and/or its latency (the latency table's estimate,
// latency_table.h) at most L x the original's, and/or its latency speed-up
// at least S x its MAC speed-up, with the least predicted mAP loss.
//
// Why both: on a small CPU the MobileNets' early, wide-map layers are
// memory-bound (time ~ channels in + out, MACs ~ in x out), and accuracy
// spares them, so a plan for MACs alone is far less faster than its MAC
// ratio (BENCHMARKS.md). A speed target S = 0.8 makes the plan as fast as
// 0.8 x its MAC ratio, at the accuracy the scan predicts.
//
// Model: a group pruned at ratio r costs loss_g(r) = baseline - map_g(r),
// made non-decreasing in r (the running maximum, at least 0: a noisy curve
// does not promise that pruning more helps). The predicted loss of a plan is
// the sum of its groups' losses. Its MACs and latency are computed for the
// combination (WidthCost: exact MACs, the table's estimate). Greedy: from no
// pruning, repeatedly move one group to a larger scanned ratio, taking the
// move with the least added loss per unit of progress (ties: more progress,
// then graph order), until every target is met; progress is the sum, over
// the targets not yet met, of the move's saving divided by what is still
// missing (with one target: the least loss per MAC or ms saved); for the
// speed target the saving has a sign (a move that cuts MACs more than time
// sets it back), and moves that break a met speed target come last. Then
// groups step back: while some group can return to its previous scanned
// ratio with every target still met, the one that recovers the most loss
// does (undoing what later moves made unnecessary). The plan is then
// checked by surgery (cost model; the table's estimate of the pruned
// graph), and the greedy goes on move by move while a target is missed.
//
// The ratios become a plan through plan_layer_ratios (the same channels and
// rounding as the scan, given the same scores and round_to).
#include <cstdint>
#include <map>
#include <string>

#include "graph/graph.h"
#include "prune/channel_groups.h"
#include "prune/planners.h"
#include "prune/pruning_plan.h"
#include "prune/sensitivity.h"

namespace whittle {

struct LatencyTable;

// What a sensitivity plan must reach; 1 means no such target.
struct SensitivityTargets {
  double macs = 1;     // fraction of the original MACs
  double latency = 1;  // fraction of the table's estimate of the original
  // > 0: the plan's latency speed-up at least `speed` x its MAC speed-up,
  // by the table (latency fraction <= MAC fraction / speed), whatever the
  // MACs end at; 0: none.
  double speed = 0;
  // The latency table of the graph (required for a latency target).
  const LatencyTable* table = nullptr;
};

struct SensitivityPlanReport {
  int64_t original_macs = 0;
  int64_t target_macs = 0;   // floor(fraction * original_macs)
  int64_t pruned_macs = 0;   // of the pruned graph: surgery + cost model
  // With a table: its estimates of the original and the pruned graph, and
  // the target (latency fraction x original_ms); -1 without.
  double original_ms = -1, target_ms = -1, pruned_ms = -1;
  double predicted_loss = 0;  // sum of the chosen groups' losses
  double predicted_map = 0;   // baseline - predicted_loss
  std::map<std::string, double> ratios;  // the chosen ratio of each pruned group
};

// The loss of each scanned ratio of `group` as the planner models it (see
// above): running maximum of baseline - map, at least 0; NaN mAPs count as
// losing the whole baseline.
std::vector<double> sensitivity_losses(const GroupSensitivity& group, double baseline);

// Throws whittle::Error for a fraction outside (0, 1], a latency target
// without a table (or a table of another graph), a scan made on another
// graph (its MACs differ from `graph`'s, or a group is unknown or has another
// width), a NaN baseline, or a target that even every scanned group at its
// largest ratio does not reach (naming the MACs or ms it gets to).
PruningPlan plan_from_sensitivity(const Graph& graph, const ChannelGroups& groups, const GroupScores& scores,
                                  const SensitivityResult& sensitivity, const SensitivityTargets& targets,
                                  const PlannerOptions& options = {}, SensitivityPlanReport* report = nullptr);
// The MAC target alone.
PruningPlan plan_from_sensitivity(const Graph& graph, const ChannelGroups& groups, const GroupScores& scores,
                                  const SensitivityResult& sensitivity, double target_macs_fraction,
                                  const PlannerOptions& options = {}, SensitivityPlanReport* report = nullptr);

}  // namespace whittle
