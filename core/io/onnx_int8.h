#pragma once
// Int8 ONNX files of a QuantizedGraph (quant/quant_params.h).
//
// 1. Whittle's own int8 model file: QDQ ONNX (opset 13), read back by
//    load_qdq_onnx. The fp32 form of onnx_export.h with
//     - every Conv2d / Linear that the int8 plan (quant/int8_plan.h) runs in
//       int8 reading its weight through DequantizeLinear: INT8 initializer
//       "<weight>_quantized", per-output-channel FLOAT "<weight>_scale" and
//       INT8 zeros "<weight>_zero_point", axis 0; the bias stays fp32;
//     - a QuantizeLinear -> DequantizeLinear pair (uint8, per tensor) on each
//       value the plan stores quantized: the graph input, every int8 node's
//       result (pools, upsample and flatten with their input's parameters,
//       as the plan says), an fp32 node's result that an int8 node reads:
//         v -> QuantizeLinear -> "v_quantized" -> DequantizeLinear -> "v_dequantized"
//       and the readers of v read "v_dequantized". For a graph output the
//       DequantizeLinear writes the output's own name and the producer writes
//       "v_prequant". A value fused away (a conv feeding its ReLU) has none;
//     - fp32 nodes (QuantSpec::fp32_nodes, ops without an int8 kernel) plain,
//       fp32 weights;
//     - metadata_props: Graph::metadata plus the spec, exactly (doubles):
//       whittle.quant.format "qdq", whittle.quant.observer,
//       whittle.quant.calibration_images, whittle.quant.fp32_nodes (JSON
//       list), whittle.quant.activations (JSON: value -> [scale, zero_point,
//       lo, hi], every entry of the spec).
//    Loading gives back the same QuantizedGraph: graph (dump, metadata) and
//    spec equal, int8 weights dequantized so that quantize_weight_int8 gives
//    the same integers and the same float scales, hence Int8Runner outputs
//    bit-identical before and after a save/load. (The fp32 weights are
//    q * scale, with the channel's largest |w| picked so that its scale
//    max|w| / 127 rounds to the stored float scale.)
//
// 2. QOperator ONNX for OpenCV DNN 4.6 (save_qop_onnx), which cannot run
//    QDQ weights at int8 speed: QuantizeLinear at the input, QLinearConv
//    (int8 per-channel weights, INT32 bias = round(b / (x_scale * w_scale))),
//    com.microsoft QLinearAdd / QLinearMul / QLinearConcat /
//    QLinearAveragePool / QLinearGlobalAveragePool / QLinearLeakyRelu /
//    QLinearSigmoid, MaxPool / Resize / Reshape on uint8 tensors,
//    DequantizeLinear at the outputs and around fp32 nodes. Tensor names as
//    onnxruntime writes them, which is what OpenCV keys on: a uint8 tensor
//    "X_quantized" has initializers "X_scale" and "X_zero_point". Linear is
//    written as a 1x1 QLinearConv between two Reshapes (OpenCV 4.6's
//    QLinearMatMul has no bias); ops OpenCV 4.6 has no int8 layer for
//    (ReLU6 and Hardswish unfused, AvgPool with padding: its int8 average
//    counts padding wrongly) run in fp32 between DequantizeLinear and
//    QuantizeLinear. Write-only: Whittle does not read QOperator files.
//    A fused ReLU needs nothing: a zero point of 0 makes uint8 saturation
//    the ReLU; otherwise a QLinearLeakyRelu(alpha 0) follows.
#include <ATen/core/Tensor.h>

#include <string>
#include <vector>

#include "quant/int8_plan.h"
#include "quant/quant_params.h"

namespace whittle {

// ------------------------------------------------------------ QDQ ----

// Throws whittle::Error naming the node when the spec lacks a value the plan
// needs (plan_int8), or when Graph::metadata already has whittle.quant.* keys.
std::string to_qdq_onnx_bytes(const QuantizedGraph& model);
// Written atomically; errors name `path`.
void save_qdq_onnx(const QuantizedGraph& model, const std::string& path);

// Whether the ONNX model has QuantizeLinear / DequantizeLinear nodes or the
// metadata whittle.quant.format "qdq" (a QDQ int8 model; a model whose nodes
// all stay fp32 has only the latter). False for bytes that are not ONNX. The path form throws
// (naming the file) when it cannot be read.
bool is_qdq_onnx_bytes(const std::string& bytes);
bool is_qdq_onnx(const std::string& path);

// Reads a QDQ file written by save_qdq_onnx (or a QDQ file of that shape
// from another tool: the spec then comes from the QuantizeLinear parameters).
// Errors name `origin` / the file and the node: an fp32 model ("not an int8
// model ... quantize it first"), a QOperator model, a quantized tensor read
// by something other than DequantizeLinear, int8 activations, weights with a
// non-zero zero point.
QuantizedGraph qdq_onnx_from_bytes(const std::string& bytes, const std::string& origin);
QuantizedGraph load_qdq_onnx(const std::string& path);

// ------------------------------------------------------ QOperator ----

std::string to_qop_onnx_bytes(const QuantizedGraph& model);
void save_qop_onnx(const QuantizedGraph& model, const std::string& path);

// --------------------------------------------------------- checks ----

// How far a written int8 file's outputs are from the Int8Runner's.
struct Int8Comparison {
  std::string engine;                // "OpenCV DNN (int8)", "Whittle QDQ reload"
  std::vector<std::string> outputs;  // graph output names, in order
  std::vector<double> max_abs_diff;  // per output
  // Per output: max_abs_diff in units of the output's quantization step (the
  // scale the plan stores it with; for an fp32 output, the spec's scale for
  // it, else its reference range / 255).
  std::vector<double> max_steps;
  std::vector<double> max_abs_ref;  // per output: max |Int8Runner output|
  double max_abs = 0;               // over every output
  double max_rel = 0;               // max_abs / the largest max_abs_ref
  double max_step_diff = 0;         // max of max_steps
  bool identical = true;            // every output bit-identical
  bool within_steps(double steps) const { return max_step_diff <= steps; }
};

// The quantization step of graph output `out` (Int8Comparison::max_steps):
// the scale `plan` stores it with, else the spec's scale for it, else
// (ref_hi - ref_lo) / 255 over the reference values seen (1 when empty).
double int8_output_step(const QuantizedGraph& model, const Int8Plan& plan, const std::string& out,
                        double ref_lo, double ref_hi);

// Compares `got` (one tensor per graph output, in order) with the
// Int8Runner's outputs for `inputs` (one float tensor per graph input).
// Throws whittle::Error naming the output when the counts or shapes differ.
Int8Comparison compare_with_int8_runner(const QuantizedGraph& model,
                                        const std::vector<at::Tensor>& inputs,
                                        const std::vector<at::Tensor>& got,
                                        const std::string& engine);

// Runs the QOperator file at `path` in OpenCV DNN (OpenCV backend, CPU) on
// `inputs` and compares it with the Int8Runner on `model`. OpenCV's int8
// kernels round differently (and shift uint8 to int8), so a few quantization
// steps apart is expected. Errors name `path`.
Int8Comparison verify_qop_in_opencv(const QuantizedGraph& model, const std::string& path,
                                    const std::vector<at::Tensor>& inputs);

// Loads the QDQ file at `path` with load_qdq_onnx and compares the
// Int8Runner on it with the Int8Runner on `model` (expected: identical).
Int8Comparison verify_qdq_reload(const QuantizedGraph& model, const std::string& path,
                                 const std::vector<at::Tensor>& inputs);

}  // namespace whittle
