#pragma once
// ONNX import: loads Whittle's own model files and common ONNX from other
// tools (PyTorch, ...) into the graph IR. The inverse of onnx_export.h:
// save_onnx then load_onnx gives the same graph (dump_graph), metadata and
// bit-identical weights.
//
// Accepted: the ops onnx_export writes and the multi-node runs it writes
// (listed in onnx_import_patterns.h), HardSwish, LpNormalization (* weight),
// Clip(0, 6) with min/max inputs or (opset < 11) attributes, Dropout
// (-> Identity), Gemm with or without transB, Reshape to [N,-1] / [0,-1]
// (-> Flatten), Constant nodes, initializers as raw_data or float_data, a
// symbolic batch dimension (read as 1), Cast(to=FLOAT) of a FLOAT16 or FLOAT
// constant (folded into an fp32 weight: onnx_export's fp16_weights files). Anything else throws whittle::Error
// naming the file and the node: "model.onnx: (Foo node_3) unsupported ONNX op 'Foo'".
// Int8 files (QuantizeLinear/DequantizeLinear or QLinear* nodes) are refused
// with an error that says so: load_qdq_onnx (io/onnx_int8.h) reads them.
#include <string>

#include "graph/graph.h"

namespace whittle {

// `origin` names the source in error messages (usually the file name).
Graph from_onnx_bytes(const std::string& bytes, const std::string& origin);

Graph load_onnx(const std::string& path);

}  // namespace whittle
