#pragma once
// One fp32 inference convolution with its weights prepared once, run by the
// fastest of up to four kernels, chosen by timing them on the first input of
// each shape (in the process):
//   OneDnn     inference_conv2d (node_ops.h): LibTorch's oneDNN call
//   OneDnnDirect  oneDNN's own API, a primitive per input shape with the
//              weights reordered once (onednn_conv.h): the same kernels
//              without LibTorch's per-call cost
//   Gemm       groups = 1, at most 2^21 MACs: the channels-last input as a
//              matrix (1x1, stride 1, no padding) or its im2col, times the
//              [k*k*in, out] weights (at::addmm, OpenBLAS)
//   Depthwise  groups = in = out: a direct loop over the channels-last map
// Why: each LibTorch oneDNN call costs 15-30 us whatever its size on the
// 2-vCPU machines here, which is most of a pruned MobileNet's small convs (an
// 8 -> 8-channel 1x1 conv on a 6x6 map: oneDNN 16-19 us, Gemm 3.7 us).
// WHITTLE_CONV_KERNELS (e.g. "gemm,depthwise") limits the kernels tuning
// may choose besides OneDnn (for A/B measurements; unset: all).
// After tuning, only the chosen kernels' prepared weights are kept. The
// Runner and the latency table (prune/) both run convs through this, so the
// table measures what the Runner runs.
//
// The choice is the process's: every InferenceConv of the same shape on an
// input of the same shape at the same thread count runs the kernel the first
// one chose (two runners of one model give bit-identical outputs).
//
// Input: 4-D float, channels-last ([N, C, H, W] with NHWC strides) for the
// OneDnnDirect, Gemm and Depthwise kernels; any other input goes to OneDnn's
// function.
// Output: channels-last, as inference_conv2d's. The kernels agree to float
// rounding (tests/runtime/inference_conv_test.cpp).
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

namespace whittle {

enum class ConvKernel { OneDnn, OneDnnDirect, Gemm, Depthwise };

// An activation applied to the conv's output as part of it (the Runner
// fuses a ReLU or ReLU6 that is a conv's only reader): inside the
// depthwise loop, on the GEMM's output while it is in cache, as a post-op of
// the direct oneDNN primitive, in place after LibTorch's oneDNN call.
enum class ConvActivation { None, ReLU, ReLU6 };

struct InferenceConvOptions {
  // Choose by timing (default); otherwise always this kernel when it
  // applies (OneDnn otherwise).
  bool tune = true;
  ConvKernel kernel = ConvKernel::OneDnn;
  int tune_runs = 9;  // timed calls per candidate, interleaved (the fastest counts), after one warm-up
};

class InferenceConv {
 public:
  // weight [out, in / groups, kH, kW] (any layout), bias [out] or undefined.
  InferenceConv(const at::Tensor& weight, const at::Tensor& bias, std::vector<int64_t> stride,
                std::vector<int64_t> padding, std::vector<int64_t> dilation, int64_t groups,
                InferenceConvOptions options = {});
  ~InferenceConv();
  InferenceConv(InferenceConv&&) noexcept;
  InferenceConv& operator=(InferenceConv&&) noexcept;

  at::Tensor run(const at::Tensor& input, ConvActivation activation = ConvActivation::None);

  // The kernels that apply to this conv (OneDnn always; the others need float weights).
  std::vector<ConvKernel> candidates() const;
  // The kernel chosen for inputs of this shape, after a run on one.
  ConvKernel chosen(const at::Tensor& input) const;
  // Runs one kernel, whatever was chosen (it must apply).
  at::Tensor run_with(ConvKernel kernel, const at::Tensor& input,
                      ConvActivation activation = ConvActivation::None) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

const char* conv_kernel_name(ConvKernel kernel);

}  // namespace whittle
