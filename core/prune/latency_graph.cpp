#include "prune/latency_graph.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <string>

#include "graph/error.h"

namespace whittle::latency_graph {

ShapeMap batch1_inputs(const Graph& graph) {
  ShapeMap m;
  for (const auto& in : graph.inputs) {
    Shape s = in.shape;
    if (!s.empty()) s[0] = 1;
    m[in.name] = s;
  }
  return m;
}

Folding runner_folding(const Graph& graph) {
  Folding f;
  f.folded_bn.assign(graph.nodes.size(), false);
  f.conv_bias.assign(graph.nodes.size(), false);
  int last = -1;  // the last node that stays, and its output after folding
  std::string last_output;
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    const Node& n = graph.nodes[i];
    if (n.op == Op::Conv2d) f.conv_bias[i] = n.has_weight("bias");
    if (n.op == Op::BatchNorm2d && last >= 0) {
      const std::string& v = n.inputs[0];
      if (graph.nodes[last].op == Op::Conv2d && last_output == v && !graph.is_output(v) &&
          graph.consumers(v).size() == 1) {
        f.folded_bn[i] = true;
        f.conv_bias[last] = true;
        last_output = n.output;
        continue;
      }
    }
    last = static_cast<int>(i);
    last_output = n.output;
  }
  return f;
}

bool is_timed(Op op) { return op == Op::Conv2d || op == Op::Linear; }

bool is_depthwise(const Node& n) {
  const int64_t groups = n.attrs.get_int("groups", 1);
  const at::Tensor& w = n.weight("weight");
  return n.op == Op::Conv2d && groups > 1 && w.size(1) == 1 && w.size(0) == groups;
}

const LatencyEntry& table_entry(const LatencyTable& table, const Node& n) {
  const LatencyEntry* e = table.find(n.name);
  if (!e) throw Error(n.label() + " is not in the latency table (a table of another graph?)");
  return *e;
}

std::pair<int64_t, int64_t> widths(const Node& n) {
  const at::Tensor& w = n.weight("weight");
  if (n.op == Op::Linear) return {w.size(1), w.size(0)};
  return {w.size(1) * n.attrs.get_int("groups", 1), w.size(0)};
}

bool is_rest(const Graph& graph, const Folding& folding, size_t i) {
  return !is_timed(graph.nodes[i].op) && !folding.folded_bn[i];
}

double scaled_rest(const LatencyTable& table, int64_t bytes) {
  if (table.rest_bytes <= 0) return table.rest_ms;
  const double fixed = std::clamp(table.rest_fixed_ms, 0.0, table.rest_ms);
  return fixed + (table.rest_ms - fixed) * static_cast<double>(bytes) / static_cast<double>(table.rest_bytes);
}

GraphParts graph_parts(const LatencyTable& table, const Graph& graph) {
  const ShapeMap shapes = infer_shapes(graph, batch1_inputs(graph));
  const Folding folding = runner_folding(graph);
  GraphParts parts;
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    const Node& n = graph.nodes[i];
    if (is_timed(n.op)) {
      const LatencyEntry& e = table_entry(table, n);
      const auto [in, out] = widths(n);
      if (in > e.in_channels || out > e.out_channels)
        throw Error(n.label() + " has " + std::to_string(in) + " -> " + std::to_string(out) +
                    " channels, wider than the latency table's " + std::to_string(e.in_channels) + " -> " +
                    std::to_string(e.out_channels));
      parts.convs_ms += interpolate_ms(e, in, out);
    } else if (is_rest(graph, folding, i)) {
      parts.rest_bytes += 4 * numel(shapes.at(n.output));
    }
  }
  return parts;
}

}  // namespace whittle::latency_graph
