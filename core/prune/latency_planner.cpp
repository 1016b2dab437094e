#include "prune/latency_planner.h"

#include <algorithm>
#include <vector>

#include "graph/error.h"
#include "prune/number_text.h"
#include "prune/surgery.h"

namespace whittle {

PruningPlan plan_target_latency(const Graph& graph, const ChannelGroups& groups, const GroupScores& scores,
                                const LatencyTable& table, double fraction, const PlannerOptions& options,
                                TargetLatencyReport* report) {
  if (!(fraction > 0 && fraction <= 1))
    throw Error("target latency fraction " + number_text(fraction) + " must be > 0 and <= 1");
  round_kept_channels(1, 1, options.round_to);  // checks the multiple
  const double original = estimate_latency_ms(table, graph);
  const double target = fraction * original;
  const std::vector<RankedChannel> ranked = global_ranking(groups, scores);
  LatencyModel model(table, graph, groups);
  const std::vector<int64_t> none(groups.groups.size(), 0);
  auto update = [&model](const std::vector<int64_t>& removed, int group) { return model.update(removed, group); };
  // The model and the graph estimate add the same terms; allow for the
  // rounding of the model's running sums.
  const double slack = 1e-9 * std::max(1.0, original);

  double aim = target;
  for (int attempt = 0; attempt < 4; ++attempt) {
    const RankedRemoval r = remove_by_rank(groups, ranked, options, model.reset(none), aim, update);
    const double ms = r.cost;
    if (ms > aim)
      throw Error("target latency " + number_text(fraction) + " x " + number_text(original) +
                  " ms cannot be reached: with every prunable group at its minimum width the estimate is "
                  "still " + number_text(ms) + " ms (convs that cannot be pruned and fixed costs set a floor)");

    PruningPlan plan = plan_from_counts(groups, scores, r.removed);
    const double pruned =
        plan.remove.empty() ? original : estimate_latency_ms(table, apply_pruning(graph, groups, plan));
    if (pruned <= target + slack) {
      if (report) *report = {original, target, pruned};
      return plan;
    }
    aim -= pruned - target;
  }
  throw Error("target latency: the pruned graph's estimate does not follow the channel model");
}

}  // namespace whittle
