#include "prune/criteria/fpgm.h"

#include <ATen/ATen.h>

#include "prune/importance.h"

namespace whittle {

std::vector<at::Tensor> fpgm_scores(const Graph& graph, const ChannelGroup& group) {
  at::NoGradGuard no_grad;
  std::vector<at::Tensor> scores;
  for (const auto& member : group.members) {
    if (member.role != ChannelRole::Filters) continue;
    // score_o = sum_j ||w_o - w_j||_2 over every filter j of the conv; in
    // double, since the distances of near-identical filters are differences
    // of large sums.
    const at::Tensor w = graph.node(member.node).weight("weight").to(at::kDouble).flatten(1);
    const at::Tensor distances = at::cdist(w.unsqueeze(0), w.unsqueeze(0)).squeeze(0);
    scores.push_back(member_scores(distances.sum(1).to(at::kFloat), member));
  }
  return scores;
}

}  // namespace whittle
