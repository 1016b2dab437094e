#include "prune/criteria/activations.h"

#include <ATen/ATen.h>

#include "prune/importance.h"

namespace whittle {

WatchedActivations watched_activations(const Graph& graph, const ChannelGroups& groups, MemberSelection select) {
  WatchedActivations w;
  w.select = select;
  for (const auto& group : groups.groups) {
    if (!group.prunable) continue;
    for (const ChannelMember* member : select(graph, group)) {
      const std::string& v = graph.node(member->node).output;
      if (w.index.emplace(v, w.values.size()).second) w.values.push_back(v);
    }
  }
  return w;
}

std::map<std::string, std::vector<at::Tensor>> mean_member_scores(const Graph& graph, const ChannelGroups& groups,
                                                                 const WatchedActivations& watched,
                                                                 const std::vector<at::Tensor>& sums,
                                                                 size_t batches) {
  std::map<std::string, std::vector<at::Tensor>> scores;
  const double n = static_cast<double>(batches);
  for (const auto& group : groups.groups) {
    if (!group.prunable) continue;
    auto& list = scores[group.name];
    for (const ChannelMember* member : watched.select(graph, group)) {
      const at::Tensor& sum = sums[watched.index.at(graph.node(member->node).output)];
      list.push_back(member_scores((sum / n).to(at::kFloat), *member));
    }
  }
  return scores;
}

}  // namespace whittle
