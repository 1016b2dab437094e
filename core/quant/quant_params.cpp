#include "quant/quant_params.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>

#include "graph/error.h"

namespace whittle {

ActivationQuant affine_uint8(float lo, float hi) {
  if (!std::isfinite(lo) || !std::isfinite(hi) || lo > hi)
    throw Error("quantization: bad activation range [" + std::to_string(lo) + ", " +
                std::to_string(hi) + "]");
  ActivationQuant q;
  q.lo = std::min(lo, 0.0f);
  q.hi = std::max(hi, 0.0f);
  const double width = std::max(static_cast<double>(q.hi) - q.lo, 1e-8);
  q.scale = width / 255.0;
  q.zero_point = std::clamp<int64_t>(std::llround(-q.lo / q.scale), 0, 255);
  return q;
}

at::Tensor symmetric_int8_scales(const at::Tensor& weight) {
  if (weight.dim() < 1 || weight.size(0) == 0) throw Error("quantization: weight has no output channels");
  at::Tensor m = weight.detach().to(at::kDouble).abs().reshape({weight.size(0), -1}).amax(1);
  return at::where(m > 0, m / 127.0, at::ones_like(m));
}

at::Tensor quantize_weight_int8(const at::Tensor& weight) {
  const at::Tensor scales = symmetric_int8_scales(weight);
  return at::quantize_per_channel(weight.detach().to(at::kFloat).contiguous(), scales,
                                  at::zeros({weight.size(0)}, at::kLong), 0, at::kQInt8);
}

}  // namespace whittle
