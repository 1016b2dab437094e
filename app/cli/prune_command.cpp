#include "cli/prune_command.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <tuple>
#include <utility>

#include "cli/detector_source.h"
#include "cli/format.h"
#include "cli/latency_table_source.h"
#include "cli/progress_bar.h"
#include "graph/cost_model.h"
#include "graph/error.h"
#include "io/onnx_export.h"
#include "io/onnx_import.h"
#include "models/detector.h"
#include "prune/channel_groups.h"
#include "prune/importance.h"
#include "prune/latency_planner.h"
#include "prune/latency_table.h"
#include "prune/number_text.h"
#include "prune/planners.h"
#include "prune/pruning_plan.h"
#include "prune/surgery.h"
#include "runtime/runner.h"
#include "runtime/threading.h"
#include "runtime/turn_timing.h"
#include "workflow/importance_data.h"
#include "workflow/prune_detector.h"

namespace whittle::cli {
namespace {

struct PruneOptions {
  std::string model;
  std::string criterion = "l1";
  std::string aggregate = "sum";
  std::string normalize = "l2";
  double ratio = 0;
  std::string plan;
  double target_macs = 0;
  double target_latency = 0;
  bool latency = false;
  int latency_runs = 10;
  std::string latency_cache;
  int64_t round = 1;
  uint64_t seed = 1;
  std::string data;
  std::string set = "train";
  int images = 64;
  int batch = 8;
  std::string save_plan;
  std::string out;
  bool json = false;
  CLI::Option* ratio_option = nullptr;
  CLI::Option* plan_option = nullptr;
  CLI::Option* target_option = nullptr;
  CLI::Option* latency_target_option = nullptr;
};

// The model to prune: a detector saved by whittle (its head gives taylor a
// loss), or any other graph (a zoo classifier, an imported network).
struct LoadedModel {
  Graph graph;
  std::optional<Detector> detector;
};

LoadedModel load_model(const std::string& path) {
  LoadedModel m;
  Graph graph = load_onnx(path);  // its errors name the file
  auto family = graph.metadata.find("whittle.family");
  const bool detector = family != graph.metadata.end() && family->second != "classifier" &&
                        family->second != "backbone";
  if (!detector) {
    m.graph = std::move(graph);
    return m;
  }
  try {
    m.detector = detector_from_graph(graph);
  } catch (const Error& e) {
    throw Error(path + ": " + e.what());
  }
  m.graph = std::move(graph);
  return m;
}

std::string method_text(const PruneOptions& o) {
  if (o.ratio_option->count()) return "ratio " + number_text(o.ratio);
  if (o.plan_option->count()) return "plan " + o.plan;
  if (o.latency_target_option->count()) return "target-latency " + number_text(o.target_latency);
  return "target-macs " + number_text(o.target_macs);
}

// Median batch-1 latency (ms) of the original and the pruned graph with the
// Runner (default options), in turns (runtime/turn_timing.h).
std::pair<double, double> measure_latency(const Graph& original, const Graph& pruned, int runs) {
  Runner a(original), b(pruned);
  TensorMap inputs;
  for (const auto& in : original.inputs) {
    Shape shape = in.shape;
    if (!shape.empty()) shape[0] = 1;
    inputs[in.name] = at::randn(shape);
  }
  TurnTiming timing;
  timing.runs = runs;
  const auto ms = median_ms_in_turns({[&] { a.run(inputs); }, [&] { b.run(inputs); }}, timing);
  return {ms[0], ms[1]};
}

void run_prune(const PruneOptions& o) {
  // Every check that needs no model comes first.
  if (o.model.empty()) throw Error("prune: --model FILE.onnx is required");
  if (o.out.empty()) throw Error("prune: --out FILE.onnx is required");
  const int methods = static_cast<int>(o.ratio_option->count() > 0) +
                      static_cast<int>(o.plan_option->count() > 0) +
                      static_cast<int>(o.target_option->count() > 0) +
                      static_cast<int>(o.latency_target_option->count() > 0);
  if (methods != 1)
    throw Error("prune: give exactly one of --ratio R, --plan FILE.json, --target-macs F or --target-latency F");
  if (o.ratio_option->count() && !(o.ratio >= 0 && o.ratio < 1))
    throw Error("prune: --ratio " + number_text(o.ratio) + " must be >= 0 and < 1");
  if (o.target_option->count() && !(o.target_macs > 0 && o.target_macs <= 1))
    throw Error("prune: --target-macs " + number_text(o.target_macs) +
                " must be > 0 and <= 1 (a fraction of the model's MACs)");
  if (o.latency_target_option->count() && !(o.target_latency > 0 && o.target_latency <= 1))
    throw Error("prune: --target-latency " + number_text(o.target_latency) +
                " must be > 0 and <= 1 (a fraction of the model's latency)");
  if (o.latency_runs < 1) throw Error("prune: --latency-runs must be >= 1");
  if (o.round < 1) throw Error("prune: --round must be >= 1");
  if (o.images < 1) throw Error("prune: --images must be >= 1");
  if (o.batch < 1) throw Error("prune: --batch must be >= 1");
  ImportanceOptions importance;
  importance.criterion = parse_criterion(o.criterion);
  importance.aggregation = parse_aggregation(o.aggregate);
  importance.normalization = parse_normalization(o.normalize);
  importance.seed = o.seed;
  std::optional<PruningPlan> plan_file;
  if (o.plan_option->count()) plan_file = load_plan(o.plan);
  // A plan that lists its channels needs no scores; a ratio table does.
  const bool needs_scores = !plan_file || plan_file->remove.empty();
  if (plan_file && plan_file->remove.empty() && plan_file->ratios.empty())
    throw Error("prune: " + o.plan + " lists neither channels to remove nor ratios");
  const bool needs_data = needs_scores && criterion_needs_data(importance.criterion);
  if (needs_data && o.data.empty())
    throw Error("prune: criterion '" + o.criterion +
                "' scores channels on images: give --data DIR (a VOC data set folder or VOCdevkit)");
  std::ostream& log = o.json ? std::cerr : std::cout;

  const LoadedModel model = load_model(o.model);
  if (needs_data && importance.criterion == Criterion::Taylor && !model.detector)
    throw Error("prune: criterion 'taylor' needs a loss: " + o.model +
                " is not a detector saved by whittle (no whittle.family metadata of a detector)");
  const ChannelGroups groups = channel_groups(model.graph);

  GroupScores scores;
  std::optional<ImportanceData> data;
  size_t images = 0;
  if (needs_scores) {
    if (needs_data) {
      ProgressBar reading("importance data", log);
      data = read_importance_data(model.graph, model.detector ? &*model.detector : nullptr,
                                  {o.data, o.set, o.images, o.batch}, "prune", reading, &images);
    }
    scores = channel_importance(model.graph, groups, importance, data ? &*data : nullptr);
  }
  // The latency table, for --target-latency and --latency.
  std::optional<LatencyTable> latency;
  if (o.latency || o.latency_target_option->count()) latency = read_latency_table(model.graph, o.latency_cache, log);
  PlannerOptions planner;
  planner.round_to = o.round;
  PruningPlan plan;
  TargetMacsReport target;
  TargetLatencyReport latency_target;
  if (o.ratio_option->count()) {
    plan = plan_uniform(groups, scores, o.ratio, planner);
  } else if (plan_file && !plan_file->remove.empty()) {
    plan = *plan_file;
    check_plan(plan, groups);
  } else if (plan_file) {
    plan = plan_layer_ratios(groups, scores, plan_file->ratios, planner);
  } else if (o.latency_target_option->count()) {
    plan = plan_target_latency(model.graph, groups, scores, *latency, o.target_latency, planner, &latency_target);
  } else {
    plan = plan_target_macs(model.graph, groups, scores, o.target_macs, planner, &target);
  }

  Graph pruned = apply_pruning(model.graph, groups, plan);
  const GraphCost before = compute_cost(model.graph);
  const GraphCost after = compute_cost(pruned);
  // Latency before and after: the table's estimate, and (--latency) measured.
  double table_before = 0, table_after = 0, measured_before = 0, measured_after = 0;
  if (latency) {
    table_before = estimate_latency_ms(*latency, model.graph);
    table_after = estimate_latency_ms(*latency, pruned);
  }
  if (o.latency) std::tie(measured_before, measured_after) = measure_latency(model.graph, pruned, o.latency_runs);
  PruneRecord record;
  record.source = std::filesystem::path(o.model).filename().string();
  record.method = method_text(o);
  record.criterion = needs_scores ? o.criterion : "none (the plan lists the channels)";
  if (needs_scores) record.aggregation = o.aggregate, record.normalization = o.normalize;
  if (data) record.images = std::to_string(images) + " of " + o.set;
  record.round = o.round;
  record.removed_channels = plan.removed_channels();
  record.original_params = before.params;
  record.original_macs = before.macs;
  record_pruning(pruned, record);
  if (model.detector) {
    try {
      detector_from_graph(pruned);  // the head still reads the pruned graph
    } catch (const Error& e) {
      throw Error("prune: the pruned graph no longer fits its head: " + std::string(e.what()));
    }
  }
  const std::filesystem::path folder = std::filesystem::path(o.out).parent_path();
  if (!folder.empty()) std::filesystem::create_directories(folder);
  save_onnx(pruned, o.out);
  if (!o.save_plan.empty()) save_plan(plan, o.save_plan);

  int64_t prunable = 0;
  for (const auto& g : groups.groups)
    if (g.prunable) prunable += g.channels;
  auto removed_of = [&](const ChannelGroup& g) {
    auto it = plan.remove.find(g.name);
    return it == plan.remove.end() ? int64_t{0} : static_cast<int64_t>(it->second.size());
  };
  auto ratio = [](int64_t a, int64_t b) { return b > 0 ? static_cast<double>(a) / static_cast<double>(b) : 0.0; };

  if (o.json) {
    nlohmann::ordered_json j;
    j["model"] = o.model;
    j["out"] = o.out;
    j["criterion"] = needs_scores ? o.criterion : "none";
    j["method"] = method_text(o);
    j["params"] = {{"before", before.params}, {"after", after.params}, {"ratio", ratio(after.params, before.params)}};
    j["macs"] = {{"before", before.macs}, {"after", after.macs}, {"ratio", ratio(after.macs, before.macs)}};
    if (o.target_option->count()) j["macs"]["target"] = target.target_macs;
    if (latency) {
      j["latency"] = {{"threads", latency->threads},
                      {"table", {{"before_ms", table_before}, {"after_ms", table_after},
                                 {"ratio", table_after / table_before}}}};
      if (o.latency_target_option->count()) j["latency"]["table"]["target_ms"] = latency_target.target_ms;
      if (o.latency)
        j["latency"]["measured"] = {{"before_ms", measured_before}, {"after_ms", measured_after},
                                    {"ratio", measured_after / measured_before}, {"runs", o.latency_runs}};
    }
    j["prunable_channels"] = prunable;
    j["removed_channels"] = plan.removed_channels();
    j["groups"] = nlohmann::json::array();
    for (const auto& g : groups.groups) {
      if (!g.prunable) continue;
      const int64_t removed = removed_of(g);
      j["groups"].push_back({{"name", g.name}, {"channels", g.channels}, {"kept", g.channels - removed},
                             {"removed", removed}});
    }
    std::cout << j.dump(2) << '\n';
    return;
  }
  Table table({"group", "channels", "kept", "removed"}, {false, true, true, true});
  for (const auto& g : groups.groups) {
    if (!g.prunable) continue;
    const int64_t removed = removed_of(g);
    table.add({g.name, std::to_string(g.channels), std::to_string(g.channels - removed), std::to_string(removed)});
  }
  std::cout << table.render() << '\n'
            << "criterion " << (needs_scores ? o.criterion : "none") << ", " << method_text(o) << ": removed "
            << with_commas(plan.removed_channels()) << " of " << with_commas(prunable) << " prunable channels\n"
            << "params  " << with_commas(before.params) << " -> " << with_commas(after.params) << " ("
            << fixed(100.0 * ratio(after.params, before.params), 1) << "%)\n"
            << "MACs    " << with_commas(before.macs) << " -> " << with_commas(after.macs) << " ("
            << fixed(100.0 * ratio(after.macs, before.macs), 1) << "%)\n";
  auto latency_line = [](double a, double b, const std::string& how) {
    return "latency " + fixed(a, 2) + " ms -> " + fixed(b, 2) + " ms (" + fixed(100.0 * b / a, 1) + "%, " +
           fixed(a / b, 2) + "x faster; " + how + ")\n";
  };
  if (latency)
    std::cout << latency_line(table_before, table_after,
                              "latency table, " + std::to_string(latency->threads) + " threads");
  if (o.latency)
    std::cout << latency_line(measured_before, measured_after,
                              "measured: Runner, batch 1, median of " + std::to_string(o.latency_runs) +
                                  " runs in turns of " + std::to_string(TurnTiming{}.block));
  std::cout << "wrote " << o.out << '\n';
  if (!o.save_plan.empty()) std::cout << "wrote plan " << o.save_plan << '\n';
}

}  // namespace

void add_prune_command(CLI::App& app) {
  auto o = std::make_shared<PruneOptions>();
  CLI::App* cmd = app.add_subcommand("prune", "remove channels from a model (structured pruning)");
  cmd->add_option("--model", o->model, "model file (.onnx): a detector saved by whittle, or any graph");
  cmd->add_option("--criterion", o->criterion, "channel importance: l1, l2, bn, fpgm, taylor, apoz or random")
      ->capture_default_str();
  o->ratio_option = cmd->add_option("--ratio", o->ratio, "remove this fraction of every prunable group");
  o->plan_option = cmd->add_option("--plan", o->plan,
                                   "a plan file (JSON): channels to remove, or a \"ratios\" table per group");
  o->target_option = cmd->add_option("--target-macs", o->target_macs,
                                     "remove channels by global rank until MACs <= F x the original");
  o->latency_target_option =
      cmd->add_option("--target-latency", o->target_latency,
                      "remove channels by global rank until the latency table's estimate <= F x the original");
  cmd->add_flag("--latency", o->latency,
                "print latency before and after: the latency table's estimate and a measurement (Runner)");
  cmd->add_option("--latency-runs", o->latency_runs, "timed runs of each model for --latency")->capture_default_str();
  cmd->add_option("--latency-cache", o->latency_cache,
                  "folder of latency tables (default $WHITTLE_LATENCY_CACHE, else ~/.cache/whittle/latency)");
  cmd->add_option("--round", o->round, "round each group's kept channels to a multiple of this")
      ->capture_default_str();
  cmd->add_option("--aggregate", o->aggregate, "how a group combines its members' scores: sum, mean or max")
      ->capture_default_str();
  cmd->add_option("--normalize", o->normalize,
                  "how scores are scaled per group before the global ranking compares groups: l2 (unit norm), mean (each channel against its group's average) or none")
      ->capture_default_str();
  cmd->add_option("--seed", o->seed, "seed of the random criterion")->capture_default_str();
  cmd->add_option("--data", o->data, "VOC data set folder or VOCdevkit (taylor, apoz)");
  cmd->add_option("--set", o->set, "image set (ImageSets/Main/<set>.txt)")->capture_default_str();
  cmd->add_option("--images", o->images, "images scored (the set's first)")->capture_default_str();
  cmd->add_option("--batch", o->batch, "images per batch when scoring")->capture_default_str();
  cmd->add_option("--save-plan", o->save_plan, "also write the plan (JSON)");
  cmd->add_option("--out", o->out, "pruned model file (.onnx, required)");
  cmd->add_flag("--json", o->json, "machine-readable output");
  cmd->callback([o] { run_prune(*o); });
}

}  // namespace whittle::cli
