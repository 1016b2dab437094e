#include "workflow/prune_detector.h"

#include <utility>

#include "graph/cost_model.h"
#include "graph/error.h"
#include "prune/channel_groups.h"
#include "prune/surgery.h"

namespace whittle {

void record_pruning(Graph& pruned, const PruneRecord& r) {
  auto& meta = pruned.metadata;
  auto put = [&](const char* key, const std::string& value) {
    if (!value.empty()) meta[std::string("whittle.pruned.") + key] = value;
  };
  put("source", r.source);
  put("method", r.method);
  put("criterion", r.criterion);
  put("aggregation", r.aggregation);
  put("normalization", r.normalization);
  put("images", r.images);
  put("round", std::to_string(r.round));
  if (r.removed_channels >= 0) put("removed_channels", std::to_string(r.removed_channels));
  put("original_params", std::to_string(r.original_params));
  put("original_macs", std::to_string(r.original_macs));
}

MacsStep prune_detector_to_macs(const Detector& current, int64_t target_macs, const ImportanceOptions& importance,
                                const ImportanceData* data, const PlannerOptions& planner, PruneRecord record) {
  MacsStep step;
  const int64_t now = compute_cost(current.graph).macs;
  if (now <= target_macs) {
    step.detector = current;
    return step;
  }
  const ChannelGroups groups = channel_groups(current.graph);
  const GroupScores scores = channel_importance(current.graph, groups, importance, data);
  step.plan = plan_target_macs(current.graph, groups, scores,
                               static_cast<double>(target_macs) / static_cast<double>(now), planner);
  step.removed_channels = step.plan.removed_channels();
  Graph pruned = apply_pruning(current.graph, groups, step.plan);
  record.removed_channels = step.removed_channels;
  record_pruning(pruned, record);
  try {
    step.detector = detector_from_graph(std::move(pruned));
  } catch (const Error& e) {
    throw Error("the pruned graph no longer fits its head: " + std::string(e.what()));
  }
  step.pruned = true;
  return step;
}

}  // namespace whittle
