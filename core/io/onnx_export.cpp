#include "io/onnx_export.h"

#include <ATen/ATen.h>

#include <set>

#include "graph/error.h"
#include "graph/shape_inference.h"
#include "io/atomic_file.h"
#include "io/onnx_common.h"

namespace whittle {
namespace {

using namespace onnx_io;

void set_value_info(onnx::ValueInfoProto* info, const std::string& name, const Shape& shape) {
  info->set_name(name);
  auto* tensor = info->mutable_type()->mutable_tensor_type();
  tensor->set_elem_type(onnx::TensorProto::FLOAT);
  auto* dims = tensor->mutable_shape();
  for (int64_t d : shape) dims->add_dim()->set_dim_value(d);
}

class Exporter {
 public:
  Exporter(const Graph& graph, const OnnxExportOptions& options) : g_(graph), opts_(options) {}

  onnx::ModelProto build() {
    shapes_ = validate(g_);
    for (const auto& in : g_.inputs) used_.insert(in.name);
    for (const auto& n : g_.nodes) used_.insert({n.name, n.output});

    onnx::ModelProto model;
    model.set_ir_version(kIrVersion);
    model.set_producer_name("whittle");
    model.set_producer_version("0.1.0");
    auto* opset = model.add_opset_import();
    opset->set_domain("");
    opset->set_version(kOpsetVersion);
    for (const auto& [key, value] : g_.metadata) {
      auto* prop = model.add_metadata_props();
      prop->set_key(key);
      prop->set_value(value);
    }
    graph_ = model.mutable_graph();
    graph_->set_name("whittle");
    for (const auto& in : g_.inputs) set_value_info(graph_->add_input(), in.name, shapes_.at(in.name));
    for (const auto& node : g_.nodes) export_node(node);
    for (const auto& out : g_.outputs) set_value_info(graph_->add_output(), out, shapes_.at(out));
    for (const auto& node : g_.nodes)
      if (!g_.is_output(node.output))
        set_value_info(graph_->add_value_info(), node.output, shapes_.at(node.output));
    return model;
  }

 private:
  // A helper name no IR name or earlier helper uses.
  std::string unique(const std::string& base) {
    std::string name = base;
    for (int k = 1; used_.count(name); ++k) name = base + "_" + std::to_string(k);
    used_.insert(name);
    return name;
  }

  onnx::NodeProto* add(const std::string& op_type, const std::string& name,
                       const std::vector<std::string>& inputs, const std::string& output) {
    onnx::NodeProto* p = graph_->add_node();
    p->set_op_type(op_type);
    p->set_name(name);
    for (const auto& in : inputs) p->add_input(in);
    p->add_output(output);
    return p;
  }

  std::string initializer(const std::string& base, const at::Tensor& tensor) {
    std::string name = unique(base);
    write_float_tensor(tensor, name, graph_->add_initializer());
    return name;
  }

  std::string weight(const Node& n, const std::string& key) {
    const at::Tensor& t = n.weight(key);
    if (!t.is_floating_point())
      throw Error(n.label() + " weight '" + key + "' is not a floating-point tensor");
    return parameter(n.name + "." + key, t);
  }

  // A node weight: a FLOAT initializer `base`, or with fp16_weights a FLOAT16
  // initializer "<base>.fp16" and a Cast(to=FLOAT) node named `base` whose
  // output `base` the op reads.
  std::string parameter(const std::string& base, const at::Tensor& t) {
    if (!opts_.fp16_weights || !fits_fp16(t)) return initializer(base, t);
    std::string name = unique(base);
    std::string half = unique(base + ".fp16");
    write_half_tensor(t, half, graph_->add_initializer());
    set_attr(add("Cast", name, {half}, name), "to", int64_t{onnx::TensorProto::FLOAT});
    return name;
  }

