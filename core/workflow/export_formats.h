#pragma once
// The model formats Whittle exports (`whittle-cli export`, `pipeline`): how
// to write each one and how to check what was written by running it in its
// own runtime (OpenCV DNN, the PyTorch Mobile lite interpreter, Whittle's
// QDQ reader) against Whittle's runner.
#include <functional>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

#include "graph/graph.h"
#include "quant/quant_params.h"

namespace whittle {

// How far an exported file's outputs are from Whittle's runner (the fp32
// runner; the int8 runner for int8 formats).
struct ExportComparison {
  std::string engine;                // "OpenCV DNN", "PyTorch Mobile"
  std::vector<std::string> outputs;  // graph output names
  std::vector<double> max_abs_diff;  // per output
  double max_abs = 0;                // over every output
  double max_rel = 0;                // max_abs relative to the largest |output|
  // Int8 formats: per output and overall, the difference in units of the
  // output's quantization step (io/onnx_int8.h, Int8Comparison).
  std::vector<double> max_steps;
  double max_step_diff = 0;
};

// One --format: how to write it and how to check what was written. New
// formats are one more entry in export_formats(). An fp32 format reads an
// fp32 model (save, verify); an int8 format (save_int8 set) reads a Whittle
// int8 model, the QDQ ONNX file `whittle-cli quantize` writes.
struct ExportFormat {
  std::string name;         // the --format value
  std::string description;  // one line
  std::function<void(const Graph&, const std::string& path)> save;
  // Runs the written file on `inputs` (one per graph input, in order).
  std::function<ExportComparison(const Graph&, const std::string& path,
                                 const std::vector<at::Tensor>& inputs)>
      verify;
  std::function<void(const QuantizedGraph&, const std::string& path)> save_int8;
  std::function<ExportComparison(const QuantizedGraph&, const std::string& path,
                                 const std::vector<at::Tensor>& inputs)>
      verify_int8;
  // Int8 formats: --verify's default tolerance, in quantization steps.
  double default_steps = 0;
  // Fp32 formats: --verify's default tolerance (max abs diff or relative to
  // the largest |output|): 1e-4 where the file holds the model's exact fp32
  // weights; larger where it rounds them (onnx-fp16: fp16 weights).
  double default_tolerance = 1e-4;

  // Which models the format writes: fp32 (save), int8 (save_int8), or both (ptl).
  bool int8() const { return static_cast<bool>(save_int8); }
};

// Every format, in a fixed order.
std::vector<ExportFormat> export_formats();

// The default tolerance of onnx-int8-qop's check, in quantization steps:
// OpenCV's int8 kernels round differently from LibTorch's (see
// tests/io/onnx_int8_test.cpp).
constexpr double kQopDefaultSteps = 4.0;

// One seeded random input per graph input, of its declared shape (seed 2345):
// what a format's check runs.
std::vector<at::Tensor> random_inputs(const Graph& graph);

}  // namespace whittle
