#include "prune/criteria/bn_scale.h"

#include <ATen/ATen.h>

#include "graph/error.h"
#include "prune/importance.h"

namespace whittle {

std::vector<at::Tensor> bn_scale_scores(const Graph& graph, const ChannelGroup& group) {
  at::NoGradGuard no_grad;
  std::vector<at::Tensor> scores;
  for (const auto& member : group.members) {
    if (member.role != ChannelRole::Norm) continue;
    const Node& node = graph.node(member.node);
    if (node.op != Op::BatchNorm2d) continue;  // L2Norm's weight is a scale, not a BN gamma
    scores.push_back(member_scores(node.weight("weight").to(at::kFloat).abs(), member));
  }
  if (scores.empty())
    throw Error("criterion 'bn': group '" + group.name +
                "' has no BatchNorm to score its channels by (use l1, l2 or fpgm)");
  return scores;
}

}  // namespace whittle
