#include "io/ptl_export.h"

#include <ATen/ATen.h>
#include <torch/csrc/jit/api/module.h>
#include <torch/csrc/jit/frontend/resolver.h>
#include <torch/csrc/jit/frontend/sugared_value.h>

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "graph/error.h"
#include "graph/shape_inference.h"
#include "io/atomic_file.h"
#include "quant/int8_plan.h"
#include "quant/qengine.h"
#include "runtime/fold_batch_norm.h"
#include "runtime/runner.h"

namespace whittle {
namespace {

constexpr int kMetadataVersion = 1;


// "[1, 2]"
std::string int_list(const std::vector<int64_t>& values) {
  std::string s = "[";
  for (size_t k = 0; k < values.size(); ++k) s += (k ? ", " : "") + std::to_string(values[k]);
  return s + "]";
}

const char* py_bool(bool b) { return b ? "True" : "False"; }

// A TorchScript float literal that parses back to exactly `value`.
std::string float_literal(const Node& n, const char* what, double value) {
  if (!std::isfinite(value)) throw Error(n.label() + " " + what + " is not finite");
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", value);
  std::string s = buf;
  if (s.find_first_of(".e") == std::string::npos) s += ".0";
  return s;
}

// An identifier made of [A-Za-z0-9_] that starts with a letter.
std::string sanitize(const std::string& name) {
  std::string s;
  for (char c : name) s += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  if (s.empty() || !std::isalpha(static_cast<unsigned char>(s[0]))) s = "w_" + s;
  return s;
}

// A node label fit for a one-line comment.
std::string comment(const Node& n) {
  std::string s = n.label();
  for (char& c : s)
    if (!std::isprint(static_cast<unsigned char>(c))) c = '?';
  return s;
}

// The module being written: forward's source, one line per node, and the
// tensors (and int8 packed weights) it reads as `self.<name>`.
class ModuleSource {
 public:
  explicit ModuleSource(const Graph& g) : g_(g) {
    for (size_t k = 0; k < g.inputs.size(); ++k) {
      vars_[g.inputs[k].name] = g.inputs.size() == 1 ? "x" : "x" + std::to_string(k);
      args_.push_back(vars_[g.inputs[k].name]);
    }
  }

  // The local variable holding a value (or its stand-in, see `substitute`).
  const std::string& value(const std::string& name) const {
    auto it = substitutes_.find(name);
    return it != substitutes_.end() ? it->second : vars_.at(name);
  }

  // Registers a float32 weight of `n` and returns "self.<name>".
  std::string weight(const Node& n, const std::string& key, const at::Tensor& tensor) {
    if (!tensor.defined()) throw Error(n.label() + " weight '" + key + "' is empty");
    if (tensor.is_quantized() || tensor.scalar_type() != at::kFloat)
      throw Error(n.label() + " weight '" + key + "' is " +
                  std::string(c10::toString(tensor.scalar_type())) +
                  ": PyTorch Mobile export takes float32 weights");
    std::string name = unique_name(n, key);
    params_.emplace_back(name, tensor.detach().contiguous());
    return "self." + name;
  }
  std::string weight(const Node& n, const std::string& key) { return weight(n, key, n.weight(key)); }

  // Registers a non-tensor attribute of `n` (int8 packed weights) and
  // returns "self.<name>".
  std::string attribute(const Node& n, const std::string& key, c10::IValue value) {
    std::string name = unique_name(n, key);
    attributes_.emplace_back(name, std::move(value));
    return "self." + name;
  }

  // `<var> = <expr>  # <note>`; `value`, when given, is then read from var.
  void line(const std::string& var, const std::string& expr, const std::string& note,
            const std::string& value = {}) {
    body_ += "    " + var + " = " + expr + (note.empty() ? "" : "  # " + note) + "\n";
    if (!value.empty()) vars_[value] = var;
  }
  // `v<index> = <expr>  # (Op name)`, the node's output value.
  void assign(size_t index, const Node& n, const std::string& expr) {
    line("v" + std::to_string(index), expr, comment(n), n.output);
  }

  // Until clear_substitutes(), reads of `value` give `var` (an fp32 node's
  // dequantized view of a quantized value).
  void substitute(const std::string& value, const std::string& var) { substitutes_[value] = var; }
  void clear_substitutes() { substitutes_.clear(); }

  // Graph output k is returned as `expr` (default: its variable).
  void set_return(size_t k, const std::string& expr) { returns_[k] = expr; }

