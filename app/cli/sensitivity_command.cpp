#include "cli/sensitivity_command.h"

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>

#include "cli/detector_source.h"
#include "cli/format.h"
#include "cli/latency_table_source.h"
#include "cli/progress_bar.h"
#include "data/voc_reader.h"
#include "graph/cost_model.h"
#include "graph/error.h"
#include "prune/channel_groups.h"
#include "prune/importance.h"
#include "prune/latency_table.h"
#include "prune/number_text.h"
#include "prune/pruning_plan.h"
#include "prune/sensitivity.h"
#include "prune/sensitivity_planner.h"
#include "workflow/importance_data.h"

namespace whittle::cli {
namespace {

namespace fs = std::filesystem;

struct SensitivityCommandOptions {
  std::string model;
  std::string data;
  std::string set = "val";
  std::vector<double> ratios = {0.1, 0.3, 0.5, 0.7, 0.9};
  int images = 100;
  std::string criterion = "l1";
  std::string aggregate = "sum";
  uint64_t seed = 1;
  std::string score_set = "train";
  int score_images = 64;
  CLI::Option* criterion_option = nullptr;
  std::vector<std::string> groups;
  int64_t round = 1;
  CLI::Option* round_option = nullptr;
  int batch = 8;
  int workers = 2;
  std::string metric = "voc07";
  bool no_cache = false;
  std::string out;
  std::string from;
  double target_macs = 0;
  CLI::Option* target_option = nullptr;
  double target_latency = 0;
  CLI::Option* latency_option = nullptr;
  double speed_ratio = 0;
  std::string latency_cache;
  std::string save_plan;
  bool json = false;
};

void print_table(const SensitivityResult& r, std::ostream& out) {
  std::vector<std::string> headers = {"group", "channels"};
  std::vector<bool> right = {false, true};
  std::vector<double> ratios;  // the union of the groups' ratios (one list when scanned here)
  for (const auto& g : r.groups)
    for (double x : g.ratios)
      if (std::find(ratios.begin(), ratios.end(), x) == ratios.end()) ratios.push_back(x);
  std::sort(ratios.begin(), ratios.end());
  for (double x : ratios) {
    headers.push_back(number_text(100 * x) + "%");
    right.push_back(true);
  }
  Table table(headers, right);
  for (const auto& g : r.groups) {
    std::vector<std::string> row = {g.name, std::to_string(g.channels)};
    for (double x : ratios) {
      auto it = std::find(g.ratios.begin(), g.ratios.end(), x);
      row.push_back(it == g.ratios.end() ? "" : fixed(g.map[static_cast<size_t>(it - g.ratios.begin())], 4, "-"));
    }
    table.add(row);
  }
  out << table.render() << '\n'
      << "baseline " << r.metric << " mAP " << fixed(r.baseline, 4, "-") << " on " << r.images
      << " images; mAP with each group alone pruned at each ratio (criterion " << r.criterion << "), "
      << r.groups.size() << " groups in " << fixed(r.seconds, 1) << " s\n";
}

void run_sensitivity(const SensitivityCommandOptions& o) {
  if (o.model.empty()) throw Error("sensitivity: --model FILE.onnx is required");
  const bool scan = o.from.empty();
  if (scan && o.data.empty())
    throw Error("sensitivity: --data DIR is required (a VOC data set folder or VOCdevkit), or --from SCAN.json");
  if (scan && o.out.empty()) throw Error("sensitivity: --out FILE.json is required");
  if (o.target_option->count() && !(o.target_macs > 0 && o.target_macs <= 1))
    throw Error("sensitivity: --target-macs " + number_text(o.target_macs) +
                " must be > 0 and <= 1 (a fraction of the model's MACs)");
  if (o.latency_option->count() && !(o.target_latency > 0 && o.target_latency <= 1))
    throw Error("sensitivity: --target-latency " + number_text(o.target_latency) +
                " must be > 0 and <= 1 (a fraction of the model's estimated latency)");
  if (!(o.speed_ratio >= 0 && o.speed_ratio <= 1))
    throw Error("sensitivity: --speed-ratio " + number_text(o.speed_ratio) + " must be >= 0 and <= 1");
  const bool planning = o.target_option->count() || o.latency_option->count();
  if (o.speed_ratio > 0 && !planning)
    throw Error("sensitivity: --speed-ratio goes with a plan: give --target-macs F (or --target-latency L)");
  if (planning != !o.save_plan.empty())
    throw Error("sensitivity: --target-macs F / --target-latency L and --save-plan FILE.json go together");
  if (!scan && !planning)
    throw Error("sensitivity: --from SCAN.json plans from a scan: give --target-macs F and/or --target-latency L, "
                "and --save-plan FILE.json");
  if (o.images < 0) throw Error("sensitivity: --images must be >= 0 (0: the whole set)");
  if (o.batch < 1) throw Error("sensitivity: --batch must be >= 1");
  if (o.round < 1) throw Error("sensitivity: --round must be >= 1");
  if (o.score_images < 1) throw Error("sensitivity: --score-images must be >= 1");
  ImportanceOptions importance;
  importance.criterion = parse_criterion(o.criterion);
  importance.aggregation = parse_aggregation(o.aggregate);
  importance.seed = o.seed;
  std::ostream& log = o.json ? std::cerr : std::cout;

  const Detector detector = load_detector_file(o.model);
  // taylor and apoz score channels on images: the scan's criterion, or (with
  // --from) the criterion the scan was made with, for the plan.
  std::optional<ImportanceData> importance_data;
  auto read_scoring_data = [&] {
    if (!importance_data) {
      ProgressBar reading("importance data", log);
      importance_data = read_importance_data(detector.graph, &detector,
                                             {o.data, o.score_set, o.score_images, o.batch}, "sensitivity",
                                             reading);
    }
    return &*importance_data;
  };
  SensitivityResult result;
  if (scan) {
    SensitivityOptions so;
    so.ratios = o.ratios;
    so.groups = o.groups;
    so.images = o.images;
    so.importance = importance;
    so.planner.round_to = o.round;
    so.metric = parse_ap_metric(o.metric);
    so.eval.batch_size = o.batch;
    so.eval.workers = o.workers;
    so.cache_prefix = !o.no_cache;
    VocReadOptions read;
    read.sets = {o.set};
    read.classes = detector.classes;
    const Dataset data = read_voc(o.data, read);
    if (data.images.empty()) throw Error("sensitivity: " + o.data + " (set " + o.set + ") has no images");
    const ImportanceData* scoring = criterion_needs_data(importance.criterion) ? read_scoring_data() : nullptr;
    const fs::path folder = fs::path(o.out).parent_path();
    if (!folder.empty()) fs::create_directories(folder);
    ProgressBar progress("sensitivity", log);
    {
      CancelOnInterrupt interrupt(progress);
      try {
        result = analyze_sensitivity(detector, data, so, progress, scoring);
      } catch (const Cancelled&) {
        progress.clear();
        throw CommandExit(130, "sensitivity scan interrupted; nothing was written");
      }
    }
    progress.clear();
    save_sensitivity(result, o.out);
  } else {
    result = load_sensitivity(o.from);
    // A plan picks channels as its scan did; a different choice given here
    // would be ignored, so it is refused.
    if (o.criterion_option->count() && o.criterion != result.criterion)
      throw Error("sensitivity: --criterion " + o.criterion + ", but " + o.from + " was scanned with '" +
                  result.criterion + "', which its plans use: scan again with --criterion " + o.criterion);
    if (o.round_option->count() && o.round != result.round_to)
      throw Error("sensitivity: --round " + std::to_string(o.round) + ", but " + o.from + " was scanned with --round " +
                  std::to_string(result.round_to) + ", which its plans use: scan again with --round " +
                  std::to_string(o.round));
  }

  if (o.json)
    std::cout << sensitivity_to_json(result) << '\n';
  else
    print_table(result, log);
  if (scan) log << "wrote " << o.out << '\n';
  if (!planning) return;

  // The plan picks channels as the scan did: its criterion and rounding.
  ImportanceOptions plan_importance = importance;
  plan_importance.criterion = parse_criterion(result.criterion);
  const bool needs_data = criterion_needs_data(plan_importance.criterion);
  if (needs_data && o.data.empty())
    throw Error("sensitivity: the scan used criterion '" + result.criterion +
                "', which scores channels on images: give --data DIR to plan with it");
  const ChannelGroups groups = channel_groups(detector.graph);
  const GroupScores scores =
      channel_importance(detector.graph, groups, plan_importance, needs_data ? read_scoring_data() : nullptr);
  PlannerOptions planner;
  planner.round_to = result.round_to;
  SensitivityTargets targets;
  if (o.target_option->count()) targets.macs = o.target_macs;
  std::optional<LatencyTable> table;
  if (o.latency_option->count() || o.speed_ratio > 0) {
    table = read_latency_table(detector.graph, o.latency_cache, log);
    if (o.latency_option->count()) targets.latency = o.target_latency;
    targets.speed = o.speed_ratio;
    targets.table = &*table;
  }
  SensitivityPlanReport report;
  const PruningPlan plan = plan_from_sensitivity(detector.graph, groups, scores, result, targets, planner, &report);
  save_plan(plan, o.save_plan);
  std::string target_text;
  if (o.target_option->count()) target_text = number_text(o.target_macs) + " x the MACs";
  if (o.latency_option->count())
    target_text += (target_text.empty() ? "" : ", ") + number_text(o.target_latency) + " x the latency";
  if (o.speed_ratio > 0)
    target_text += ", a latency speed-up >= " + number_text(o.speed_ratio) + " x the MAC speed-up";
  log << "plan for " << target_text << ": " << report.ratios.size() << " groups pruned, "
      << with_commas(plan.removed_channels()) << " channels; MACs " << with_commas(report.original_macs) << " -> "
      << with_commas(report.pruned_macs) << " (target " << with_commas(report.target_macs) << ")";
  if (table) {
    log << "; latency " << fixed(report.original_ms, 2) << " -> " << fixed(report.pruned_ms, 2) << " ms (";
    if (report.target_ms >= 0) log << "target " << fixed(report.target_ms, 2) << ", ";
    log << "the latency table's estimate at " << table->threads << " threads; speed-up "
        << fixed(report.original_ms / report.pruned_ms, 2) << "x for "
        << fixed(static_cast<double>(report.original_macs) / static_cast<double>(report.pruned_macs), 2)
        << "x fewer MACs)";
  }
  log << "; predicted mAP " << fixed(report.predicted_map, 4, "-") << " (loss " << fixed(report.predicted_loss, 4, "-")
      << ")\n"
      << "wrote plan " << o.save_plan << " (apply it with: prune --plan " << o.save_plan << ")\n";
}

}  // namespace

void add_sensitivity_command(CLI::App& app) {
  auto o = std::make_shared<SensitivityCommandOptions>();
  CLI::App* cmd = app.add_subcommand("sensitivity", "mAP with each channel group pruned alone at several ratios");
  cmd->add_option("--model", o->model, "a detector saved by whittle (.onnx, required)");
  cmd->add_option("--data", o->data, "VOC data set folder or VOCdevkit (required to scan)");
  cmd->add_option("--set", o->set, "image set evaluated (ImageSets/Main/<set>.txt)")->capture_default_str();
  cmd->add_option("--ratios", o->ratios, "ratios of each group's channels to remove, e.g. 0.1,0.5,0.9")
      ->delimiter(',')
      ->capture_default_str();
  cmd->add_option("--images", o->images, "images evaluated: the set's first N (0: all)")->capture_default_str();
  o->criterion_option =
      cmd->add_option("--criterion", o->criterion, "which channels go first: l1, l2, bn, fpgm, taylor, apoz or random")
          ->capture_default_str();
  cmd->add_option("--aggregate", o->aggregate, "how a group combines its members' scores: sum, mean or max")
      ->capture_default_str();
  cmd->add_option("--seed", o->seed, "seed of the random criterion")->capture_default_str();
  cmd->add_option("--score-set", o->score_set, "image set taylor and apoz score channels on")->capture_default_str();
  cmd->add_option("--score-images", o->score_images, "images taylor and apoz score channels on (the set's first)")
      ->capture_default_str();
  cmd->add_option("--groups", o->groups, "scan only these groups (names as `groups` lists them)")->delimiter(',');
  o->round_option =
      cmd->add_option("--round", o->round,
                      "round each group's kept channels to a multiple of this (a plan --from a scan: the scan's)")
          ->capture_default_str();
  cmd->add_option("--batch", o->batch, "images per batch")->capture_default_str();
  cmd->add_option("--workers", o->workers, "data loader threads")->capture_default_str();
  cmd->add_option("--metric", o->metric, "voc07, voc12 or coco")->capture_default_str();
  cmd->add_flag("--no-cache", o->no_cache,
                "evaluate every pruned model from the images (no shared unpruned prefix; slower, for checks)");
  cmd->add_option("--out", o->out, "the scan (JSON, required to scan)");
  cmd->add_option("--from", o->from, "plan from this earlier scan instead of scanning");
  o->target_option = cmd->add_option("--target-macs", o->target_macs,
                                     "plan per-group ratios for MACs <= F x the original, least predicted mAP loss");
  o->latency_option = cmd->add_option(
      "--target-latency", o->target_latency,
      "plan for latency <= L x the original's (the measured latency table's estimate); with --target-macs, both");
  cmd->add_option("--speed-ratio", o->speed_ratio,
                  "plan so that the latency speed-up is >= S x the MAC speed-up (the latency table's estimate), "
                  "e.g. 0.8: a plan that is really as much faster as it has fewer MACs");
  cmd->add_option("--latency-cache", o->latency_cache,
                  "folder of latency tables (default $WHITTLE_LATENCY_CACHE, else ~/.cache/whittle/latency)");
  cmd->add_option("--save-plan", o->save_plan, "write that plan (JSON, for prune --plan)");
  cmd->add_flag("--json", o->json, "print the scan as JSON on stdout");
  cmd->callback([o] { run_sensitivity(*o); });
}

}  // namespace whittle::cli
