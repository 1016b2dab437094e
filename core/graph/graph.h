#pragma once
// Whittle's one graph IR: nodes in topological order, named values between
// them, attributes and weights (LibTorch tensors) attached to nodes.
//
// Every node produces exactly one value, named by `Node::output`. Graph inputs
// are values with no producer. Value names are unique (SSA).
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "graph/attributes.h"
#include "graph/op.h"

namespace whittle {

using Shape = std::vector<int64_t>;

struct Node {
  std::string name;
  Op op = Op::Identity;
  std::vector<std::string> inputs;  // value names
  std::string output;               // value name
  Attributes attrs;
  std::map<std::string, at::Tensor> weights;  // "weight", "bias", "running_mean", ...

  bool has_weight(const std::string& key) const;
  // Throws whittle::Error "(Conv x) has no weight 'bias'" when absent.
  const at::Tensor& weight(const std::string& key) const;
  // "(Conv backbone.conv2)": the prefix of every error about this node.
  std::string label() const;
};

struct GraphInput {
  std::string name;
  Shape shape;  // NCHW
};

// Where a value comes from and where it goes.
struct Value {
  std::string name;
  int producer = -1;            // node index; -1 for a graph input
  std::vector<int> consumers;   // node indices, in order
  bool is_graph_output = false;
};

class Graph {
 public:
  std::vector<Node> nodes;                      // topological order
  std::vector<GraphInput> inputs;
  std::vector<std::string> outputs;             // value names, in order
  std::map<std::string, std::string> metadata;  // Whittle's facts (family, classes, ...)

  // Index of the node with that name, or -1.
  int find_node(const std::string& name) const;
  // Throws whittle::Error when no node has that name.
  Node& node(const std::string& name);
  const Node& node(const std::string& name) const;
  // Index of the node producing `value`, or -1 (graph input or unknown).
  int producer(const std::string& value) const;
  std::vector<int> consumers(const std::string& value) const;
  bool is_input(const std::string& value) const;
  bool is_output(const std::string& value) const;
  // Every value, graph inputs first then node outputs in node order.
  std::vector<Value> values() const;

  // A copy whose weights are new tensors (no storage shared with this one).
  Graph clone() const;
};

// Whether a node's weight is a learnable parameter (torchvision's
// `parameters()`), as opposed to a buffer such as BatchNorm running stats.
bool is_parameter(const std::string& weight_key);

}  // namespace whittle