  std::string source() const {
    std::string args = "self";
    for (const auto& a : args_) args += ", " + a;
    std::string ret;
    for (size_t k = 0; k < g_.outputs.size(); ++k) {
      auto it = returns_.find(k);
      ret += (k ? ", " : "") + (it != returns_.end() ? it->second : vars_.at(g_.outputs[k]));
    }
    if (g_.outputs.size() > 1) ret = "(" + ret + ")";
    return "def forward(" + args + "):\n" + body_ + "    return " + ret + "\n";
  }

  const std::vector<std::pair<std::string, at::Tensor>>& params() const { return params_; }
  const std::vector<std::pair<std::string, c10::IValue>>& attributes() const { return attributes_; }

 private:
  // sanitize(node + "_" + key), made unique among the module's names.
  std::string unique_name(const Node& n, const std::string& key) {
    std::string base = sanitize(n.name + "_" + key), name = base;
    for (int k = 1; used_.count(name); ++k) name = base + "_" + std::to_string(k);
    used_.insert(name);
    return name;
  }

  const Graph& g_;
  std::vector<std::string> args_;
  std::map<std::string, std::string> vars_;
  std::map<std::string, std::string> substitutes_;
  std::map<size_t, std::string> returns_;
  std::set<std::string> used_;
  std::vector<std::pair<std::string, at::Tensor>> params_;
  std::vector<std::pair<std::string, c10::IValue>> attributes_;
  std::string body_;
};

std::vector<int64_t> pair(const Node& n, const char* key, int64_t fallback) {
  return n.attrs.get_pair(key, fallback);
}

// One node's fp32 TorchScript expression; computes what runtime/runner.cpp
// computes, attribute defaults included.
std::string emit_fp32(const Node& n, ModuleSource& m) {
  const std::string& x = m.value(n.inputs.at(0));
  switch (n.op) {
    case Op::Conv2d:
      return "torch.conv2d(" + x + ", " + m.weight(n, "weight") + ", " +
             (n.has_weight("bias") ? m.weight(n, "bias") : "None") + ", " +
             int_list(pair(n, "stride", 1)) + ", " + int_list(pair(n, "padding", 0)) + ", " +
             int_list(pair(n, "dilation", 1)) + ", " + std::to_string(n.attrs.get_int("groups", 1)) +
             ")";
    case Op::BatchNorm2d:
      return "torch.batch_norm(" + x + ", " + m.weight(n, "weight") + ", " + m.weight(n, "bias") +
             ", " + m.weight(n, "running_mean") + ", " + m.weight(n, "running_var") + ", False, " +
             float_literal(n, "momentum", n.attrs.get_float("momentum", 0.1)) + ", " +
             float_literal(n, "eps", n.attrs.get_float("eps", 1e-5)) + ", False)";
    case Op::ReLU: return "torch.relu(" + x + ")";
    case Op::ReLU6: return "torch.hardtanh(" + x + ", 0.0, 6.0)";
    case Op::LeakyReLU:
      return "torch.leaky_relu(" + x + ", " +
             float_literal(n, "alpha", n.attrs.get_float("alpha", 0.01)) + ")";
    case Op::SiLU: return "torch.silu(" + x + ")";
    case Op::Sigmoid: return "torch.sigmoid(" + x + ")";
    case Op::Hardswish: return "torch.hardswish(" + x + ")";
    case Op::MaxPool2d:
    case Op::AvgPool2d: {
      auto kernel = pair(n, "kernel", 1);
      auto stride = n.attrs.has("stride") ? pair(n, "stride", 1) : kernel;
      bool ceil = n.attrs.get_int("ceil_mode", 0) != 0;
      std::string common = x + ", " + int_list(kernel) + ", " + int_list(stride) + ", " +
                           int_list(pair(n, "padding", 0)) + ", ";
      if (n.op == Op::MaxPool2d) return "torch.max_pool2d(" + common + "[1, 1], " + py_bool(ceil) + ")";
      return "torch.avg_pool2d(" + common + py_bool(ceil) + ", " +
             py_bool(n.attrs.get_int("count_include_pad", 1) != 0) + ", None)";
    }
    case Op::GlobalAvgPool: return "torch.mean(" + x + ", [2, 3], True)";
    case Op::Add: return "torch.add(" + x + ", " + m.value(n.inputs.at(1)) + ")";
    case Op::Mul: return "torch.mul(" + x + ", " + m.value(n.inputs.at(1)) + ")";
    case Op::Concat: {
      std::string list;
      for (size_t k = 0; k < n.inputs.size(); ++k) list += (k ? ", " : "") + m.value(n.inputs[k]);
      return "torch.cat([" + list + "], 1)";
    }
    case Op::Upsample: {
      if (n.attrs.has("size")) return "torch.upsample_nearest2d(" + x + ", " + int_list(pair(n, "size", 1)) + ")";
      std::string s = std::to_string(n.attrs.get_int("scale", 1));
      return "torch.upsample_nearest2d(" + x + ", [" + x + ".size(2) * " + s + ", " + x +
             ".size(3) * " + s + "])";
    }
    case Op::L2Norm: {
      // As the runner: x / max(||x||_2 over C, eps) * weight[1, C, 1, 1].
      std::string w = m.weight(n, "weight", n.weight("weight").reshape({1, -1, 1, 1}));
      return "torch.div(" + x + ", torch.clamp_min(torch.norm(" + x + ", 2, [1], True), " +
             float_literal(n, "eps", n.attrs.get_float("eps", 1e-10)) + ")) * " + w;
    }
    case Op::Flatten: return "torch.flatten(" + x + ", 1)";
    case Op::Linear:
      return "torch.linear(" + x + ", " + m.weight(n, "weight") + ", " +
             (n.has_weight("bias") ? m.weight(n, "bias") : "None") + ")";
    case Op::Identity: return x;
  }
  throw Error(n.label() + " has no PyTorch Mobile export");
}

struct Built {
  std::string source;
  std::vector<std::pair<std::string, at::Tensor>> params;
  std::vector<std::pair<std::string, c10::IValue>> attributes;
  nlohmann::ordered_json int8;  // the metadata's "int8" object (null for fp32)
};

Built build(const Graph& graph, const PtlOptions& options) {
  Graph g = graph.clone();
  validate(g);
  if (options.fold_batch_norm) fold_batch_norm(g);
  ModuleSource m(g);
  for (size_t i = 0; i < g.nodes.size(); ++i) m.assign(i, g.nodes[i], emit_fp32(g.nodes[i], m));
  return {m.source(), m.params(), {}, nullptr};
}

// ------------------------------------------------------------------ int8 ----

// "torch.quantize_per_tensor(<x>, scale, zero_point, 13)": quint8, as
// Int8Runner's quantize().
std::string quantize_expr(const Node& n, const std::string& x, const ActivationQuant& q) {
  return "torch.quantize_per_tensor(" + x + ", " + float_literal(n, "scale", q.scale) + ", " +
         std::to_string(q.zero_point) + ", 13)";
}

// ", scale, zero_point" of a quantized:: call.
std::string qparams(const Node& n, const ActivationQuant& q) {
  return ", " + float_literal(n, "scale", q.scale) + ", " + std::to_string(q.zero_point);
}

// The activation a fused node applies to its quantized result (Int8Runner's
// apply_after).
std::string after_expr(const std::string& y, Op after) {
  if (after == Op::ReLU) return "torch.relu(" + y + ")";
  if (after == Op::ReLU6) return "torch.clamp(" + y + ", 0.0, 6.0)";
  return y;
}

// One int8 node's expression on quint8 inputs: Int8Runner::Impl::execute in
// TorchScript.
std::string emit_int8(const Node& n, const NodeQuantPlan& p, const Int8Plan& plan, ModuleSource& m) {
  std::vector<std::string> x;
  for (const auto& in : n.inputs) {
    const auto& q = plan.values.at(in);
    if (!q) throw Error(n.label() + ": int8 input '" + in + "' is not quantized");
    x.push_back(m.value(in));
  }
  const ActivationQuant& q = *p.quant;
  const std::string qp = qparams(n, q);
  // Where the input's parameters differ from the result's, the torch op's
  // quint8 result is requantized (Int8Runner's requantize).
  auto on_grid = [&](const std::string& y) {
    const ActivationQuant& in = *plan.values.at(n.inputs[0]);
    if (in.scale == q.scale && in.zero_point == q.zero_point) return y;
    return quantize_expr(n, "torch.dequantize(" + y + ")", q);
  };
  // The packed weight as a module attribute (as Int8Runner packs it).
  auto pack = [&](auto prepack) {
    c10::IValue packed;
    try {
      packed = c10::IValue(prepack(n));
    } catch (const Error&) {
      throw;
    } catch (const std::exception& e) {
      throw Error(n.label() + ": cannot prepack its int8 weight: " + first_line(e));
    }
    return m.attribute(n, "packed", std::move(packed));
  };
  const std::string relu = p.relu_kernel ? "_relu" : "";
  switch (n.op) {
    case Op::Conv2d:
      return after_expr("quantized.conv2d" + relu + "(" + x[0] + ", " +
                            pack(prepack_conv2d_int8) + qp + ")",
                        p.after);
    case Op::Linear:
      return after_expr("quantized.linear" + relu + "(" + x[0] + ", " +
                            pack(prepack_linear_int8) + qp + ")",
                        p.after);
    case Op::Add:
      return after_expr("quantized.add" + relu + "(" + x[0] + ", " + x[1] + qp + ")", p.after);
    case Op::Mul: return "quantized.mul(" + x[0] + ", " + x[1] + qp + ")";
    case Op::Concat: {
      std::string list;
      for (size_t k = 0; k < x.size(); ++k) list += (k ? ", " : "") + x[k];
      return "quantized.cat([" + list + "], 1" + qp + ")";
    }
    case Op::ReLU: return on_grid("torch.relu(" + x[0] + ")");
    case Op::ReLU6: return on_grid("torch.clamp(" + x[0] + ", 0.0, 6.0)");
    case Op::LeakyReLU:
      return "quantized.leaky_relu(" + x[0] + ", " +
             float_literal(n, "alpha", n.attrs.get_float("alpha", 0.01)) + ", False" + qp + ")";
    case Op::Sigmoid: return "quantized.sigmoid(" + x[0] + qp + ")";
    case Op::Hardswish: return "quantized.hardswish(" + x[0] + qp + ")";
    case Op::MaxPool2d:
    case Op::AvgPool2d:
    case Op::GlobalAvgPool:
    case Op::Upsample:
    case Op::Flatten:
    case Op::Identity:
      // The torch ops take quint8 tensors and keep their parameters.
      return emit_fp32(n, m);
    default:
      break;
  }
  throw Error(n.label() + ": op " + std::string(op_name(n.op)) + " has no int8 PyTorch Mobile export");
}

// The module of a QuantizedGraph, its weights packed under options.qengine.
Built build_int8(const QuantizedGraph& model, const PtlOptions& options) {
  const Graph& g = model.graph;
  validate(g);
  const Int8Plan plan = plan_int8(model);
  QEngineGuard keep_engine;
  const QEngine engine = set_qengine(options.qengine);
  at::NoGradGuard no_grad;

  ModuleSource m(g);
  // Graph inputs: 4-D ones channels-last (as Int8Runner with its default
  // options; the layout the engines compute in, and what its fp32 nodes
  // see), then quint8 where an int8 node reads them.
  for (const GraphInput& in : g.inputs) {
    const std::string x = m.value(in.name);
    if (in.shape.size() == 4) m.line(x, x + ".contiguous(memory_format=2)", "torch.channels_last");
    const auto& q = plan.values.at(in.name);
    if (!q) continue;
    Node input_node;  // for float_literal's error message
    input_node.name = in.name;
    m.line("q" + x, quantize_expr(input_node, x, *q), "graph input '" + in.name + "'", in.name);
  }

  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const Node& n = g.nodes[i];
    const NodeQuantPlan& p = plan.nodes[i];
    if (p.fused_into >= 0) continue;  // computed by the node it is fused into
    std::string expr;
    if (p.precision == Precision::Fp32) {
      for (size_t k = 0; k < n.inputs.size(); ++k) {
        const std::string& in = n.inputs[k];
        if (!plan.values.at(in)) continue;  // stored fp32
        const std::string var = "d" + std::to_string(i) + "_" + std::to_string(k);
        m.line(var, "torch.dequantize(" + m.value(in) + ")", "");
        m.substitute(in, var);
      }
      expr = emit_fp32(n, m);
      m.clear_substitutes();
      if (p.quant) expr = quantize_expr(n, expr, *p.quant);
    } else {
      expr = emit_int8(n, p, plan, m);
    }
    std::string note = comment(n) + " " + p.kernel;
    for (char& c : note)
      if (!std::isprint(static_cast<unsigned char>(c))) c = '?';
    m.line("v" + std::to_string(i), expr, note, p.result);
  }

