#pragma once
// taylor criterion (Molchanov et al. 2017, "Pruning Convolutional Neural
// Networks for Resource Efficient Inference"): the first-order Taylor
// estimate of the loss change when a channel's activation a is zeroed,
//   score_c = mean over batches of | mean over n of sum over h,w of a * dL/da |.
// a is the output of each of the group's Norm members (BatchNorm, L2Norm) and
// of each Filters/Depthwise member not followed by one of them.
//
// The graph runs on a private clone with BatchNorm folded (inference
// statistics, as the pruned network will run) in training mode, so that the
// activations carry gradients; the caller's graph is not changed.
#include <ATen/core/Tensor.h>

#include <map>
#include <string>
#include <vector>

#include "graph/graph.h"
#include "prune/channel_groups.h"
#include "prune/importance.h"

namespace whittle {

// For every prunable group, by name: one score tensor (group.channels,
// float32, group order) per scored member. `data` needs batches and a loss.
std::map<std::string, std::vector<at::Tensor>> taylor_scores(const Graph& graph,
                                                             const ChannelGroups& groups,
                                                             const ImportanceData& data);

}  // namespace whittle
