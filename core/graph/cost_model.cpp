#include "graph/cost_model.h"

#include <algorithm>
#include <map>

namespace whittle {

NodeCost node_cost(const Node& node, const std::vector<Shape>& in, const Shape& out) {
  NodeCost cost;
  cost.name = node.name;
  cost.op = node.op;
  cost.output_shape = out;
  cost.activation_bytes = numel(out) * 4;
  for (const auto& [key, tensor] : node.weights) {
    int64_t n = tensor.numel();
    if (is_parameter(key)) cost.params += n;
    cost.weight_bytes_fp32 += n * 4;
    cost.weight_bytes_fp16 += n * 2;
    bool int8 = key == "weight" && (node.op == Op::Conv2d || node.op == Op::Linear);
    cost.weight_bytes_int8 += int8 ? n + tensor.size(0) * 4 : n * 4;
  }
  if (node.op == Op::Conv2d) {
    // every output element: (in_channels / groups) * kH * kW multiply-adds
    const auto& w = node.weight("weight");
    cost.macs = numel(out) * w.size(1) * w.size(2) * w.size(3);
  } else if (node.op == Op::Linear) {
    const auto& w = node.weight("weight");
    cost.macs = out.at(0) * w.size(0) * w.size(1);
  }
  (void)in;
  return cost;
}

GraphCost compute_cost(const Graph& graph, const ShapeMap& input_shapes) {
  ShapeMap shapes = validate(graph, input_shapes);
  GraphCost total;
  // Last node index that reads each value; graph outputs live to the end.
  std::map<std::string, size_t> last_use;
  for (size_t i = 0; i < graph.nodes.size(); ++i)
    for (const auto& in : graph.nodes[i].inputs) last_use[in] = i;
  for (const auto& o : graph.outputs) last_use[o] = graph.nodes.size();

  int64_t alive = 0;
  for (const auto& in : graph.inputs) alive += numel(shapes[in.name]) * 4;
  total.peak_activation_bytes = alive;
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    const Node& node = graph.nodes[i];
    std::vector<Shape> in;
    for (const auto& name : node.inputs) in.push_back(shapes[name]);
    NodeCost cost = node_cost(node, in, shapes[node.output]);
    total.params += cost.params;
    total.macs += cost.macs;
    total.weight_bytes_fp32 += cost.weight_bytes_fp32;
    total.weight_bytes_fp16 += cost.weight_bytes_fp16;
    total.weight_bytes_int8 += cost.weight_bytes_int8;
    total.activation_bytes += cost.activation_bytes;
    alive += cost.activation_bytes;
    total.peak_activation_bytes = std::max(total.peak_activation_bytes, alive);
    for (const auto& name : node.inputs) {
      auto it = last_use.find(name);
      if (it != last_use.end() && it->second == i) {
        alive -= numel(shapes[name]) * 4;
        last_use.erase(it);  // an input listed twice is freed once
      }
    }
    if (!last_use.count(node.output)) alive -= cost.activation_bytes;  // never read
    total.nodes.push_back(std::move(cost));
  }
  return total;
}

}  // namespace whittle
