#include "cli/model_source.h"

#include <sstream>

#include "graph/error.h"
#include "io/onnx_import.h"
#include "models/zoo.h"

namespace whittle::cli {

void ModelSource::add_options(CLI::App& command) {
  command.add_option("model", path, "model file (.onnx)");
  command.add_option("--zoo", zoo, "a zoo network instead of a file (see `zoo list`)");
  command.add_option("--classes", classes, "zoo: number of classes")->check(CLI::PositiveNumber);
  command.add_option("--width", width, "zoo: width multiplier")->check(CLI::PositiveNumber);
  command.add_option("--input", input, "input shape NxCxHxW, e.g. 1x3x300x300");
}

Shape parse_shape(const std::string& text) {
  Shape shape;
  std::stringstream in(text);
  std::string part;
  while (std::getline(in, part, 'x')) {
    try {
      size_t used = 0;
      long long v = std::stoll(part, &used);
      if (used != part.size() || v < 1) throw std::invalid_argument(part);
      shape.push_back(v);
    } catch (const std::exception&) {
      throw Error("--input '" + text + "' is not a shape like 1x3x224x224");
    }
  }
  if (shape.size() != 4) throw Error("--input '" + text + "' must have 4 dimensions (NxCxHxW)");
  return shape;
}

Graph ModelSource::load() const {
  if (path.empty() == zoo.empty()) throw Error("give either a MODEL file or --zoo NAME");
  if (!path.empty()) return load_onnx(path);
  BackboneOptions options;
  options.num_classes = classes;
  options.width = width;
  if (!input.empty()) {
    Shape s = parse_shape(input);
    if (s[2] == s[3]) options.input_size = s[2];  // classifier heads depend on it
  }
  return build_zoo(zoo, options);
}

ShapeMap ModelSource::input_shapes(const Graph& graph) const {
  if (input.empty() || graph.inputs.empty()) return {};
  return {{graph.inputs[0].name, parse_shape(input)}};
}

}  // namespace whittle::cli
