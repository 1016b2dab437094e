#pragma once
// What runs a graph for inference: the fp32 Runner, the Int8Runner, the
// fake-quant runner. Evaluation, detection, benchmarks and sensitivity scans
// take a GraphExecutor, so an int8 model goes through the same code paths as
// its fp32 original.
#include <map>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

#include "graph/graph.h"

namespace whittle {

using TensorMap = std::map<std::string, at::Tensor>;

class GraphExecutor {
 public:
  virtual ~GraphExecutor() = default;
  // Graph outputs (and each value named in `extra`) for named fp32 inputs,
  // as fp32 tensors.
  virtual TensorMap run(const TensorMap& inputs, const std::vector<std::string>& extra = {}) = 0;
  // The graph as executed (e.g. BatchNorm folded).
  virtual const Graph& graph() const = 0;
  // Single-input convenience: the graph outputs, in graph order.
  std::vector<at::Tensor> forward(const at::Tensor& input);
};

// inputs[name], checked: throws whittle::Error naming the input when it is
// missing or not float32 (what every executor requires of its inputs).
const at::Tensor& checked_graph_input(const TensorMap& inputs, const std::string& name);

}  // namespace whittle
