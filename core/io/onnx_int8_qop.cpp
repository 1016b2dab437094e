// QOperator int8 ONNX for OpenCV DNN 4.6 (see onnx_int8.h).
//
// OpenCV 4.6's importer, for reference: a node whose output ends in
// "quantized" is int8; its parameters are the initializers named like the
// output with "scale" / "zero_point" in place of "quantized" (else its
// input's). UINT8 tensors are read as int8 (value - 128). QLinearConv's
// output zero point is taken from those initializers; its weight zero point
// is ignored (symmetric). Its int8 average pooling ignores the zero point
// (padding counts as int8 0) and the scale ratio; PoolingInt8 defaults to
// ceil_mode. QLinearMatMul has no bias. Domain com.microsoft: QLinearAdd,
// QLinearMul, QLinearAveragePool, QLinearGlobalAveragePool,
// QLinearLeakyRelu, QLinearSigmoid, QLinearConcat.
#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>

#include "graph/error.h"
#include "graph/shape_inference.h"
#include "io/atomic_file.h"
#include "io/onnx_common.h"
#include "io/onnx_export.h"
#include "io/onnx_int8.h"
#include "io/onnx_int8_common.h"
#include "quant/int8_plan.h"

namespace whittle {
namespace {

using namespace onnx_io;

constexpr const char* kMicrosoft = "com.microsoft";

// A uint8 tensor of the QOperator graph: "<base>_quantized" with
// "<base>_scale" and "<base>_zero_point".
struct QTensor {
  std::string base;
  ActivationQuant q;
  std::string name() const { return quantized_name(base); }
  std::string scale() const { return scale_name(base); }
  std::string zero_point() const { return zero_point_name(base); }
};

class QopWriter {
 public:
  explicit QopWriter(const QuantizedGraph& model) : model_(model), g_(model.graph) {}

  onnx::ModelProto build() {
    check_no_quant_metadata(g_);
    plan_ = plan_int8(model_);
    shapes_ = validate(g_);

    onnx::ModelProto m;
    m.set_ir_version(kIrVersion);
    m.set_producer_name("whittle");
    m.set_producer_version("0.1.0");
    auto* opset = m.add_opset_import();
    opset->set_domain("");
    opset->set_version(kOpsetVersion);
    auto* ms = m.add_opset_import();
    ms->set_domain(kMicrosoft);
    ms->set_version(1);
    for (const auto& [key, value] : g_.metadata) {
      auto* p = m.add_metadata_props();
      p->set_key(key);
      p->set_value(value);
    }
    auto* fmt = m.add_metadata_props();
    fmt->set_key(kQuantFormat);
    fmt->set_value("qop");

    gp_ = m.mutable_graph();
    gp_->set_name("whittle-int8");
    for (const auto& v : g_.values()) used_.insert(v.name);
    for (const auto& in : g_.inputs) {
      set_tensor_info(gp_->add_input(), in.name, onnx::TensorProto::FLOAT, shapes_.at(in.name));
      raw_[in.name] = in.name;
    }
    for (size_t i = 0; i < g_.nodes.size(); ++i) {
      const NodeQuantPlan& p = plan_.nodes[i];
      if (p.fused_into >= 0) continue;
      if (p.precision == Precision::Fp32) {
        fp32_node(g_.nodes[i]);
      } else {
        try {
          int8_node(g_.nodes[i], p);
        } catch (const Error&) {
          throw;
        } catch (const std::exception& e) {
          throw Error(g_.nodes[i].label() + ": QOperator export failed: " + e.what());
        }
      }
    }
    for (const auto& out : g_.outputs) {
      if (need_fp32(out) != out)
        throw Error("internal: graph output '" + out + "' is not written under its name");
      set_tensor_info(gp_->add_output(), out, onnx::TensorProto::FLOAT, shapes_.at(out));
    }
    return m;
  }

 private:
  // ------------------------------------------------------------ names ----

  void claim(const std::string& name, const std::string& who) {
    if (!used_.insert(name).second)
      throw Error(who + ": ONNX tensor name '" + name + "' is already used");
  }

  // A base none of whose QTensor names is taken.
  std::string fresh_base(const std::string& base) {
    std::string b = base;
    for (int k = 1; used_.count(b) || used_.count(quantized_name(b)) ||
                    used_.count(scale_name(b)) || used_.count(zero_point_name(b));
         ++k)
      b = base + "_" + std::to_string(k);
    used_.insert(b);
    return b;
  }

