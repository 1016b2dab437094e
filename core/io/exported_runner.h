#pragma once
// Runs a file written by an export (onnx_export.h, onnx_int8.h, ptl_export.h)
// in the runtime it is meant for, on any inputs: real images as well as the
// random tensors of the export checks. The file is loaded once; run() may be
// called any number of times. Outputs come back fp32, contiguous, by name.
//
//   OpenCvDnn      ONNX fp32 or QOperator int8 in OpenCV DNN (OpenCV backend,
//                  CPU), inputs set by name, outputs asked for by name.
//   PytorchMobile  a .ptl in the lite interpreter (torch::jit::_load_for_mobile);
//                  forward(x0, x1, ...) in input order, the result (one tensor
//                  or a tuple) named by `outputs` in order. An int8 file's
//                  weights are packed on load for `qengine` (ptl_export.h), and
//                  each run is under that engine (the caller's engine is put
//                  back after).
//   WhittleInt8    a QDQ int8 ONNX file (Whittle's int8 model file) loaded with
//                  load_qdq_onnx and run by the Int8Runner under `qengine`.
#include <ATen/core/Tensor.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "graph/graph.h"
#include "quant/int8_runner.h"

namespace whittle {

enum class ExportRuntime { OpenCvDnn, PytorchMobile, WhittleInt8 };

// "OpenCV DNN", "PyTorch Mobile", "Whittle int8 runner (QDQ reloaded)".
std::string export_runtime_name(ExportRuntime runtime);

struct ExportedModelOptions {
  std::vector<std::string> inputs;   // input names, in the file's order
  std::vector<std::string> outputs;  // output names, in the file's order
  QEngine qengine = QEngine::Auto;   // PytorchMobile / WhittleInt8 (Auto: best_qengine())

  // The graph's input and output names (what every export writes).
  static ExportedModelOptions for_graph(const Graph& graph, QEngine qengine = QEngine::Auto);
};

class ExportedModel {
 public:
  // Loads `path`. Throws whittle::Error naming the file when the runtime
  // cannot load it, or when inputs or outputs is empty.
  ExportedModel(const std::string& path, ExportRuntime runtime, ExportedModelOptions options);
  ~ExportedModel();
  ExportedModel(ExportedModel&&) noexcept;
  ExportedModel& operator=(ExportedModel&&) noexcept;

  // One float32 tensor per input, in order (any batch size the file takes).
  // Returns every output by name. Throws whittle::Error naming the file when
  // the counts differ or the runtime fails.
  TensorMap run(const std::vector<at::Tensor>& inputs);

  ExportRuntime runtime() const;
  const std::string& path() const;
  const ExportedModelOptions& options() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Loads `path` once and runs it on each element of `batches` (one input list
// per run); the outputs in the same order.
std::vector<TensorMap> run_exported(const std::string& path, ExportRuntime runtime,
                                    const ExportedModelOptions& options,
                                    const std::vector<std::vector<at::Tensor>>& batches);

}  // namespace whittle
