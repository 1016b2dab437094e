#pragma once
// Random BatchNorm parameters and statistics for tests, so that folding,
// train/eval modes and quantization ranges really differ from a fresh
// network's (gamma 1, beta 0, mean 0, var 1).
#include <ATen/ATen.h>

#include <cstdint>

#include "graph/graph.h"

namespace whittle::test {

inline void randomize_batch_norm(Graph& g, uint64_t seed) {
  at::manual_seed(seed);
  for (auto& node : g.nodes)
    if (node.op == Op::BatchNorm2d) {
      const int64_t c = node.weights["weight"].size(0);
      node.weights["weight"] = at::rand({c}) + 0.5;
      node.weights["bias"] = at::randn({c}) * 0.1;
      node.weights["running_mean"] = at::randn({c}) * 0.1;
      node.weights["running_var"] = at::rand({c}) + 0.5;
    }
}

}  // namespace whittle::test
