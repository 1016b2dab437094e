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
#include "io/onnx_import.h"
#include "io/ptl_export.h"
#include "runtime/runner.h"

namespace whittle::cli {
namespace {

struct ExportOptions {
  std::string model;
  std::string format;
  std::string out;
  bool verify = false;
  double tolerance = 1e-4;
  bool json = false;
};

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

ExportComparison verify_ptl_in_mobile(const Graph& graph, const std::string& path,
                                      const std::vector<at::Tensor>& inputs) {
  PtlCheck check = verify_ptl(graph, path, inputs);
  ExportComparison c;
  c.engine = "PyTorch Mobile";
  c.outputs = check.outputs;
  c.max_abs_diff = check.max_abs_diff;
  c.max_abs = check.max_abs;
  c.max_rel = check.max_rel;
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

void run_export(const ExportOptions& o) {
  const std::vector<ExportFormat> formats = export_formats();
  const ExportFormat& format = find_format(formats, o.format);  // before any slow work
  Graph graph = load_onnx(o.model);
  format.save(graph, o.out);
  auto bytes = static_cast<int64_t>(std::filesystem::file_size(o.out));

  std::optional<ExportComparison> cmp;
  if (o.verify) cmp = format.verify(graph, o.out, random_inputs(graph));
  bool pass = !cmp || cmp->max_abs <= o.tolerance || cmp->max_rel <= o.tolerance;

  if (o.json) {
    nlohmann::ordered_json j;
    j["file"] = o.out;
    j["format"] = format.name;
    j["bytes"] = bytes;
    if (cmp) {
      nlohmann::ordered_json v;
      v["engine"] = cmp->engine;
      v["input_shapes"] = nlohmann::json::array();
      for (const auto& in : graph.inputs) v["input_shapes"].push_back(in.shape);
      v["max_abs_diff"] = number_or_null(cmp->max_abs);
      v["max_rel_diff"] = number_or_null(cmp->max_rel);
      v["tolerance"] = o.tolerance;
      v["pass"] = pass;
      v["outputs"] = nlohmann::json::array();
      for (size_t k = 0; k < cmp->outputs.size(); ++k)
        v["outputs"].push_back(
            {{"name", cmp->outputs[k]}, {"max_abs_diff", number_or_null(cmp->max_abs_diff[k])}});
      j["verify"] = v;
    }
    std::cout << j.dump(2) << '\n';
  } else {
    std::cout << "wrote " << o.out << " (" << format.description << ", " << megabytes(bytes)
              << ")\n";
    if (cmp) {
      std::string shapes;
      for (const auto& in : graph.inputs) shapes += (shapes.empty() ? "" : " ") + format_shape(in.shape);
      std::cout << "verify: " << cmp->engine << " vs Whittle on a random " << shapes
                << " input: max abs diff " << sci(cmp->max_abs) << ", relative "
                << sci(cmp->max_rel) << " (tolerance " << sci(o.tolerance) << "): "
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
      {"ptl", "PyTorch Mobile lite interpreter, fp32",
       [](const Graph& g, const std::string& p) { save_ptl(g, p); }, verify_ptl_in_mobile},
  };
}

void add_export_command(CLI::App& app) {
  auto o = std::make_shared<ExportOptions>();
  CLI::App* cmd = app.add_subcommand("export", "write a model in another format (ONNX, PyTorch Mobile)");
  cmd->add_option("--model", o->model, "model file (.onnx)")->required();
  cmd->add_option("--format", o->format, "output format: " + format_names())->required();
  cmd->add_option("--out", o->out, "output file")->required();
  cmd->add_flag("--verify", o->verify,
                "run the written file and compare it with Whittle's runner on a random input");
  cmd->add_option("--tolerance", o->tolerance,
                  "--verify passes when max abs diff or relative diff <= this (default 1e-4)")
      ->check(CLI::PositiveNumber);
  cmd->add_flag("--json", o->json, "machine-readable output");
  cmd->callback([o] { run_export(*o); });
}

}  // namespace whittle::cli
