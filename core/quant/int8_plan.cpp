#include "quant/int8_plan.h"

#include <algorithm>
#include <sstream>

#include "graph/error.h"

namespace whittle {
namespace {

// LibTorch 1.13 has no int8 kernel for these (an unfolded BatchNorm would
// need quantized::batch_norm2d's own parameters; fold_batch_norm removes
// nearly all of them).
bool has_int8_kernel(Op op) {
  return op != Op::SiLU && op != Op::L2Norm && op != Op::BatchNorm2d;
}

// Int8 kernels whose output keeps the input's quantization parameters.
bool keeps_input_params(Op op) {
  switch (op) {
    case Op::MaxPool2d:
    case Op::AvgPool2d:
    case Op::GlobalAvgPool:
    case Op::Upsample:
    case Op::Flatten:
    case Op::Identity:
      return true;
    default:
      return false;
  }
}

bool fuses_activation(Op op) { return op == Op::Conv2d || op == Op::Linear || op == Op::Add; }

// ATen's name of the int8 kernel of an unfused node.
std::string int8_kernel_name(Op op) {
  switch (op) {
    case Op::Conv2d: return "quantized::conv2d";
    case Op::Linear: return "quantized::linear";
    case Op::Add: return "quantized::add";
    case Op::Mul: return "quantized::mul";
    case Op::Concat: return "quantized::cat";
    case Op::LeakyReLU: return "quantized::leaky_relu";
    case Op::Sigmoid: return "quantized::sigmoid";
    case Op::Hardswish: return "quantized::hardswish";
    case Op::ReLU: return "relu (int8) + requantize";
    case Op::ReLU6: return "clamp(0, 6) (int8) + requantize";
    case Op::MaxPool2d: return "max_pool2d (int8, input's parameters)";
    case Op::AvgPool2d: return "avg_pool2d (int8, input's parameters)";
    case Op::GlobalAvgPool: return "mean (int8, input's parameters)";
    case Op::Upsample: return "upsample_nearest2d (int8, input's parameters)";
    case Op::Flatten: return "flatten (int8, input's parameters)";
    case Op::Identity: return "identity (int8, input's parameters)";
    default: return "?";
  }
}

}  // namespace

std::string_view precision_name(Precision p) { return p == Precision::Int8 ? "int8" : "fp32"; }

int Int8Plan::count(Precision p) const {
  return static_cast<int>(std::count_if(nodes.begin(), nodes.end(),
                                        [&](const NodeQuantPlan& n) { return n.precision == p; }));
}

Int8Plan plan_int8(const QuantizedGraph& model) {
  const Graph& g = model.graph;
  const QuantSpec& spec = model.spec;
  for (const auto& name : spec.fp32_nodes)
    if (g.find_node(name) < 0)
      throw Error("QuantSpec.fp32_nodes names '" + name + "', which is not a node of the graph");

  Int8Plan plan;
  plan.nodes.resize(g.nodes.size());
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const Node& n = g.nodes[i];
    NodeQuantPlan& p = plan.nodes[i];
    p.result = n.output;
    if (spec.fp32_nodes.count(n.name)) {
      p.precision = Precision::Fp32;
      p.kernel = "fp32: in fp32_nodes";
    } else if (!has_int8_kernel(n.op)) {
      p.precision = Precision::Fp32;
      p.kernel = "fp32: no int8 kernel";
    }
  }

