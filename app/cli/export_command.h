#pragma once
#include <functional>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>
#include <CLI/CLI.hpp>

#include "graph/graph.h"
#include "quant/quant_params.h"

namespace whittle::cli {

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

// `export --model FILE.onnx --format onnx|onnx-fp16|ptl|onnx-int8-qdq|onnx-int8-qop
// --out FILE [--verify] [--tolerance T] [--json]`: writes the model in
// another format; --verify runs the written file (OpenCV DNN for ONNX, the
// PyTorch Mobile lite interpreter for .ptl, Whittle's QDQ reader for
// onnx-int8-qdq) on a seeded random input of the model's input shape and
// compares it with Whittle's runner: pass when max abs diff <= T or max diff
// relative to the largest |output| <= T (exit status 1 when it fails). The
// int8 formats read an int8 model (QDQ ONNX) and compare with the int8
// runner: T counts quantization steps of the outputs (defaults: 0 for
// onnx-int8-qdq, which must be bit-identical; a few for OpenCV's int8 kernels).
//
// `--verify --data DIR [--set test] [--images 20] [--score 0.3]
// [--match-iou 0.5] [--min-agreement A]` (a detector model) also runs the set's
// first N images, with the detector's preprocessing, through the written file
// (io/exported_runner.h) and through Whittle's runner, and reports the raw
// outputs' max abs / relative difference (int8: also in quantization steps)
// and the detection agreement (eval/detection_agreement.h): both decoded by
// the head at the score threshold, matched per image and class by IoU;
// matched / only in Whittle / only in the export, agreement = matched /
// max(count) (JSON: verify.real_images). Fails (exit 1) only when the
// agreement is below --min-agreement (default 0: reported only).
void add_export_command(CLI::App& app);

}  // namespace whittle::cli
