#include "prune/criteria/taylor.h"

#include <ATen/ATen.h>
#include <torch/csrc/autograd/autograd.h>

#include <cmath>

#include "graph/error.h"
#include "prune/criteria/activations.h"
#include "runtime/fold_batch_norm.h"
#include "runtime/runner.h"

namespace whittle {

std::map<std::string, std::vector<at::Tensor>> taylor_scores(const Graph& graph,
                                                             const ChannelGroups& groups,
                                                             const ImportanceData& data) {
  if (data.batches.empty() || !data.loss)
    throw Error("criterion 'taylor' needs batches of images and a loss");
  // The values to observe: each distinct one once, whatever groups read it.
  const WatchedActivations watched = watched_activations(graph, groups, observed_members);
  const std::vector<std::string>& values = watched.values;

  // A private clone: BatchNorm folded (the statistics the pruned network runs
  // with, and no batch statistics for batches of one), training mode so the
  // clone's weights are leaves and the activations carry gradients.
  Graph clone = graph.clone();
  fold_batch_norm(clone, values);
  Runner runner(clone, RunnerOptions{RunMode::Training});
  at::AutoGradMode grad_mode(true);

  std::vector<at::Tensor> sums(values.size());  // per value: [C] double
  for (size_t b = 0; b < data.batches.size(); ++b) {
    TensorMap all = runner.run(data.batches[b], values);
    TensorMap outputs;
    for (const auto& name : clone.outputs) outputs[name] = all.at(name);
    const at::Tensor loss = data.loss(outputs, b);
    if (!loss.defined() || loss.numel() != 1)
      throw Error("criterion 'taylor': the loss of batch " + std::to_string(b + 1) +
                  " is not a scalar");
    const double value = loss.item<double>();
    if (!std::isfinite(value))
      throw Error("criterion 'taylor': the loss of batch " + std::to_string(b + 1) +
                  " is not finite (" + std::to_string(value) + ")");
    std::vector<at::Tensor> activations;
    for (const auto& v : values) activations.push_back(all.at(v));
    // dL/da for the observed values only (no weight gradients are kept).
    const std::vector<at::Tensor> grads =
        torch::autograd::grad({loss}, activations, {}, /*retain_graph=*/false,
                              /*create_graph=*/false, /*allow_unused=*/true);
    at::NoGradGuard no_grad;
    for (size_t k = 0; k < values.size(); ++k) {
      const at::Tensor a = activations[k].detach().to(at::kDouble);
      at::Tensor s;
      if (grads[k].defined()) {
        // | mean over n of sum over h,w of a * dL/da |
        at::Tensor prod = a * grads[k].to(at::kDouble);
        if (prod.dim() > 2) prod = prod.flatten(2).sum(2);
        s = prod.mean(0).abs();
      } else {
        s = at::zeros({a.size(1)}, at::kDouble);  // the loss does not depend on it
      }
      sums[k] = sums[k].defined() ? sums[k] + s : s;
    }
  }

  return mean_member_scores(graph, groups, watched, sums, data.batches.size());
}

}  // namespace whittle
