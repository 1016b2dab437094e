#include "io/ptl_export.h"

#include <ATen/ATen.h>
#include <caffe2/serialize/inline_container.h>
#include <torch/csrc/jit/api/module.h>
#include <torch/csrc/jit/mobile/import.h>
#include <torch/csrc/jit/mobile/module.h>

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
#include "runtime/fold_batch_norm.h"
#include "runtime/runner.h"

namespace whittle {
namespace {

constexpr int kMetadataVersion = 1;

// First line of a LibTorch error (the rest is a C++ backtrace).
std::string first_line(const std::exception& e) {
  std::string what = e.what();
  auto end = what.find('\n');
  return end == std::string::npos ? what : what.substr(0, end);
}

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
// tensors it reads as `self.<name>`.
class ModuleSource {
 public:
  explicit ModuleSource(const Graph& g) : g_(g) {
    for (size_t k = 0; k < g.inputs.size(); ++k)
      vars_[g.inputs[k].name] = g.inputs.size() == 1 ? "x" : "x" + std::to_string(k);
  }

  // The local variable holding a value.
  const std::string& value(const std::string& name) const { return vars_.at(name); }

  // Registers a float32 weight of `n` and returns "self.<name>".
  std::string weight(const Node& n, const std::string& key, const at::Tensor& tensor) {
    if (!tensor.defined()) throw Error(n.label() + " weight '" + key + "' is empty");
    if (tensor.is_quantized() || tensor.scalar_type() != at::kFloat)
      throw Error(n.label() + " weight '" + key + "' is " +
                  std::string(c10::toString(tensor.scalar_type())) +
                  ": PyTorch Mobile export takes float32 weights");
    std::string base = sanitize(n.name + "_" + key), name = base;
    for (int k = 1; used_.count(name); ++k) name = base + "_" + std::to_string(k);
    used_.insert(name);
    params_.emplace_back(name, tensor.detach().contiguous());
    return "self." + name;
  }
  std::string weight(const Node& n, const std::string& key) { return weight(n, key, n.weight(key)); }

  // `v<index> = <expr>  # (Op name)`
  void assign(size_t index, const Node& n, const std::string& expr) {
    std::string var = "v" + std::to_string(index);
    body_ += "    " + var + " = " + expr + "  # " + comment(n) + "\n";
    vars_[n.output] = var;
  }

  std::string source() const {
    std::string args = "self";
    for (const auto& in : g_.inputs) args += ", " + vars_.at(in.name);
    std::string ret;
    for (size_t k = 0; k < g_.outputs.size(); ++k) ret += (k ? ", " : "") + vars_.at(g_.outputs[k]);
    if (g_.outputs.size() > 1) ret = "(" + ret + ")";
    return "def forward(" + args + "):\n" + body_ + "    return " + ret + "\n";
  }

  const std::vector<std::pair<std::string, at::Tensor>>& params() const { return params_; }

