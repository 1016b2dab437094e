#include "runtime/node_ops.h"

#include <ATen/ATen.h>
#include <ATen/Context.h>

#include "graph/error.h"

namespace whittle {
namespace {


std::vector<int64_t> pair(const Node& node, const char* key, int64_t fallback) {
  return node.attrs.get_pair(key, fallback);
}

at::Tensor execute(const Node& n, const std::vector<at::Tensor>& x, const NodeExecution& how) {
  // Conv2d and Linear: the replacement weight when given.
  auto weight = [&]() -> const at::Tensor& { return how.weight.defined() ? how.weight : n.weight("weight"); };
  const bool inplace = how.in_place;
  switch (n.op) {
    case Op::Conv2d: {
      at::Tensor bias = n.has_weight("bias") ? n.weight("bias") : at::Tensor();
      if (!how.training)
        return inference_conv2d(x[0], weight(), bias, pair(n, "stride", 1), pair(n, "padding", 0),
                                pair(n, "dilation", 1), n.attrs.get_int("groups", 1));
      return at::conv2d(x[0], weight(), bias, pair(n, "stride", 1), pair(n, "padding", 0),
                        pair(n, "dilation", 1), n.attrs.get_int("groups", 1));
    }
    case Op::BatchNorm2d:
      return at::batch_norm(x[0], n.weight("weight"), n.weight("bias"), n.weight("running_mean"),
                            n.weight("running_var"), how.training,
                            n.attrs.get_float("momentum", 0.1), n.attrs.get_float("eps", 1e-5),
                            false);
    // In place: through a second handle to inputs[0]'s storage.
    case Op::ReLU: {
      at::Tensor t = x[0];
      return inplace ? at::relu_(t) : at::relu(t);
    }
    case Op::ReLU6: {
      at::Tensor t = x[0];
      return inplace ? at::hardtanh_(t, 0.0, 6.0) : at::hardtanh(t, 0.0, 6.0);
    }
    case Op::LeakyReLU: {
      at::Tensor t = x[0];
      double alpha = n.attrs.get_float("alpha", 0.01);
      return inplace ? at::leaky_relu_(t, alpha) : at::leaky_relu(t, alpha);
    }
    case Op::SiLU: {
      at::Tensor t = x[0];
      return inplace ? at::silu_(t) : at::silu(t);
    }
    case Op::Sigmoid: {
      at::Tensor t = x[0];
      return inplace ? at::sigmoid_(t) : at::sigmoid(t);
    }
    case Op::Hardswish: {
      at::Tensor t = x[0];
      return inplace ? at::hardswish_(t) : at::hardswish(t);
    }
    case Op::MaxPool2d: {
      auto kernel = pair(n, "kernel", 1);
      auto stride = n.attrs.has("stride") ? pair(n, "stride", 1) : kernel;
      return at::max_pool2d(x[0], kernel, stride, pair(n, "padding", 0), {1, 1},
                            n.attrs.get_int("ceil_mode", 0) != 0);
    }
    case Op::AvgPool2d: {
      auto kernel = pair(n, "kernel", 1);
      auto stride = n.attrs.has("stride") ? pair(n, "stride", 1) : kernel;
      return at::avg_pool2d(x[0], kernel, stride, pair(n, "padding", 0),
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
        size = pair(n, "size", 1);
      } else {
        int64_t s = n.attrs.get_int("scale", 1);
        size = {x[0].size(2) * s, x[0].size(3) * s};
      }
      return at::upsample_nearest2d(x[0], size);
    }
    case Op::L2Norm: {
      // torchvision SSD: weight.view(1, C, 1, 1) * x / max(||x||_2 over C, eps)
      double eps = n.attrs.get_float("eps", 1e-10);
      at::Tensor norm = x[0].norm(2, {1}, /*keepdim=*/true).clamp_min(eps);
      return x[0] / norm * n.weight("weight").view({1, -1, 1, 1});
    }
    case Op::Flatten:
      return x[0].flatten(1);
    case Op::Linear: {
      at::Tensor bias = n.has_weight("bias") ? n.weight("bias") : at::Tensor();
      return at::linear(x[0], weight(), bias);
    }
    case Op::Identity:
      return x[0];
  }
  throw Error(n.label() + " has an unknown op");
}

}  // namespace

at::Tensor inference_conv2d(const at::Tensor& input, const at::Tensor& weight, const at::Tensor& bias,
                            const std::vector<int64_t>& stride, const std::vector<int64_t>& padding,
                            const std::vector<int64_t>& dilation, int64_t groups) {
  // at::conv2d sends a batch-1 conv with a kernel of at most 3x3 and an input
  // of at most 20,480 values to its im2col path (_slow_conv2d_forward), which
  // works in NCHW: each such conv of a channels-last graph then pays layout
  // copies, and pruning pushes more convs under the threshold (21 of
  // MobileNetV1-SSD w0.5's 47 convs at 192, 29 after a 70 % MAC cut; its
  // network took 8.6 ms at 2 threads, 5.0-5.3 ms with every conv on oneDNN,
  // BENCHMARKS.md).
  // A tensor contiguous in both layouts (1x1 maps) stays with at::conv2d.
  static const bool onednn = at::hasMKLDNN();
  if (onednn && !at::GradMode::is_enabled() && input.device().is_cpu() && input.scalar_type() == at::kFloat &&
      input.dim() == 4 && input.is_contiguous(at::MemoryFormat::ChannelsLast) && !input.is_contiguous())
    return at::mkldnn_convolution(input, weight, bias, padding, stride, dilation, groups);
  return at::conv2d(input, weight, bias, stride, padding, dilation, groups);
}

at::Tensor execute_node(const Node& node, const std::vector<at::Tensor>& inputs,
                        const NodeExecution& how) {
  try {
    return execute(node, inputs, how);
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw Error(node.label() + " failed: " + first_line(e));
  }
}

}  // namespace whittle