  // The scale / zero point initializers of `t` (once per base).
  void params(const QTensor& t) {
    if (!param_bases_.insert(t.base).second) return;
    claim(t.scale(), "value '" + t.base + "'");
    claim(t.zero_point(), "value '" + t.base + "'");
    write_float_scalar(static_cast<float>(t.q.scale), t.scale(), gp_->add_initializer());
    write_uint8_scalar(static_cast<uint8_t>(t.q.zero_point), t.zero_point(),
                       gp_->add_initializer());
  }

  // A new uint8 tensor named after `base` (a value name or fresh_base's).
  QTensor new_qtensor(const std::string& base, const ActivationQuant& q) {
    QTensor t{base, q};
    claim(t.name(), "value '" + base + "'");
    params(t);
    set_tensor_info(gp_->add_value_info(), t.name(), onnx::TensorProto::UINT8, shape_of(base));
    return t;
  }

  const Shape& shape_of(const std::string& base) const {
    auto it = shapes_.find(base);
    if (it != shapes_.end()) return it->second;
    return extra_shapes_.at(base);
  }

  onnx::NodeProto* add(const std::string& op, const std::string& name,
                       const std::vector<std::string>& inputs, const std::string& output,
                       const char* domain = "") {
    onnx::NodeProto* p = gp_->add_node();
    p->set_op_type(op);
    p->set_name(name);
    if (*domain) p->set_domain(domain);
    for (const auto& in : inputs) p->add_input(in);
    p->add_output(output);
    return p;
  }

  // ----------------------------------------------------- conversions ----

  // Whether the int8 plan stores v quantized: then every reader sees the
  // quantized value (fp32 readers dequantize it), as in the Int8Runner.
  bool stored_quantized(const std::string& v) const {
    auto it = plan_.values.find(v);
    return it != plan_.values.end() && it->second.has_value();
  }

  // The uint8 tensor of IR value v (quantizing its raw fp32 form when needed).
  const QTensor& need_q(const std::string& v) {
    auto it = qt_.find(v);
    if (it != qt_.end()) return it->second;
    auto raw = raw_.find(v);
    if (!stored_quantized(v) || raw == raw_.end())
      throw Error("internal: value '" + v + "' has no quantized form in the int8 plan");
    QTensor t = new_qtensor(v, *plan_.values.at(v));
    add("QuantizeLinear", v + "/QuantizeLinear", {raw->second, t.scale(), t.zero_point()},
        t.name());
    return qt_[v] = t;
  }

  // The name of the fp32 tensor readers of IR value v read: its raw fp32
  // form when the plan keeps it fp32, else its dequantized uint8 form, named
  // v (or "v/dq" when v is a graph input). Never ends in "quantized", which
  // would make OpenCV read it as int8.
  std::string need_fp32(const std::string& v) {
    auto it = readable_.find(v);
    if (it != readable_.end()) return it->second;
    std::string name;
    auto raw = raw_.find(v);
    if (!stored_quantized(v) && raw != raw_.end()) {
      name = raw->second;
    } else {
      if (!stored_quantized(v) && !qt_.count(v))
        throw Error("internal: value '" + v + "' was not computed");
      const QTensor t = need_q(v);
      name = raw != raw_.end() && raw->second == v ? fresh_base(v + "/dq") : v;
      add("DequantizeLinear", v + "/DequantizeLinear", {t.name(), t.scale(), t.zero_point()}, name);
    }
    return readable_[v] = name;
  }

  // The node in fp32, as onnx_export writes it, reading what need_fp32
  // gives. Its raw output is named after the value ("v/fp32" when the plan
  // stores v quantized: readers then see the quantized value). Used for fp32
  // nodes and for int8 nodes OpenCV 4.6 has no int8 layer for.
  void fp32_node(const Node& n) {
    std::map<std::string, std::string> in_names;
    for (const auto& in : n.inputs) in_names[in] = need_fp32(in);
    Graph sub;
    std::set<std::string> seen;
    for (const auto& in : n.inputs)
      if (seen.insert(in).second) sub.inputs.push_back({in, shapes_.at(in)});
    sub.nodes.push_back(n);
    sub.outputs.push_back(n.output);
    onnx::ModelProto m;
    if (!m.ParseFromString(to_onnx_bytes(sub)))
      throw Error(n.label() + ": internal: fp32 export did not parse");
    const std::string out = stored_quantized(n.output) ? fresh_base(n.output + "/fp32") : n.output;
    for (const auto& init : m.graph().initializer()) {
      claim(init.name(), n.label());
      *gp_->add_initializer() = init;
    }
    for (const auto& node : m.graph().node()) {
      onnx::NodeProto* p = gp_->add_node();
      *p = node;
      for (int k = 0; k < p->input_size(); ++k) {
        auto r = in_names.find(p->input(k));
        if (r != in_names.end()) p->set_input(k, r->second);
      }
      for (int k = 0; k < p->output_size(); ++k) {
        if (p->output(k) != n.output)
          claim(p->output(k), n.label());
        else
          p->set_output(k, out);
      }
    }
    raw_[n.output] = out;
  }

