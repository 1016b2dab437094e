#pragma once
// Where a command's model comes from: an ONNX file, or a zoo network built on
// the spot. Shared by every command that takes "MODEL | --zoo NAME".
#include <cstdint>
#include <string>

#include <CLI/CLI.hpp>

#include "graph/graph.h"
#include "graph/shape_inference.h"

namespace whittle::cli {

struct ModelSource {
  std::string path;         // positional MODEL (.onnx)
  std::string zoo;          // --zoo NAME
  int64_t classes = 1000;   // --classes (zoo only)
  double width = 1.0;       // --width (zoo only)
  std::string input;        // --input 1x3xHxW

  // Adds MODEL, --zoo, --classes, --width and --input to a subcommand.
  void add_options(CLI::App& command);
  // Loads or builds the graph; throws whittle::Error with a clear message.
  Graph load() const;
  // The --input override for the graph's first input (empty when not given).
  ShapeMap input_shapes(const Graph& graph) const;
};

// "1x3x300x300" -> {1,3,300,300}; throws whittle::Error on anything else.
Shape parse_shape(const std::string& text);

}  // namespace whittle::cli
