#include "graph/op.h"

#include <array>
#include <utility>

namespace whittle {
namespace {

constexpr std::array<std::pair<Op, std::string_view>, 19> kNames{{
    {Op::Conv2d, "Conv"},
    {Op::BatchNorm2d, "BatchNorm"},
    {Op::ReLU, "ReLU"},
    {Op::ReLU6, "ReLU6"},
    {Op::LeakyReLU, "LeakyReLU"},
    {Op::SiLU, "SiLU"},
    {Op::Sigmoid, "Sigmoid"},
    {Op::Hardswish, "Hardswish"},
    {Op::MaxPool2d, "MaxPool"},
    {Op::AvgPool2d, "AvgPool"},
    {Op::GlobalAvgPool, "GlobalAvgPool"},
    {Op::Add, "Add"},
    {Op::Mul, "Mul"},
    {Op::Concat, "Concat"},
    {Op::Upsample, "Upsample"},
    {Op::L2Norm, "L2Norm"},
    {Op::Flatten, "Flatten"},
    {Op::Linear, "Linear"},
    {Op::Identity, "Identity"},
}};

}  // namespace

const std::vector<Op>& all_ops() {
  static const std::vector<Op> ops = [] {
    std::vector<Op> v;
    for (const auto& [op, name] : kNames) v.push_back(op);
    return v;
  }();
  return ops;
}

std::string_view op_name(Op op) {
  for (const auto& [o, name] : kNames)
    if (o == op) return name;
  return "?";
}

std::optional<Op> op_from_name(std::string_view name) {
  for (const auto& [o, n] : kNames)
    if (n == name) return o;
  return std::nullopt;
}

bool is_activation(Op op) {
  switch (op) {
    case Op::ReLU:
    case Op::ReLU6:
    case Op::LeakyReLU:
    case Op::SiLU:
    case Op::Sigmoid:
    case Op::Hardswish:
      return true;
    default:
      return false;
  }
}

bool is_elementwise_unary(Op op) {
  return is_activation(op) || op == Op::BatchNorm2d || op == Op::L2Norm || op == Op::Identity;
}

}  // namespace whittle
