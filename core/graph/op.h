#pragma once
// The operator set of Whittle's graph IR.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace whittle {

enum class Op {
  Conv2d,         // weights: weight [O, I/groups, kH, kW], bias [O] (optional)
  BatchNorm2d,    // weights: weight, bias, running_mean, running_var [C]
  ReLU,
  ReLU6,
  LeakyReLU,      // attr alpha
  SiLU,
  Sigmoid,
  Hardswish,
  MaxPool2d,      // attrs kernel, stride, padding, ceil_mode
  AvgPool2d,      // attrs kernel, stride, padding, ceil_mode, count_include_pad
  GlobalAvgPool,
  Add,            // elementwise, same shapes
  Mul,            // elementwise, same shapes or broadcast of [N,C,1,1]
  Concat,         // channel axis (1)
  Upsample,       // nearest; attr scale (int) or size [H, W]
  L2Norm,         // x / ||x||_2 over channels * weight[C] (SSD conv4_3)
  Flatten,        // [N, C, H, W] -> [N, C*H*W]
  Linear,         // weights: weight [O, I], bias [O] (optional)
  Identity,
};

// Every op, in declaration order.
const std::vector<Op>& all_ops();
// Canonical name used in dumps and errors ("Conv", "BatchNorm", ...).
std::string_view op_name(Op op);
std::optional<Op> op_from_name(std::string_view name);

// Pointwise activations: ReLU, ReLU6, LeakyReLU, SiLU, Sigmoid, Hardswish.
bool is_activation(Op op);

// Ops that keep the channel count and spatial size of their single input.
bool is_elementwise_unary(Op op);

}  // namespace whittle