  // Fusion: Conv2d / Linear / Add -> its only reader, a ReLU or ReLU6.
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const Node& n = g.nodes[i];
    if (plan.nodes[i].precision != Precision::Int8 || !fuses_activation(n.op)) continue;
    if (g.is_output(n.output)) continue;
    const std::vector<int> readers = g.consumers(n.output);
    if (readers.size() != 1) continue;
    const int j = readers[0];
    const Op act = g.nodes[j].op;
    if ((act != Op::ReLU && act != Op::ReLU6) || plan.nodes[j].precision != Precision::Int8) continue;
    plan.nodes[i].fused_activation = j;
    plan.nodes[i].result = g.nodes[j].output;
    plan.nodes[j].fused_into = static_cast<int>(i);
    plan.nodes[j].result.clear();
    plan.nodes[j].kernel = "fused into " + n.label();
    plan.fused_values[n.output] = j;
  }

  // Whether an int8 node reads a value (then it must be stored quantized).
  auto int8_reads = [&](const std::string& value) {
    for (int c : g.consumers(value)) {
      const NodeQuantPlan& p = plan.nodes[c];
      if (p.precision == Precision::Int8 && p.fused_into < 0) return true;
    }
    return false;
  };
  auto spec_entry = [&](const std::string& value, const std::string& who) {
    auto it = spec.activations.find(value);
    if (it == spec.activations.end())
      throw Error(who + " has no activation quantization parameters for '" + value +
                  "' in the QuantSpec (calibrate the model, or list the node in fp32_nodes)");
    return it->second;
  };

  for (const auto& in : g.inputs) {
    plan.values[in.name] = std::nullopt;
    if (int8_reads(in.name)) plan.values[in.name] = spec_entry(in.name, "graph input '" + in.name + "'");
  }

  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const Node& n = g.nodes[i];
    NodeQuantPlan& p = plan.nodes[i];
    if (p.fused_into >= 0) continue;
    std::string who = n.label();
    if (p.fused_activation >= 0) who += " fused with " + g.nodes[p.fused_activation].label();

    if (p.precision == Precision::Fp32) {
      if (int8_reads(p.result)) p.quant = spec_entry(p.result, who);
    } else if (keeps_input_params(n.op)) {
      const auto& in = plan.values.at(n.inputs.at(0));
      if (!in) throw Error(n.label() + ": int8 input '" + n.inputs[0] + "' is not quantized");
      p.quant = in;
      p.inherits_params = true;
      p.kernel = int8_kernel_name(n.op);
    } else {
      p.quant = spec_entry(p.result, who);
      p.kernel = int8_kernel_name(n.op);
    }
    if (p.fused_activation >= 0) {
      // The *_relu kernels clamp at quantized 0, which is real 0 only for a
      // zero point of 0 (oneDNN's conv2d_relu with another zero point lets
      // negatives through, measured). ReLU6 through conv2d_relu is exact when
      // the grid tops out at or below 6 (255 * scale <= 6, as calibration of
      // a ReLU6 gives): values past 6 saturate at the top of the grid, which
      // is what quantizing min(x, 6) gives too. Otherwise clamp(0, 6) on the
      // quantized result, also exact.
      const ActivationQuant& q = *p.quant;
      const bool relu6 = g.nodes[p.fused_activation].op == Op::ReLU6;
      const bool top_above_6 = q.scale * static_cast<double>(255 - q.zero_point) > 6.0 * (1 + 1e-6);
      p.relu_kernel = q.zero_point == 0;
      if (relu6 && (top_above_6 || q.zero_point != 0)) p.after = Op::ReLU6;
      else if (!relu6 && q.zero_point != 0) p.after = Op::ReLU;
      p.kernel = int8_kernel_name(n.op) + (p.relu_kernel ? "_relu" : "") +
                 (p.after == Op::ReLU6 ? " + clamp(0, 6)" : p.after == Op::ReLU ? " + relu" : "") +
                 " (with " + g.nodes[p.fused_activation].name + ")";
    }
    plan.values[p.result] = p.quant;
  }
  return plan;
}

std::vector<NodePrecision> node_precisions(const Graph& graph, const Int8Plan& plan) {
  std::vector<NodePrecision> rows;
  for (size_t i = 0; i < graph.nodes.size(); ++i)
    rows.push_back({graph.nodes[i].name, graph.nodes[i].op, plan.nodes.at(i).precision,
                    plan.nodes[i].kernel});
  return rows;
}

std::string format_node_precisions(const std::vector<NodePrecision>& rows) {
  size_t width = 0;
  for (const auto& r : rows) width = std::max(width, r.node.size());
  std::ostringstream out;
  for (const auto& r : rows) {
    std::string op(op_name(r.op));
    out << r.node << std::string(width + 2 - r.node.size(), ' ') << op
        << std::string(op.size() < 10 ? 10 - op.size() : 1, ' ') << precision_name(r.precision)
        << "  " << r.kernel << "\n";
  }
  return out.str();
}

}  // namespace whittle
