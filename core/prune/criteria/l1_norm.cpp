#include "prune/criteria/l1_norm.h"

#include <ATen/ATen.h>

#include "prune/importance.h"

namespace whittle {

std::vector<at::Tensor> l1_norm_scores(const Graph& graph, const ChannelGroup& group) {
  at::NoGradGuard no_grad;
  std::vector<at::Tensor> scores;
  for (const auto& member : group.members) {
    if (member.role != ChannelRole::Filters && member.role != ChannelRole::Depthwise) continue;
    // score_o = sum over (i, kh, kw) of |w[o, i, kh, kw]|
    const at::Tensor w = graph.node(member.node).weight("weight").to(at::kFloat);
    scores.push_back(member_scores(w.flatten(1).abs().sum(1), member));
  }
  return scores;
}

}  // namespace whittle