  // Elementwise op of x with a helper node's output: y = x * helper(x).
  void gated(const Node& n, const std::string& helper_op, const std::string& suffix,
             float alpha = 0, float beta = 0) {
    std::string h = unique(n.name + "/" + suffix);
    auto* p = add(helper_op, h, {n.inputs[0]}, h);
    if (helper_op == "HardSigmoid") {
      set_attr(p, "alpha", alpha);
      set_attr(p, "beta", beta);
    }
    add("Mul", n.name, {n.inputs[0], h}, n.output);
  }

  void pool(const Node& n, const std::string& op_type) {
    auto kernel = n.attrs.get_pair("kernel", 1);
    auto stride = n.attrs.has("stride") ? n.attrs.get_pair("stride", 1) : kernel;
    auto pad = n.attrs.get_pair("padding", 0);
    bool ceil_mode = n.attrs.get_int("ceil_mode", 0) != 0;
    std::string x = n.inputs[0];
    if (n.op == Op::AvgPool2d && n.attrs.get_int("count_include_pad", 1) != 0 &&
        (pad[0] > 0 || pad[1] > 0) && explicit_pad_is_exact(n, kernel, stride, pad, ceil_mode)) {
      // OpenCV 4.6 ignores count_include_pad (it keys on producer "pytorch"):
      // pad with zeros explicitly, then average without padding.
      std::string pads = unique(n.name + ".pads");
      write_int64_tensor({0, 0, pad[0], pad[1], 0, 0, pad[0], pad[1]}, pads, graph_->add_initializer());
      std::string padded = unique(n.name + "/pad");
      add("Pad", padded, {x, pads}, padded);
      x = padded;
      pad = {0, 0};
    }
    auto* p = add(op_type, n.name, {x}, n.output);
    set_attr(p, "kernel_shape", kernel);
    set_attr(p, "strides", stride);
    set_attr(p, "pads", std::vector<int64_t>{pad[0], pad[1], pad[0], pad[1]});
    set_attr(p, "ceil_mode", int64_t{ceil_mode});
    if (n.op == Op::AvgPool2d)
      set_attr(p, "count_include_pad",
               x == n.inputs[0] && n.attrs.get_int("count_include_pad", 1) != 0 ? int64_t{1} : int64_t{0});
  }

  // Whether pooling the zero-padded tensor gives the same windows: with
  // ceil_mode PyTorch drops a last window starting in the right padding.
  bool explicit_pad_is_exact(const Node& n, const std::vector<int64_t>& kernel,
                             const std::vector<int64_t>& stride, const std::vector<int64_t>& pad,
                             bool ceil_mode) const {
    const Shape& in = shapes_.at(n.inputs[0]);
    for (int d = 0; d < 2 && ceil_mode; ++d) {
      int64_t span = in[2 + d] + 2 * pad[d] - kernel[d];
      int64_t out = (span + stride[d] - 1) / stride[d] + 1;
      if ((out - 1) * stride[d] >= in[2 + d] + pad[d]) return false;
    }
    return true;
  }

