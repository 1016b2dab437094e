#pragma once
// An fp32 inference convolution on oneDNN's own API: one primitive per input
// shape, made on the first input of that shape with the weights reordered
// once into the layout the primitive prefers, then only executed.
//
// Why not at::mkldnn_convolution: LibTorch's call wraps every run in ideep
// (descriptors, a primitive-cache lookup, weights passed in channels-last
// rather than the kernel's blocked layout), which on the 2-vCPU machines here
// costs 15-20 us a call whatever the conv's size. The same oneDNN kernels
// called directly (bench/bench_node_profile, "onednn-direct") take 5 us for
// a 27 -> 47 3x3 conv on a 3x3 map (ATen: 25 us) and 13 us for a 121 -> 114
// 1x1 on 12x12 (44 us). A pruned MobileNet is mostly such calls.
//
// Input: 4-D float CPU, channels-last. Output: channels-last, with the
// clamp [lo, hi] applied inside the kernel (ReLU: [0, inf]; ReLU6: [0, 6];
// none: [-inf, inf]). Threads: oneDNN's OpenMP, the pool LibTorch uses.
// Thread-safe; the scratchpad is allocated per call.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace whittle {

class OneDnnConv {
 public:
  // weight [out, in / groups, kH, kW] float (any layout), bias [out] or undefined.
  OneDnnConv(const at::Tensor& weight, const at::Tensor& bias, std::vector<int64_t> stride,
             std::vector<int64_t> padding, std::vector<int64_t> dilation, int64_t groups);
  ~OneDnnConv();
  OneDnnConv(OneDnnConv&&) noexcept;
  OneDnnConv& operator=(OneDnnConv&&) noexcept;

  at::Tensor run(const at::Tensor& input, float lo, float hi) const;
  // oneDNN's name for the kernel that runs inputs of this shape (e.g.
  // "brgconv_1x1:avx512_core"); makes the primitive if needed.
  std::string implementation(const at::Tensor& input, float lo, float hi) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace whittle
