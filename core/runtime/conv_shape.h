#pragma once
// A 2-D convolution's shape as its weight and attributes give it, shared by
// the inference conv kernels (inference_conv.h, onednn_conv.h).
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <utility>
#include <vector>

namespace whittle {

struct ConvShape {
  std::vector<int64_t> stride, padding, dilation;
  int64_t groups = 1, in = 0, out = 0, kh = 1, kw = 1;

  ConvShape() = default;
  // weight [out, in / groups, kH, kW].
  ConvShape(const at::Tensor& weight, std::vector<int64_t> stride_, std::vector<int64_t> padding_,
            std::vector<int64_t> dilation_, int64_t groups_)
      : stride(std::move(stride_)),
        padding(std::move(padding_)),
        dilation(std::move(dilation_)),
        groups(groups_),
        in(weight.size(1) * groups_),
        out(weight.size(0)),
        kh(weight.size(2)),
        kw(weight.size(3)) {}
};

}  // namespace whittle
