#pragma once
// apoz criterion (Hu et al. 2016, "Network Trimming"): channels that are
// mostly zero after their non-linearity do little. Per activation member
// (ReLU, ReLU6, ... of the group), over every image and position:
//   ReLU / ReLU6: 1 - APoZ, the fraction of positive outputs;
//   other activations (SiLU, LeakyReLU, Hardswish, Sigmoid): mean |output|.
// A group without an activation (e.g. a linear bottleneck behind residual
// Adds) is scored by mean |output| of its Norm members and of its
// Filters/Depthwise members not followed by one. Averaged over batches.
// Runs an inference Runner (BatchNorm folded) on a private copy.
#include <ATen/core/Tensor.h>

#include <map>
#include <string>
#include <vector>

#include "graph/graph.h"
#include "prune/channel_groups.h"
#include "prune/importance.h"

namespace whittle {

// For every prunable group, by name: one score tensor (group.channels,
// float32, group order) per scored member. `data` needs batches.
std::map<std::string, std::vector<at::Tensor>> apoz_scores(const Graph& graph,
                                                           const ChannelGroups& groups,
                                                           const ImportanceData& data);

}  // namespace whittle
