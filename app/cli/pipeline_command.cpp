#include "cli/pipeline_command.h"

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/format.h"
#include "cli/progress_bar.h"
#include "graph/error.h"
#include "workflow/pipeline.h"

namespace whittle::cli {
namespace {

struct PipelineCommandOptions {
  std::string config;
  std::string data;
  std::string out;
  bool force = false;
  bool json = false;
};

void run_pipeline_command(const PipelineCommandOptions& o) {
  const PipelineConfig config = load_pipeline_config(o.config, o.data, o.out);
  std::cerr << "pipeline " << o.config << ": data " << config.data << ", output " << config.out << '\n';
  PipelineOptions options;
  options.force = o.force;
  PipelineResult result;
  {
    ProgressBar progress("pipeline", std::cerr);
    CancelOnInterrupt interrupt(progress);
    try {
      result = run_pipeline(config, options, progress);
    } catch (const Cancelled&) {
      progress.clear();
      throw CommandExit(130, "pipeline interrupted; the finished stages are kept in " + config.out +
                                 " (run the same command again to resume)");
    }
  }
  std::string times;
  for (const PipelineStageRun& s : result.stages) {
    if (!s.enabled) continue;
    times += (times.empty() ? "" : ", ") + s.stage + " " + fixed(s.recorded_seconds, 1) + " s" +
             (s.ran ? "" : " (earlier run)");
  }
  std::cerr << "stage times: " << times << '\n' << "wrote " << result.project << '\n';
  if (o.json) {
    nlohmann::ordered_json j;
    j["config"] = o.config;
    j["out"] = config.out;
    j["project"] = result.project;
    j["metric"] = result.metric;
    j["stages"] = nlohmann::ordered_json::array();
    for (const PipelineStageRun& s : result.stages)
      j["stages"].push_back({{"stage", s.stage}, {"enabled", s.enabled}, {"ran", s.ran}, {"seconds", s.recorded_seconds}});
    j["models"] = nlohmann::ordered_json::array();
    for (const PipelineModel& m : result.models) {
      nlohmann::ordered_json metrics = nlohmann::ordered_json::object();
      for (const auto& [k, v] : m.metrics) metrics[k] = number_or_null(v);
      j["models"].push_back({{"name", m.name}, {"kind", m.kind}, {"file", m.file}, {"metrics", metrics}});
    }
    std::cout << j.dump(2) << '\n';
    return;
  }
  std::cout << pipeline_comparison_table(result);
}

}  // namespace

void add_pipeline_command(CLI::App& app) {
  auto o = std::make_shared<PipelineCommandOptions>();
  CLI::App* cmd = app.add_subcommand(
      "pipeline",
      "run prune -> fine-tune -> int8 -> evaluate -> benchmark -> export from one configuration file, resumably");
  cmd->footer(
      "CONFIG is JSON (YAML is not supported: no YAML library is available), e.g.\n"
      "  {\"data\": \"data/VOCdevkit/VOC2007\", \"out\": \"run\",\n"
      "   \"base\": {\"zoo\": \"ssd_mobilenet_v1\", \"width\": 0.5, \"input\": 192,\n"
      "            \"train\": {\"epochs\": 4, \"batch\": 16, \"lr\": 0.01}},\n"
      "   \"prune\": {\"criterion\": \"l1\", \"ratio\": 0.4},\n"
      "   \"finetune\": {\"epochs\": 2, \"lr\": 0.005, \"distill\": 1.0},\n"
      "   \"quantize\": {\"observer\": \"minmax\", \"calib\": 100},\n"
      "   \"evaluate\": {}, \"benchmark\": {\"runs\": 20}, \"export\": {\"formats\": [\"onnx-int8-qop\"]}}\n"
      "Stages: base (\"zoo\" + \"train\", or \"file\"), prune (\"ratio\" | \"target_macs\" [+ \"steps\"] | \"plan\"),\n"
      "finetune, quantize (\"keep_fp32\": none|auto|layers, \"qat_epochs\"), evaluate, benchmark, export;\n"
      "leave a stage out to skip it. Relative paths are relative to CONFIG's folder. A stage whose\n"
      "stamp (OUT/stages/<stage>.json) matches the configuration and whose files exist is skipped;\n"
      "a changed stage and every stage after it run again. See core/workflow/pipeline.h for every key.");
  cmd->add_option("config", o->config, "the pipeline configuration (.json)")->required();
  cmd->add_option("--data", o->data, "VOC data set folder or VOCdevkit (overrides the configuration's \"data\")");
  cmd->add_option("--out", o->out, "output folder (overrides the configuration's \"out\")");
  cmd->add_flag("--force", o->force, "run every stage, even those that are up to date");
  cmd->add_flag("--json", o->json, "print a JSON summary on stdout instead of the table");
  cmd->callback([o] { run_pipeline_command(*o); });
}

}  // namespace whittle::cli
