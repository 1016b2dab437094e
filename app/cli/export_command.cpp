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
#include "data/loader.h"
#include "data/voc_reader.h"
#include "eval/detection_agreement.h"
#include "eval/evaluate_detector.h"
#include "graph/error.h"
#include "graph/shape_inference.h"
#include "io/onnx_export.h"
#include "io/atomic_file.h"
#include "io/onnx_import.h"
#include "io/onnx_int8.h"
#include "io/exported_runner.h"
#include "io/ptl_export.h"
#include "models/detector.h"
#include "quant/int8_plan.h"
#include "quant/int8_runner.h"
#include "runtime/fold_batch_norm.h"
#include "runtime/runner.h"

namespace whittle::cli {
namespace {

struct ExportOptions {
  std::string model;
  std::string format;
  std::string out;
  bool verify = false;
  double tolerance = -1;  // -1: the format's default (default_tolerance; int8: default_steps)
  bool json = false;
  bool fold_bn = false;  // fold BatchNorm into the convs before writing
  // --verify on real images (--data): the set's first `images` images.
  std::string data;
  std::string set = "test";
  int images = 20;
  double score = 0.3;          // detections kept: score > this
  double iou = 0.5;            // a match: same class, IoU >= this
  double min_agreement = 0;    // --verify fails below this agreement (0: never)
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

// ---- --verify --data: the written file on real images ----------------------

// The runtime that runs a format's file for the real-image check (the one
// its verify uses); nullopt: the format has none here.
std::optional<ExportRuntime> real_image_runtime(const std::string& format) {
  if (format == "onnx" || format == "onnx-int8-qop") return ExportRuntime::OpenCvDnn;
  if (format == "ptl") return ExportRuntime::PytorchMobile;
  if (format == "onnx-int8-qdq") return ExportRuntime::WhittleInt8;
  return std::nullopt;
}

// The written file against Whittle's runner on real images: raw outputs and
// decoded detections.
struct RealImageCheck {
  std::string engine;
  int images = 0;
  std::vector<std::string> outputs;
  std::vector<double> max_abs_diff;  // per output
  std::vector<double> max_steps;     // int8: per output, in quantization steps
  double max_abs = 0, max_rel = 0, max_step_diff = 0;
  DetectionAgreement agreement;      // a: Whittle's runner, b: the exported file
};

// The first `count` images of `set` in `root` (all when fewer).
Dataset first_images(const std::string& root, const std::string& set, int count) {
  VocReadOptions read;
  read.sets = {set};
  Dataset data = read_voc(root, read);
  if (data.images.empty()) throw Error(root + ": set '" + set + "' has no images");
  if (static_cast<int>(data.images.size()) > count) data.images.resize(static_cast<size_t>(count));
  return data;
}

RealImageCheck check_on_images(const ExportOptions& o, const Detector& detector, const Dataset& data,
                               const Graph& graph, const QuantizedGraph* int8, ExportRuntime runtime) {
  if (graph.inputs.size() != 1)
    throw Error("--data: the model has " + std::to_string(graph.inputs.size()) + " inputs, not one image input");
  std::unique_ptr<GraphExecutor> reference;
  Int8Runner* int8_runner = nullptr;
  QEngine engine = QEngine::Auto;
  if (int8) {
    auto r = std::make_unique<Int8Runner>(*int8);
    int8_runner = r.get();
    engine = r->engine();  // an int8 .ptl runs on the runner's engine
    reference = std::move(r);
  } else {
    reference = std::make_unique<Runner>(graph, RunnerOptions{RunMode::Inference, true, false});
  }
  ExportedModel exported(o.out, runtime, ExportedModelOptions::for_graph(graph, engine));

  EvalOptions eval;
  eval.batch_size = 1;  // the exported files take the graph's input shape
  NmsOptions nms;
  nms.score_threshold = static_cast<float>(o.score);

  RealImageCheck c;
  c.engine = export_runtime_name(runtime) + (int8 && runtime == ExportRuntime::OpenCvDnn ? " (int8)" : "");
  c.outputs = graph.outputs;
  c.max_abs_diff.assign(graph.outputs.size(), 0.0);
  std::vector<double> ref_abs(graph.outputs.size(), 0.0);
  std::vector<double> ref_lo(graph.outputs.size(), INFINITY), ref_hi(graph.outputs.size(), -INFINITY);
  const std::string input = graph.inputs[0].name;
  at::NoGradGuard no_grad;
  DetectionLoader loader(data, eval_loader_options(detector, eval));
  while (auto batch = loader.next()) {
    const at::Tensor x = normalize_images(batch->images, detector.preprocess);
    const TensorMap want = reference->run({{input, x}});
    const TensorMap got = exported.run({x});
    for (size_t k = 0; k < graph.outputs.size(); ++k) {
      const std::string& name = graph.outputs[k];
      const at::Tensor& w = want.at(name);
      const at::Tensor& g = got.at(name);
      if (!g.sizes().equals(w.sizes()))
        throw Error(o.out + ": " + c.engine + " output '" + name + "' has shape " + format_shape(g) +
                    ", Whittle's is " + format_shape(w));
      if (w.numel() == 0) continue;
      double diff = (g - w).abs().max().item<double>();
      if (std::isnan(diff)) diff = INFINITY;
      c.max_abs_diff[k] = std::max(c.max_abs_diff[k], diff);
      ref_abs[k] = std::max(ref_abs[k], w.abs().max().item<double>());
      ref_lo[k] = std::min(ref_lo[k], w.min().item<double>());
      ref_hi[k] = std::max(ref_hi[k], w.max().item<double>());
    }
    const auto mine = detector.head->decode(head_inputs(*detector.head, want, "export"), nms);
    const auto theirs = detector.head->decode(head_inputs(*detector.head, got, "export"), nms);
    for (size_t i = 0; i < mine.size() && i < theirs.size(); ++i)
      c.agreement += detection_agreement(mine[i], theirs[i], o.iou);
    c.images += static_cast<int>(batch->image_ids.size());
  }
  double scale = 0;
  for (size_t k = 0; k < graph.outputs.size(); ++k) {
    c.max_abs = std::max(c.max_abs, c.max_abs_diff[k]);
    scale = std::max(scale, ref_abs[k]);
    if (int8_runner) {
      const double steps =
          c.max_abs_diff[k] / int8_output_step(*int8, int8_runner->plan(), graph.outputs[k], ref_lo[k], ref_hi[k]);
      c.max_steps.push_back(steps);
      c.max_step_diff = std::max(c.max_step_diff, steps);
    }
  }
  c.max_rel = scale > 0 ? c.max_abs / scale : (c.max_abs > 0 ? INFINITY : 0.0);
  return c;
}

std::string ratio_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", v);
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
  } else {
    if (!format.save)
      throw Error("--format " + format.name + " needs a Whittle int8 model (QDQ ONNX); " + o.model +
                  " is not one (no QuantizeLinear/DequantizeLinear nodes): quantize it first "
                  "(whittle-cli quantize)");
    graph = from_onnx_bytes(model_bytes, o.model);
  }
  std::string folded;
  if (o.fold_bn) {
    if (int8_model) throw Error("--fold-bn: " + o.model + " is an int8 model (its BatchNorm is folded already)");
    folded = fold_batch_norm(graph).summary;
  }
  // --data: the detector and the images, before writing anything.
  std::optional<Detector> detector;
  std::optional<Dataset> images;
  std::optional<ExportRuntime> runtime;
  if (!o.data.empty()) {
    if (!o.verify) throw Error("--data is for --verify (the check on real images)");
    if (o.images < 1) throw Error("--images must be >= 1");
    runtime = real_image_runtime(format.name);
    if (!runtime)
      throw Error("--data: --format " + format.name + " has no runtime for the check on real images here");
    try {
      detector = detector_from_graph(graph.clone());
    } catch (const Error& e) {
      throw Error(o.model + ": --data needs a detector (Whittle detector metadata): " + e.what());
    }
    images = first_images(o.data, o.set, o.images);
  }
  if (int8_model) format.save_int8(int8, o.out);
  else format.save(graph, o.out);
  auto bytes = static_cast<int64_t>(std::filesystem::file_size(o.out));

