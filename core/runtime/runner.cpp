#include "runtime/runner.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <optional>
#include <set>

#include "graph/error.h"
#include "graph/shape_inference.h"
#include "runtime/fold_batch_norm.h"
#include "runtime/inference_conv.h"
#include "runtime/node_ops.h"

namespace whittle {

struct Runner::Impl {
  Graph graph;
  RunnerOptions options;
  // For each node, the input values whose last reader it is (freed after it).
  std::vector<std::vector<std::string>> frees;
  // Whether a unary node may overwrite its input (inference, last reader).
  std::vector<bool> in_place;
  std::set<std::string> pinned;  // graph inputs, outputs and keep_values
  // Inference, channels-last: each Conv2d node's prepared conv (else null).
  std::vector<std::unique_ptr<InferenceConv>> convs;
  // A conv whose only reader is a ReLU/ReLU6 node: that node's index (else
  // -1) and activation; the conv computes it, the node is skipped (unless a
  // run asks for the conv's own output).
  std::vector<int> fused_node;
  std::vector<ConvActivation> fused_activation;

  bool training() const { return options.mode == RunMode::Training; }

  void plan() {
    pinned.clear();
    for (const auto& in : graph.inputs) pinned.insert(in.name);
    for (const auto& out : graph.outputs) pinned.insert(out);
    for (const auto& v : options.keep_values) pinned.insert(v);
    std::map<std::string, size_t> last_use;
    std::map<std::string, int> uses;
    for (size_t i = 0; i < graph.nodes.size(); ++i)
      for (const auto& in : graph.nodes[i].inputs) {
        last_use[in] = i;
        ++uses[in];
      }
    frees.assign(graph.nodes.size(), {});
    in_place.assign(graph.nodes.size(), false);
    for (const auto& [value, i] : last_use)
      if (!pinned.count(value)) frees[i].push_back(value);
    for (size_t i = 0; i < graph.nodes.size(); ++i) {
      const Node& n = graph.nodes[i];
      in_place[i] = !training() && is_activation(n.op) && !pinned.count(n.inputs[0]) &&
                    uses[n.inputs[0]] == 1;
    }
    fused_node.assign(graph.nodes.size(), -1);
    fused_activation.assign(graph.nodes.size(), ConvActivation::None);
    for (size_t i = 0; i < convs.size(); ++i) {
      const std::string& v = graph.nodes[i].output;
      if (!convs[i] || pinned.count(v) || uses[v] != 1) continue;
      const std::vector<int> readers = graph.consumers(v);
      if (readers.size() != 1) continue;
      const Node& act = graph.nodes[static_cast<size_t>(readers[0])];
      if (act.op != Op::ReLU && act.op != Op::ReLU6) continue;
      fused_node[i] = readers[0];
      fused_activation[i] = act.op == Op::ReLU ? ConvActivation::ReLU : ConvActivation::ReLU6;
    }
  }
};

Runner::Runner(const Graph& graph, RunnerOptions options) : impl_(std::make_unique<Impl>()) {
  validate(graph);
  impl_->options = std::move(options);
  if (impl_->training()) {
    impl_->graph = graph;  // shares the weight tensors: training updates the caller's graph
    for (auto& node : impl_->graph.nodes)
      for (auto& [key, tensor] : node.weights)
        if (is_parameter(key) && !tensor.requires_grad()) tensor.requires_grad_(true);
  } else {
    impl_->graph = graph.clone();
    if (impl_->options.fold_batch_norm) fold_batch_norm(impl_->graph, impl_->options.keep_values);
    // oneDNN reads a channels-last input's weights in channels-last: stored
    // so once, not copied by every call (node_ops.cpp).
    if (impl_->options.channels_last)
      for (auto& node : impl_->graph.nodes)
        if (node.op == Op::Conv2d && node.has_weight("weight"))
          node.weights["weight"] = node.weight("weight").contiguous(at::MemoryFormat::ChannelsLast);
    impl_->convs.resize(impl_->graph.nodes.size());
    if (impl_->options.channels_last) {
      InferenceConvOptions conv_options;
      conv_options.tune = impl_->options.tune_convs;
      for (size_t i = 0; i < impl_->graph.nodes.size(); ++i) {
        const Node& n = impl_->graph.nodes[i];
        if (n.op != Op::Conv2d || !n.has_weight("weight")) continue;
        impl_->convs[i] = std::make_unique<InferenceConv>(
            n.weight("weight"), n.has_weight("bias") ? n.weight("bias") : at::Tensor(), n.attrs.get_pair("stride", 1),
            n.attrs.get_pair("padding", 0), n.attrs.get_pair("dilation", 1), n.attrs.get_int("groups", 1),
            conv_options);
      }
    }
  }
  impl_->plan();
}

Runner::~Runner() = default;
Runner::Runner(Runner&&) noexcept = default;
Runner& Runner::operator=(Runner&&) noexcept = default;

const Graph& Runner::graph() const { return impl_->graph; }
RunMode Runner::mode() const { return impl_->options.mode; }

std::vector<at::Tensor> Runner::parameters() const {
  std::vector<at::Tensor> params;
  for (const auto& node : impl_->graph.nodes)
    for (const auto& [key, tensor] : node.weights)
      if (is_parameter(key)) params.push_back(tensor);
  return params;
}

TensorMap Runner::run(const TensorMap& inputs, const std::vector<std::string>& extra) {
  const Graph& g = impl_->graph;
  std::optional<at::NoGradGuard> no_grad;
  if (!impl_->training()) no_grad.emplace();

  ShapeMap input_shapes;
  std::map<std::string, at::Tensor> env;
  for (const auto& in : g.inputs) {
    const at::Tensor& t = checked_graph_input(inputs, in.name);
    input_shapes[in.name] = Shape(t.sizes().begin(), t.sizes().end());
    bool to_cl = !impl_->training() && impl_->options.channels_last && t.dim() == 4;
    env[in.name] = to_cl ? t.contiguous(at::MemoryFormat::ChannelsLast) : t;
  }
  infer_shapes(g, input_shapes);  // clear errors before any work
  for (const auto& v : extra)
    if (!g.is_input(v) && g.producer(v) < 0)
      throw Error("value '" + v + "' is not in the graph" +
                  (impl_->options.fold_batch_norm && !impl_->training()
                       ? " (folded away? list it in RunnerOptions::keep_values)"
                       : ""));
  std::set<std::string> wanted(extra.begin(), extra.end());
  // Activation nodes computed by their conv in this run.
  std::vector<char> skip(g.nodes.size(), 0);

  for (size_t i = 0; i < g.nodes.size(); ++i) {
    if (skip[i]) continue;  // its one input, the conv's own output, was never stored
    const Node& node = g.nodes[i];
    std::vector<at::Tensor> args;
    args.reserve(node.inputs.size());
    for (const auto& in : node.inputs) args.push_back(env.at(in));
    NodeExecution how;
    how.training = impl_->training();
    // A value requested only at run time must not be overwritten in place.
    how.in_place = impl_->in_place[i] && !wanted.count(node.inputs[0]);
    if (i < impl_->convs.size() && impl_->convs[i]) {
      const int fused = wanted.count(node.output) ? -1 : impl_->fused_node[i];
      try {
        if (fused < 0) {
          env[node.output] = impl_->convs[i]->run(args[0]);
        } else {
          skip[static_cast<size_t>(fused)] = 1;
          env[g.nodes[static_cast<size_t>(fused)].output] = impl_->convs[i]->run(args[0], impl_->fused_activation[i]);
        }
      } catch (const Error& e) {
        throw Error(node.label() + " failed: " + e.what());
      } catch (const std::exception& e) {
        throw Error(node.label() + " failed: " + first_line(e));
      }
    } else {
      env[node.output] = execute_node(node, args, how);
    }
    for (const auto& v : impl_->frees[i])
      if (!wanted.count(v)) env.erase(v);
  }

  TensorMap result;
  auto take = [&](const std::string& v) {
    at::Tensor t = env.at(v);
    result[v] = t.dim() == 4 ? t.contiguous() : t;
  };
  for (const auto& out : g.outputs) take(out);
  for (const auto& v : extra) take(v);
  return result;
}

}  // namespace whittle
