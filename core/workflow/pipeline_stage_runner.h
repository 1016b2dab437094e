#pragma once
// The pipeline's stages at work (internal to the pipeline's files; see
// workflow/pipeline.h): each runs the same core code as the CLI commands,
// writes its outputs into the output folder and returns the stamp that
// records them.
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "jobs/progress.h"
#include "workflow/pipeline_config.h"

namespace whittle {

// A stage's record, stages/<stage>.json: chained hash, configuration, outputs, metrics.
struct Stamp {
  std::string chain;
  nlohmann::json config;
  std::vector<std::string> outputs;  // relative to the output folder, or absolute
  nlohmann::json metrics = nlohmann::json::object();
  double seconds = 0;
};

// `v` printed with the printf `spec`; "-" when not finite.
std::string fmt(const char* spec, double v);

// The stages' work on one configuration and output folder; each stage starts from the last model.
struct StageRunner {
  const Typed& cfg;
  std::filesystem::path out;
  Progress& progress;

  // Model files of the model stages (absolute), in order: original first.
  std::vector<std::pair<std::string, std::string>> models;  // name -> file

  std::string file(const std::string& name) const { return (out / name).string(); }
  std::string current() const { return models.back().second; }

  Stamp base(Progress& p);       // the base model: built from the zoo or loaded, trained when asked; "original"
  Stamp prune(Progress& p);      // pruned.onnx and pruned.plan.json from the last model
  Stamp finetune(Progress& p);   // finetuned.onnx: the last model trained (distilled) again
  Stamp quantize(Progress& p);   // int8.onnx: the last model calibrated (and QAT-trained)
  Stamp evaluate(Progress& p);   // eval/<model>.eval.json: every model evaluated on the test set
  Stamp benchmark(Progress& p);  // the detect path timed for every model
  Stamp exports(Progress& p);    // export/<model>.<format>.<ext>: the last model in each format
};

}  // namespace whittle
