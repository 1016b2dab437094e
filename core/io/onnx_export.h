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
//
// fp16 weights (OnnxExportOptions::fp16_weights, `export --format onnx-fp16`):
// every node weight (Conv/Linear weight and bias, BatchNorm's four tensors,
// L2Norm's scale) is stored as a FLOAT16 raw_data initializer "<name>.fp16"
// followed by a Cast(to=FLOAT) node whose name and output are the fp32 name
// "<name>", so the graph computes in fp32 on every runtime from half-precision
// weights and the file is about half the size. Cast, not FLOAT16 compute: a
// Conv with FLOAT16 weights would need FLOAT16 inputs and activations, which
// OpenCV's CPU backend does not run. A tensor with a value beyond fp16's range
// (|w| > 65504) stays FLOAT. Structural constants (ReLU6's 6, L2Norm's eps,
// Resize scales) stay FLOAT. load_onnx folds the Casts back (weights are the
// fp16 values, widened exactly: round_weights_to_fp16's graph).
// OpenCV DNN 4.6 reads no FLOAT16 tensor at all ("Unsupported data type:
// FLOAT16 in function 'getMatFromTensor'"; 4.7 widens them on load): run such a
// file in 4.6 after widen_fp16_initializers. The default export is unchanged.
#include <string>

#include "graph/graph.h"

namespace whittle {

struct OnnxExportOptions {
  // Weights as FLOAT16 initializers + Cast(to=FLOAT), see above.
  bool fp16_weights = false;
};

// Validates the graph and serialises it. Throws whittle::Error.
std::string to_onnx_bytes(const Graph& graph);
std::string to_onnx_bytes(const Graph& graph, const OnnxExportOptions& options);

// to_onnx_bytes, written atomically (temp file in the same folder, then
// rename): on failure the old file at `path` is left intact. Errors name `path`.
void save_onnx(const Graph& graph, const std::string& path);
void save_onnx(const Graph& graph, const std::string& path, const OnnxExportOptions& options);

// The graph an fp16_weights export stores: a copy whose weights are rounded to
// fp16 (round to nearest even) and back to fp32, except tensors fp16 cannot
// hold (|w| > 65504, or not finite). load_onnx of that export gives exactly
// these weights, so both compute the same outputs.
Graph round_weights_to_fp16(const Graph& graph);

// Whether a weight tensor is stored as FLOAT16 by an fp16_weights export.
bool fits_fp16(const at::Tensor& weight);

// An ONNX model with every FLOAT16 initializer rewritten as the FLOAT
// initializer of the same name and values (exact), everything else as it was
// (the Cast(to=FLOAT) nodes stay: a Cast of a FLOAT constant is a no-op). What
// OpenCV >= 4.7 does on load; lets OpenCV DNN 4.6 run an fp16_weights file.
// Throws whittle::Error when the bytes are not an ONNX model.
std::string widen_fp16_initializers(const std::string& onnx_bytes);

}  // namespace whittle
