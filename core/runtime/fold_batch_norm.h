#pragma once
// Fold each BatchNorm2d that directly follows a conv into the conv's weights:
//   w' = w * gamma / sqrt(var + eps),  b' = (b - mean) * gamma / sqrt(var + eps) + beta
// A BatchNorm is folded only when its conv output feeds nothing else and is
// neither a graph output nor in `keep`. The folded conv takes over the
// BatchNorm's output value name, so consumers are unchanged.
#include <string>
#include <vector>

#include "graph/graph.h"

namespace whittle {

struct PassResult {
  bool changed = false;
  std::string summary;  // "folded 13 BatchNorm"
};

PassResult fold_batch_norm(Graph& graph, const std::vector<std::string>& keep = {});

}  // namespace whittle
