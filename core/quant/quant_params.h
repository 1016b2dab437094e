#pragma once
// What int8 execution needs besides the graph, shared by calibration
// (calibrate.h), the int8 runner (int8_runner.h) and the int8 exporters.
//
// A quantized model is a BN-folded fp32 Graph plus a QuantSpec:
//  - weights: per-output-channel symmetric int8, scale = max|w| / 127 per
//    channel (zero point 0), derived from the graph's fp32 weights when the
//    model is run or exported (so a graph whose weights are already q * scale
//    quantizes back to the same integers);
//  - activations: per-tensor affine uint8 on the values named in the spec,
//    q = clamp(round(x / scale) + zero_point, 0, 255);
//  - nodes named in fp32_nodes run in fp32 (dequantize -> op -> quantize).
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <map>
#include <set>
#include <string>

#include "graph/graph.h"

namespace whittle {

struct ActivationQuant {
  double scale = 1.0;
  int64_t zero_point = 0;  // 0..255
  float lo = 0, hi = 0;    // the range the parameters represent (lo <= 0 <= hi)
};

struct QuantSpec {
  std::map<std::string, ActivationQuant> activations;  // value name -> uint8 parameters
  std::set<std::string> fp32_nodes;                    // node names kept in fp32
  std::string observer;                                // "minmax", ... (informative)
  int calibration_images = 0;
};

struct QuantizedGraph {
  Graph graph;  // BatchNorm folded, fp32 weights
  QuantSpec spec;
};

// uint8 affine parameters for the range [lo, hi], widened to contain 0 (so
// zero is exact, as padding needs) and to a minimum width of 1e-8.
ActivationQuant affine_uint8(float lo, float hi);

// Per-output-channel symmetric int8 scales of a weight [O, ...]: max|w| / 127
// over each channel (a channel of zeros gets scale 1). Double, shape [O].
at::Tensor symmetric_int8_scales(const at::Tensor& weight);

// The weight as a per-channel qint8 tensor (axis 0) with those scales.
at::Tensor quantize_weight_int8(const at::Tensor& weight);

}  // namespace whittle
