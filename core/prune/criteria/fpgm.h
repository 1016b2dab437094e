#pragma once
// fpgm criterion (He et al. 2019, "Filter Pruning via Geometric Median"):
// filters near the geometric median of their layer are redundant. As in the
// paper's implementation, the distance to the median is approximated by the
// sum of Euclidean distances from a filter to every other filter of the same
// conv: score_o = sum_j ||w_o - w_j||_2 over all filters j of the layer.
#include <ATen/core/Tensor.h>

#include <vector>

#include "graph/graph.h"
#include "prune/channel_groups.h"

namespace whittle {

// One score tensor (group.channels, float32, group order) per Filters member;
// empty when the group has none.
std::vector<at::Tensor> fpgm_scores(const Graph& graph, const ChannelGroup& group);

}  // namespace whittle
