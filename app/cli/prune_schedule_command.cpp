#include "cli/prune_schedule_command.h"

#include <chrono>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>

#include "cli/detector_source.h"
#include "cli/format.h"
#include "cli/progress_bar.h"
#include "cli/train_options.h"
#include "eval/evaluate_detector.h"
#include "graph/cost_model.h"
#include "graph/error.h"
#include "io/atomic_file.h"
#include "io/onnx_export.h"
#include "prune/channel_groups.h"
#include "prune/importance.h"
#include "prune/planners.h"
#include "prune/surgery.h"
#include "train/checkpoint.h"
#include "train/trainer.h"
#include "workflow/importance_data.h"
#include "workflow/prune_detector.h"

namespace whittle::cli {
namespace {

namespace fs = std::filesystem;

struct ScheduleOptions {
  std::string model;
  std::string data;
  std::string set = "trainval";
  std::string val_set = "test";
  std::string criterion = "l1";
  std::string aggregate = "sum";
  std::string normalize = "l2";
  int score_images = 64;
  double target_macs = 0;
  int steps = 0;
  int epochs_per_step = 1;
  int64_t round = 1;
  double distill = 0;
  CLI::Option* distill_option = nullptr;
  std::string out;
  bool json = false;
  TrainFlags flags;
};

struct StepRecord {
  int step = 0;
  std::string model;  // file name in --out
  int64_t target_macs = 0;
  int64_t params = 0, macs = 0;
  int64_t removed_channels = 0;
  double map = std::nan("");
  double loss = std::nan("");  // last fine-tuning epoch's
  double seconds = 0;
};

nlohmann::ordered_json schedule_json(const ScheduleOptions& o, const GraphCost& original, double original_map,
                                     const std::vector<StepRecord>& steps) {
  nlohmann::ordered_json j;
  j["format"] = "whittle.schedule/1";
  j["model"] = o.model;
  j["options"] = {{"criterion", o.criterion},
                  {"aggregate", o.aggregate},
                  {"normalize", o.normalize},
                  {"target_macs", o.target_macs},
                  {"steps", o.steps},
                  {"epochs_per_step", o.epochs_per_step},
                  {"round", o.round},
                  {"distill", o.distill_option->count() ? number_or_null(o.distill) : nlohmann::ordered_json()}};
  j["metric"] = o.flags.metric;
  j["original"] = {{"params", original.params}, {"macs", original.macs}, {"map", number_or_null(original_map)}};
  j["steps"] = nlohmann::ordered_json::array();
  for (const StepRecord& s : steps)
    j["steps"].push_back({{"step", s.step},
                             {"model", s.model},
                             {"target_macs", s.target_macs},
                             {"params", s.params},
                             {"macs", s.macs},
                             {"macs_ratio", static_cast<double>(s.macs) / static_cast<double>(original.macs)},
                             {"map", number_or_null(s.map)},
                             {"removed_channels", s.removed_channels},
                             {"loss", number_or_null(s.loss)},
                             {"seconds", s.seconds}});
  return j;
}

void run_prune_schedule(ScheduleOptions& o) {
  if (o.model.empty()) throw Error("prune-schedule: --model FILE.onnx is required");
  if (o.data.empty()) throw Error("prune-schedule: --data DIR is required (a VOC data set folder or VOCdevkit)");
  if (o.out.empty()) throw Error("prune-schedule: --out DIR is required (the folder for the steps' models)");
  if (!(o.target_macs > 0 && o.target_macs <= 1))
    throw Error("prune-schedule: --target-macs must be > 0 and <= 1 (a fraction of the model's MACs)");
  if (o.steps < 1) throw Error("prune-schedule: --steps must be >= 1");
  if (o.epochs_per_step < 0) throw Error("prune-schedule: --epochs-per-step must be >= 0");
  if (o.round < 1) throw Error("prune-schedule: --round must be >= 1");
  if (!(o.distill >= 0)) throw Error("prune-schedule: --distill must be >= 0");
  if (o.score_images < 1) throw Error("prune-schedule: --score-images must be >= 1");
  ImportanceOptions importance;
  importance.criterion = parse_criterion(o.criterion);
  importance.aggregation = parse_aggregation(o.aggregate);
  importance.normalization = parse_normalization(o.normalize);
  resolve_train_flags(o.flags, "prune-schedule");
  std::ostream& log = o.json ? std::cerr : std::cout;

  const Detector original = load_detector_file(o.model);
  const bool validate = !o.val_set.empty();
  const TrainData data = read_train_data(o.data, o.set, o.val_set, original.classes, validate);
  // taylor and apoz: one set of images for every step (pruning keeps the
  // head's outputs, so the original's loss reads every step's graph).
  std::optional<ImportanceData> scoring;
  if (criterion_needs_data(importance.criterion)) {
    ProgressBar reading("importance data", log);
    scoring = read_importance_data(original.graph, &original,
                                   {o.data, o.set, o.score_images, o.flags.train.batch_size}, "prune-schedule",
                                   reading);
  }
  fs::create_directories(o.out);
  const std::string schedule_path = (fs::path(o.out) / "schedule.json").string();

  EvalOptions eval = o.flags.train.val;
  eval.workers = o.flags.train.workers;
  ProgressBar progress("prune-schedule", log);
  auto evaluate = [&](const Detector& d) {
    if (!data.val) return std::nan("");
    const double map = evaluate_detector(d, *data.val, o.flags.train.val_metric, eval, progress).map.map;
    progress.clear();
    return map;
  };

  const GraphCost original_cost = compute_cost(original.graph);
  std::vector<StepRecord> records;
  double original_map = std::nan("");
  int step = 0;
  try {
    CancelOnInterrupt interrupt(progress);
    original_map = evaluate(original);
    log << "original: " << with_commas(original_cost.params) << " params, " << si(original_cost.macs)
        << " MACs, mAP " << fixed(original_map, 4, "-") << '\n';

    Detector current = original;
    current.graph = original.graph.clone();  // fine-tuning must not touch the teacher's weights
    for (step = 1; step <= o.steps; ++step) {
      const auto start = std::chrono::steady_clock::now();
      StepRecord r;
      r.step = step;
      r.model = "step" + std::to_string(step) + ".onnx";
      const std::string file = (fs::path(o.out) / r.model).string();
      const double fraction = std::pow(o.target_macs, static_cast<double>(step) / o.steps);
      r.target_macs = static_cast<int64_t>(std::floor(fraction * static_cast<double>(original_cost.macs)));
      PruneRecord record;
      record.source = fs::path(o.model).filename().string();
      record.method = "prune-schedule step " + std::to_string(step) + "/" + std::to_string(o.steps) +
                      ", target-macs " + general_number(o.target_macs);
      record.criterion = o.criterion;
      record.aggregation = o.aggregate;
      record.normalization = o.normalize;
      record.round = o.round;
      record.original_params = original_cost.params;
      record.original_macs = original_cost.macs;
      PlannerOptions planner;
      planner.round_to = o.round;
      MacsStep pruned = prune_detector_to_macs(current, r.target_macs, importance, scoring ? &*scoring : nullptr,
                                               planner, record);
      if (pruned.pruned) {
        r.removed_channels = pruned.removed_channels;
        current = std::move(pruned.detector);
      } else {
        log << "step " << step << ": already at " << with_commas(compute_cost(current.graph).macs)
            << " MACs <= the step's target " << with_commas(r.target_macs) << "; not pruned\n";
      }
      const GraphCost cost = compute_cost(current.graph);
      r.params = cost.params;
      r.macs = cost.macs;

      if (o.epochs_per_step > 0) {
        TrainOptions t = o.flags.train;
        t.epochs = o.epochs_per_step;
        t.checkpoint = file;
        t.resume = false;
        if (o.distill_option->count() && o.distill > 0) {
          t.teacher = &original;
          t.distill_weight = o.distill;
        }
        const TrainResult result = train_detector(current, data.train, data.val ? &*data.val : nullptr, t, progress);
        progress.clear();
        if (!result.curve.empty()) r.loss = result.curve.back().loss;
        if (result.last_eval) r.map = result.last_eval->map.map;
        // The schedule never resumes a step: its trainer state is of no use.
        std::error_code ignored;
        std::filesystem::remove(train_state_path(file), ignored);
      } else {
        store_detector_metadata(current);
        save_onnx(current.graph, file);
      }
      if (std::isnan(r.map)) r.map = evaluate(current);
      r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      records.push_back(r);
      write_file_atomic(schedule_path, schedule_json(o, original_cost, original_map, records).dump(2) + "\n");
      log << "step " << step << "/" << o.steps << ": " << with_commas(r.removed_channels) << " channels removed, "
          << si(r.macs) << " MACs (" << fixed(100.0 * r.macs / original_cost.macs, 1) << "% of the original), mAP "
          << fixed(r.map, 4, "-") << "; wrote " << file << '\n';
    }
  } catch (const Cancelled&) {
    progress.clear();
    throw CommandExit(130, "prune-schedule interrupted during step " + std::to_string(step) + "; " +
                               (records.empty() ? std::string("no step finished")
                                                : schedule_path + " lists the " + std::to_string(records.size()) +
                                                      " steps finished"));
  }

  if (o.json) {
    std::cout << schedule_json(o, original_cost, original_map, records).dump(2) << '\n';
    return;
  }
  Table table({"step", "params", "MACs", "% MACs", "mAP", "loss", "seconds"},
              {true, true, true, true, true, true, true});
  table.add({"0", with_commas(original_cost.params), with_commas(original_cost.macs), "100.0",
             fixed(original_map, 4, "-"), "-", "-"});
  for (const StepRecord& r : records)
    table.add({std::to_string(r.step), with_commas(r.params), with_commas(r.macs),
               fixed(100.0 * r.macs / original_cost.macs, 1), fixed(r.map, 4, "-"), fixed(r.loss, 4, "-"),
               fixed(r.seconds, 1)});
  std::cout << '\n' << table.render() << '\n' << "wrote " << schedule_path << '\n';
}

}  // namespace

void add_prune_schedule_command(CLI::App& app) {
  auto o = std::make_shared<ScheduleOptions>();
  CLI::App* cmd = app.add_subcommand("prune-schedule", "prune a step, fine-tune, repeat until a MAC target");
  cmd->add_option("--model", o->model, "the detector to prune (.onnx, required)");
  cmd->add_option("--data", o->data, "VOC data set folder or VOCdevkit (required)");
  cmd->add_option("--set", o->set, "fine-tuning image set (ImageSets/Main/<set>.txt)")->capture_default_str();
  cmd->add_option("--val-set", o->val_set, "image set each step's mAP is measured on (\"\": none)")
      ->capture_default_str();
  cmd->add_option("--criterion", o->criterion, "channel importance: l1, l2, bn, fpgm, taylor, apoz or random")
      ->capture_default_str();
  cmd->add_option("--score-images", o->score_images, "images of --set taylor and apoz score channels on (its first)")
      ->capture_default_str();
  cmd->add_option("--aggregate", o->aggregate, "how a group combines its members' scores: sum, mean or max")
      ->capture_default_str();
  cmd->add_option("--normalize", o->normalize,
                  "how scores are scaled per group before the global ranking compares groups: l2 (unit norm), mean (each channel against its group's average) or none")
      ->capture_default_str();
  cmd->add_option("--target-macs", o->target_macs, "final MACs as a fraction of the model's (required)");
  cmd->add_option("--steps", o->steps, "pruning steps; step k aims at F^(k/K) of the MACs (required)");
  cmd->add_option("--epochs-per-step", o->epochs_per_step, "fine-tuning epochs after each step (0: none)")
      ->capture_default_str();
  cmd->add_option("--round", o->round, "round each group's kept channels to a multiple of this")
      ->capture_default_str();
  o->distill_option = cmd->add_option("--distill", o->distill,
                                      "distil from the original model with this weight while fine-tuning");
  add_train_options(*cmd, o->flags, "data order and augmentation seed");
  cmd->add_option("--out", o->out, "folder for step<k>.onnx and schedule.json (required)");
  cmd->add_flag("--json", o->json, "print schedule.json on stdout");
  cmd->callback([o] { run_prune_schedule(*o); });
}

}  // namespace whittle::cli
