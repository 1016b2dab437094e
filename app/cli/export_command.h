#pragma once
#include <functional>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>
#include <CLI/CLI.hpp>

#include "graph/graph.h"

namespace whittle::cli {

// How far an exported file's outputs are from Whittle's fp32 runner.
struct ExportComparison {
  std::string engine;                // "OpenCV DNN", "PyTorch Mobile"
  std::vector<std::string> outputs;  // graph output names
  std::vector<double> max_abs_diff;  // per output
  double max_abs = 0;                // over every output
  double max_rel = 0;                // max_abs relative to the largest |output|
};

// One --format: how to write it and how to check what was written. New
// formats (int8 ONNX, int8 .ptl) are one more entry in export_formats().
struct ExportFormat {
  std::string name;         // the --format value
  std::string description;  // one line
  std::function<void(const Graph&, const std::string& path)> save;
  // Runs the written file on `inputs` (one per graph input, in order).
  std::function<ExportComparison(const Graph&, const std::string& path,
                                 const std::vector<at::Tensor>& inputs)>
      verify;
};

// Every format, in a fixed order.
std::vector<ExportFormat> export_formats();

// `export --model FILE.onnx --format onnx|ptl --out FILE [--verify]
// [--tolerance T] [--json]`: writes the model in another format; --verify
// runs the written file (OpenCV DNN for ONNX, the PyTorch Mobile lite
// interpreter for .ptl) on a seeded random input of the model's input shape
// and compares it with Whittle's runner: pass when max abs diff <= T or max
// diff relative to the largest |output| <= T (exit status 1 when it fails).
void add_export_command(CLI::App& app);

}  // namespace whittle::cli
