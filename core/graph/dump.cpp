#include "graph/dump.h"

#include <sstream>

#include "graph/shape_inference.h"

namespace whittle {

std::string dump_graph(const Graph& graph) {
  ShapeMap shapes;
  try {
    shapes = infer_shapes(graph);
  } catch (const std::exception&) {
    shapes.clear();
  }
  auto shape_of = [&](const std::string& value) {
    auto it = shapes.find(value);
    return it == shapes.end() ? std::string("?") : format_shape(it->second);
  };
  std::ostringstream out;
  for (const auto& [key, value] : graph.metadata) out << "meta " << key << " = " << value << '\n';
  for (const auto& in : graph.inputs) out << "input " << in.name << ' ' << format_shape(in.shape) << '\n';
  for (const auto& node : graph.nodes) {
    out << node.output;
    if (node.output != node.name) out << " (" << node.name << ')';
    out << " = " << op_name(node.op) << '(';
    for (size_t k = 0; k < node.inputs.size(); ++k) out << (k ? ", " : "") << node.inputs[k];
    out << ')';
    for (const auto& [key, value] : node.attrs.all()) out << ' ' << key << '=' << format_attr(value);
    if (!node.weights.empty()) {
      out << " {";
      bool first = true;
      for (const auto& [key, tensor] : node.weights) {
        out << (first ? "" : " ") << key
            << format_shape(Shape(tensor.sizes().begin(), tensor.sizes().end()));
        first = false;
      }
      out << '}';
    }
    out << " -> " << shape_of(node.output) << '\n';
  }
  for (const auto& o : graph.outputs) out << "output " << o << ' ' << shape_of(o) << '\n';
  return out.str();
}

}  // namespace whittle
