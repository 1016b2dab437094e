#include "io/onnx_import_ops.h"

#include <ATen/ATen.h>

#include <cmath>
#include <limits>

#include "graph/error.h"
#include "io/onnx_common.h"

namespace whittle::onnx_io {

const onnx::TensorProto* ImportContext::constant(const std::string& name) const {
  auto it = constants.find(name);
  return it == constants.end() ? nullptr : it->second;
}

const Shape& ImportContext::shape(const std::string& value, const std::string& where) const {
  auto it = shapes.find(value);
  if (it != shapes.end()) return it->second;
  if (constant(value))
    throw Error(where + " input '" + value +
                "' is a constant; Whittle takes constants only as weights of Conv, "
                "BatchNormalization, Gemm, Clip, Resize, Reshape and L2Norm");
  throw Error(where + " input '" + value + "' is not produced before this node");
}

namespace {

// One ONNX node being converted, with the label every error starts with.
class Converter {
 public:
  Converter(const onnx::NodeProto& p, const ImportContext& ctx)
      : p_(p), ctx_(ctx), where_(node_label(p)) {}

  Node run();

 private:
  [[noreturn]] void fail(const std::string& rule) const { throw Error(where_ + " " + rule); }

  bool has_input(int k) const { return k < p_.input_size() && !p_.input(k).empty(); }
  const std::string& input(int k) const {
    if (!has_input(k)) fail("input " + std::to_string(k) + " is missing");
    return p_.input(k);
  }
  const Shape& shape(int k) const { return ctx_.shape(input(k), where_); }
  const onnx::TensorProto& constant(int k) const {
    const onnx::TensorProto* c = ctx_.constant(input(k));
    if (!c) fail("input '" + input(k) + "' must be an initializer or Constant");
    return *c;
  }
  at::Tensor weight(int k) const { return read_float_tensor(constant(k), where_); }
  // A scalar constant input, or `fallback` when the input is absent.
  float scalar(int k, float fallback) const {
    if (!has_input(k)) return fallback;
    at::Tensor t = weight(k);
    if (t.numel() != 1) fail("input '" + input(k) + "' must be a scalar");
    return t.item<float>();
  }

  // A two-value spatial attribute (strides, dilations, kernel_shape).
  std::vector<int64_t> pair(const std::string& name, int64_t fallback) const {
    auto v = attr_ints(p_, name, {fallback, fallback});
    if (v.size() != 2) fail("attribute '" + name + "' must have 2 values (2-D only)");
    for (int64_t x : v)
      if (x < 1) fail("attribute '" + name + "' must be positive");
    return v;
  }
  // ONNX pads [top, left, bottom, right] -> IR padding [h, w].
  std::vector<int64_t> pads() const {
    std::string auto_pad = attr_string(p_, "auto_pad", "NOTSET");
    if (auto_pad != "NOTSET" && auto_pad != "VALID")
      fail("auto_pad '" + auto_pad + "' is not supported (use explicit pads)");
    auto v = attr_ints(p_, "pads", {0, 0, 0, 0});
    if (v.size() != 4) fail("attribute 'pads' must have 4 values (2-D only)");
    if (v[0] != v[2] || v[1] != v[3])
      fail("asymmetric pads " + format_shape(v) + " are not supported");
    if (v[0] < 0 || v[1] < 0) fail("negative pads are not supported");
    return {v[0], v[1]};
  }

  Node conv();
  Node batch_norm();
  Node clip();
  Node pool(Op op);
  Node concat();
  Node resize();
  Node lp_normalization();
  Node reshape();
  Node gemm();
  Node unary(Op op) { return Node{"", op, {input(0)}}; }
  Node binary(Op op) { return Node{"", op, {input(0), input(1)}}; }