  // ------------------------------------------------------- int8 nodes ----

  std::vector<int64_t> pair4(const std::vector<int64_t>& p) { return {p[0], p[1], p[0], p[1]}; }

  // QLinearConv of x into a new tensor `out_base` with parameters q.
  QTensor qlinear_conv(const Node& n, const QTensor& x, const at::Tensor& weight,
                       const std::vector<int64_t>& stride, const std::vector<int64_t>& padding,
                       const std::vector<int64_t>& dilation, int64_t groups,
                       const std::string& out_base, const ActivationQuant& q) {
    const Int8Weight w = int8_weight(weight);
    const std::string wb = n.name + ".weight";
    const std::string wq = quantized_name(wb), ws = scale_name(wb), wz = zero_point_name(wb);
    for (const auto& name : {wq, ws, wz}) claim(name, n.label());
    write_int8_tensor(w.values, wq, gp_->add_initializer());
    write_float_vector(w.scales, ws, gp_->add_initializer());
    write_int8_zeros(static_cast<int64_t>(w.scales.size()), wz, gp_->add_initializer());
    std::vector<std::string> in{x.name(), x.scale(), x.zero_point(), wq, ws, wz};
    QTensor y{out_base, q};
    in.push_back(y.scale());
    in.push_back(y.zero_point());
    if (n.has_weight("bias")) {
      // INT32 bias on the accumulator's grid, as onnxruntime quantizes it.
      at::Tensor b = n.weight("bias").detach().to(at::kFloat).contiguous();
      const float* bp = b.data_ptr<float>();
      const float xs = static_cast<float>(x.q.scale);
      std::vector<int32_t> bias(static_cast<size_t>(b.numel()));
      for (size_t c = 0; c < bias.size(); ++c) {
        const double v = std::nearbyint(static_cast<double>(bp[c] / (xs * w.scales[c])));
        bias[c] = static_cast<int32_t>(std::clamp<double>(v, std::numeric_limits<int32_t>::min(),
                                                          std::numeric_limits<int32_t>::max()));
      }
      const std::string bq = quantized_name(n.name + ".bias");
      claim(bq, n.label());
      write_int32_tensor(bias, bq, gp_->add_initializer());
      in.push_back(bq);
    }
    params(y);  // before the node reads them
    claim(y.name(), n.label());
    set_tensor_info(gp_->add_value_info(), y.name(), onnx::TensorProto::UINT8, shape_of(out_base));
    auto* p = add("QLinearConv", n.name, in, y.name());
    set_attr(p, "kernel_shape", std::vector<int64_t>{weight.size(2), weight.size(3)});
    set_attr(p, "strides", stride);
    set_attr(p, "pads", pair4(padding));
    set_attr(p, "dilations", dilation);
    set_attr(p, "group", groups);
    return y;
  }

  // After a fused node wrote `mid` (its own output value, on the result's
  // grid): the activation the plan applies to the quantized result.
  void finish_fused(const Node& n, const NodeQuantPlan& p, const QTensor& mid) {
    const std::string& r = p.result;
    if (p.after == Op::Identity) {
      qt_[r] = mid;
    } else if (p.after == Op::ReLU) {  // max(q, zp): LeakyRelu(alpha 0) on the same grid
      QTensor y = new_qtensor(r, *p.quant);
      set_attr(add("QLinearLeakyRelu", n.name + "/relu",
                   {mid.name(), mid.scale(), mid.zero_point(), y.scale(), y.zero_point()}, y.name(),
                   kMicrosoft),
               "alpha", 0.0f);
      qt_[r] = y;
    } else {  // ReLU6: no int8 clamp in OpenCV 4.6; fp32 between dequantize and quantize
      qt_[n.output] = mid;
      fp32_node(g_.nodes.at(static_cast<size_t>(p.fused_activation)));
    }
  }

