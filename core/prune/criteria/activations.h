#pragma once
// What the data-driven criteria (taylor, apoz) share: the activations they
// watch while the graph runs on the importance batches, and the turning of
// per-channel sums over those batches into member scores.
#include <ATen/core/Tensor.h>

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "graph/graph.h"
#include "prune/channel_groups.h"

namespace whittle {

// The members of a group a criterion reads (e.g. observed_members).
using MemberSelection = std::vector<const ChannelMember*> (*)(const Graph& graph, const ChannelGroup& group);

// The values to keep while running: the outputs of the selected members of
// every prunable group, each distinct one once (in group order).
struct WatchedActivations {
  MemberSelection select = nullptr;
  std::vector<std::string> values;
  std::map<std::string, size_t> index;  // value -> position in `values`
};
WatchedActivations watched_activations(const Graph& graph, const ChannelGroups& groups, MemberSelection select);

// For every prunable group, by name: member_scores(sums[k] / batches) of
// each selected member, k its output's position in `watched.values`
// (sums: one per value, [C] over its channels, summed over the batches).
std::map<std::string, std::vector<at::Tensor>> mean_member_scores(const Graph& graph, const ChannelGroups& groups,
                                                                 const WatchedActivations& watched,
                                                                 const std::vector<at::Tensor>& sums,
                                                                 size_t batches);

}  // namespace whittle