  const onnx::NodeProto& p_;
  const ImportContext& ctx_;
  std::string where_;
};

Node Converter::run() {
  const std::string& t = p_.op_type();
  if (!p_.domain().empty() && p_.domain() != "ai.onnx")
    fail("unsupported ONNX op '" + p_.domain() + "." + t + "'");
  if (t == "Conv") return conv();
  if (t == "BatchNormalization") return batch_norm();
  if (t == "Relu") return unary(Op::ReLU);
  if (t == "Clip") return clip();
  if (t == "LeakyRelu") {
    Node n = unary(Op::LeakyReLU);
    n.attrs.set("alpha", decimal_from_float(attr_float(p_, "alpha", 0.01f)));
    return n;
  }
  if (t == "Sigmoid") return unary(Op::Sigmoid);
  if (t == "HardSwish") return unary(Op::Hardswish);
  if (t == "HardSigmoid")
    fail("unsupported ONNX op 'HardSigmoid' (only as HardSigmoid(x, 1/6, 0.5) * x = Hardswish "
         "or HardSigmoid(x, 1/6, 0) * 6 = ReLU6)");
  if (t == "MaxPool") return pool(Op::MaxPool2d);
  if (t == "AveragePool") return pool(Op::AvgPool2d);
  if (t == "GlobalAveragePool") return unary(Op::GlobalAvgPool);
  if (t == "Add") return binary(Op::Add);
  if (t == "Mul") return binary(Op::Mul);
  if (t == "Concat") return concat();
  if (t == "Resize") return resize();
  if (t == "LpNormalization") return lp_normalization();
  if (t == "Flatten") {
    int64_t axis = attr_int(p_, "axis", 1);
    if (axis != 1) fail("Flatten axis " + std::to_string(axis) + " is not supported (only 1)");
    return unary(Op::Flatten);
  }
  if (t == "Reshape") return reshape();
  if (t == "Gemm") return gemm();
  if (t == "Identity" || t == "Dropout") return unary(Op::Identity);
  fail("unsupported ONNX op '" + t + "'");
}

Node Converter::conv() {
  Node n{"", Op::Conv2d, {input(0)}};
  at::Tensor w = weight(1);
  if (w.dim() != 4) fail("only 2-D convolutions are supported (weight rank " + std::to_string(w.dim()) + ")");
  auto kernel = attr_ints(p_, "kernel_shape", {w.size(2), w.size(3)});
  if (kernel != std::vector<int64_t>{w.size(2), w.size(3)})
    fail("kernel_shape " + format_shape(kernel) + " does not match weight " + format_shape(w.sizes().vec()));
  n.weights["weight"] = w;
  if (has_input(2)) n.weights["bias"] = weight(2);
  n.attrs.set("stride", pair("strides", 1));
  n.attrs.set("padding", pads());
  n.attrs.set("dilation", pair("dilations", 1));
  n.attrs.set("groups", attr_int(p_, "group", 1));
  return n;
}

Node Converter::batch_norm() {
  if (attr_int(p_, "training_mode", 0) != 0) fail("training_mode is not supported");
  Node n{"", Op::BatchNorm2d, {input(0)}};
  n.weights["weight"] = weight(1);
  n.weights["bias"] = weight(2);
  n.weights["running_mean"] = weight(3);
  n.weights["running_var"] = weight(4);
  n.attrs.set("eps", decimal_from_float(attr_float(p_, "epsilon", 1e-5f)));
  n.attrs.set("momentum", torch_momentum_from_onnx(attr_float(p_, "momentum", 0.9f)));
  return n;
}

Node Converter::clip() {
  const float inf = std::numeric_limits<float>::infinity();
  float lo, hi;
  if (ctx_.opset < 11 || find_attr(p_, "min") || find_attr(p_, "max")) {
    lo = attr_float(p_, "min", -inf);
    hi = attr_float(p_, "max", inf);
  } else {
    lo = scalar(1, -inf);
    hi = scalar(2, inf);
  }
  if (lo == 0.0f && hi == 6.0f) return unary(Op::ReLU6);
  if (lo == 0.0f && hi == inf) return unary(Op::ReLU);
  fail("Clip(min=" + std::to_string(lo) + ", max=" + std::to_string(hi) +
       ") is not supported (only ReLU6 = Clip(0, 6) or ReLU = Clip(0))");
}

Node Converter::pool(Op op) {
  Node n{"", op, {input(0)}};
  if (p_.output_size() > 1 && !p_.output(1).empty()) fail("the Indices output is not supported");
  if (!find_attr(p_, "kernel_shape")) fail("has no kernel_shape");
  n.attrs.set("kernel", pair("kernel_shape", 1));
  n.attrs.set("stride", pair("strides", 1));
  n.attrs.set("padding", pads());
  n.attrs.set("ceil_mode", int64_t{attr_int(p_, "ceil_mode", 0) != 0});
  if (op == Op::MaxPool2d) {
    if (pair("dilations", 1) != std::vector<int64_t>{1, 1}) fail("dilated pooling is not supported");
  } else {
    n.attrs.set("count_include_pad", int64_t{attr_int(p_, "count_include_pad", 0) != 0});
  }
  return n;
}

Node Converter::concat() {
  Node n{"", Op::Concat, {}};
  for (int k = 0; k < p_.input_size(); ++k) n.inputs.push_back(input(k));
  if (n.inputs.empty()) fail("has no inputs");
  if (!find_attr(p_, "axis")) fail("has no axis");
  int64_t axis = attr_int(p_, "axis", 1);
  if (axis < 0) axis += static_cast<int64_t>(shape(0).size());
  if (axis != 1) fail("concatenation along axis " + std::to_string(axis) + " is not supported (only channels, 1)");
  n.attrs.set("axis", int64_t{1});
  return n;
}

Node Converter::resize() {
  Node n{"", Op::Upsample, {input(0)}};
  const Shape& in = shape(0);
  if (in.size() != 4) fail("only 4-D (NCHW) Resize is supported");
  std::string mode = attr_string(p_, "mode", "nearest");
  if (mode != "nearest") fail("Resize mode '" + mode + "' is not supported (only 'nearest')");
  std::string ctm = attr_string(p_, "coordinate_transformation_mode",
                                ctx_.opset < 11 ? "asymmetric" : "half_pixel");
  std::string nearest = attr_string(p_, "nearest_mode", ctx_.opset < 11 ? "floor" : "round_prefer_floor");
  // Integer upscaling with half-pixel centres and rounding picks the same
  // source pixel as asymmetric + floor; anything else would resample.
  bool floor_like = ctm == "asymmetric" && nearest == "floor";
  bool half_pixel = (ctm == "half_pixel" || ctm == "pytorch_half_pixel") &&
                    (nearest == "round_prefer_floor" || nearest == "round_prefer_ceil");
  if (!floor_like && !half_pixel)
    fail("Resize with coordinate_transformation_mode '" + ctm + "' and nearest_mode '" + nearest +
         "' is not supported (use 'asymmetric' and 'floor')");
  int scales_at = ctx_.opset < 11 ? 1 : 2;
  std::vector<int64_t> out;  // [H, W]
  if (has_input(scales_at) && read_float_tensor(constant(scales_at), where_).numel() > 0) {
    at::Tensor s = weight(scales_at);
    if (s.numel() != 4 || s[0].item<float>() != 1.0f || s[1].item<float>() != 1.0f)
      fail("Resize scales must be [1,1,sh,sw]");
    for (int k = 2; k < 4; ++k) {
      float f = s[k].item<float>();
      if (f < 1.0f || f != std::floor(f) || f > 1e6f)
        fail("Resize scale " + std::to_string(f) + " is not supported (only integer upscaling)");
      out.push_back(in[k] * static_cast<int64_t>(f));
    }
    if (out[0] / in[2] == out[1] / in[3]) {
      n.attrs.set("mode", std::string("nearest"));
      n.attrs.set("scale", out[0] / in[2]);
      return n;
    }
  } else if (has_input(3)) {
    auto sizes = read_int_tensor(constant(3), where_);
    if (sizes.size() != 4 || sizes[0] != in[0] || sizes[1] != in[1])
      fail("Resize sizes " + format_shape(sizes) + " must be [N,C,H,W] of input " + format_shape(in));
    out = {sizes[2], sizes[3]};
  } else {
    fail("Resize needs constant scales or sizes");
  }
  if (half_pixel && !floor_like && (out[0] % in[2] != 0 || out[1] % in[3] != 0))
    fail("Resize to " + format_shape(out) + " with half-pixel centres is not an integer upscaling");
  n.attrs.set("mode", std::string("nearest"));
  n.attrs.set("size", out);
  return n;
}

Node Converter::lp_normalization() {
  Node n{"", Op::L2Norm, {input(0)}};
  const Shape& in = shape(0);
  int64_t axis = attr_int(p_, "axis", -1);
  if (axis < 0) axis += static_cast<int64_t>(in.size());
  if (axis != 1 || in.size() != 4) fail("LpNormalization is supported only over channels (axis 1) of NCHW");
  if (attr_int(p_, "p", 2) != 2) fail("LpNormalization is supported only with p = 2");
  if (in[1] > (int64_t{1} << 24)) fail("has too many channels (" + std::to_string(in[1]) + ")");
  n.attrs.set("eps", 1e-10);  // ONNX has none; the IR default guards 0 / 0
  n.weights["weight"] = at::ones({in[1]});
  return n;
}

Node Converter::reshape() {
  const Shape& in = shape(0);
  auto target = read_int_tensor(constant(1), where_);
  int64_t batch = in.empty() ? 0 : in[0];
  bool flatten = target.size() == 2 && in.size() >= 2 && (target[0] == 0 || target[0] == batch) &&
                 (target[1] == -1 || (batch > 0 && target[1] == numel(in) / batch));
  if (!flatten)
    fail("Reshape to " + format_shape(target) + " is not supported (only flattening to [N,-1])");
  return unary(Op::Flatten);
}

Node Converter::gemm() {
  Node n{"", Op::Linear, {input(0)}};
  if (attr_int(p_, "transA", 0) != 0) fail("transA is not supported");
  at::Tensor w = weight(1);
  if (w.dim() != 2) fail("Gemm weight must be 2-D, got " + format_shape(w.sizes().vec()));
  if (attr_int(p_, "transB", 0) == 0) w = w.t().contiguous();
  float alpha = attr_float(p_, "alpha", 1.0f), beta = attr_float(p_, "beta", 1.0f);
  if (alpha != 1.0f) w = w * alpha;
  n.weights["weight"] = w;
  if (has_input(2)) {
    at::Tensor b = weight(2);
    if (b.numel() != w.size(0))
      fail("Gemm bias " + format_shape(b.sizes().vec()) + " does not match " +
           std::to_string(w.size(0)) + " outputs");
    b = b.reshape({w.size(0)}).contiguous();
    n.weights["bias"] = beta != 1.0f ? b * beta : b;
  }
  return n;
}

}  // namespace

Node convert_node(const onnx::NodeProto& node, const ImportContext& ctx) {
  return Converter(node, ctx).run();
}

}  // namespace whittle::onnx_io