 private:
  const Graph& g_;
  std::map<std::string, std::string> vars_;
  std::set<std::string> used_;
  std::vector<std::pair<std::string, at::Tensor>> params_;
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

// The emitter for one node. Int8 goes here: a node lowered by core/quant
// gets its own emitter (packed params registered as attributes, a
// `quantized.*` call resolved through a Resolver; see STACK-NOTES "PyTorch
// Mobile from C++"), chosen per node, with fp32 the fallback.
std::string emit_node(const Node& n, ModuleSource& m) { return emit_fp32(n, m); }

struct Built {
  std::string source;
  std::vector<std::pair<std::string, at::Tensor>> params;
};

Built build(const Graph& graph, const PtlOptions& options) {
  Graph g = graph.clone();
  validate(g);
  if (options.fold_batch_norm) fold_batch_norm(g);
  ModuleSource m(g);
  for (size_t i = 0; i < g.nodes.size(); ++i) m.assign(i, g.nodes[i], emit_node(g.nodes[i], m));
  return {m.source(), m.params()};
}

std::string metadata_json(const Graph& graph) {
  nlohmann::ordered_json j;
  j["format"] = "whittle-ptl";
  j["version"] = kMetadataVersion;
  j["inputs"] = nlohmann::ordered_json::array();
  for (const auto& in : graph.inputs) j["inputs"].push_back({{"name", in.name}, {"shape", in.shape}});
  j["outputs"] = graph.outputs;
  j["metadata"] = graph.metadata;
  return j.dump(2);
}

std::string to_ptl_bytes(const Graph& graph, const PtlOptions& options) {
  Built built = build(graph, options);
  torch::jit::ExtraFilesMap extra(options.extra_files.begin(), options.extra_files.end());
  if (extra.count(kPtlMetadataFile))
    throw Error(std::string("extra file '") + kPtlMetadataFile + "' is Whittle's own");
  extra[kPtlMetadataFile] = metadata_json(graph);
  try {
    torch::jit::Module module("__torch__.whittle.Model");
    for (const auto& [name, tensor] : built.params) module.register_parameter(name, tensor, false);
    module.define(built.source);
    module.eval();
    std::ostringstream out;
    module._save_for_mobile(out, extra);
    return out.str();
  } catch (const c10::Error& e) {
    throw Error("TorchScript could not build the module: " + first_line(e));
  }
}

// The tensors of a forward() result: one tensor or a tuple of them.
std::vector<at::Tensor> output_tensors(const c10::IValue& v, const std::string& path) {
  if (v.isTensor()) return {v.toTensor()};
  std::vector<at::Tensor> out;
  if (v.isTuple())
    for (const auto& e : v.toTupleRef().elements()) {
      if (!e.isTensor()) throw Error(path + ": forward returned a tuple with a non-tensor");
      out.push_back(e.toTensor());
    }
  else
    throw Error(path + ": forward returned " + v.tagKind() + ", not tensors");
  return out;
}

}  // namespace

std::string ptl_source(const Graph& graph, const PtlOptions& options) {
  return build(graph, options).source;
}

void save_ptl(const Graph& graph, const std::string& path, const PtlOptions& options) {
  std::string bytes;
  try {
    bytes = to_ptl_bytes(graph, options);
  } catch (const std::exception& e) {
    throw Error(path + ": not saved: " + first_line(e));
  }
  write_file_atomic(path, bytes);
}

std::map<std::string, std::string> load_ptl_metadata(const std::string& path) {
  std::string text;
  try {
    caffe2::serialize::PyTorchStreamReader reader(path);
    std::string record = std::string("extra/") + kPtlMetadataFile;
    if (!reader.hasRecord(record)) throw Error(std::string("no ") + kPtlMetadataFile);
    auto [data, size] = reader.getRecord(record);
    text.assign(static_cast<const char*>(data.get()), size);
  } catch (const Error& e) {
    throw Error(path + ": not a Whittle .ptl (" + e.what() + ")");
  } catch (const std::exception& e) {
    throw Error(path + ": not a PyTorch Mobile file (" + first_line(e) + ")");
  }
  try {
    auto j = nlohmann::json::parse(text);
    return j.at("metadata").get<std::map<std::string, std::string>>();
  } catch (const std::exception& e) {
    throw Error(path + ": bad " + kPtlMetadataFile + " (" + e.what() + ")");
  }
}

PtlCheck verify_ptl(const Graph& graph, const std::string& path, const std::vector<at::Tensor>& inputs) {
  if (inputs.size() != graph.inputs.size())
    throw Error("verify_ptl: the graph has " + std::to_string(graph.inputs.size()) + " inputs, " +
                std::to_string(inputs.size()) + " given");
  TensorMap named;
  std::vector<c10::IValue> args;
  for (size_t k = 0; k < inputs.size(); ++k) {
    const at::Tensor& t = inputs[k];
    if (!t.defined() || t.scalar_type() != at::kFloat)
      throw Error("verify_ptl: input '" + graph.inputs[k].name + "' must be a float32 tensor");
    named[graph.inputs[k].name] = t;
    args.emplace_back(t);
  }
  // NCHW like the module, so that the two run the same kernels.
  TensorMap want = Runner(graph, {RunMode::Inference, true, false}).run(named);

  std::vector<at::Tensor> got;
  try {
    at::NoGradGuard no_grad;
    torch::jit::mobile::Module module = torch::jit::_load_for_mobile(path);
    got = output_tensors(module.forward(args), path);
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw Error(path + ": PyTorch Mobile could not run it: " + first_line(e));
  }
  if (got.size() != graph.outputs.size())
    throw Error(path + ": " + std::to_string(got.size()) + " outputs, the graph has " +
                std::to_string(graph.outputs.size()));

  PtlCheck check;
  for (size_t k = 0; k < got.size(); ++k) {
    const std::string& name = graph.outputs[k];
    const at::Tensor& w = want.at(name);
    if (!got[k].sizes().equals(w.sizes()))
      throw Error(path + ": output '" + name + "' has shape " + format_shape(got[k]) +
                  ", the graph's is " + format_shape(w));
    double diff = w.numel() ? (got[k] - w).abs().max().item<double>() : 0.0;
    double ref = w.numel() ? w.abs().max().item<double>() : 0.0;
    if (std::isnan(diff)) diff = INFINITY;  // NaN on either side is a mismatch
    check.outputs.push_back(name);
    check.max_abs_diff.push_back(diff);
    check.max_abs_ref.push_back(ref);
    check.max_abs = std::max(check.max_abs, diff);
    double rel = ref > 0 ? diff / ref : (diff > 0 ? INFINITY : 0.0);
    check.max_rel = std::max(check.max_rel, rel);
  }
  return check;
}

}  // namespace whittle
