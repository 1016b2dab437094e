#include "workflow/pipeline_stage_runner.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>

#include "data/voc_reader.h"
#include "eval/eval_report.h"
#include "eval/evaluate_detector.h"
#include "graph/cost_model.h"
#include "graph/energy_model.h"
#include "graph/error.h"
#include "io/onnx_export.h"
#include "io/onnx_int8.h"
#include "models/ssd/ssd_zoo.h"
#include "prune/channel_groups.h"
#include "prune/surgery.h"
#include "runtime/threading.h"
#include "train/checkpoint.h"
#include "workflow/benchmark_detector.h"
#include "workflow/detector_file.h"
#include "workflow/export_formats.h"
#include "workflow/finetune_detector.h"
#include "workflow/importance_data.h"
#include "workflow/prune_detector.h"
#include "workflow/quantize_detector.h"

namespace whittle {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;  // keys sorted: dump() is canonical

json number(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

// The cost metrics of a model file.
json cost_metrics(const Detector& d) {
  const GraphCost cost = compute_cost(d.graph);
  const NumericPrecision precision = d.int8 ? NumericPrecision::Int8 : NumericPrecision::Fp32;
  return {{"params", cost.params},
          {"macs", cost.macs},
          {"weight_bytes", d.int8 ? cost.weight_bytes_int8 : cost.weight_bytes_fp32},
          {"energy_mj", estimate_energy(d.graph, cost, precision).total_mj}};
}

void add_train_metrics(json& m, const TrainResult& r) {
  m["epochs"] = r.epochs_done;
  m["train_seconds"] = r.seconds;
  if (!r.curve.empty()) m["loss"] = number(r.curve.back().loss);
  if (r.best_epoch > 0) m["best_val_map"] = number(r.best_map);
}

void drop_train_state(const std::string& model) {
  std::error_code ignored;
  fs::remove(train_state_path(model), ignored);
}

}  // namespace

std::string fmt(const char* spec, double v) {
  if (!std::isfinite(v)) return "-";
  char buf[48];
  std::snprintf(buf, sizeof buf, spec, v);
  return buf;
}

Stamp StageRunner::base(Progress& p) {
  const BaseStage& b = *cfg.base;
  Stamp s;
  Detector d;
  const std::string target = b.file.empty() ? file("base.onnx") : b.file;
  if (!b.file.empty()) {
    d = load_detector_file(b.file);
  } else {
    VocReadOptions read;
    read.sets = {cfg.common.train_set, cfg.common.test_set};
    const std::vector<std::string> classes = classes_in_use(read_voc(cfg.common.data, read));
    if (classes.empty()) throw Error(cfg.common.data + ": the data set has no objects");
    SsdOptions o = b.ssd;
    o.num_classes = static_cast<int64_t>(classes.size());
    d = build_detector_zoo(b.zoo, o);
    d.classes = classes;
    store_detector_metadata(d);
  }
  if (b.train.epochs > 0) {
    const std::string trained = b.file.empty() ? target : file("base.onnx");
    TrainOptions t = b.train;
    t.threads = current_threads();
    t.checkpoint = trained;
    const TrainData data = read_train_data(cfg.common.data, cfg.common.train_set, cfg.common.test_set, d.classes,
                                           t.val_every > 0);
    p.log("training " + (b.file.empty() ? b.zoo : b.file) + " on " + std::to_string(data.train.images.size()) +
          " images for " + std::to_string(t.epochs) + " epochs");
    const TrainResult r = train_detector(d, data.train, data.val ? &*data.val : nullptr, t, p);
    drop_train_state(trained);
    add_train_metrics(s.metrics, r);
    s.outputs = {fs::path(trained).filename().string()};
    models.push_back({"original", trained});
  } else if (b.file.empty()) {
    save_onnx(d.graph, target);
    s.outputs = {"base.onnx"};
    models.push_back({"original", target});
  } else {
    s.outputs = {b.file};
    models.push_back({"original", b.file});
  }
  s.metrics.update(cost_metrics(d));
  return s;
}

Stamp StageRunner::prune(Progress& p) {
  const PruneStage& ps = *cfg.prune;
  Stamp s;
  const Detector original = load_detector_file(current());
  const GraphCost original_cost = compute_cost(original.graph);
  std::optional<ImportanceData> scoring;
  size_t images = 0;
  if (criterion_needs_data(ps.importance.criterion) && ps.plan.empty()) {
    SubProgress part(p, 0.0, 0.1, "importance data: ");
    scoring = read_importance_data(original.graph, &original,
                                   {cfg.common.data, cfg.common.train_set, ps.score_images, 8, 2}, "prune", part,
                                   &images);
  }
  PruneRecord record;
  record.source = fs::path(current()).filename().string();
  record.criterion = ps.criterion;
  record.aggregation = ps.aggregate;
  record.normalization = ps.normalize;
  if (scoring) record.images = std::to_string(images) + " of " + cfg.common.train_set;
  record.round = ps.round;
  record.original_params = original_cost.params;
  record.original_macs = original_cost.macs;
  PlannerOptions planner;
  planner.round_to = ps.round;

  Detector pruned;
  PruningPlan plan;
  if (ps.target_macs > 0) {
    Detector now = original;
    now.graph = original.graph.clone();  // fine-tuning between steps must not touch the original
    std::optional<TrainData> data;
    int64_t removed = 0;
    for (int step = 1; step <= ps.steps; ++step) {
      SubProgress part(p, 0.1 + 0.9 * (step - 1) / ps.steps, 0.1 + 0.9 * step / ps.steps,
                       "step " + std::to_string(step) + "/" + std::to_string(ps.steps) + ": ");
      const double fraction = std::pow(ps.target_macs, static_cast<double>(step) / ps.steps);
      record.method = (ps.steps > 1 ? "pipeline step " + std::to_string(step) + "/" + std::to_string(ps.steps) + ", "
                                    : std::string()) +
                      "target-macs " + json(ps.target_macs).dump();
      MacsStep r = prune_detector_to_macs(
          now, static_cast<int64_t>(std::floor(fraction * static_cast<double>(original_cost.macs))), ps.importance,
          scoring ? &*scoring : nullptr, planner, record);
      removed += r.removed_channels;
      plan = r.plan;
      now = std::move(r.detector);
      if (step < ps.steps && ps.train.epochs > 0) {
        if (!data) data = read_train_data(cfg.common.data, cfg.common.train_set, "", now.classes, false);
        TrainOptions t = ps.train;
        t.threads = current_threads();
        train_detector(now, data->train, nullptr, t, part);
      }
    }
    pruned = std::move(now);
    s.metrics["removed_channels"] = removed;
  } else {
    const ChannelGroups groups = channel_groups(original.graph);
    std::optional<PruningPlan> from_file;
    if (!ps.plan.empty()) from_file = load_plan(ps.plan);
    const bool needs_scores = !from_file || from_file->remove.empty();
    GroupScores scores;
    if (needs_scores) scores = channel_importance(original.graph, groups, ps.importance, scoring ? &*scoring : nullptr);
    if (!from_file) {
      plan = plan_uniform(groups, scores, ps.ratio, planner);
      record.method = "ratio " + json(ps.ratio).dump();
    } else if (!from_file->remove.empty()) {
      plan = *from_file;
      check_plan(plan, groups);
      record.method = "plan " + fs::path(ps.plan).filename().string();
      record.criterion = "none (the plan lists the channels)";
    } else {
      plan = plan_layer_ratios(groups, scores, from_file->ratios, planner);
      record.method = "plan " + fs::path(ps.plan).filename().string();
    }
    record.removed_channels = plan.removed_channels();
    Graph graph = apply_pruning(original.graph, groups, plan);
    record_pruning(graph, record);
    try {
      pruned = detector_from_graph(std::move(graph));
    } catch (const Error& e) {
      throw Error("the pruned graph no longer fits its head: " + std::string(e.what()));
    }
    s.metrics["removed_channels"] = plan.removed_channels();
  }
  store_detector_metadata(pruned);
  save_onnx(pruned.graph, file("pruned.onnx"));
  save_plan(plan, file("pruned.plan.json"));
  s.outputs = {"pruned.onnx", "pruned.plan.json"};
  s.metrics.update(cost_metrics(pruned));
  p.log("pruned " + std::to_string(plan.removed_channels()) + " channels: MACs " +
        std::to_string(original_cost.macs) + " -> " + s.metrics["macs"].dump());
  models.push_back({"pruned", file("pruned.onnx")});
  return s;
}

Stamp StageRunner::finetune(Progress& p) {
  const FinetuneStage& f = *cfg.finetune;
  Stamp s;
  Detector d = load_detector_file(current());
  if (d.int8) throw Error("fine-tuning needs an fp32 model");
  TrainOptions t = f.train;
  t.threads = current_threads();
  t.checkpoint = file("finetuned.onnx");
  std::optional<Detector> teacher;
  if (f.distill > 0) {
    teacher = load_detector_file(models.front().second);
    use_teacher(t, d, *teacher, models.front().second, f.distill, "finetune");
  }
  const TrainData data =
      read_train_data(cfg.common.data, cfg.common.train_set, cfg.common.test_set, d.classes, t.val_every > 0);
  p.log("fine-tuning " + fs::path(current()).filename().string() + " on " +
        std::to_string(data.train.images.size()) + " images for " + std::to_string(t.epochs) + " epochs" +
        (teacher ? ", distilling from the original" : ""));
  const TrainResult r = train_detector(d, data.train, data.val ? &*data.val : nullptr, t, p);
  drop_train_state(t.checkpoint);
  add_train_metrics(s.metrics, r);
  s.metrics.update(cost_metrics(d));
  s.outputs = {"finetuned.onnx"};
  models.push_back({"finetuned", t.checkpoint});
  return s;
}

Stamp StageRunner::quantize(Progress& p) {
  const QuantizeStage& q = *cfg.quantize;
  Stamp s;
  const Detector fp32 = load_detector_file(current());
  const Dataset calib = read_set_for(cfg.common.data, q.calib_set, fp32);
  std::optional<Dataset> val;
  if (q.q.keep == KeepFp32::Auto) val = read_set_for(cfg.common.data, cfg.common.test_set, fp32);
  QuantizeDetectorOptions o = q.q;
  o.qat.threads = current_threads();
  const QuantizeDetectorResult r = quantize_detector(fp32, calib, val ? &*val : nullptr, o, p);
  Detector int8 = r.int8;
  store_detector_metadata(int8);
  save_qdq_onnx(QuantizedGraph{int8.graph, *int8.int8}, file("int8.onnx"));
  s.metrics["calibration_images"] = r.calibration_images;
  s.metrics["calibration_seconds"] = r.calibration_seconds;
  s.metrics["fp32_layers"] = r.kept_fp32.size();
  if (r.qat) add_train_metrics(s.metrics, *r.qat);
  s.metrics.update(cost_metrics(int8));
  p.log("calibrated on " + std::to_string(r.calibration_images) + " images" +
        (r.kept_fp32.empty() ? std::string() : ", " + std::to_string(r.kept_fp32.size()) + " layers kept in fp32"));
  s.outputs = {"int8.onnx"};
  models.push_back({"int8", file("int8.onnx")});
  return s;
}

Stamp StageRunner::evaluate(Progress& p) {
  Stamp s;
  fs::create_directories(out / "eval");
  std::optional<Dataset> data;
  const double n = static_cast<double>(models.size());
  for (size_t k = 0; k < models.size(); ++k) {
    const auto& [name, model] = models[k];
    SubProgress part(p, k / n, (k + 1) / n, name + ": ");
    const Detector d = load_detector_file(model);
    if (!data) data = read_set_for(cfg.common.data, cfg.common.test_set, d);
    const EvalResult r = evaluate_detector(d, *data, cfg.common.metric, cfg.evaluate->eval, part);
    const EvalReport report = eval_report(r);
    const std::string report_file = "eval/" + name + ".eval.json";
    save_eval_report(report, file(report_file));
    json m = {{"map", number(r.map.map)}, {"ms_per_image", r.ms_per_image}, {"images", r.images},
              {"report", report_file}};
    if (cfg.common.metric != ApMetric::Coco)
      for (const char* metric : {"voc07", "voc12"}) m[std::string("map_") + metric] = number(map_from_curves(report.classes, metric));
    s.metrics[name] = m;
    s.outputs.push_back(report_file);
    p.log(name + ": mAP " + fmt("%.4f", r.map.map) + " (" + cfg.common.metric_name + ", " +
          std::to_string(r.images) + " images of " + cfg.common.test_set + ")");
  }
  return s;
}

Stamp StageRunner::benchmark(Progress& p) {
  const BenchmarkStage& b = *cfg.benchmark;
  Stamp s;
  const cv::Mat image = benchmark_image(cv::Size(b.width, b.height));
  const double n = static_cast<double>(models.size());
  for (size_t k = 0; k < models.size(); ++k) {
    const auto& [name, model] = models[k];
    SubProgress part(p, k / n, (k + 1) / n);
    const Detector d = load_detector_file(model);
    const DetectTiming t = time_detect_path(d, image, b.bench, part, name);
    s.metrics[name] = {{"latency_ms", t.total.median},
                       {"network_ms", t.net.median},
                       {"preprocess_ms", t.pre.median},
                       {"postprocess_ms", t.post.median},
                       {"threads", current_threads()}};
    p.log(name + ": " + fmt("%.2f", t.total.median) + " ms/image (" + t.precision + ", " +
          std::to_string(current_threads()) + " threads)");
  }
  return s;
}

Stamp StageRunner::exports(Progress& p) {
  Stamp s;
  fs::create_directories(out / "export");
  const auto& [name, model] = models.back();
  const Detector d = load_detector_file(model);
  const std::vector<ExportFormat> all = export_formats();
  for (const std::string& format : cfg.exports->formats) {
    p.check_cancelled();
    const ExportFormat* f = nullptr;
    for (const auto& candidate : all)
      if (candidate.name == format) f = &candidate;
    const std::string ext = format == "ptl" ? ".ptl" : ".onnx";
    const std::string rel = "export/" + name + "." + format + ext;
    const std::string path = file(rel);
    ExportComparison check;
    if (d.int8) {
      const QuantizedGraph q{d.graph, *d.int8};
      f->save_int8(q, path);
      check = f->verify_int8(q, path, random_inputs(d.graph));
    } else {
      f->save(d.graph, path);
      check = f->verify(d.graph, path, random_inputs(d.graph));
    }
    json m = {{"file_bytes", static_cast<int64_t>(fs::file_size(path))},
              {"max_abs_diff", number(check.max_abs)},
              {"max_rel_diff", number(check.max_rel)},
              {"engine", check.engine}};
    // Within the format's default tolerance, as `whittle-cli export --verify` judges it.
    const bool passed = d.int8 ? check.max_step_diff <= f->default_steps
                               : check.max_abs <= f->default_tolerance || check.max_rel <= f->default_tolerance;
    if (d.int8) m["max_step_diff"] = number(check.max_step_diff);
    m["check_passed"] = passed ? 1 : 0;
    s.metrics[format] = m;
    s.outputs.push_back(rel);
    p.log("wrote " + rel + " (checked in " + check.engine + ": max abs diff " + fmt("%.3g", check.max_abs) +
          (d.int8 ? ", " + fmt("%.1f", check.max_step_diff) + " quantization steps" : std::string()) +
          (passed ? "" : "; warning: above the format's default tolerance") + ")");
  }
  return s;
}

}  // namespace whittle