  void int8_node(const Node& n, const NodeQuantPlan& p) {
    const ActivationQuant& rq = *p.quant;
    const std::string& r = p.result;
    // The value the node's own kernel writes: the result, or (with an
    // activation applied after it) the node's fused-away output.
    const std::string out = p.after == Op::Identity ? r : n.output;
    switch (n.op) {
      case Op::Conv2d: {
        const QTensor x = need_q(n.inputs[0]);
        QTensor y = qlinear_conv(n, x, n.weight("weight"), n.attrs.get_pair("stride", 1),
                                 n.attrs.get_pair("padding", 0), n.attrs.get_pair("dilation", 1),
                                 n.attrs.get_int("groups", 1), out, rq);
        finish_fused(n, p, y);
        return;
      }
      case Op::Linear: {
        // [N, I] -> Reshape [N, I, 1, 1] -> 1x1 QLinearConv -> Reshape [N, O].
        const QTensor x = need_q(n.inputs[0]);
        const Shape& xs = shapes_.at(n.inputs[0]);
        const Shape& ys = shapes_.at(n.output);
        QTensor x4{fresh_base(n.name + "/nchw_in"), x.q};
        extra_shapes_[x4.base] = {xs[0], xs[1], 1, 1};
        reshape(n.name + "/reshape_in", x, x4, extra_shapes_[x4.base]);
        const at::Tensor& w = n.weight("weight");
        const std::string y4_base = fresh_base(n.name + "/nchw_out");
        extra_shapes_[y4_base] = {ys[0], ys[1], 1, 1};
        QTensor y4 = qlinear_conv(n, x4, w.reshape({w.size(0), w.size(1), 1, 1}), {1, 1}, {0, 0},
                                  {1, 1}, 1, y4_base, rq);
        QTensor y{out, rq};
        reshape(n.name + "/reshape_out", y4, y, ys);
        finish_fused(n, p, y);
        return;
      }
      case Op::Add:
      case Op::Mul: {
        std::string a = n.inputs[0], b = n.inputs[1];
        // OpenCV broadcasts the second input (as ScaleInt8); Mul commutes.
        if (n.op == Op::Mul && numel(shapes_.at(a)) < numel(shapes_.at(b))) std::swap(a, b);
        const QTensor qa = need_q(a);
        const QTensor qb = need_q(b);
        QTensor y = new_qtensor(out, rq);
        add(n.op == Op::Add ? "QLinearAdd" : "QLinearMul", n.name,
            {qa.name(), qa.scale(), qa.zero_point(), qb.name(), qb.scale(), qb.zero_point(),
             y.scale(), y.zero_point()},
            y.name(), kMicrosoft);
        if (n.op == Op::Add)
          finish_fused(n, p, y);
        else
          qt_[r] = y;
        return;
      }
      case Op::Concat: {
        std::vector<QTensor> xs;
        for (const auto& in : n.inputs) xs.push_back(need_q(in));
        QTensor y = new_qtensor(r, rq);
        std::vector<std::string> in{y.scale(), y.zero_point()};
        for (const auto& x : xs) in.insert(in.end(), {x.name(), x.scale(), x.zero_point()});
        set_attr(add("QLinearConcat", n.name, in, y.name(), kMicrosoft), "axis", int64_t{1});
        qt_[r] = y;
        return;
      }
      case Op::ReLU:
      case Op::LeakyReLU:
      case Op::Sigmoid: {
        const QTensor x = need_q(n.inputs[0]);
        QTensor y = new_qtensor(r, rq);
        const std::vector<std::string> in{x.name(), x.scale(), x.zero_point(), y.scale(),
                                          y.zero_point()};
        if (n.op == Op::Sigmoid) {
          add("QLinearSigmoid", n.name, in, y.name(), kMicrosoft);
        } else {
          const float alpha =
              n.op == Op::ReLU ? 0.0f : static_cast<float>(n.attrs.get_float("alpha", 0.01));
          set_attr(add("QLinearLeakyRelu", n.name, in, y.name(), kMicrosoft), "alpha", alpha);
        }
        qt_[r] = y;
        return;
      }
      case Op::ReLU6:
      case Op::Hardswish:
        fp32_node(n);  // quantized (with the result's parameters) when read
        return;
      case Op::MaxPool2d:
      case Op::AvgPool2d: {
        const auto kernel = n.attrs.get_pair("kernel", 1);
        const auto stride = n.attrs.has("stride") ? n.attrs.get_pair("stride", 1) : kernel;
        const auto pad = n.attrs.get_pair("padding", 0);
        if (n.op == Op::AvgPool2d && (pad[0] != 0 || pad[1] != 0)) {
          fp32_node(n);  // OpenCV's int8 average counts padding as int8 0
          return;
        }
        const QTensor x = need_q(n.inputs[0]);
        QTensor y = new_qtensor(r, rq);
        onnx::NodeProto* node;
        if (n.op == Op::MaxPool2d) {
          node = add("MaxPool", n.name, {x.name()}, y.name());
        } else {
          node = add("QLinearAveragePool", n.name,
                     {x.name(), x.scale(), x.zero_point(), y.scale(), y.zero_point()}, y.name(),
                     kMicrosoft);
          set_attr(node, "count_include_pad",
                   n.attrs.get_int("count_include_pad", 1) != 0 ? int64_t{1} : int64_t{0});
        }
        set_attr(node, "kernel_shape", kernel);
        set_attr(node, "strides", stride);
        set_attr(node, "pads", pair4(pad));
        set_attr(node, "ceil_mode", n.attrs.get_int("ceil_mode", 0) != 0 ? int64_t{1} : int64_t{0});
        qt_[r] = y;
        return;
      }
      case Op::GlobalAvgPool: {
        const QTensor x = need_q(n.inputs[0]);
        QTensor y = new_qtensor(r, rq);
        set_attr(add("QLinearGlobalAveragePool", n.name,
                     {x.name(), x.scale(), x.zero_point(), y.scale(), y.zero_point()}, y.name(),
                     kMicrosoft),
                 "channels_last", int64_t{0});
        qt_[r] = y;
        return;
      }
      case Op::Upsample: {
        const QTensor x = need_q(n.inputs[0]);
        QTensor y = new_qtensor(r, rq);
        std::vector<std::string> in{x.name(), ""};
        if (n.attrs.has("size")) {
          const Shape& s = shapes_.at(n.inputs[0]);
          const auto size = n.attrs.get_pair("size", 1);
          const std::string name = n.name + ".sizes";
          claim(name, n.label());
          write_int64_tensor({s[0], s[1], size[0], size[1]}, name, gp_->add_initializer());
          in.insert(in.end(), {"", name});
        } else {
          const float s = static_cast<float>(n.attrs.get_int("scale", 1));
          const std::string name = n.name + ".scales";
          claim(name, n.label());
          write_float_vector({1.0f, 1.0f, s, s}, name, gp_->add_initializer());
          in.push_back(name);
        }
        auto* node = add("Resize", n.name, in, y.name());
        set_attr(node, "mode", std::string("nearest"));
        set_attr(node, "coordinate_transformation_mode", std::string("asymmetric"));
        set_attr(node, "nearest_mode", std::string("floor"));
        qt_[r] = y;
        return;
      }
      case Op::Flatten: {
        const QTensor x = need_q(n.inputs[0]);
        QTensor y{r, rq};
        reshape(n.name, x, y, shapes_.at(r));
        qt_[r] = y;
        return;
      }
      case Op::Identity:
        qt_[r] = need_q(n.inputs[0]);  // same tensor
        return;
      default:
        break;
    }
    throw Error(n.label() + ": op " + std::string(op_name(n.op)) + " has no int8 QOperator export");
  }

