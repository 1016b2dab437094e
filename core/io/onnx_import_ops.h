#pragma once
// Internal to core/io: maps single ONNX nodes to IR nodes for onnx_import.cpp.
#include <onnx/onnx_pb.h>

#include <map>
#include <string>

#include "graph/graph.h"
#include "graph/shape_inference.h"

namespace whittle::onnx_io {

struct ImportContext {
  int64_t opset = 13;                                          // default-domain opset
  std::map<std::string, const onnx::TensorProto*> constants;   // initializers + Constant nodes
  ShapeMap shapes;                                             // of the values imported so far

  const onnx::TensorProto* constant(const std::string& name) const;
  // Throws "(Op node) input 'x' is not produced before this node" when unknown.
  const Shape& shape(const std::string& value, const std::string& where) const;
};

// The IR node for one ONNX node: op, value inputs, attributes and weights.
// The caller sets the name and output. Throws whittle::Error naming the node.
Node convert_node(const onnx::NodeProto& node, const ImportContext& ctx);

}  // namespace whittle::onnx_io
