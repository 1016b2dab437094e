#include "cli/eval_command.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/detector_source.h"
#include "cli/format.h"
#include "cli/map_report.h"
#include "cli/progress_bar.h"
#include "data/voc_reader.h"
#include "eval/evaluate_detector.h"
#include "eval/voc_results.h"
#include "graph/error.h"
#include "workflow/finetune_detector.h"

namespace whittle::cli {
namespace {

struct EvalCommandOptions {
  DetectorSource source;
  std::string data;
  std::string set = "test";
  std::string metric = "voc07";
  std::string results;
  bool json = false;
  EvalOptions eval;
  float score = 0.01f;
};

void print_json(const EvalResult& r) {
  nlohmann::ordered_json j = map_json(r.map, r.images);
  j["detections"] = r.detections.size();
  j["ms_per_image"] = r.ms_per_image;
  j["seconds"] = r.seconds;
  std::cout << j.dump(2) << '\n';
}

void print_table(const EvalResult& r) {
  print_map_table(r.map, r.images,
                  "model " + fixed(r.ms_per_image, 2) +
                      " ms/image (normalise + network + decode/NMS), " + fixed(r.seconds, 1) +
                      " s in all");
}

void run_eval(const EvalCommandOptions& o) {
  if (o.source.model.empty()) throw Error("eval: --model FILE.onnx is required");
  if (o.data.empty()) throw Error("eval: --data DIR is required (a VOC data set folder or VOCdevkit)");
  const ApMetric metric = parse_ap_metric(o.metric);
  if (o.eval.batch_size < 1) throw Error("eval: --batch must be >= 1");
  if (o.eval.workers < 0) throw Error("eval: --workers must be >= 0");
  const Detector detector = o.source.load();
  // Scored in the model's classes when they cover every object.
  const Dataset data = read_set_for(o.data, o.set, detector);

  EvalOptions eval = o.eval;
  eval.nms.score_threshold = o.score;
  EvalResult result;
  {
    ProgressBar progress("eval", std::cerr);
    result = evaluate_detector(detector, data, metric, eval, progress);
  }
  if (!o.results.empty()) {
    const std::filesystem::path folder = std::filesystem::path(o.results).parent_path();
    if (!folder.empty()) std::filesystem::create_directories(folder);
    write_voc_results(o.results, data.classes, result.detections);
    std::cerr << "wrote " << data.classes.size() << " results files " << o.results << "<class>.txt\n";
  }
  if (o.json) print_json(result);
  else print_table(result);
}

}  // namespace

void add_eval_command(CLI::App& app) {
  auto o = std::make_shared<EvalCommandOptions>();
  CLI::App* cmd = app.add_subcommand("eval", "mAP of a detector on a VOC-format data set");
  o->source.add_model_option(*cmd);
  cmd->add_option("--data", o->data, "VOC data set folder or VOCdevkit (required)");
  cmd->add_option("--set", o->set, "image set (ImageSets/Main/<set>.txt)")->capture_default_str();
  cmd->add_option("--metric", o->metric, "voc07 (11-point), voc12 (area) or coco (AP@[.50:.95])")
      ->capture_default_str();
  cmd->add_option("--results", o->results,
                  "also write VOC results files <PREFIX><class>.txt (e.g. results/comp4_det_test_)");
  cmd->add_option("--batch", o->eval.batch_size, "images per batch")->capture_default_str();
  cmd->add_option("--workers", o->eval.workers, "loader threads (decode + resize)")
      ->capture_default_str();
  cmd->add_option("--score", o->score, "score threshold of the detections kept")->capture_default_str();
  cmd->add_flag("--json", o->json, "machine-readable output");
  cmd->callback([o] { run_eval(*o); });
}

}  // namespace whittle::cli
