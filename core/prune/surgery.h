#pragma once
// Surgery: a new, smaller Graph with the kept channels' weights copied —
// never masks. For every member of every group in the plan: Filters and
// Depthwise lose weight rows (and bias entries), Norm loses its vectors'
// entries, ConvInput loses weight columns (dim 1), LinearInput loses the
// `block` columns of each removed channel; Conv/Linear attributes
// (out/in channels, groups of depthwise convs) follow. The input graph is not
// changed; the result shares no storage with it and passes validate().
#include "graph/graph.h"
#include "prune/channel_groups.h"
#include "prune/pruning_plan.h"

namespace whittle {

// Throws whittle::Error (check_plan's) for a plan that does not fit `groups`,
// which must have been computed from `graph`.
Graph apply_pruning(const Graph& graph, const ChannelGroups& groups, const PruningPlan& plan);

}  // namespace whittle
