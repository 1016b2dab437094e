#pragma once
// ONNX export: Whittle's model file format. Writes opset 13 (default domain),
// producer "whittle", weights as float32 raw_data initializers named
// "<node>.<weight>", node and value names as in the IR, graph inputs and
// outputs with their shapes, and Graph::metadata as metadata_props.
//
// Ops without a one-node ONNX twin that OpenCV DNN 4.6 also reads are written
// as short runs of nodes that load_onnx (onnx_import.h) fuses back; the last
// node keeps the IR node's name and output value, helpers are "<node>/...":
//   SiLU      = Sigmoid(x) * x
//   Hardswish = HardSigmoid(x, 1/6, 0.5) * x
//   ReLU6     = HardSigmoid(x, 1/6, 0) * 6      (OpenCV 4.6 reads no opset-11 Clip)
//   L2Norm    = x / Expand(Clip(ReduceL2(x, [1]), eps), Shape(x)) * weight[1,C,1,1]
//               (PyTorch's F.normalize; OpenCV 4.6 has no LpNormalization)
//   AvgPool with count_include_pad and padding = Pad(zeros) + AveragePool
//               (OpenCV 4.6 ignores count_include_pad)
#include <string>

#include "graph/graph.h"

namespace whittle {

// Validates the graph and serialises it. Throws whittle::Error.
std::string to_onnx_bytes(const Graph& graph);

// to_onnx_bytes, written atomically (temp file in the same folder, then
// rename): on failure the old file at `path` is left intact. Errors name `path`.
void save_onnx(const Graph& graph, const std::string& path);

}  // namespace whittle
