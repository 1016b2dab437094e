#include "cli/eval_dets_command.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/format.h"
#include "cli/map_report.h"
#include "data/voc_reader.h"
#include "eval/coco_ap.h"
#include "eval/voc_ap.h"
#include "eval/voc_results.h"
#include "graph/error.h"

namespace whittle::cli {
namespace {

struct EvalDetsOptions {
  std::string voc;
  std::string set = "test";
  std::string results;
  std::string metric = "voc07";
  bool json = false;
};

}  // namespace

void add_eval_dets_command(CLI::App& app) {
  auto options = std::make_shared<EvalDetsOptions>();
  CLI::App* cmd = app.add_subcommand(
      "eval-dets", "mAP of detections in VOC results files (<prefix><class>.txt)");
  cmd->add_option("--voc", options->voc, "VOC data set folder (e.g. VOCdevkit/VOC2007) or VOCdevkit")
      ->required();
  cmd->add_option("--set", options->set, "image set (ImageSets/Main/<set>.txt)")->capture_default_str();
  cmd->add_option("--results", options->results,
                  "results prefix: reads <prefix><class>.txt, lines 'id score xmin ymin xmax ymax'")
      ->required();
  cmd->add_option("--metric", options->metric,
                  "voc07 (11-point), voc12 (area, VOC2010+) or coco (AP@[.50:.95], 101-point)")
      ->capture_default_str()
      ->check(CLI::IsMember({"voc07", "voc12", "coco"}));
  cmd->add_flag("--json", options->json, "machine-readable output");
  cmd->callback([options] {
    const ApMetric metric = parse_ap_metric(options->metric);
    VocReadOptions read_options;
    read_options.sets = {options->set};
    const Dataset gt = read_voc(options->voc, read_options);
    if (gt.classes.empty()) throw Error("eval-dets: " + options->voc + ": the data set has no classes");
    std::vector<std::string> missing;
    const std::vector<Detection> dets = read_voc_results(options->results, gt, &missing);
    if (missing.size() == gt.classes.size())
      throw Error("eval-dets: no results file found for any class (looked for " +
                  options->results + "<class>.txt, e.g. " + options->results + gt.classes.front() +
                  ".txt)");
    const MapResult result = evaluate_detections(gt, dets, metric);
    // A missing file is worth a note only where the class has gts to find.
    for (const ClassAp& c : result.classes)
      if (c.num_gt > 0 && std::find(missing.begin(), missing.end(), c.name) != missing.end())
        std::cerr << "note: no " << options->results << c.name << ".txt: no detections for "
                  << c.name << '\n';
    const auto images = static_cast<int64_t>(gt.images.size());
    if (options->json) std::cout << map_json(result, images).dump(2) << '\n';
    else print_map_table(result, images);
  });
}

}  // namespace whittle::cli