  void export_node(const Node& n) {
    const std::string& x = n.inputs.at(0);
    switch (n.op) {
      case Op::Conv2d: {
        const at::Tensor& w = n.weight("weight");
        std::vector<std::string> in{x, weight(n, "weight")};
        if (n.has_weight("bias")) in.push_back(weight(n, "bias"));
        auto pad = n.attrs.get_pair("padding", 0);
        auto* p = add("Conv", n.name, in, n.output);
        set_attr(p, "kernel_shape", std::vector<int64_t>{w.size(2), w.size(3)});
        set_attr(p, "strides", n.attrs.get_pair("stride", 1));
        set_attr(p, "pads", std::vector<int64_t>{pad[0], pad[1], pad[0], pad[1]});
        set_attr(p, "dilations", n.attrs.get_pair("dilation", 1));
        set_attr(p, "group", n.attrs.get_int("groups", 1));
        return;
      }
      case Op::BatchNorm2d: {
        std::vector<std::string> in{x};
        for (const char* key : {"weight", "bias", "running_mean", "running_var"})
          in.push_back(weight(n, key));
        auto* p = add("BatchNormalization", n.name, in, n.output);
        set_attr(p, "epsilon", static_cast<float>(n.attrs.get_float("eps", 1e-5)));
        set_attr(p, "momentum", static_cast<float>(1.0 - n.attrs.get_float("momentum", 0.1)));
        return;
      }
      case Op::ReLU: add("Relu", n.name, {x}, n.output); return;
      case Op::ReLU6: {
        // 6 * HardSigmoid(x, 1/6, 0): OpenCV 4.6 reads Clip only with min/max
        // attributes, which opset >= 11 no longer has.
        std::string h = unique(n.name + "/hardsigmoid");
        auto* p = add("HardSigmoid", h, {x}, h);
        set_attr(p, "alpha", 1.0f / 6.0f);
        set_attr(p, "beta", 0.0f);
        add("Mul", n.name, {h, initializer(n.name + ".six", at::scalar_tensor(6.0, at::kFloat))},
            n.output);
        return;
      }
      case Op::LeakyReLU:
        set_attr(add("LeakyRelu", n.name, {x}, n.output), "alpha",
                 static_cast<float>(n.attrs.get_float("alpha", 0.01)));
        return;
      case Op::SiLU: gated(n, "Sigmoid", "sigmoid"); return;
      case Op::Sigmoid: add("Sigmoid", n.name, {x}, n.output); return;
      case Op::Hardswish: gated(n, "HardSigmoid", "hardsigmoid", 1.0f / 6.0f, 0.5f); return;
      case Op::MaxPool2d: pool(n, "MaxPool"); return;
      case Op::AvgPool2d: pool(n, "AveragePool"); return;
      case Op::GlobalAvgPool: add("GlobalAveragePool", n.name, {x}, n.output); return;
      case Op::Add: add("Add", n.name, n.inputs, n.output); return;
      case Op::Mul: add("Mul", n.name, n.inputs, n.output); return;
      case Op::Concat: set_attr(add("Concat", n.name, n.inputs, n.output), "axis", int64_t{1}); return;
      case Op::Upsample: {
        std::vector<std::string> in{x, ""};
        if (n.attrs.has("size")) {
          const Shape& s = shapes_.at(x);
          auto size = n.attrs.get_pair("size", 1);
          std::string name = unique(n.name + ".sizes");
          write_int64_tensor({s[0], s[1], size[0], size[1]}, name, graph_->add_initializer());
          in.insert(in.end(), {"", name});
        } else {
          float s = static_cast<float>(n.attrs.get_int("scale", 1));
          in.push_back(initializer(n.name + ".scales", at::tensor({1.0f, 1.0f, s, s})));
        }
        auto* p = add("Resize", n.name, in, n.output);
        set_attr(p, "mode", std::string("nearest"));
        set_attr(p, "coordinate_transformation_mode", std::string("asymmetric"));
        set_attr(p, "nearest_mode", std::string("floor"));
        return;
      }
      case Op::L2Norm: {
        // As PyTorch writes F.normalize (OpenCV fuses it; it has no LpNormalization):
        // x / Expand(Clip(ReduceL2(x, axes=[1]), eps), Shape(x)) * weight[1,C,1,1]
        std::string norm = unique(n.name + "/norm"), clamp = unique(n.name + "/clamp"),
                    shape = unique(n.name + "/shape"), expand = unique(n.name + "/expand"),
                    div = unique(n.name + "/div");
        auto* r = add("ReduceL2", norm, {x}, norm);
        set_attr(r, "axes", std::vector<int64_t>{1});
        set_attr(r, "keepdims", int64_t{1});
        float eps = static_cast<float>(n.attrs.get_float("eps", 1e-10));
        // The empty max input is what PyTorch writes and what OpenCV's pattern expects.
        add("Clip", clamp,
            {norm, initializer(n.name + ".eps", at::scalar_tensor(eps, at::kFloat)), ""}, clamp);
        add("Shape", shape, {x}, shape);
        add("Expand", expand, {clamp, shape}, expand);
        add("Div", div, {x, expand}, div);
        std::string w = parameter(n.name + ".weight", n.weight("weight").reshape({1, -1, 1, 1}));
        add("Mul", n.name, {div, w}, n.output);
        return;
      }
      case Op::Flatten: set_attr(add("Flatten", n.name, {x}, n.output), "axis", int64_t{1}); return;
      case Op::Linear: {
        std::vector<std::string> in{x, weight(n, "weight")};
        if (n.has_weight("bias")) in.push_back(weight(n, "bias"));
        auto* p = add("Gemm", n.name, in, n.output);
        set_attr(p, "alpha", 1.0f);
        set_attr(p, "beta", 1.0f);
        set_attr(p, "transB", int64_t{1});
        return;
      }
      case Op::Identity: add("Identity", n.name, {x}, n.output); return;
    }
    throw Error(n.label() + " has no ONNX export");
  }

