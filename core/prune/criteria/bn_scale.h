#pragma once
// bn criterion (Liu et al. 2017, "Learning Efficient Convolutional Networks
// through Network Slimming"): a channel's score is |gamma| of the BatchNorm
// that normalises it, for every BatchNorm2d Norm member of the group.
#include <ATen/core/Tensor.h>

#include <vector>

#include "graph/graph.h"
#include "prune/channel_groups.h"

namespace whittle {

// One score tensor (group.channels, float32, group order) per BatchNorm2d
// member. Throws whittle::Error naming the group when it has no BatchNorm.
std::vector<at::Tensor> bn_scale_scores(const Graph& graph, const ChannelGroup& group);

}  // namespace whittle