  // Outputs fp32 and contiguous NCHW, as Int8Runner returns them (and as an
  // app reading the raw buffer expects).
  for (size_t k = 0; k < g.outputs.size(); ++k) {
    const std::string& v = m.value(g.outputs[k]);
    m.set_return(k, (plan.values.at(g.outputs[k]) ? "torch.dequantize(" + v + ")" : v) + ".contiguous()");
  }

  nlohmann::ordered_json int8;
  int8["qengine"] = std::string(qengine_name(engine));
  int8["observer"] = model.spec.observer;
  int8["calibration_images"] = model.spec.calibration_images;
  int8["int8_nodes"] = plan.count(Precision::Int8);
  int8["fp32_nodes"] = nlohmann::ordered_json::array();
  for (size_t i = 0; i < g.nodes.size(); ++i)
    if (plan.nodes[i].precision == Precision::Fp32) int8["fp32_nodes"].push_back(g.nodes[i].name);
  return {m.source(), m.params(), m.attributes(), int8};
}

std::string metadata_json(const Graph& graph, const nlohmann::ordered_json& int8) {
  nlohmann::ordered_json j;
  j["format"] = "whittle-ptl";
  j["version"] = kMetadataVersion;
  j["inputs"] = nlohmann::ordered_json::array();
  for (const auto& in : graph.inputs) j["inputs"].push_back({{"name", in.name}, {"shape", in.shape}});
  j["outputs"] = graph.outputs;
  j["metadata"] = graph.metadata;
  if (!int8.is_null()) j["int8"] = int8;
  return j.dump(2);
}

// Resolves `quantized.<op>` to the quantized:: operators (define() alone
// knows only `torch.`).
struct QuantizedResolver : torch::jit::Resolver {
  std::shared_ptr<torch::jit::SugaredValue> resolveValue(const std::string& name,
                                                         torch::jit::GraphFunction& m,
                                                         const torch::jit::SourceRange& loc) override {
    if (name == "quantized") return std::make_shared<torch::jit::BuiltinModule>("quantized");
    return torch::jit::nativeResolver()->resolveValue(name, m, loc);
  }
  torch::jit::TypePtr resolveType(const std::string& name, const torch::jit::SourceRange& loc) override {
    return torch::jit::nativeResolver()->resolveType(name, loc);
  }
};

std::string to_ptl_bytes(const Built& built, const Graph& graph, const PtlOptions& options) {
  torch::jit::ExtraFilesMap extra(options.extra_files.begin(), options.extra_files.end());
  if (extra.count(kPtlMetadataFile))
    throw Error(std::string("extra file '") + kPtlMetadataFile + "' is Whittle's own");
  extra[kPtlMetadataFile] = metadata_json(graph, built.int8);
  try {
    torch::jit::Module module("__torch__.whittle.Model");
    for (const auto& [name, tensor] : built.params) module.register_parameter(name, tensor, false);
    for (const auto& [name, value] : built.attributes)
      module.register_attribute(name, value.type(), value);
    module.define(built.source, std::make_shared<QuantizedResolver>());
    module.eval();
    std::ostringstream out;
    module._save_for_mobile(out, extra);
    return out.str();
  } catch (const c10::Error& e) {
    throw Error("TorchScript could not build the module: " + first_line(e));
  }
}

// Builds (inside the try, so that its errors name the path too) and writes.
template <class BuildFn>
void save(const Graph& graph, const std::string& path, const PtlOptions& options, BuildFn&& build_fn) {
  std::string bytes;
  try {
    bytes = to_ptl_bytes(build_fn(), graph, options);
  } catch (const std::exception& e) {
    throw Error(path + ": not saved: " + first_line(e));
  }
  write_file_atomic(path, bytes);
}

}  // namespace

std::string ptl_source(const Graph& graph, const PtlOptions& options) {
  return build(graph, options).source;
}

std::string ptl_source(const QuantizedGraph& model, const PtlOptions& options) {
  return build_int8(model, options).source;
}

void save_ptl(const Graph& graph, const std::string& path, const PtlOptions& options) {
  save(graph, path, options, [&] { return build(graph, options); });
}

void save_ptl(const QuantizedGraph& model, const std::string& path, const PtlOptions& options) {
  save(model.graph, path, options, [&] { return build_int8(model, options); });
}

}  // namespace whittle