  const double tolerance =
      o.tolerance >= 0 ? o.tolerance : int8_model ? format.default_steps : format.default_tolerance;
  std::optional<ExportComparison> cmp;
  if (o.verify)
    cmp = int8_model ? format.verify_int8(int8, o.out, random_inputs(graph))
                     : format.verify(graph, o.out, random_inputs(graph));
  bool pass = !cmp || (int8_model ? cmp->max_step_diff <= tolerance
                                  : cmp->max_abs <= tolerance || cmp->max_rel <= tolerance);
  std::optional<RealImageCheck> real;
  if (o.verify && detector)
    real = check_on_images(o, *detector, *images, graph, int8_model ? &int8 : nullptr, *runtime);
  const bool agree = !real || real->agreement.ratio() >= o.min_agreement;

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
      v["pass"] = pass && agree;
      v["outputs"] = nlohmann::json::array();
      for (size_t k = 0; k < cmp->outputs.size(); ++k) {
        nlohmann::ordered_json out{{"name", cmp->outputs[k]},
                                   {"max_abs_diff", number_or_null(cmp->max_abs_diff[k])}};
        if (k < cmp->max_steps.size()) out["max_step_diff"] = number_or_null(cmp->max_steps[k]);
        v["outputs"].push_back(out);
      }
      if (real) {
        const DetectionAgreement& a = real->agreement;
        nlohmann::ordered_json r;
        r["data"] = o.data;
        r["set"] = o.set;
        r["images"] = real->images;
        r["engine"] = real->engine;
        r["max_abs_diff"] = number_or_null(real->max_abs);
        r["max_rel_diff"] = number_or_null(real->max_rel);
        if (int8_model) r["max_step_diff"] = number_or_null(real->max_step_diff);
        r["outputs"] = nlohmann::json::array();
        for (size_t k = 0; k < real->outputs.size(); ++k) {
          nlohmann::ordered_json out{{"name", real->outputs[k]},
                                     {"max_abs_diff", number_or_null(real->max_abs_diff[k])}};
          if (k < real->max_steps.size()) out["max_step_diff"] = number_or_null(real->max_steps[k]);
          r["outputs"].push_back(out);
        }
        r["score_threshold"] = o.score;
        r["iou_threshold"] = o.iou;
        r["detections_whittle"] = a.count_a();
        r["detections_export"] = a.count_b();
        r["matched"] = a.matched;
        r["only_in_whittle"] = a.only_a;
        r["only_in_export"] = a.only_b;
        r["agreement"] = a.ratio();
        r["mean_iou"] = a.mean_iou();
        r["max_score_diff"] = a.max_score_diff;
        r["min_agreement"] = o.min_agreement;
        r["pass"] = agree;
        v["real_images"] = r;
      }
      j["verify"] = v;
    }
    if (o.fold_bn) j["fold_bn"] = folded;
    std::cout << j.dump(2) << '\n';
  } else {
    std::cout << "wrote " << o.out << " (" << format.description << ", " << megabytes(bytes)
              << (o.fold_bn ? ", " + folded : std::string()) << ")\n";
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
    if (real) {
      const DetectionAgreement& a = real->agreement;
      std::cout << "verify on " << real->images << " images of '" << o.set << "' (" << o.data
                << "): " << real->engine << " vs Whittle's " << (int8_model ? "int8 runner" : "runner")
                << ": max abs diff " << sci(real->max_abs);
      if (int8_model) std::cout << " (" << steps_text(real->max_step_diff) << " quantization steps)";
      std::cout << ", relative " << sci(real->max_rel) << '\n'
                << "detections (score > " << o.score << ", same class, IoU >= " << o.iou
                << "): Whittle " << a.count_a() << ", export " << a.count_b() << ": " << a.matched
                << " matched, " << a.only_a << " only in Whittle, " << a.only_b
                << " only in the export: agreement " << ratio_text(a.ratio());
      if (o.min_agreement > 0)
        std::cout << " (minimum " << ratio_text(o.min_agreement) << "): " << (agree ? "pass" : "FAIL");
      std::cout << '\n';
    }
  }
  if (!pass)
    throw CommandExit(1, "export: " + o.out + " does not compute what the model computes (max abs diff " +
                             sci(cmp->max_abs) + "); the file is kept for inspection");
  if (!agree)
    throw CommandExit(1, "export: " + o.out + "'s detections agree with Whittle's on " +
                             ratio_text(real->agreement.ratio()) + " < --min-agreement " +
                             ratio_text(o.min_agreement) + "; the file is kept for inspection");
}

}  // namespace

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
                  "--verify passes when max abs diff or relative diff <= this (default 1e-4; 1e-2 for "
                  "onnx-fp16, whose weights are rounded); "
                  "int8 formats: max diff in quantization steps (default 0 for onnx-int8-qdq, " +
                      steps_text(kQopDefaultSteps) + " for onnx-int8-qop)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--data", o->data,
                  "--verify also on real images: VOC data set folder or VOCdevkit (a detector model): "
                  "raw output differences and detection agreement with Whittle's runner");
  cmd->add_option("--set", o->set, "image set for --data (ImageSets/Main/<set>.txt)")->capture_default_str();
  cmd->add_option("--images", o->images, "--data: the set's first N images")->capture_default_str();
  cmd->add_option("--score", o->score, "--data: detections kept when score > this")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--match-iou", o->iou, "--data: a detection matches one of the same class at IoU >= this")
      ->capture_default_str()
      ->check(CLI::Range(0.01, 1.0));
  cmd->add_option("--min-agreement", o->min_agreement,
                  "--data: --verify fails when the detection agreement (matched / max count) is below "
                  "this (default 0: reported only)")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_flag("--fold-bn", o->fold_bn,
                "fold each BatchNorm that follows a conv into the conv first (fp32 models; "
                "e.g. ssd300_vgg16_bn -> ssd300_vgg16's graph)");
  cmd->add_flag("--json", o->json, "machine-readable output");
  cmd->callback([o] { run_export(*o); });
}

}  // namespace whittle::cli
