#include "cli/eval_dets_command.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/format.h"
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

std::string fixed4(double v) {
  if (std::isnan(v)) return "n/a";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4f", v);
  return buf;
}

nlohmann::ordered_json number_or_null(double v) {
  return std::isnan(v) ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(v);
}

void print_json(const MapResult& r, size_t images) {
  nlohmann::ordered_json j;
  j["map"] = number_or_null(r.map);
  nlohmann::ordered_json ap = nlohmann::ordered_json::object();
  for (const ClassAp& c : r.classes) ap[c.name] = number_or_null(c.ap);  // null: no gt
  j["ap"] = ap;
  if (r.metric == "coco") {
    j["ap50"] = number_or_null(r.ap50);
    j["ap75"] = number_or_null(r.ap75);
  }
  j["metric"] = r.metric;
  j["images"] = images;
  std::cout << j.dump(2) << '\n';
}

void print_table(const MapResult& r, size_t images) {
  Table table({"class", "gt", "dets", "AP"}, {false, true, true, true});
  int without_gt = 0;
  for (const ClassAp& c : r.classes) {
    table.add({c.name, with_commas(c.num_gt), with_commas(c.num_det), fixed4(c.ap)});
    if (std::isnan(c.ap)) ++without_gt;
  }
  std::cout << table.render() << '\n';
  const size_t counted = r.classes.size() - without_gt;
  std::cout << "mAP (" << r.metric << ")  " << fixed4(r.map) << "  over " << counted << " classes, "
            << with_commas(static_cast<int64_t>(images)) << " images\n";
  if (r.metric == "coco")
    std::cout << "AP50  " << fixed4(r.ap50) << "\nAP75  " << fixed4(r.ap75) << '\n';
  if (without_gt)
    std::cout << "n/a: " << without_gt
              << " class(es) without (non-difficult) ground truth, left out of the mAP\n";
}

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
    if (options->json) print_json(result, gt.images.size());
    else print_table(result, gt.images.size());
  });
}

}  // namespace whittle::cli
