#pragma once
// Pruning steps as `whittle-cli prune`, `prune-schedule` and `pipeline` take
// them: the provenance a pruned model carries in its metadata, and one step
// of an iterative schedule (prune a detector by global rank down to a MAC
// budget; its head must still read the pruned graph).
#include <cstdint>
#include <string>

#include "graph/graph.h"
#include "models/detector.h"
#include "prune/importance.h"
#include "prune/planners.h"
#include "prune/pruning_plan.h"

namespace whittle {

// whittle.pruned.* metadata: how a model was pruned. Empty texts (and
// removed_channels < 0) are not written.
struct PruneRecord {
  std::string source;         // the model pruned (file name)
  std::string method;         // "ratio 0.5", "prune-schedule step 1/3, target-macs 0.5", ...
  std::string criterion;      // "l1", ...
  std::string aggregation;    // "sum", ...
  std::string normalization;  // "l2", ...
  std::string images;         // "64 of train": the images that scored channels
  int64_t round = 1;
  int64_t removed_channels = -1;
  int64_t original_params = 0, original_macs = 0;
};
void record_pruning(Graph& pruned, const PruneRecord& record);

struct MacsStep {
  Detector detector;  // the pruned detector; `current` itself when it was already within the budget
  bool pruned = false;
  PruningPlan plan;
  int64_t removed_channels = 0;
};

// Prunes `current` by global rank (channel_importance with `importance` and
// `data`, plan_target_macs) until its MACs are at most `target_macs`
// (absolute); `record` (its removed_channels filled in) goes into the pruned
// graph's metadata. Returns `current` unchanged (pruned false) when it is
// already within the budget. Throws whittle::Error when the head no longer
// reads the pruned graph.
MacsStep prune_detector_to_macs(const Detector& current, int64_t target_macs, const ImportanceOptions& importance,
                                const ImportanceData* data, const PlannerOptions& planner, PruneRecord record);

}  // namespace whittle
