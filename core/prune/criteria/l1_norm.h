#pragma once
// l1 criterion (Li et al. 2017, "Pruning Filters for Efficient ConvNets"):
// a channel's score is the sum of |w| over its filter, weight row
// [I, kH, kW] of every Filters and Depthwise member.
#include <ATen/core/Tensor.h>

#include <vector>

#include "graph/graph.h"
#include "prune/channel_groups.h"

namespace whittle {

// One score tensor (group.channels, float32, group order) per Filters or
// Depthwise member, in member order; empty when the group has none.
std::vector<at::Tensor> l1_norm_scores(const Graph& graph, const ChannelGroup& group);

}  // namespace whittle
