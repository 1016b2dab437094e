#pragma once
// A plan from a sensitivity scan (sensitivity.h): a ratio per scanned group,
// chosen among the scanned ratios, so that the pruned graph's MACs are at
// most F x the original with the least predicted mAP loss.
//
// Model: a group pruned at ratio r costs loss_g(r) = baseline - map_g(r),
// made non-decreasing in r (the running maximum, at least 0: a noisy curve
// does not promise that pruning more helps), and saves
// macs - macs_g(r) MACs (measured with that group alone pruned). The
// predicted loss of a plan is the sum of its groups' losses; the predicted
// saving the sum of their savings. Greedy: from no pruning, repeatedly move
// one group to a larger scanned ratio, taking the move with the least added
// loss per added MAC saved (ties: the larger saving, then graph order),
// until the predicted MACs reach the target. Savings are not quite additive
// (a conv between two pruned groups loses out x in, counted twice), so the
// plan is then checked by surgery and the cost model, and the greedy goes on
// move by move until the real MACs are at most the target.
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

struct SensitivityPlanReport {
  int64_t original_macs = 0;
  int64_t target_macs = 0;   // floor(fraction * original_macs)
  int64_t pruned_macs = 0;   // of the pruned graph: surgery + cost model
  double predicted_loss = 0;  // sum of the chosen groups' losses
  double predicted_map = 0;   // baseline - predicted_loss
  std::map<std::string, double> ratios;  // the chosen ratio of each pruned group
};

// The loss of each scanned ratio of `group` as the planner models it (see
// above): running maximum of baseline - map, at least 0; NaN mAPs count as
// losing the whole baseline.
std::vector<double> sensitivity_losses(const GroupSensitivity& group, double baseline);

// Throws whittle::Error for a fraction outside (0, 1], a scan made on another
// graph (its MACs differ from `graph`'s, or a group is unknown or has another
// width), a NaN baseline, or a target that even every scanned group at its
// largest ratio does not reach (naming the MACs it gets to).
PruningPlan plan_from_sensitivity(const Graph& graph, const ChannelGroups& groups, const GroupScores& scores,
                                  const SensitivityResult& sensitivity, double target_macs_fraction,
                                  const PlannerOptions& options = {}, SensitivityPlanReport* report = nullptr);

}  // namespace whittle
