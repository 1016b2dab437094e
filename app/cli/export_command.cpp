#include "cli/export_command.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <nlohmann/json.hpp>
#include <opencv2/dnn.hpp>

#include "cli/format.h"
#include "cli/progress_bar.h"
#include "graph/error.h"
#include "graph/shape_inference.h"
#include "io/onnx_export.h"
#include "io/atomic_file.h"
#include "io/onnx_import.h"
#include "io/onnx_int8.h"
#include "io/ptl_export.h"
#include "runtime/runner.h"

namespace whittle::cli {
namespace {

struct ExportOptions {
  std::string model;
  std::string format;
  std::string out;
  bool verify = false;
  double tolerance = -1;  // -1: the format's default (1e-4; int8: its default_steps)
  bool json = false;
};

// --verify's default for onnx-int8-qop: OpenCV's int8 kernels round
// differently from LibTorch's (see tests/io/onnx_int8_test.cpp).
constexpr double kQopDefaultSteps = 4.0;

std::string format_names() {
  std::string names;
  for (const auto& f : export_formats()) names += (names.empty() ? "" : ", ") + f.name;
  return names;
}

const ExportFormat& find_format(const std::vector<ExportFormat>& formats, const std::string& name) {
  for (const auto& f : formats)
    if (f.name == name) return f;
  throw Error("unknown --format '" + name + "' (valid: " + format_names() + ")");
}

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
  std::vector<cv::Mat> outs;
  try {
    cv::dnn::Net net = cv::dnn::readNetFromONNX(path);
    net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
    net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
    for (size_t k = 0; k < inputs.size(); ++k) {
      at::Tensor t = inputs[k].contiguous();
      std::vector<int> dims(t.sizes().begin(), t.sizes().end());
      net.setInput(cv::Mat(dims, CV_32F, t.data_ptr<float>()).clone(), graph.inputs[k].name);
    }
    net.forward(outs, std::vector<cv::String>(graph.outputs.begin(), graph.outputs.end()));
  } catch (const cv::Exception& e) {
    throw Error(path + ": OpenCV DNN could not run it: " + e.msg);
  }
  if (outs.size() != graph.outputs.size())
    throw Error(path + ": OpenCV DNN gave " + std::to_string(outs.size()) + " outputs, the model has " +
                std::to_string(graph.outputs.size()));
  TensorMap want = reference(graph, inputs);
  double scale = 0;
  for (size_t k = 0; k < outs.size(); ++k) {
    std::vector<int64_t> dims(outs[k].size.p, outs[k].size.p + outs[k].dims);
    at::Tensor got = at::from_blob(outs[k].ptr<float>(), dims, at::kFloat).clone();
    compare(c, graph.outputs[k], got, want.at(graph.outputs[k]), scale);
  }
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

std::vector<at::Tensor> random_inputs(const Graph& graph) {
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(2345);
  std::vector<at::Tensor> inputs;
  for (const auto& in : graph.inputs)
    inputs.push_back(at::randn(in.shape, gen, at::TensorOptions().dtype(at::kFloat)));
  return inputs;
}

std::string sci(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2e", v);
  return buf;
}

std::string steps_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

void run_export(const ExportOptions& o) {
  const std::vector<ExportFormat> formats = export_formats();
  const ExportFormat& format = find_format(formats, o.format);  // before any slow work
  const std::string model_bytes = read_file(o.model);
  const bool int8_model = is_qdq_onnx_bytes(model_bytes);
  Graph graph;
  QuantizedGraph int8;
  if (int8_model) {
    if (!format.int8())
      throw Error("--format " + format.name + " writes fp32 models; " + o.model +
                  " is an int8 model: use --format onnx-int8-qdq, onnx-int8-qop or ptl");
    int8 = qdq_onnx_from_bytes(model_bytes, o.model);
    graph = int8.graph;
    format.save_int8(int8, o.out);
  } else {
    if (!format.save)
      throw Error("--format " + format.name + " needs a Whittle int8 model (QDQ ONNX); " + o.model +
                  " is not one (no QuantizeLinear/DequantizeLinear nodes): quantize it first "
                  "(whittle-cli quantize)");
    graph = from_onnx_bytes(model_bytes, o.model);
    format.save(graph, o.out);
  }
  auto bytes = static_cast<int64_t>(std::filesystem::file_size(o.out));

  const double tolerance = o.tolerance >= 0 ? o.tolerance : int8_model ? format.default_steps : 1e-4;
  std::optional<ExportComparison> cmp;
  if (o.verify)
    cmp = int8_model ? format.verify_int8(int8, o.out, random_inputs(graph))
                     : format.verify(graph, o.out, random_inputs(graph));
  bool pass = !cmp || (int8_model ? cmp->max_step_diff <= tolerance
                                  : cmp->max_abs <= tolerance || cmp->max_rel <= tolerance);

  if (o.json) {
    nlohmann::ordered_json j;
    j["file"] = o.out;
    j["format"] = format.name;
    j["bytes"] = bytes;
    if (cmp) {
      nlohmann::ordered_json v;
      v["engine"] = cmp->engine;
      v["reference"] = int8_model ? "int8 runner" : "fp32 runner";
      v["input_shapes"] = nlohmann::json::array();
      for (const auto& in : graph.inputs) v["input_shapes"].push_back(in.shape);
      v["max_abs_diff"] = number_or_null(cmp->max_abs);
      v["max_rel_diff"] = number_or_null(cmp->max_rel);
      if (int8_model) v["max_step_diff"] = number_or_null(cmp->max_step_diff);
      v["tolerance"] = tolerance;
      v["tolerance_unit"] = int8_model ? "quantization steps" : "absolute or relative";
      v["pass"] = pass;
      v["outputs"] = nlohmann::json::array();
      for (size_t k = 0; k < cmp->outputs.size(); ++k) {
        nlohmann::ordered_json out{{"name", cmp->outputs[k]},
                                   {"max_abs_diff", number_or_null(cmp->max_abs_diff[k])}};
        if (k < cmp->max_steps.size()) out["max_step_diff"] = number_or_null(cmp->max_steps[k]);
        v["outputs"].push_back(out);
      }
      j["verify"] = v;
    }
    std::cout << j.dump(2) << '\n';
  } else {
    std::cout << "wrote " << o.out << " (" << format.description << ", " << megabytes(bytes)
              << ")\n";
    if (cmp) {
      std::string shapes;
      for (const auto& in : graph.inputs) shapes += (shapes.empty() ? "" : " ") + format_shape(in.shape);
      if (int8_model)
        std::cout << "verify: " << cmp->engine << " vs Whittle's int8 runner on a random " << shapes
                  << " input: max abs diff " << sci(cmp->max_abs) << " ("
                  << steps_text(cmp->max_step_diff) << " quantization steps), relative "
                  << sci(cmp->max_rel) << " (tolerance " << steps_text(tolerance)
                  << " steps): " << (pass ? "pass" : "FAIL") << '\n';
      else
        std::cout << "verify: " << cmp->engine << " vs Whittle on a random " << shapes
                  << " input: max abs diff " << sci(cmp->max_abs) << ", relative "
                  << sci(cmp->max_rel) << " (tolerance " << sci(tolerance) << "): "
                  << (pass ? "pass" : "FAIL") << '\n';
    }
  }
  if (!pass)
    throw CommandExit(1, "export: " + o.out + " does not compute what the model computes (max abs diff " +
                             sci(cmp->max_abs) + "); the file is kept for inspection");
}

}  // namespace

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
  };
}

void add_export_command(CLI::App& app) {
  auto o = std::make_shared<ExportOptions>();
  CLI::App* cmd = app.add_subcommand(
      "export", "write a model in another format (ONNX, PyTorch Mobile, int8 ONNX for OpenCV DNN)");
  cmd->add_option("--model", o->model, "model file (.onnx; an int8 model for the onnx-int8-* formats)")
      ->required();
  cmd->add_option("--format", o->format, "output format: " + format_names())->required();
  cmd->add_option("--out", o->out, "output file")->required();
  cmd->add_flag("--verify", o->verify,
                "run the written file and compare it with Whittle's runner on a random input");
  cmd->add_option("--tolerance", o->tolerance,
                  "--verify passes when max abs diff or relative diff <= this (default 1e-4); "
                  "int8 formats: max diff in quantization steps (default 0 for onnx-int8-qdq, " +
                      steps_text(kQopDefaultSteps) + " for onnx-int8-qop)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_flag("--json", o->json, "machine-readable output");
  cmd->callback([o] { run_export(*o); });
}

}  // namespace whittle::cli
