#include "cli/eval_command.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/detector_source.h"
#include "cli/format.h"
#include "cli/progress_bar.h"
#include "data/voc_reader.h"
#include "eval/evaluate_detector.h"
#include "eval/voc_results.h"
#include "graph/error.h"

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

std::string fixed(double v, int decimals) {
  if (std::isnan(v)) return "n/a";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

nlohmann::ordered_json number_or_null(double v) {
  return std::isnan(v) ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(v);
}

void print_json(const EvalResult& r) {
  nlohmann::ordered_json j;
  j["map"] = number_or_null(r.map.map);
  nlohmann::ordered_json ap = nlohmann::ordered_json::object();
  for (const ClassAp& c : r.map.classes) ap[c.name] = number_or_null(c.ap);  // null: no gt
  j["ap"] = ap;
  if (r.map.metric == "coco") {
    j["ap50"] = number_or_null(r.map.ap50);
    j["ap75"] = number_or_null(r.map.ap75);
  }
  j["metric"] = r.map.metric;
  j["images"] = r.images;
  j["detections"] = r.detections.size();
  j["ms_per_image"] = r.ms_per_image;
  j["seconds"] = r.seconds;
  std::cout << j.dump(2) << '\n';
}

void print_table(const EvalResult& r) {
  Table table({"class", "gt", "dets", "AP"}, {false, true, true, true});
  int without_gt = 0;
  for (const ClassAp& c : r.map.classes) {
    table.add({c.name, with_commas(c.num_gt), with_commas(c.num_det), fixed(c.ap, 4)});
    if (std::isnan(c.ap)) ++without_gt;
  }
  std::cout << table.render() << '\n';
  std::cout << "mAP (" << r.map.metric << ")  " << fixed(r.map.map, 4) << "  over "
            << r.map.classes.size() - without_gt << " classes, " << with_commas(r.images)
            << " images\n";
  if (r.map.metric == "coco")
    std::cout << "AP50  " << fixed(r.map.ap50, 4) << "\nAP75  " << fixed(r.map.ap75, 4) << '\n';
  std::cout << "model " << fixed(r.ms_per_image, 2) << " ms/image (normalise + network + decode/NMS), "
            << fixed(r.seconds, 1) << " s in all\n";
  if (without_gt)
    std::cout << "n/a: " << without_gt
              << " class(es) without (non-difficult) ground truth, left out of the mAP\n";
}

void run_eval(const EvalCommandOptions& o) {
  if (o.source.model.empty()) throw Error("eval: --model FILE.onnx is required");
  if (o.data.empty()) throw Error("eval: --data DIR is required (a VOC data set folder or VOCdevkit)");
  const ApMetric metric = parse_ap_metric(o.metric);
  if (o.eval.batch_size < 1) throw Error("eval: --batch must be >= 1");
  if (o.eval.workers < 0) throw Error("eval: --workers must be >= 0");
  const Detector detector = o.source.load();
  VocReadOptions read;
  read.sets = {o.set};
  Dataset data = read_voc(o.data, read);
  // Score the model's classes when they cover every object (read_voc lists
  // all 20 VOC classes for a data set that uses a few of them).
  relabel_dataset(data, detector.classes);

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
