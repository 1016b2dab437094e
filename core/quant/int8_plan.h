#pragma once
// Where int8 execution quantizes, decided once per model and shared by the
// int8 runner (int8_runner.h) and its fp32 simulation (fake_quant.h), so that
// both put their quantization points on exactly the same values.
//
// Rules (each value is stored either as quint8 with the parameters below or
// as fp32):
//  - Nodes run int8 unless listed in QuantSpec::fp32_nodes or their op has no
//    int8 kernel in LibTorch (SiLU, L2Norm, an unfolded BatchNorm2d).
//  - Conv2d, Linear and Add whose output feeds only a ReLU or ReLU6 (and is
//    not a graph output) are fused with it: the node writes the activation's
//    output value with the activation's parameters; the conv output itself is
//    never materialised (nor quantized).
//  - Conv2d, Linear, Add, Mul, Concat, ReLU, ReLU6, LeakyReLU, Sigmoid and
//    Hardswish quantize their result with the spec's parameters for it.
//  - MaxPool2d, AvgPool2d, GlobalAvgPool, Upsample, Flatten and Identity keep
//    their input's parameters (ATen's int8 kernels for them do): a selection
//    cannot leave the input's grid and an average stays inside its range; the
//    spec's entry for their output, if any, is not used.
//  - An fp32 node's result is quantized with the spec's parameters when some
//    int8 node reads it, and stays fp32 otherwise (so a chain of fp32 nodes
//    runs in fp32 throughout). A graph input is quantized when an int8 node
//    reads it.
//  - Graph outputs are returned dequantized (fp32).
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "graph/graph.h"
#include "quant/quant_params.h"

namespace whittle {

enum class Precision { Int8, Fp32 };
std::string_view precision_name(Precision p);  // "int8", "fp32"

struct NodeQuantPlan {
  Precision precision = Precision::Int8;
  // What executes, for reports: "quantized::conv2d_relu", "max_pool2d (int8,
  // input's parameters)", "fp32: no int8 kernel", "fp32: in fp32_nodes",
  // "fused into (Conv c1)".
  std::string kernel;
  int fused_activation = -1;  // the ReLU/ReLU6 node this node also computes
  int fused_into = -1;        // this activation is computed by that node (skipped)
  // With a fused activation: whether the *_relu kernel applies it, and which
  // activation is then applied to the quantized result (Identity: none). Both
  // are exact, quantization being monotone: q(relu(v)) = max(q(v), zp) and
  // q(clamp(v, 0, 6)) = clamp(q(v), q(0), q(6)).
  bool relu_kernel = false;
  Op after = Op::Identity;
  std::string result;  // value the node's execution writes (empty when fused_into >= 0)
  std::optional<ActivationQuant> quant;  // parameters of `result`; nullopt: fp32
  bool inherits_params = false;          // quant is the input's (pools, Upsample, ...)
};

struct Int8Plan {
  std::vector<NodeQuantPlan> nodes;  // one per graph node, in node order
  // Every materialised value (graph inputs and node results) -> its
  // parameters, nullopt for fp32. Values fused away are absent.
  std::map<std::string, std::optional<ActivationQuant>> values;
  // Value fused away -> the activation node that consumes it.
  std::map<std::string, int> fused_values;

  int count(Precision p) const;  // nodes of that precision (fused activations count as int8)
};

// Throws whittle::Error naming the node (or the graph input) whose value must
// be quantized but has no entry in spec.activations, and naming an entry of
// spec.fp32_nodes that is not a node of the graph.
Int8Plan plan_int8(const QuantizedGraph& model);

// Per node: name, op, precision and kernel, for the GUI and CLI.
struct NodePrecision {
  std::string node;
  Op op = Op::Identity;
  Precision precision = Precision::Int8;
  std::string kernel;
};
std::vector<NodePrecision> node_precisions(const Graph& graph, const Int8Plan& plan);
// One line per node: "features.0  Conv  int8  quantized::conv2d_relu".
std::string format_node_precisions(const std::vector<NodePrecision>& rows);

}  // namespace whittle
