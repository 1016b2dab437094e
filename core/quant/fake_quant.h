#pragma once
// An fp32 simulation of int8 execution, the reference for Int8Runner's tests
// and the forward pass of quantization-aware training. It follows the same
// plan (int8_plan.h) as Int8Runner and replaces each quantization point with
// quantize-dequantize:
//  - weights of int8 Conv2d / Linear: per-channel symmetric int8 (scales from
//    symmetric_int8_scales, recomputed from the current weights each run);
//  - every value Int8Runner stores as quint8: per-tensor affine uint8 with
//    the same parameters (a fused conv's output is not quantized, its ReLU's
//    is; pools keep their input's parameters).
// fp32 nodes run on the fake-quantized values as Int8Runner's do. The ops are
// at::fake_quantize_per_tensor_affine / per_channel_affine, whose gradient is
// straight-through (1 inside the range, 0 outside), and the runner reads the
// graph's own weight tensors, shared with the caller's QuantizedGraph: with
// requires_grad set on them, a run builds the autograd graph QAT needs.
#include <ATen/core/Tensor.h>

#include <string>
#include <vector>

#include "quant/int8_plan.h"
#include "quant/quant_params.h"
#include "runtime/runner.h"

namespace whittle {

// q = clamp(round(x / scale) + zero_point, 0, 255); returns (q - zero_point) * scale.
at::Tensor fake_quantize_activation(const at::Tensor& x, const ActivationQuant& q);
// Per-output-channel (axis 0) symmetric int8: quantize_weight_int8(w).dequantize().
at::Tensor fake_quantize_weight(const at::Tensor& weight);

class FakeQuantRunner : public GraphExecutor {
 public:
  // Throws as plan_int8 does.
  explicit FakeQuantRunner(const QuantizedGraph& model);

  // Graph outputs and each value in `extra` (any value, also one Int8Runner
  // fuses away: here it is the conv's unquantized fp32 output), fp32, NCHW.
  TensorMap run(const TensorMap& inputs, const std::vector<std::string>& extra = {}) override;

  const Int8Plan& plan() const { return plan_; }
  const Graph& graph() const override { return graph_; }

 private:
  Graph graph_;  // shares weight tensors with the model given
  Int8Plan plan_;
};

}  // namespace whittle
