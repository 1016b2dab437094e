#include "quant/fp32_node.h"

#include <ATen/ATen.h>

#include "graph/error.h"

namespace whittle {
namespace {

at::Tensor execute(const Node& n, const std::vector<at::Tensor>& x, const at::Tensor& weight) {
  auto pair = [&](const char* key, int64_t fallback) { return n.attrs.get_pair(key, fallback); };
  // Conv and Linear: the replacement weight when given.
  auto w = [&]() -> const at::Tensor& { return weight.defined() ? weight : n.weight("weight"); };
  switch (n.op) {
    case Op::Conv2d: {
      at::Tensor bias = n.has_weight("bias") ? n.weight("bias") : at::Tensor();
      return at::conv2d(x[0], w(), bias, pair("stride", 1),
                        pair("padding", 0), pair("dilation", 1), n.attrs.get_int("groups", 1));
    }
    case Op::BatchNorm2d:
      return at::batch_norm(x[0], n.weight("weight"), n.weight("bias"), n.weight("running_mean"),
                            n.weight("running_var"), /*training=*/false, 0.0,
                            n.attrs.get_float("eps", 1e-5), false);
    case Op::ReLU:
      return at::relu(x[0]);
    case Op::ReLU6:
      return at::hardtanh(x[0], 0.0, 6.0);
    case Op::LeakyReLU:
      return at::leaky_relu(x[0], n.attrs.get_float("alpha", 0.01));
    case Op::SiLU:
      return at::silu(x[0]);
    case Op::Sigmoid:
      return at::sigmoid(x[0]);
    case Op::Hardswish:
      return at::hardswish(x[0]);
    case Op::MaxPool2d: {
      auto kernel = pair("kernel", 1);
      auto stride = n.attrs.has("stride") ? pair("stride", 1) : kernel;
      return at::max_pool2d(x[0], kernel, stride, pair("padding", 0), {1, 1},
                            n.attrs.get_int("ceil_mode", 0) != 0);
    }
    case Op::AvgPool2d: {
      auto kernel = pair("kernel", 1);
      auto stride = n.attrs.has("stride") ? pair("stride", 1) : kernel;
      return at::avg_pool2d(x[0], kernel, stride, pair("padding", 0),
                            n.attrs.get_int("ceil_mode", 0) != 0,
                            n.attrs.get_int("count_include_pad", 1) != 0);
    }
    case Op::GlobalAvgPool:
      return x[0].mean({2, 3}, /*keepdim=*/true);
    case Op::Add:
      return at::add(x[0], x[1]);
    case Op::Mul:
      return at::mul(x[0], x[1]);
    case Op::Concat:
      return at::cat(x, 1);
    case Op::Upsample: {
      std::vector<int64_t> size;
      if (n.attrs.has("size")) {
        size = pair("size", 1);
      } else {
        int64_t s = n.attrs.get_int("scale", 1);
        size = {x[0].size(2) * s, x[0].size(3) * s};
      }
      return at::upsample_nearest2d(x[0], size);
    }
    case Op::L2Norm: {
      // torchvision SSD: weight.view(1, C, 1, 1) * x / max(||x||_2 over C, eps)
      at::Tensor norm = x[0].norm(2, {1}, /*keepdim=*/true).clamp_min(n.attrs.get_float("eps", 1e-10));
      return x[0] / norm * n.weight("weight").view({1, -1, 1, 1});
    }
    case Op::Flatten:
      return x[0].flatten(1);
    case Op::Linear: {
      at::Tensor bias = n.has_weight("bias") ? n.weight("bias") : at::Tensor();
      return at::linear(x[0], w(), bias);
    }
    case Op::Identity:
      return x[0];
  }
  throw Error(n.label() + " has an unknown op");
}

// First line of a LibTorch error (the rest is a C++ backtrace).
std::string first_line(const std::exception& e) {
  std::string what = e.what();
  auto end = what.find('\n');
  return end == std::string::npos ? what : what.substr(0, end);
}

}  // namespace

at::Tensor run_node_fp32(const Node& node, const std::vector<at::Tensor>& inputs,
                         const at::Tensor& weight) {
  try {
    return execute(node, inputs, weight);
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw Error(node.label() + " failed: " + first_line(e));
  }
}

}  // namespace whittle
