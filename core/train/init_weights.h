#pragma once
// Initialise a model from another model's weights where node names, weight
// keys and shapes match (e.g. a trained backbone into a new detector), and
// say what was and wasn't loaded.
#include <string>
#include <vector>

#include "graph/graph.h"

namespace whittle {

struct WeightLoadReport {
  std::vector<std::string> loaded;          // "<node>.<weight>", in dst node order
  std::vector<std::string> shape_mismatch;  // "<node>.<weight>: [64,3,3,3] in source, [32,3,3,3] here"
  std::vector<std::string> missing;         // dst weights the source lacks
  std::vector<std::string> unused;          // source weights dst lacks
  // "loaded 26 of 30 weights; 2 shape mismatches (head.cls.weight: ...); 2 not in the source"
  std::string summary() const;
};

// Copies matching weights of src into dst's tensors in place (copy_, so a
// training Runner over dst sees them; no storage is shared with src).
// Buffers such as BatchNorm running statistics match like any weight.
// Throws Error for a dtype mismatch on otherwise matching weights.
WeightLoadReport load_matching_weights(Graph& dst, const Graph& src);

}  // namespace whittle