  // Reshape of uint8 tensor x into the new tensor y (same parameters).
  void reshape(const std::string& name, const QTensor& x, const QTensor& y, const Shape& shape) {
    const std::string shape_init = fresh_base(name + ".shape");
    write_int64_tensor(shape, shape_init, gp_->add_initializer());
    claim(y.name(), name);
    params(y);
    set_tensor_info(gp_->add_value_info(), y.name(), onnx::TensorProto::UINT8, shape);
    add("Reshape", name, {x.name(), shape_init}, y.name());
  }

  const QuantizedGraph& model_;
  const Graph& g_;
  Int8Plan plan_;
  ShapeMap shapes_;
  std::map<std::string, Shape> extra_shapes_;  // helper tensors' shapes
  onnx::GraphProto* gp_ = nullptr;
  std::set<std::string> used_;                   // tensor names (values, initializers, helpers)
  std::set<std::string> param_bases_;            // bases whose scale / zero point exist
  std::map<std::string, QTensor> qt_;            // IR value -> its uint8 tensor
  std::map<std::string, std::string> raw_;       // IR value -> its fp32 tensor as computed
  std::map<std::string, std::string> readable_;  // IR value -> the fp32 tensor its readers read
};

}  // namespace

std::string to_qop_onnx_bytes(const QuantizedGraph& model) {
  onnx::ModelProto m = QopWriter(model).build();
  std::string bytes;
  if (m.ByteSizeLong() > static_cast<size_t>(INT32_MAX) || !m.SerializeToString(&bytes))
    throw Error("model too large for one ONNX file (protobuf limit 2 GB)");
  return bytes;
}

void save_qop_onnx(const QuantizedGraph& model, const std::string& path) {
  std::string bytes;
  try {
    bytes = to_qop_onnx_bytes(model);
  } catch (const std::exception& e) {
    throw Error(path + ": not saved: " + e.what());
  }
  write_file_atomic(path, bytes);
}

}  // namespace whittle
