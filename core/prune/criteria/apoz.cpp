#include "prune/criteria/apoz.h"

#include <ATen/ATen.h>

#include "graph/error.h"
#include "prune/criteria/activations.h"
#include "runtime/runner.h"

namespace whittle {
namespace {

bool relu_like(Op op) { return op == Op::ReLU || op == Op::ReLU6; }

// The members apoz reads: the group's activations, else its observed outputs.
std::vector<const ChannelMember*> apoz_members(const Graph& graph, const ChannelGroup& group) {
  std::vector<const ChannelMember*> members;
  for (const auto& member : group.members)
    if (member.role == ChannelRole::PassThrough && is_activation(graph.node(member.node).op))
      members.push_back(&member);
  return members.empty() ? observed_members(graph, group) : members;
}

}  // namespace

std::map<std::string, std::vector<at::Tensor>> apoz_scores(const Graph& graph,
                                                           const ChannelGroups& groups,
                                                           const ImportanceData& data) {
  if (data.batches.empty()) throw Error("criterion 'apoz' needs batches of images");
  const WatchedActivations watched = watched_activations(graph, groups, apoz_members);
  const std::vector<std::string>& values = watched.values;

  std::vector<Op> ops;  // the producer of each value (every value is a node's output)
  for (const auto& v : values) ops.push_back(graph.nodes.at(graph.producer(v)).op);

  RunnerOptions options;
  options.keep_values = values;
  Runner runner(graph, options);  // inference: a private, BatchNorm-folded copy
  at::NoGradGuard no_grad;
  std::vector<at::Tensor> sums(values.size());  // per value: [C] double
  for (const auto& batch : data.batches) {
    TensorMap out = runner.run(batch, values);
    for (size_t k = 0; k < values.size(); ++k) {
      at::Tensor a = out.at(values[k]).to(at::kDouble);
      a = a.dim() > 2 ? a.transpose(0, 1).flatten(1) : a.t();  // [C, everything else]
      const Op op = ops[k];
      // ReLU-like: 1 - APoZ = fraction of positive outputs; else mean |a|.
      at::Tensor s = relu_like(op) ? (a > 0).to(at::kDouble).mean(1) : a.abs().mean(1);
      sums[k] = sums[k].defined() ? sums[k] + s : s;
    }
  }

  return mean_member_scores(graph, groups, watched, sums, data.batches.size());
}

}  // namespace whittle
