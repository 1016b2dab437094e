#pragma once
// Cost model: parameters, MACs, shapes and bytes per node and in total.
//
// MACs count the multiply-accumulates of Conv and Linear layers (bias adds,
// BatchNorm, activations, pooling and elementwise ops count zero), the
// convention of torchvision's model cards (VGG16: 15.47 G at 224x224).
// Parameters are learnable weights only (BatchNorm running stats excluded),
// as PyTorch's `parameters()`.
// Weight bytes: fp32 stores every weight tensor in 4 bytes per element; fp16
// in 2; int8 stores Conv/Linear weights in 1 byte per element plus one fp32
// scale per output channel, and every other tensor (biases, BN, L2Norm) in
// fp32. Activation bytes: the node's output at fp32.
#include <cstdint>
#include <string>
#include <vector>

#include "graph/graph.h"
#include "graph/shape_inference.h"

namespace whittle {

struct NodeCost {
  std::string name;
  Op op = Op::Identity;
  Shape output_shape;
  int64_t params = 0;
  int64_t macs = 0;
  int64_t weight_bytes_fp32 = 0;
  int64_t weight_bytes_fp16 = 0;
  int64_t weight_bytes_int8 = 0;
  int64_t activation_bytes = 0;
};

struct GraphCost {
  std::vector<NodeCost> nodes;  // graph order
  int64_t params = 0;
  int64_t macs = 0;
  int64_t weight_bytes_fp32 = 0;
  int64_t weight_bytes_fp16 = 0;
  int64_t weight_bytes_int8 = 0;
  int64_t activation_bytes = 0;       // sum over all node outputs
  int64_t peak_activation_bytes = 0;  // most bytes alive at once, freeing each value after its last use
};

NodeCost node_cost(const Node& node, const std::vector<Shape>& input_shapes, const Shape& output_shape);

// Costs for the graph's declared input shapes, or `input_shapes` overrides.
GraphCost compute_cost(const Graph& graph, const ShapeMap& input_shapes = {});

}  // namespace whittle
