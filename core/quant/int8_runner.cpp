#include "quant/int8_runner.h"

#include <ATen/ATen.h>
#include <ATen/core/dispatch/Dispatcher.h>
#include <ATen/native/quantized/PackedParams.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <map>
#include <set>

#include "graph/error.h"
#include "graph/shape_inference.h"
#include "quant/qengine.h"
#include "runtime/node_ops.h"

namespace whittle {
namespace {


// quantized:: ops are called boxed: their C++ kernel signatures are not part
// of LibTorch's API (a mismatch in typed<> only fails at run time), and the
// boxing costs nanoseconds next to the kernels.
at::Tensor call(const c10::OperatorHandle& op, torch::jit::Stack stack) {
  op.callBoxed(&stack);
  return stack.at(0).toTensor();
}

c10::OperatorHandle find_op(const char* name) {
  return c10::Dispatcher::singleton().findSchemaOrThrow(name, "");
}

at::Tensor quantize(const at::Tensor& x, const ActivationQuant& q) {
  return at::quantize_per_tensor(x, q.scale, q.zero_point, at::kQUInt8);
}

// x (quantized) on q's grid: unchanged when it already is.
at::Tensor requantize(const at::Tensor& x, const ActivationQuant& q) {
  if (x.q_scale() == q.scale && x.q_zero_point() == q.zero_point) return x;
  return quantize(x.dequantize(), q);
}

// The activation a fused node applies to its quantized result (see
// NodeQuantPlan::after): exact in the quantized domain.
at::Tensor apply_after(const at::Tensor& y, Op after) {
  if (after == Op::ReLU) return at::relu(y);
  if (after == Op::ReLU6) return at::clamp(y, 0.0, 6.0);
  return y;
}

// Tells once per process (on stderr: no caller can do anything else with it)
// that this CPU makes the engine's int8 convs inexact (qengine_saturates).
void warn_once_if_saturating(QEngine engine) {
  static std::once_flag told;
  if (!qengine_saturates(engine)) return;
  std::call_once(told, [engine] {
    std::fprintf(stderr,
                 "whittle: warning: this CPU has no VNNI (or ONEDNN_MAX_CPU_ISA caps oneDNN below it): the %s "
                 "engine's int8 convs and linears add uint8 x int8 products in int16 and can saturate, so "
                 "int8 results can be several steps off; WHITTLE_QENGINE=qnnpack runs them exactly but slower\n",
                 std::string(qengine_name(engine)).c_str());
  });
}

}  // namespace

std::string_view qengine_name(QEngine engine) {
  switch (engine) {
    case QEngine::Auto: return "auto";
    case QEngine::OneDnn: return "onednn";
    case QEngine::Qnnpack: return "qnnpack";
    case QEngine::Fbgemm: return "fbgemm";
    case QEngine::X86: return "x86";
  }
  return "?";
}

std::vector<QEngine> supported_qengines() {
  std::vector<QEngine> out;
  for (QEngine e : {QEngine::X86, QEngine::OneDnn, QEngine::Fbgemm, QEngine::Qnnpack})
    if (qengine_supported(e)) out.push_back(e);
  return out;
}

QEngine best_qengine() {
  if (const char* chosen = std::getenv("WHITTLE_QENGINE"); chosen && *chosen && std::string(chosen) != "auto") {
    for (QEngine e : {QEngine::X86, QEngine::OneDnn, QEngine::Fbgemm, QEngine::Qnnpack})
      if (qengine_name(e) == chosen) return e;  // set_qengine says when the build lacks it
    throw Error("WHITTLE_QENGINE='" + std::string(chosen) + "' is not one of auto, x86, onednn, fbgemm, qnnpack");
  }
#if defined(__aarch64__) || defined(__arm__)
  const std::vector<QEngine> order = {QEngine::Qnnpack};
#else
  const std::vector<QEngine> order = {QEngine::X86, QEngine::OneDnn, QEngine::Fbgemm, QEngine::Qnnpack};
#endif
  for (QEngine e : order)
    if (qengine_supported(e)) return e;
  throw Error("this LibTorch build has no quantized engine for int8 execution");
}

struct Int8Runner::Impl {
  Graph graph;
  Int8Plan plan;
  Int8RunnerOptions options;
  QEngine engine = QEngine::Auto;
  std::vector<ConvPacked> conv;      // per node; null unless an int8 Conv2d
  std::vector<LinearPacked> linear;  // per node; null unless an int8 Linear
  c10::OperatorHandle add, add_relu, mul, cat, leaky_relu, sigmoid, hardswish;
  std::vector<std::vector<std::string>> frees;  // values whose last reader is node i
  std::set<std::string> pinned;                 // graph inputs and outputs

