#include "runtime/fold_batch_norm.h"

#include <ATen/ATen.h>

#include <algorithm>

namespace whittle {

PassResult fold_batch_norm(Graph& graph, const std::vector<std::string>& keep) {
  auto kept = [&](const std::string& v) {
    return graph.is_output(v) || std::find(keep.begin(), keep.end(), v) != keep.end();
  };
  std::vector<Node> folded;
  folded.reserve(graph.nodes.size());
  int count = 0;
  for (auto& node : graph.nodes) {
    if (node.op == Op::BatchNorm2d && !folded.empty()) {
      Node& conv = folded.back();
      const std::string& v = node.inputs[0];
      bool foldable = conv.op == Op::Conv2d && conv.output == v && !kept(v) &&
                      graph.consumers(v).size() == 1;
      if (foldable) {
        at::NoGradGuard no_grad;
        // scale = gamma / sqrt(var + eps), computed in double then stored as fp32:
        // w' = w * scale,  b' = (b - mean) * scale + beta
        double eps = node.attrs.get_float("eps", 1e-5);
        at::Tensor gamma = node.weight("weight").to(at::kDouble);
        at::Tensor beta = node.weight("bias").to(at::kDouble);
        at::Tensor mean = node.weight("running_mean").to(at::kDouble);
        at::Tensor var = node.weight("running_var").to(at::kDouble);
        at::Tensor scale = gamma / at::sqrt(var + eps);
        at::Tensor w = conv.weight("weight");
        at::Tensor b = conv.has_weight("bias") ? conv.weight("bias").to(at::kDouble)
                                               : at::zeros_like(mean);
        conv.weights["weight"] =
            (w.to(at::kDouble) * scale.view({-1, 1, 1, 1})).to(w.scalar_type()).contiguous();
        conv.weights["bias"] = ((b - mean) * scale + beta).to(w.scalar_type()).contiguous();
        conv.output = node.output;
        ++count;
        continue;
      }
    }
    folded.push_back(std::move(node));
  }
  graph.nodes = std::move(folded);
  PassResult result;
  result.changed = count > 0;
  result.summary = "folded " + std::to_string(count) + " BatchNorm";
  return result;
}

}  // namespace whittle