  const Graph& g_;
  const OnnxExportOptions opts_;
  ShapeMap shapes_;
  onnx::GraphProto* graph_ = nullptr;
  std::set<std::string> used_;
};

}  // namespace

std::string to_onnx_bytes(const Graph& graph) { return to_onnx_bytes(graph, OnnxExportOptions{}); }

std::string to_onnx_bytes(const Graph& graph, const OnnxExportOptions& options) {
  onnx::ModelProto model = Exporter(graph, options).build();
  std::string bytes;
  if (model.ByteSizeLong() > static_cast<size_t>(INT32_MAX) || !model.SerializeToString(&bytes))
    throw Error("model too large for one ONNX file (protobuf limit 2 GB)");
  return bytes;
}

void save_onnx(const Graph& graph, const std::string& path) {
  save_onnx(graph, path, OnnxExportOptions{});
}

void save_onnx(const Graph& graph, const std::string& path, const OnnxExportOptions& options) {
  std::string bytes;
  try {
    bytes = to_onnx_bytes(graph, options);
  } catch (const std::exception& e) {
    throw Error(path + ": not saved: " + e.what());
  }
  write_file_atomic(path, bytes);
}

bool fits_fp16(const at::Tensor& weight) {
  if (!weight.is_floating_point()) return false;
  if (weight.numel() == 0) return true;
  // NaN compares false: a non-finite tensor stays FLOAT.
  return weight.detach().to(at::kFloat).abs().max().item<float>() <= 65504.0f;
}

Graph round_weights_to_fp16(const Graph& graph) {
  Graph out = graph.clone();
  for (auto& node : out.nodes)
    for (auto& [key, t] : node.weights)
      if (fits_fp16(t)) t = t.to(at::kHalf).to(t.scalar_type());
  return out;
}

std::string widen_fp16_initializers(const std::string& onnx_bytes) {
  onnx::ModelProto model;
  if (onnx_bytes.size() > static_cast<size_t>(INT32_MAX) || !model.ParseFromString(onnx_bytes))
    throw Error("not an ONNX model (protobuf parse failed)");
  for (auto& init : *model.mutable_graph()->mutable_initializer()) {
    if (init.data_type() != onnx::TensorProto::FLOAT16) continue;
    at::Tensor t = read_half_tensor(init, "(initializer)");
    onnx::TensorProto wide;
    write_float_tensor(t, init.name(), &wide);
    wide.set_doc_string(init.doc_string());
    init = std::move(wide);
  }
  std::string bytes;
  if (!model.SerializeToString(&bytes)) throw Error("model too large for one ONNX file (protobuf limit 2 GB)");
  return bytes;
}

}  // namespace whittle
