#pragma once
// The seed's methodology end to end from one configuration file (JSON): a
// base model (a zoo network trained on the data, or a model file), pruning
// (criterion; a ratio, a plan file or a MAC target, in one or several steps
// with fine-tuning between them), fine-tuning (optionally distilled from the
// base model), int8 quantization (observer, kept fp32 layers, QAT),
// evaluation, benchmark and export. Every stage writes its model or results
// into the output folder and a stamp (stages/<stage>.json: the stage's
// configuration, a hash chained over the stages before it, its output files
// and its metrics); the run ends with a Whittle project (project.whittle:
// the base model, the data set, one variant per stage with its settings and
// metrics, the evaluation reports) and a comparison of the models.
//
// Resuming: a stage is skipped when its stamp's chained hash equals the
// current configuration's and every output it lists exists; a stage that
// runs makes every later stage run too. `whittle-cli pipeline` is one
// client; the stages call the same core code as the CLI commands and the
// workbench's jobs (train_detector, prune_detector_to_macs, quantize_detector,
// evaluate_detector + eval_report, benchmark_detector, the io exporters).
//
// Configuration (every key optional unless said; relative paths are relative
// to the configuration file's folder; an unknown key, a wrong type or a bad
// value is an error naming the file and the key):
//
//   {"data": "data/VOCdevkit/VOC2007",      // required: VOC data set folder or VOCdevkit
//    "out": "pipeline-out",                 // output folder (default: <config name>-out beside it)
//    "train_set": "trainval", "test_set": "test", "metric": "voc07",
//    "base": {"zoo": "ssd_mobilenet_v1", "width": 0.5, "input": 192, "seed": 2345,
//             "scales": [0.1, 0.9], "first_stride": 16,
//             "train": {"epochs": 4, "batch": 16, "lr": 0.01, ...}},   // or {"file": "model.onnx"}
//    "prune": {"criterion": "l1", "aggregate": "sum", "normalize": "l2", "round": 8,
//              "ratio": 0.4 | "target_macs": 0.5 | "plan": "plan.json",
//              "steps": 1, "score_images": 64, "train": {...}},   // train: fine-tuning after each step but the last
//    "finetune": {"epochs": 2, "lr": 0.005, ..., "distill": 1.0},   // distill: from the base model
//    "quantize": {"observer": "minmax", "calib": 100, "calib_set": "trainval",
//                 "keep_fp32": "none" | "auto" | "layer,layer", "max_loss": 1.0,
//                 "qat_epochs": 0, "qat_lr": 1e-4, "qat_batch": 16, "batch": 8},
//    "evaluate": {"batch": 8, "score": 0.01},
//    "benchmark": {"runs": 20, "warmup": 3, "image": "640x480"},
//    "export": {"formats": ["onnx-int8-qop"]}}   // onnx, onnx-fp16, ptl, onnx-int8-qdq, onnx-int8-qop
//
// Training keys ("train", "finetune"): epochs, batch, lr, optimizer (sgd, adam,
// adamw), schedule (constant, cosine, multistep), milestones, gamma, min_lr,
// warmup, momentum, weight_decay, clip, workers, seed, augment, max_expand,
// hue, photometric, val_every. A stage left out (or "enabled": false) is
// not run; export of int8 formats needs the quantize stage.
#include <iosfwd>
#include <map>
#include <string>
#include <vector>

#include "jobs/progress.h"

namespace whittle {

// The stages, in order.
const std::vector<std::string>& pipeline_stages();

struct PipelineConfig {
  std::string file;    // the configuration file (errors name it)
  std::string data;    // absolute or relative to the working directory
  std::string out;
  // Each stage's section as canonical JSON text ("" when the stage is not
  // run); the common keys (data, sets, metric) are in "common".
  std::map<std::string, std::string> sections;
};

// Reads and checks the whole configuration (every key, type and value)
// before anything runs. `data_override` / `out_override` (from the command
// line, relative to the working directory) replace the file's when not "".
// Throws whittle::Error "<file>: <key>: <what is wrong>".
PipelineConfig load_pipeline_config(const std::string& path, const std::string& data_override = "",
                                    const std::string& out_override = "");

struct PipelineOptions {
  bool force = false;  // run every stage, stamps or not
};

// One model of the comparison: the base model and each stage's.
struct PipelineModel {
  std::string name;     // "original", "pruned", "finetuned", "int8", "int8.onnx-int8-qop"
  std::string kind;     // "original", "pruned", "finetuned", "quantized", "exported"
  std::string file;     // absolute
  std::map<std::string, double> metrics;  // map, params, macs, file_bytes, latency_ms, ...
};

struct PipelineStageRun {
  std::string stage;
  bool ran = false;      // false: skipped (up to date) or not configured
  bool enabled = false;
  double seconds = 0;    // this run's (0 when skipped)
  double recorded_seconds = 0;  // from the stamp (the run that made the outputs)
};

struct PipelineResult {
  std::string project;  // the project file written
  std::string metric;   // "voc07", ...
  std::vector<PipelineStageRun> stages;
  std::vector<PipelineModel> models;  // original first, then each stage's
};

// Runs (or resumes) the pipeline. Progress goes to `progress` (stage name as
// the message prefix; log lines for each stage's start, skip and results);
// cancellation throws Cancelled between and inside stages, finished stages
// staying on disk. Errors name the stage.
PipelineResult run_pipeline(const PipelineConfig& config, const PipelineOptions& options, Progress& progress);

// The comparison as a text table: one row per model (mAP, params, MACs,
// file size, ms/image) and the ratios to the original.
std::string pipeline_comparison_table(const PipelineResult& result);

}  // namespace whittle
