#pragma once
// The pipeline's configuration as types, read and checked from its JSON
// (internal to the pipeline's files; the public side is PipelineConfig and
// load_pipeline_config in workflow/pipeline.h).
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "eval/evaluate_detector.h"
#include "eval/voc_ap.h"
#include "models/ssd/ssd_builder.h"
#include "prune/importance.h"
#include "train/trainer.h"
#include "workflow/benchmark_detector.h"
#include "workflow/quantize_detector.h"

namespace whittle {

// The keys every stage shares: the data set, its sets and the metric.
struct Common {
  std::string data, train_set = "trainval", test_set = "test", metric_name = "voc07";
  ApMetric metric = ApMetric::Voc07;
};

// "base": a zoo network (trained on the data or not) or a model file.
struct BaseStage {
  std::string file, zoo;
  SsdOptions ssd;
  TrainOptions train;
};

// "prune": the criterion and one of ratio, target_macs or plan.
struct PruneStage {
  ImportanceOptions importance;
  std::string criterion, aggregate, normalize;
  double ratio = -1, target_macs = -1;
  std::string plan;
  int steps = 1;
  int score_images = 64;
  int64_t round = 1;
  TrainOptions train;  // between steps
};

// "finetune": the training options and the distillation weight.
struct FinetuneStage {
  TrainOptions train;
  double distill = 0;
};

// "quantize": the int8 options and the names they were given as.
struct QuantizeStage {
  QuantizeDetectorOptions q;
  std::string calib_set, observer, keep;
};

// "evaluate": the evaluation options.
struct EvaluateStage {
  EvalOptions eval;
};

// "benchmark": the timing options and the image size.
struct BenchmarkStage {
  BenchmarkOptions bench;
  int width = 640, height = 480;
};

// "export": the formats the last model is written in.
struct ExportStage {
  std::vector<std::string> formats;
};

// The typed configuration; each stage's section as read.
struct Typed {
  Common common;
  std::optional<BaseStage> base;
  std::optional<PruneStage> prune;
  std::optional<FinetuneStage> finetune;
  std::optional<QuantizeStage> quantize;
  std::optional<EvaluateStage> evaluate;
  std::optional<BenchmarkStage> benchmark;
  std::optional<ExportStage> exports;
};

// Parses and checks everything; `canonical` gets each enabled stage's section
// with paths made absolute (what its stamp records).
Typed parse_config(const nlohmann::json& root, const std::string& file, const std::filesystem::path& folder,
                   const std::string& data_override, std::map<std::string, std::string>* canonical);

}  // namespace whittle
