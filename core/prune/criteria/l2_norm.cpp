#include "prune/criteria/l2_norm.h"

#include <ATen/ATen.h>

#include "prune/importance.h"

namespace whittle {

std::vector<at::Tensor> l2_norm_scores(const Graph& graph, const ChannelGroup& group) {
  at::NoGradGuard no_grad;
  std::vector<at::Tensor> scores;
  for (const auto& member : group.members) {
    if (member.role != ChannelRole::Filters && member.role != ChannelRole::Depthwise) continue;
    // score_o = sqrt(sum over (i, kh, kw) of w[o, i, kh, kw]^2)
    const at::Tensor w = graph.node(member.node).weight("weight").to(at::kFloat);
    scores.push_back(member_scores(w.flatten(1).pow(2).sum(1).sqrt(), member));
  }
  return scores;
}

}  // namespace whittle
