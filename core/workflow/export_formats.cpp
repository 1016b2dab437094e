#include "workflow/export_formats.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "graph/error.h"
#include "graph/shape_inference.h"
#include "io/atomic_file.h"
#include "io/exported_runner.h"
#include "io/onnx_export.h"
#include "io/onnx_int8.h"
#include "io/ptl_export.h"
#include "runtime/runner.h"

namespace whittle {
namespace {

// Whittle's fp32 runner in NCHW (as the exported files compute).
TensorMap reference(const Graph& graph, const std::vector<at::Tensor>& inputs) {
  TensorMap named;
  for (size_t k = 0; k < inputs.size(); ++k) named[graph.inputs[k].name] = inputs[k];
  return Runner(graph, {RunMode::Inference, true, false}).run(named);
}

// Adds one output's difference to `c`; a shape mismatch is an error.
void compare(ExportComparison& c, const std::string& name, const at::Tensor& got,
             const at::Tensor& want, double& scale) {
  if (!got.sizes().equals(want.sizes()))
    throw Error(c.engine + " output '" + name + "' has shape " + format_shape(got) +
                ", Whittle's is " + format_shape(want));
  double diff = want.numel() ? (got - want).abs().max().item<double>() : 0.0;
  if (std::isnan(diff)) diff = INFINITY;
  scale = std::max(scale, want.numel() ? want.abs().max().item<double>() : 0.0);
  c.outputs.push_back(name);
  c.max_abs_diff.push_back(diff);
  c.max_abs = std::max(c.max_abs, diff);
}

void finish_relative(ExportComparison& c, double scale) {
  c.max_rel = scale > 0 ? c.max_abs / scale : (c.max_abs > 0 ? INFINITY : 0.0);
}

ExportComparison verify_onnx_in_opencv(const Graph& graph, const std::string& path,
                                       const std::vector<at::Tensor>& inputs) {
  ExportComparison c;
  c.engine = "OpenCV DNN";
  ExportedModel model(path, ExportRuntime::OpenCvDnn, ExportedModelOptions::for_graph(graph));
  const TensorMap got = model.run(inputs);
  const TensorMap want = reference(graph, inputs);
  double scale = 0;
  for (const std::string& name : graph.outputs) compare(c, name, got.at(name), want.at(name), scale);
  finish_relative(c, scale);
  return c;
}

ExportComparison from_ptl(const PtlCheck& check) {
  ExportComparison c;
  c.engine = "PyTorch Mobile";
  c.outputs = check.outputs;
  c.max_abs_diff = check.max_abs_diff;
  c.max_abs = check.max_abs;
  c.max_rel = check.max_rel;
  return c;
}

ExportComparison verify_ptl_in_mobile(const Graph& graph, const std::string& path,
                                      const std::vector<at::Tensor>& inputs) {
  return from_ptl(verify_ptl(graph, path, inputs));
}

ExportComparison verify_int8_ptl_in_mobile(const QuantizedGraph& model, const std::string& path,
                                           const std::vector<at::Tensor>& inputs) {
  const PtlCheck check = verify_ptl(model, path, inputs);
  ExportComparison c = from_ptl(check);
  c.max_steps.assign(check.outputs.size(), 0.0);
  for (size_t k = 0; k < check.outputs.size(); ++k)
    if (check.step[k] > 0) c.max_steps[k] = check.max_abs_diff[k] / check.step[k];
  c.max_step_diff = check.max_steps;
  return c;
}

ExportComparison from_int8(const Int8Comparison& i) {
  ExportComparison c;
  c.engine = i.engine;
  c.outputs = i.outputs;
  c.max_abs_diff = i.max_abs_diff;
  c.max_abs = i.max_abs;
  c.max_rel = i.max_rel;
  c.max_steps = i.max_steps;
  c.max_step_diff = i.max_step_diff;
  return c;
}

}  // namespace

std::vector<at::Tensor> random_inputs(const Graph& graph) {
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(2345);
  std::vector<at::Tensor> inputs;
  for (const auto& in : graph.inputs)
    inputs.push_back(at::randn(in.shape, gen, at::TensorOptions().dtype(at::kFloat)));
  return inputs;
}

std::vector<ExportFormat> export_formats() {
  return {
      {"onnx", "ONNX fp32, opset 13", [](const Graph& g, const std::string& p) { save_onnx(g, p); },
       verify_onnx_in_opencv},
      {"ptl", "PyTorch Mobile lite interpreter (fp32, or int8 for an int8 model)",
       [](const Graph& g, const std::string& p) { save_ptl(g, p); }, verify_ptl_in_mobile,
       [](const QuantizedGraph& m, const std::string& p) { save_ptl(m, p); }, verify_int8_ptl_in_mobile,
       0.0},
      {"onnx-int8-qdq", "ONNX int8 QDQ, opset 13 (Whittle's int8 model file)", nullptr, nullptr,
       [](const QuantizedGraph& m, const std::string& p) { save_qdq_onnx(m, p); },
       [](const QuantizedGraph& m, const std::string& p, const std::vector<at::Tensor>& in) {
         return from_int8(verify_qdq_reload(m, p, in));
       },
       0.0},
      {"onnx-int8-qop", "ONNX int8 QOperator for OpenCV DNN", nullptr, nullptr,
       [](const QuantizedGraph& m, const std::string& p) { save_qop_onnx(m, p); },
       [](const QuantizedGraph& m, const std::string& p, const std::vector<at::Tensor>& in) {
         return from_int8(verify_qop_in_opencv(m, p, in));
       },
       kQopDefaultSteps},
      // FLOAT16 initializers + Cast(to=FLOAT) (io/onnx_export.h). OpenCV 4.6
      // reads no FLOAT16 tensor, so --verify runs the file with its FLOAT16
      // initializers widened to FLOAT (exact; what OpenCV >= 4.7 does on load)
      // against the fp32 runner: the difference is the weights' fp16 rounding.
      {"onnx-fp16", "ONNX fp32 compute, fp16 weights (half the file)",
       [](const Graph& g, const std::string& p) { save_onnx(g, p, OnnxExportOptions{true}); },
       [](const Graph& g, const std::string& p, const std::vector<at::Tensor>& in) {
         const std::string wide = p + ".opencv46-fp32.onnx";
         write_file_atomic(wide, widen_fp16_initializers(read_file(p)));
         ExportComparison c;
         try {
           c = verify_onnx_in_opencv(g, wide, in);
         } catch (...) {
           std::filesystem::remove(wide);
           throw;
         }
         std::filesystem::remove(wide);
         c.engine = "OpenCV DNN (FLOAT16 weights widened to FLOAT)";
         return c;
       },
       nullptr, nullptr, 0.0, 1e-2},
  };
}

}  // namespace whittle
