#pragma once
// Internal to core/io: runs of ONNX nodes that together are one IR op, as
// onnx_export writes them (and as PyTorch writes some of them):
//   Sigmoid(x) * x                               -> SiLU
//   HardSigmoid(x, 1/6, 0.5) * x                 -> Hardswish
//   HardSigmoid(x, 1/6, 0) * 6                   -> ReLU6
//   x / Expand(Clip(ReduceL2(x, [1]), eps), Shape(x)) [* w]  -> L2Norm (F.normalize)
//   LpNormalization(x, axis 1, p 2) * w          -> L2Norm
//   AveragePool(Pad(x, spatial, zeros), pads 0)  -> AvgPool, count_include_pad
// The IR node is emitted at the last node of the run, whose name and output
// value it takes.
#include <functional>
#include <map>
#include <vector>

#include "io/onnx_import_ops.h"

namespace whittle::onnx_io {

struct Pattern {
  std::vector<int> absorbed;                        // the other nodes of the run
  std::function<Node(const ImportContext&)> build;  // IR node; caller sets name and output
};

// Patterns keyed by the index of their last node. No node is in two patterns.
std::map<int, Pattern> find_patterns(const onnx::GraphProto& graph, const ImportContext& ctx);

}  // namespace whittle::onnx_io
