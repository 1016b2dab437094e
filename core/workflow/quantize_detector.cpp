#include "workflow/quantize_detector.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <set>

#include "data/loader.h"
#include "graph/error.h"
#include "quant/int8_plan.h"
#include "quant/int8_runner.h"
#include "runtime/runner.h"
#include "train/qat.h"

namespace whittle {
namespace {

using Clock = std::chrono::steady_clock;

std::vector<at::Tensor> collect_batches(CalibrationBatches& batches) {
  std::vector<at::Tensor> out;
  batches.rewind();
  while (std::optional<at::Tensor> b = batches.next()) out.push_back(*b);
  return out;
}

// ||y - ref|| / ||ref|| over every output of every batch.
double relative_error(GraphExecutor& executor, const std::vector<at::Tensor>& inputs,
                      const std::vector<TensorMap>& reference) {
  const std::string& input = executor.graph().inputs.at(0).name;
  double diff = 0, norm = 0;
  for (size_t b = 0; b < inputs.size(); ++b) {
    const TensorMap out = executor.run({{input, inputs[b]}});
    for (const auto& [name, ref] : reference[b]) {
      diff += (out.at(name) - ref).pow(2).sum().item<double>();
      norm += ref.pow(2).sum().item<double>();
    }
  }
  return norm > 0 ? std::sqrt(diff / norm) : std::sqrt(diff);
}

double map_of(const Detector& detector, const Dataset& data, const QuantizeDetectorOptions& o,
              Progress& progress) {
  EvalOptions eo;
  eo.batch_size = o.batch_size;
  eo.workers = o.workers;
  eo.nms = o.nms;
  return evaluate_detector(detector, data, o.metric, eo, progress).map.map;
}

Detector with_spec(const Detector& base, const QuantSpec& spec) {
  Detector d = base;
  d.int8 = std::make_shared<const QuantSpec>(spec);
  return d;
}

}  // namespace

TrainOptions QuantizeDetectorOptions::default_qat_options() {
  TrainOptions t;
  t.epochs = 0;
  t.batch_size = 16;
  t.optimizer = OptimizerKind::AdamW;
  t.lr = 1e-4;  // a fine-tune of a trained model: small steps
  t.schedule = ScheduleKind::Cosine;
  t.val_every = 0;
  return t;
}

CalibrationBatches detector_calibration_batches(const Detector& detector, const Dataset& data, int images,
                                                int batch_size, int workers) {
  auto subset = std::make_shared<Dataset>();
  subset->classes = data.classes;
  const size_t n = std::min(data.images.size(), static_cast<size_t>(std::max(images, 0)));
  subset->images.assign(data.images.begin(), data.images.begin() + static_cast<std::ptrdiff_t>(n));
  EvalOptions eo;
  eo.batch_size = std::max(batch_size, 1);
  eo.workers = std::max(workers, 0);
  const LoaderOptions lo = eval_loader_options(detector, eo);
  const Preprocess pre = detector.preprocess;
  auto loader = std::make_shared<std::unique_ptr<DetectionLoader>>();
  CalibrationBatches batches;
  batches.rewind = [subset, lo, loader] { *loader = std::make_unique<DetectionLoader>(*subset, lo); };
  batches.next = [loader, pre, batches_rewind = batches.rewind]() -> std::optional<at::Tensor> {
    if (!*loader) batches_rewind();
    std::optional<Batch> b = (*loader)->next();
    if (!b) return std::nullopt;
    return normalize_images(b->images, pre);
  };
  return batches;
}

std::vector<std::string> int8_layers(const QuantizedGraph& model) {
  // Conv and Linear always have an int8 kernel (int8_plan.h): int8 unless kept.
  std::vector<std::string> layers;
  for (const Node& n : model.graph.nodes)
    if ((n.op == Op::Conv2d || n.op == Op::Linear) && !model.spec.fp32_nodes.count(n.name))
      layers.push_back(n.name);
  return layers;
}

QuantSpec keep_layers_fp32(const QuantizedGraph& model, const std::vector<std::string>& layers) {
  // The plan without any kept layer tells which activation each layer fuses.
  QuantizedGraph all_int8 = model;
  all_int8.spec.fp32_nodes.clear();
  const Int8Plan plan = plan_int8(all_int8);
  QuantSpec spec = model.spec;
  for (const std::string& name : layers) {
    const int i = model.graph.find_node(name);
    if (i < 0) throw Error("keep fp32: no layer '" + name + "' in the model");
    const Node& n = model.graph.nodes[static_cast<size_t>(i)];
    if (n.op != Op::Conv2d && n.op != Op::Linear)
      throw Error("keep fp32: " + n.label() + " is not a Conv or Linear layer");
    spec.fp32_nodes.insert(name);
    const int act = plan.nodes[static_cast<size_t>(i)].fused_activation;
    if (act >= 0) spec.fp32_nodes.insert(model.graph.nodes[static_cast<size_t>(act)].name);
  }
  return spec;
}

QuantizeDetectorResult quantize_detector(const Detector& fp32, const Dataset& calibration,
                                         const Dataset* validation, const QuantizeDetectorOptions& o,
                                         Progress& progress) {
  if (fp32.int8) throw Error("quantize: the model is already int8 (quantize its fp32 original)");
  if (fp32.graph.inputs.size() != 1) throw Error("quantize: the model must have exactly one input");
  if (calibration.images.empty() && !o.table) throw Error("quantize: the calibration set has no images");
  if (o.calibration_images < 1) throw Error("quantize: calibration images must be >= 1");
  if (o.keep == KeepFp32::Auto && !validation)
    throw Error("quantize: --keep-fp32 auto needs a validation set to measure mAP on");
  const bool evaluate = validation != nullptr;
  const double eval_share = evaluate ? 0.3 : 0.0;

  QuantizeDetectorResult result;
  QuantizedGraph model = prepare_for_int8(fp32.graph);
  Detector base = fp32;
  base.graph = model.graph;
  base.int8.reset();

  // 1. Calibration (or the given table).
  const Clock::time_point start = Clock::now();
  if (o.table) {
    model.spec = *o.table;
    plan_int8(model);  // every value the plan quantizes has parameters, every fp32 node exists
  } else {
    CalibrationBatches batches =
        detector_calibration_batches(fp32, calibration, o.calibration_images, o.batch_size, o.workers);
    CalibrateOptions co;
    co.observer = o.observer_options;
    co.expected_images = static_cast<int>(std::min<size_t>(calibration.images.size(), o.calibration_images));
    SubProgress part(progress, 0.0, 0.3, "calibration: ");
    model.spec = calibrate(model.graph, batches, o.observer, co, part);
  }
  result.calibration_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  result.calibration_images = model.spec.calibration_images;
  progress.log(o.table ? "activation ranges from the calibration table (" +
                             std::to_string(result.calibration_images) + " images, " + model.spec.observer + ")"
                       : "calibrated " + std::to_string(result.calibration_images) + " images (" +
                             observer_name(o.observer) + ")");

  if (o.keep != KeepFp32::None && !o.keep_nodes.empty()) {
    model.spec = keep_layers_fp32(model, o.keep_nodes);
    result.kept_fp32 = o.keep_nodes;
  }

  // 2. Evaluation of both.
  if (evaluate) {
    SubProgress part(progress, 0.3, 0.3 + eval_share / 2, "fp32 mAP: ");
    result.fp32_map = map_of(base, *validation, o, part);
    SubProgress part8(progress, 0.3 + eval_share / 2, 0.3 + eval_share, "int8 mAP: ");
    result.int8_map = map_of(with_spec(base, model.spec), *validation, o, part8);
  }

  // 3. Auto: per-layer sensitivity, then the fewest most-sensitive layers in
  // fp32 that bring the int8 mAP within the bound.
  if (o.keep == KeepFp32::Auto && *result.fp32_map - *result.int8_map > o.max_map_loss) {
    CalibrationBatches few = detector_calibration_batches(fp32, calibration, o.sensitivity_images, o.batch_size,
                                                          o.workers);
    const std::vector<at::Tensor> inputs = collect_batches(few);
    std::vector<TensorMap> reference;
    {
      Runner runner(model.graph);
      for (const at::Tensor& x : inputs) reference.push_back(runner.run({{model.graph.inputs[0].name, x}}));
    }
    const std::vector<std::string> layers = int8_layers(model);
    std::set<std::string> others_all;
    for (const Node& n : model.graph.nodes) others_all.insert(n.name);
    SubProgress part(progress, 0.6, 0.8, "sensitivity: ");
    for (size_t k = 0; k < layers.size(); ++k) {
      part.check_cancelled();
      // Only this layer (and its fused activation) in int8.
      QuantizedGraph one = model;
      QuantSpec all_fp32 = keep_layers_fp32(model, {layers[k]});
      std::set<std::string> fp32_nodes = others_all;
      for (const std::string& name : all_fp32.fp32_nodes)
        if (!model.spec.fp32_nodes.count(name)) fp32_nodes.erase(name);
      one.spec.fp32_nodes = fp32_nodes;
      Int8Runner runner(one);
      result.sensitivity.push_back({layers[k], relative_error(runner, inputs, reference)});
      part.report(static_cast<double>(k + 1) / layers.size(), layers[k]);
    }
    std::stable_sort(result.sensitivity.begin(), result.sensitivity.end(),
                     [](const LayerSensitivity& a, const LayerSensitivity& b) {
                       return a.relative_error > b.relative_error;
                     });

    auto trial = [&](int count) {
      std::vector<std::string> keep = o.keep_nodes;
      for (int i = 0; i < count; ++i) keep.push_back(result.sensitivity[static_cast<size_t>(i)].node);
      QuantSpec spec = keep_layers_fp32(model, keep);
      SubProgress p(progress, 0.8, 1.0, "keeping " + std::to_string(count) + " layers in fp32: ");
      const double m = map_of(with_spec(base, spec), *validation, o, p);
      result.auto_trials.push_back({count, m});
      return std::make_pair(spec, m);
    };
    // Doubling, then bisection between the last count that missed the bound
    // and the first that met it. If none meets it, the best trial is kept.
    const int n = static_cast<int>(result.sensitivity.size());
    int low = 0, high = -1, best_count = 0;
    QuantSpec best_spec = model.spec;
    double best_map = *result.int8_map;
    auto consider = [&](int count, const QuantSpec& spec, double m, bool met) {
      if (met || (high < 0 && m > best_map)) {
        best_count = count;
        best_spec = spec;
        best_map = m;
      }
    };
    for (int count = 1; count <= n; count = std::min(count * 2, n)) {
      auto [spec, m] = trial(count);
      const bool met = *result.fp32_map - m <= o.max_map_loss;
      consider(count, spec, m, met);
      if (met) {
        high = count;
        break;
      }
      low = count;
      if (count == n) break;
    }
    while (high > 0 && high - low > 1) {
      const int mid = (low + high) / 2;
      auto [spec, m] = trial(mid);
      const bool met = *result.fp32_map - m <= o.max_map_loss;
      consider(mid, spec, m, met);
      (met ? high : low) = mid;
    }
    if (high < 0)
      progress.log("no number of fp32 layers brought the int8 mAP within the bound; kept the best trial (" +
                   std::to_string(best_count) + " layers)");
    model.spec = best_spec;
    result.int8_map = best_map;
    result.kept_fp32 = o.keep_nodes;
    for (int i = 0; i < best_count; ++i) result.kept_fp32.push_back(result.sensitivity[static_cast<size_t>(i)].node);
  }

  // 4. Quantization-aware training from the calibrated (and mixed) spec.
  if (o.qat.epochs > 0) {
    SubProgress part(progress, 0.8, 1.0, "QAT: ");
    TrainOptions t = o.qat;
    t.workers = o.workers;
    t.val_every = 0;
    QatResult qat = quantization_aware_finetune(base, model.spec, calibration, nullptr, t, part);
    result.qat = qat.train;
    base.graph = qat.model.graph;
    model = qat.model;
    if (evaluate) {
      result.ptq_map = result.int8_map;
      SubProgress p8(progress, 0.8, 1.0, "int8 mAP after QAT: ");
      result.int8_map = map_of(with_spec(base, model.spec), *validation, o, p8);
    }
  }

  // Observed ranges stay in the spec for every value (the GUI shows them).
  result.int8 = with_spec(base, model.spec);
  progress.report(1.0, "done");
  return result;
}

}  // namespace whittle
