#include "runtime/executor.h"

#include <ATen/ATen.h>

#include "graph/error.h"

namespace whittle {

std::vector<at::Tensor> GraphExecutor::forward(const at::Tensor& input) {
  const Graph& g = graph();
  if (g.inputs.size() != 1) throw Error("forward() needs a graph with exactly one input");
  TensorMap out = run({{g.inputs[0].name, input}});
  std::vector<at::Tensor> result;
  for (const auto& name : g.outputs) result.push_back(out.at(name));
  return result;
}

const at::Tensor& checked_graph_input(const TensorMap& inputs, const std::string& name) {
  auto it = inputs.find(name);
  if (it == inputs.end()) throw Error("graph input '" + name + "' was not given");
  const at::Tensor& t = it->second;
  if (t.scalar_type() != at::kFloat)
    throw Error("graph input '" + name + "' must be float32, got " + std::string(c10::toString(t.scalar_type())));
  return t;
}

}  // namespace whittle
