#pragma once
// Shape inference and validation. Errors name the node, the op and the rule:
// "(Conv backbone.conv2) in_channels 64 != producer channels 32".
#include <map>
#include <string>
#include <vector>

#include "graph/graph.h"

namespace whittle {

using ShapeMap = std::map<std::string, Shape>;

// Output shape of one node from its input shapes; checks the node's weights
// and attributes against them.
Shape infer_node_shape(const Node& node, const std::vector<Shape>& input_shapes);

// Structural rules: unique node and value names, every input produced before
// use, known outputs, arity and the weights each op needs.
void check_structure(const Graph& graph);

// Shapes of every value. Entries of `input_shapes` override the declared
// shapes of the graph inputs (e.g. another batch size or resolution).
ShapeMap infer_shapes(const Graph& graph, const ShapeMap& input_shapes = {});

// check_structure + infer_shapes.
ShapeMap validate(const Graph& graph, const ShapeMap& input_shapes = {});

std::string format_shape(const Shape& shape);  // "[1,3,224,224]"
std::string format_shape(const at::Tensor& tensor);  // its sizes, same form
int64_t numel(const Shape& shape);

}  // namespace whittle
