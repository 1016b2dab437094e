#include "quant/fake_quant.h"

#include <ATen/ATen.h>

#include <map>
#include <optional>

#include "graph/error.h"
#include "graph/shape_inference.h"
#include "runtime/node_ops.h"

namespace whittle {

at::Tensor fake_quantize_activation(const at::Tensor& x, const ActivationQuant& q) {
  return at::fake_quantize_per_tensor_affine(x, q.scale, q.zero_point, 0, 255);
}

at::Tensor fake_quantize_weight(const at::Tensor& weight) {
  const at::Tensor scales = symmetric_int8_scales(weight).to(at::kFloat);
  const at::Tensor zero_points = at::zeros({weight.size(0)}, at::kInt);
  return at::fake_quantize_per_channel_affine(weight, scales, zero_points, 0, -128, 127);
}

FakeQuantRunner::FakeQuantRunner(const QuantizedGraph& model) : graph_(model.graph) {
  validate(graph_);
  plan_ = plan_int8(model);
}

TensorMap FakeQuantRunner::run(const TensorMap& inputs, const std::vector<std::string>& extra) {
  const Graph& g = graph_;
  ShapeMap input_shapes;
  std::map<std::string, at::Tensor> env;
  for (const auto& in : g.inputs) {
    const at::Tensor& t = checked_graph_input(inputs, in.name);
    input_shapes[in.name] = Shape(t.sizes().begin(), t.sizes().end());
    const auto& q = plan_.values.at(in.name);
    env[in.name] = q ? fake_quantize_activation(t, *q) : t;
  }
  infer_shapes(g, input_shapes);
  for (const auto& v : extra)
    if (!g.is_input(v) && g.producer(v) < 0) throw Error("value '" + v + "' is not in the graph");

  // Every node runs, a fused pair as conv (unquantized) then activation
  // (quantized with the pair's parameters), so every value can be asked for.
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const Node& n = g.nodes[i];
    const NodeQuantPlan& p = plan_.nodes[i];
    std::vector<at::Tensor> args;
    for (const auto& in : n.inputs) args.push_back(env.at(in));
    const bool int8_weight =
        p.precision == Precision::Int8 && (n.op == Op::Conv2d || n.op == Op::Linear);
    NodeExecution how;
    if (int8_weight) how.weight = fake_quantize_weight(n.weight("weight"));
    at::Tensor y = execute_node(n, args, how);
    std::optional<ActivationQuant> q = p.quant;
    if (p.fused_activation >= 0) q.reset();  // quantized after its activation
    if (p.fused_into >= 0) q = plan_.nodes[p.fused_into].quant;
    env[n.output] = q ? fake_quantize_activation(y, *q) : y;
  }

  TensorMap result;
  auto take = [&](const std::string& v) {
    const at::Tensor& t = env.at(v);
    result[v] = t.dim() == 4 ? t.contiguous() : t;
  };
  for (const auto& out : g.outputs) take(out);
  for (const auto& v : extra) take(v);
  return result;
}

}  // namespace whittle