  Impl()
      : add(find_op("quantized::add")),
        add_relu(find_op("quantized::add_relu")),
        mul(find_op("quantized::mul")),
        cat(find_op("quantized::cat")),
        leaky_relu(find_op("quantized::leaky_relu")),
        sigmoid(find_op("quantized::sigmoid")),
        hardswish(find_op("quantized::hardswish")) {}

  void plan_frees() {
    for (const auto& in : graph.inputs) pinned.insert(in.name);
    for (const auto& out : graph.outputs) pinned.insert(out);
    std::map<std::string, size_t> last_use;
    for (size_t i = 0; i < graph.nodes.size(); ++i)
      if (plan.nodes[i].fused_into < 0)
        for (const auto& in : graph.nodes[i].inputs) last_use[in] = i;
    frees.assign(graph.nodes.size(), {});
    for (const auto& [value, i] : last_use)
      if (!pinned.count(value)) frees[i].push_back(value);
  }

  at::Tensor execute(size_t i, const std::vector<at::Tensor>& x) const {
    const Node& n = graph.nodes[i];
    const NodeQuantPlan& p = plan.nodes[i];
    if (p.precision == Precision::Fp32) {
      std::vector<at::Tensor> f;
      for (const auto& t : x) f.push_back(t.is_quantized() ? t.dequantize() : t);
      at::Tensor y = execute_node(n, f);
      return p.quant ? quantize(y, *p.quant) : y;
    }
    for (size_t k = 0; k < x.size(); ++k)
      if (!x[k].is_quantized())
        throw Error(n.label() + ": int8 input '" + n.inputs[k] + "' is not quantized");
    const ActivationQuant& q = *p.quant;
    const double s = q.scale;
    const int64_t z = q.zero_point;
    switch (n.op) {
      case Op::Conv2d:
        return apply_after(p.relu_kernel ? conv[i]->apply_relu(x[0], s, z) : conv[i]->apply(x[0], s, z),
                           p.after);
      case Op::Linear:
        return apply_after(
            p.relu_kernel ? linear[i]->apply_relu(x[0], s, z) : linear[i]->apply(x[0], s, z), p.after);
      case Op::Add:
        return apply_after(call(p.relu_kernel ? add_relu : add, {x[0], x[1], s, z}), p.after);
      case Op::Mul:
        return call(mul, {x[0], x[1], s, z});
      case Op::Concat:
        return call(cat, {c10::List<at::Tensor>(x), int64_t{1}, s, z});
      case Op::ReLU:  // max(q, zp) on the input's grid, then the output's grid
        return requantize(at::relu(x[0]), q);
      case Op::ReLU6:
        return requantize(at::clamp(x[0], 0.0, 6.0), q);
      case Op::LeakyReLU:
        return call(leaky_relu,
                    {x[0], c10::Scalar(n.attrs.get_float("alpha", 0.01)), false, s, z});
      case Op::Sigmoid:
        return call(sigmoid, {x[0], s, z});
      case Op::Hardswish:
        return call(hardswish, {x[0], s, z});
      case Op::MaxPool2d:
      case Op::AvgPool2d:
      case Op::GlobalAvgPool:
      case Op::Upsample:
      case Op::Flatten:
      case Op::Identity:
        // ATen's own calls take quantized tensors and keep their parameters.
        return execute_node(n, x);
      default:
        break;
    }
    throw Error(n.label() + ": op " + std::string(op_name(n.op)) + " has no int8 execution");
  }
};

Int8Runner::Int8Runner(const QuantizedGraph& model, Int8RunnerOptions options)
    : impl_(std::make_unique<Impl>()) {
  validate(model.graph);
  Impl& m = *impl_;
  m.options = options;
  m.engine = set_qengine(options.engine);
  warn_once_if_saturating(m.engine);
  m.plan = plan_int8(model);

  // The runner's own graph: int8 Conv/Linear weights live in the packed
  // params (the graph's tensors, shared with the caller's, only give shape
  // inference their sizes); fp32 nodes get copies of theirs, so later edits
  // of the caller's graph do not leak into this runner.
  m.graph = model.graph;
  m.conv.resize(m.graph.nodes.size());
  m.linear.resize(m.graph.nodes.size());
  at::NoGradGuard no_grad;
  for (size_t i = 0; i < m.graph.nodes.size(); ++i) {
    Node& n = m.graph.nodes[i];
    const bool int8 = m.plan.nodes[i].precision == Precision::Int8;
    try {
      if (int8 && n.op == Op::Conv2d) m.conv[i] = prepack_conv2d_int8(n);
      if (int8 && n.op == Op::Linear) m.linear[i] = prepack_linear_int8(n);
    } catch (const Error&) {
      throw;
    } catch (const std::exception& e) {
      throw Error(n.label() + ": cannot prepack its int8 weight: " + first_line(e));
    }
    if (!int8)
      for (auto& [key, t] : n.weights) t = t.detach().clone();
  }
  m.plan_frees();
}

Int8Runner::~Int8Runner() = default;
Int8Runner::Int8Runner(Int8Runner&&) noexcept = default;
Int8Runner& Int8Runner::operator=(Int8Runner&&) noexcept = default;

QEngine Int8Runner::engine() const { return impl_->engine; }
const Int8Plan& Int8Runner::plan() const { return impl_->plan; }
const Graph& Int8Runner::graph() const { return impl_->graph; }
std::vector<NodePrecision> Int8Runner::node_precisions() const {
  return whittle::node_precisions(impl_->graph, impl_->plan);
}

TensorMap Int8Runner::run(const TensorMap& inputs, const std::vector<std::string>& extra) {
  const Impl& m = *impl_;
  const Graph& g = m.graph;
  set_qengine(m.engine);
  at::NoGradGuard no_grad;

  for (const auto& v : extra)
    if (!m.plan.values.count(v)) {
      auto fused = m.plan.fused_values.find(v);
      if (fused != m.plan.fused_values.end())
        throw Error("value '" + v + "' is fused into " + g.nodes[fused->second].label() +
                    " in int8 execution and never materialised");
      throw Error("value '" + v + "' is not in the graph");
    }
  std::set<std::string> wanted(extra.begin(), extra.end());

  ShapeMap input_shapes;
  std::map<std::string, at::Tensor> env;
  for (const auto& in : g.inputs) {
    const at::Tensor& t = checked_graph_input(inputs, in.name);
    input_shapes[in.name] = Shape(t.sizes().begin(), t.sizes().end());
    const bool to_cl = m.options.channels_last && t.dim() == 4;
    at::Tensor x = to_cl ? t.contiguous(at::MemoryFormat::ChannelsLast) : t;
    const auto& q = m.plan.values.at(in.name);
    env[in.name] = q ? quantize(x, *q) : x;
  }
  infer_shapes(g, input_shapes);  // clear errors before any work

  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const NodeQuantPlan& p = m.plan.nodes[i];
    if (p.fused_into >= 0) continue;  // computed by the node it is fused into
    const Node& node = g.nodes[i];
    std::vector<at::Tensor> args;
    args.reserve(node.inputs.size());
    for (const auto& in : node.inputs) args.push_back(env.at(in));
    try {
      env[p.result] = m.execute(i, args);
    } catch (const Error&) {
      throw;
    } catch (const std::exception& e) {
      throw Error(node.label() + " failed in int8 execution: " + first_line(e));
    }
    for (const auto& v : m.frees[i])
      if (!wanted.count(v)) env.erase(v);
  }

  TensorMap result;
  auto take = [&](const std::string& v) {
    at::Tensor t = env.at(v);
    if (t.is_quantized()) t = t.dequantize();
    result[v] = t.dim() == 4 ? t.contiguous() : t;
  };
  for (const auto& out : g.outputs) take(out);
  for (const auto& v : extra) take(v);
  return result;
}

}  // namespace whittle
