#pragma once
// A QuantizedGraph for the int8 tests without the calibration code: BN
// folded, then one fp32 pass per input batch observing every value's min and
// max, and affine_uint8(min, max) for each.
#include <ATen/ATen.h>

#include <algorithm>
#include <limits>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "quant/quant_params.h"
#include "runtime/fold_batch_norm.h"
#include "runtime/runner.h"

namespace whittle::test {

inline QuantizedGraph minmax_quantize(const Graph& graph, const std::vector<TensorMap>& batches) {
  QuantizedGraph model;
  model.graph = graph.clone();
  fold_batch_norm(model.graph);
  std::vector<std::string> values;
  for (const auto& v : model.graph.values()) values.push_back(v.name);
  Runner runner(model.graph);
  std::map<std::string, std::pair<float, float>> range;
  for (const auto& batch : batches) {
    TensorMap out = runner.run(batch, values);
    for (const auto& [name, t] : batch) out[name] = t;
    for (const auto& v : values) {
      auto [lo, hi] = range.try_emplace(v, std::numeric_limits<float>::max(),
                                        std::numeric_limits<float>::lowest()).first->second;
      const at::Tensor& t = out.at(v);
      range[v] = {std::min(lo, t.min().item<float>()), std::max(hi, t.max().item<float>())};
    }
  }
  for (const auto& [name, r] : range) model.spec.activations[name] = affine_uint8(r.first, r.second);
  model.spec.observer = "minmax";
  model.spec.calibration_images = static_cast<int>(batches.size());
  return model;
}

// The same for a single-input graph and inputs of that input.
inline QuantizedGraph minmax_quantize(const Graph& graph, const std::vector<at::Tensor>& inputs) {
  std::vector<TensorMap> batches;
  for (const auto& x : inputs) batches.push_back({{graph.inputs.at(0).name, x}});
  return minmax_quantize(graph, batches);
}

}  // namespace whittle::test
