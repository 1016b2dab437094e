#include "prune/sensitivity.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <type_traits>

#include "data/loader.h"
#include "graph/cost_model.h"
#include "graph/error.h"
#include "graph/shape_inference.h"
#include "io/atomic_file.h"
#include "prune/channel_groups.h"
#include "prune/number_text.h"
#include "prune/surgery.h"
#include "runtime/runner.h"

namespace whittle {
namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* kFormat = "whittle.sensitivity/1";

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Forwards an inner job's progress (an evaluation) to the scan's sink,
// mapped into [from, to], and the sink's cancellation to the inner job.
class ScaledProgress : public Progress {
 public:
  ScaledProgress(Progress& parent, double from, double to, std::string prefix)
      : parent_(parent), from_(from), to_(to), prefix_(std::move(prefix)) {
    set_interval(std::chrono::milliseconds(0));  // the parent throttles
    if (parent_.cancelled()) cancel();
  }

 protected:
  void on_progress(double fraction, const std::string& message) override {
    parent_.report(from_ + (to_ - from_) * std::clamp(fraction, 0.0, 1.0), prefix_ + message);
    if (parent_.cancelled()) cancel();
  }
  void on_log(const std::string& message) override { parent_.log(prefix_ + message); }

 private:
  Progress& parent_;
  double from_, to_;
  std::string prefix_;
};

// A graph cut before node `first`: the values the nodes from `first` on read
// from earlier nodes or graph inputs (in order of first use), and the graph
// outputs made before `first`.
struct Split {
  size_t first = 0;
  std::vector<std::string> frontier;
  std::vector<std::string> early_outputs;
};

Split split_before(const Graph& graph, size_t first) {
  Split s;
  s.first = first;
  std::set<std::string> before;
  for (const auto& in : graph.inputs) before.insert(in.name);
  for (size_t i = 0; i < first; ++i) before.insert(graph.nodes[i].output);
  std::set<std::string> seen;
  for (size_t i = first; i < graph.nodes.size(); ++i)
    for (const auto& in : graph.nodes[i].inputs)
      if (before.count(in) && seen.insert(in).second) s.frontier.push_back(in);
  for (const auto& out : graph.outputs)
    if (before.count(out)) s.early_outputs.push_back(out);
  return s;
}

// Nodes [0, first) with the frontier's node-made values and the early graph
// outputs as outputs (weights shared with `graph`).
Graph prefix_graph(const Graph& graph, const Split& s) {
  Graph p;
  p.inputs = graph.inputs;
  p.nodes.assign(graph.nodes.begin(), graph.nodes.begin() + static_cast<std::ptrdiff_t>(s.first));
  std::set<std::string> listed;
  for (const auto& v : s.frontier)
    if (!graph.is_input(v) && listed.insert(v).second) p.outputs.push_back(v);
  for (const auto& v : s.early_outputs)
    if (!graph.is_input(v) && listed.insert(v).second) p.outputs.push_back(v);
  return p;
}

// Nodes [first, end) fed by the frontier (declared with `shapes`), with the
// graph outputs they make.
Graph suffix_graph(const Graph& graph, const Split& s, const ShapeMap& shapes) {
  Graph g;
  for (const auto& v : s.frontier) g.inputs.push_back({v, shapes.at(v)});
  g.nodes.assign(graph.nodes.begin() + static_cast<std::ptrdiff_t>(s.first), graph.nodes.end());
  for (const auto& out : graph.outputs)
    if (std::find(s.early_outputs.begin(), s.early_outputs.end(), out) == s.early_outputs.end())
      g.outputs.push_back(out);
  return g;
}

// Index of the first node any member of the group touches.
size_t first_member_node(const Graph& graph, const ChannelGroup& group) {
  size_t first = graph.nodes.size();
  for (const auto& m : group.members) {
    const int i = graph.find_node(m.node);
    if (i < 0) throw Error("sensitivity: group '" + group.name + "' names node '" + m.node + "', not in the graph");
    first = std::min(first, static_cast<size_t>(i));
  }
  return first;
}

// mAP of each pruned graph (all from one group of `detector.graph`): the
// images go once through the unpruned prefix, then through each graph's
// suffix. `report(fraction)` gets the pass's progress in [0, 1]. Returns
// nullopt when the cut does not hold (a frontier value's shape differs in a
// pruned graph): the caller evaluates plainly.
std::optional<std::vector<double>> evaluate_with_prefix(const Detector& detector, const Dataset& data,
                                                        const std::vector<Graph>& pruned, size_t first,
                                                        const SensitivityOptions& o,
                                                        const std::vector<int>& label_map,
                                                        const std::function<void(double)>& report,
                                                        Progress& progress) {
  const Graph& graph = detector.graph;
  const Split split = split_before(graph, first);
  const ShapeMap shapes = infer_shapes(graph);
  std::vector<Runner> suffixes;
  suffixes.reserve(pruned.size());
  for (const Graph& p : pruned) {
    if (p.nodes.size() != graph.nodes.size()) return std::nullopt;
    const ShapeMap pruned_shapes = infer_shapes(p);
    for (const auto& v : split.frontier)
      if (pruned_shapes.at(v) != shapes.at(v)) return std::nullopt;
    for (size_t i = 0; i < first; ++i)
      if (p.nodes[i].name != graph.nodes[i].name) return std::nullopt;
    suffixes.emplace_back(suffix_graph(p, split, shapes));
  }
  const Graph prefix = prefix_graph(graph, split);
  std::optional<Runner> prefix_runner;
  if (!prefix.nodes.empty() && !prefix.outputs.empty()) prefix_runner.emplace(prefix);

  const std::string input = graph.inputs[0].name;
  DetectionLoader loader(data, eval_loader_options(detector, o.eval));
  std::vector<std::vector<Detection>> detections(pruned.size());
  size_t images = 0;
  while (true) {
    progress.check_cancelled();
    std::optional<Batch> batch = loader.next();
    if (!batch) break;
    const at::Tensor x = normalize_images(batch->images, detector.preprocess);
    TensorMap handed;
    if (prefix_runner) handed = prefix_runner->run({{input, x}});
    handed[input] = x;
    TensorMap suffix_inputs;
    for (const auto& v : split.frontier) suffix_inputs[v] = handed.at(v);
    for (size_t k = 0; k < suffixes.size(); ++k) {
      progress.check_cancelled();
      TensorMap raw = suffixes[k].run(suffix_inputs);
      for (const auto& v : split.early_outputs) raw[v] = handed.at(v);
      append_detections(detector.head->decode(head_inputs(*detector.head, raw, "sensitivity"), o.eval.nms),
                        *batch, label_map, detections[k]);
    }
    images += batch->image_ids.size();
    report(static_cast<double>(images) / static_cast<double>(loader.size()));
  }
  std::vector<double> maps;
  for (const auto& d : detections) maps.push_back(evaluate_detections(data, d, o.metric).map);
  return maps;
}

// The group's ratios as plans: the channels removed at each ratio.
struct GroupPlans {
  const ChannelGroup* group = nullptr;
  std::vector<PruningPlan> plans;  // per ratio
  std::vector<int64_t> removed;    // per ratio
  std::vector<int64_t> distinct;   // removed counts > 0 to evaluate, ascending
};

std::vector<const ChannelGroup*> scanned_groups(const ChannelGroups& groups,
                                                const std::vector<std::string>& names) {
  std::vector<const ChannelGroup*> out;
  if (names.empty()) {
    for (const auto& g : groups.groups)
      if (g.prunable) out.push_back(&g);
    return out;
  }
  std::set<int> picked;
  for (const auto& name : names) {
    const int i = groups.find(name);
    if (i < 0) throw Error("sensitivity: unknown group '" + name + "'");
    if (!groups.groups[i].prunable)
      throw Error("sensitivity: group '" + name + "' is not prunable (" + groups.groups[i].reason + ")");
    picked.insert(i);
  }
  for (int i : picked) out.push_back(&groups.groups[i]);  // graph order
  return out;
}

}  // namespace

int SensitivityResult::find(const std::string& name) const {
  for (size_t i = 0; i < groups.size(); ++i)
    if (groups[i].name == name) return static_cast<int>(i);
  return -1;
}

SensitivityResult analyze_sensitivity(const Detector& detector, const Dataset& data,
                                      const SensitivityOptions& options, Progress& progress,
                                      const ImportanceData* importance_data) {
  const Clock::time_point start = Clock::now();
  if (!detector.head) throw Error("sensitivity: the detector has no head");
  const Graph& graph = detector.graph;
  if (graph.inputs.size() != 1)
    throw Error("sensitivity: the graph must have exactly one input, it has " +
                std::to_string(graph.inputs.size()));
  if (options.images < 0) throw Error("sensitivity: images must be >= 0");
  std::vector<double> ratios = options.ratios;
  if (ratios.empty()) throw Error("sensitivity: no ratios to scan");
  for (double r : ratios)
    if (!(r > 0 && r < 1)) throw Error("sensitivity: ratio " + number_text(r) + " must be > 0 and < 1");
  std::sort(ratios.begin(), ratios.end());
  ratios.erase(std::unique(ratios.begin(), ratios.end()), ratios.end());

  Dataset subset = data;
  if (options.images > 0 && static_cast<int>(subset.images.size()) > options.images)
    subset.images.resize(static_cast<size_t>(options.images));
  if (subset.images.empty()) throw Error("sensitivity: the data set has no images");

  const ChannelGroups groups = channel_groups(graph);
  const std::vector<const ChannelGroup*> scanned = scanned_groups(groups, options.groups);
  progress.log("sensitivity: " + std::to_string(scanned.size()) + " groups x " +
               std::to_string(ratios.size()) + " ratios on " + std::to_string(subset.images.size()) +
               " images (" + criterion_name(options.importance.criterion) + ")");
  const GroupScores scores = channel_importance(graph, groups, options.importance, importance_data);

  // Every plan first: the number of evaluations sizes the progress.
  std::vector<GroupPlans> plans;
  size_t evaluations = 1;  // the baseline
  for (const ChannelGroup* g : scanned) {
    GroupPlans gp;
    gp.group = g;
    for (double r : ratios) {
      PruningPlan plan = plan_layer_ratios(groups, scores, {{g->name, r}}, options.planner);
      auto it = plan.remove.find(g->name);
      const int64_t n = it == plan.remove.end() ? 0 : static_cast<int64_t>(it->second.size());
      gp.removed.push_back(n);
      gp.plans.push_back(std::move(plan));
      if (n > 0 && std::find(gp.distinct.begin(), gp.distinct.end(), n) == gp.distinct.end())
        gp.distinct.push_back(n);
    }
    std::sort(gp.distinct.begin(), gp.distinct.end());
    evaluations += gp.distinct.size();
    plans.push_back(std::move(gp));
  }

  SensitivityResult result;
  result.metric = ap_metric_name(options.metric);
  result.criterion = criterion_name(options.importance.criterion);
  result.round_to = options.planner.round_to;
  result.images = static_cast<int>(subset.images.size());
  result.macs = compute_cost(graph).macs;
  const double total = static_cast<double>(evaluations);
  {
    ScaledProgress stage(progress, 0.0, 1.0 / total, "baseline: ");
    result.baseline = evaluate_detector(detector, subset, options.metric, options.eval, stage).map.map;
  }
  progress.log("sensitivity: baseline " + result.metric + " mAP " + number_text(result.baseline));

  const std::vector<int> label_map = dataset_label_map(detector, subset);
  size_t done = 1;
  for (size_t gi = 0; gi < plans.size(); ++gi) {
    const GroupPlans& gp = plans[gi];
    const ChannelGroup& group = *gp.group;
    const std::string what = "group " + std::to_string(gi + 1) + "/" + std::to_string(plans.size()) +
                             " " + group.name + ": ";
    // One pruned graph per distinct count, made from the first ratio giving it.
    std::vector<Graph> pruned;
    std::vector<int64_t> pruned_macs;
    for (int64_t n : gp.distinct) {
      const size_t r = static_cast<size_t>(std::find(gp.removed.begin(), gp.removed.end(), n) - gp.removed.begin());
      pruned.push_back(apply_pruning(graph, groups, gp.plans[r]));
      pruned_macs.push_back(compute_cost(pruned.back()).macs);
    }
    std::vector<double> maps;
    if (!pruned.empty()) {
      const double from = static_cast<double>(done) / total;
      const double span = static_cast<double>(pruned.size()) / total;
      std::optional<std::vector<double>> cached;
      if (options.cache_prefix) {
        auto report = [&](double f) {
          progress.report(from + span * f, what + std::to_string(pruned.size()) + " ratios, " +
                                               std::to_string(static_cast<int>(std::lround(100 * f))) +
                                               "% of the images");
        };
        cached = evaluate_with_prefix(detector, subset, pruned, first_member_node(graph, group), options,
                                      label_map, report, progress);
      }
      if (cached) {
        maps = std::move(*cached);
      } else {
        for (size_t k = 0; k < pruned.size(); ++k) {
          Detector d = detector;
          d.graph = pruned[k];
          ScaledProgress stage(progress, from + span * k / pruned.size(),
                               from + span * (k + 1) / pruned.size(),
                               what + std::to_string(gp.distinct[k]) + " channels removed: ");
          maps.push_back(evaluate_detector(d, subset, options.metric, options.eval, stage).map.map);
        }
      }
    }
    done += pruned.size();

    GroupSensitivity s;
    s.name = group.name;
    s.channels = group.channels;
    s.ratios = ratios;
    s.removed = gp.removed;
    for (size_t r = 0; r < ratios.size(); ++r) {
      const int64_t n = gp.removed[r];
      if (n == 0) {
        s.macs.push_back(result.macs);
        s.map.push_back(result.baseline);
      } else {
        const size_t k = static_cast<size_t>(std::find(gp.distinct.begin(), gp.distinct.end(), n) - gp.distinct.begin());
        s.macs.push_back(pruned_macs[k]);
        s.map.push_back(maps[k]);
      }
    }
    result.groups.push_back(std::move(s));
  }
  result.seconds = seconds_since(start);
  progress.report(1.0, "scanned " + std::to_string(plans.size()) + " groups");
  return result;
}

// ---- JSON ----------------------------------------------------------------------

namespace {

std::string json_number(double v) { return std::isfinite(v) ? nlohmann::json(v).dump() : "null"; }

template <typename T>
std::string json_list(const std::vector<T>& values) {
  std::string s = "[";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) s += ", ";
    if constexpr (std::is_floating_point_v<T>)
      s += json_number(values[i]);
    else
      s += std::to_string(values[i]);
  }
  return s + "]";
}

}  // namespace

std::string sensitivity_to_json(const SensitivityResult& r) {
  // Written by hand so that each group's lists stay on one line.
  std::string t = "{\n";
  t += "  \"format\": \"" + std::string(kFormat) + "\",\n";
  t += "  \"metric\": " + nlohmann::json(r.metric).dump() + ",\n";
  t += "  \"criterion\": " + nlohmann::json(r.criterion).dump() + ",\n";
  t += "  \"round\": " + std::to_string(r.round_to) + ",\n";
  t += "  \"images\": " + std::to_string(r.images) + ",\n";
  t += "  \"macs\": " + std::to_string(r.macs) + ",\n";
  t += "  \"baseline\": " + json_number(r.baseline) + ",\n";
  t += "  \"seconds\": " + json_number(r.seconds) + ",\n";
  t += "  \"groups\": {";
  const char* sep = "\n";
  for (const auto& g : r.groups) {
    t += sep + std::string("    ") + nlohmann::json(g.name).dump() + ": {\"channels\": " +
         std::to_string(g.channels) + ",\n      \"ratios\": " + json_list(g.ratios) +
         ",\n      \"removed\": " + json_list(g.removed) + ",\n      \"macs\": " + json_list(g.macs) +
         ",\n      \"map\": " + json_list(g.map) + "}";
    sep = ",\n";
  }
  t += r.groups.empty() ? "}" : "\n  }";
  return t + "\n}";
}

SensitivityResult sensitivity_from_json(const std::string& text, const std::string& source) {
  nlohmann::ordered_json j;  // keeps the groups in file (graph) order
  try {
    j = nlohmann::ordered_json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw Error(source + ": not valid JSON: " + e.what());
  }
  if (!j.is_object()) throw Error(source + ": a sensitivity scan must be a JSON object");
  if (!j.contains("format") || j["format"] != kFormat)
    throw Error(source + ": format " + (j.contains("format") ? j["format"].dump() : std::string("(none)")) +
                " is not \"" + kFormat + "\"");
  auto number = [&](const nlohmann::ordered_json& v, const std::string& what) {
    if (v.is_null()) return std::numeric_limits<double>::quiet_NaN();
    if (!v.is_number()) throw Error(source + ": " + what + " is " + v.dump() + ", not a number");
    return v.get<double>();
  };
  auto integer = [&](const nlohmann::ordered_json& v, const std::string& what) {
    if (!v.is_number_integer()) throw Error(source + ": " + what + " is " + v.dump() + ", not an integer");
    return v.get<int64_t>();
  };
  SensitivityResult r;
  try {
    r.metric = j.value("metric", r.metric);
    r.criterion = j.value("criterion", r.criterion);
  } catch (const nlohmann::json::exception&) {
    throw Error(source + ": metric and criterion must be strings");
  }
  if (j.contains("round")) r.round_to = integer(j["round"], "round");
  if (j.contains("images")) r.images = static_cast<int>(integer(j["images"], "images"));
  if (!j.contains("macs") || !j.contains("baseline") || !j.contains("groups"))
    throw Error(source + ": a sensitivity scan needs \"macs\", \"baseline\" and \"groups\"");
  r.macs = integer(j["macs"], "macs");
  r.baseline = number(j["baseline"], "baseline");
  if (j.contains("seconds")) r.seconds = number(j["seconds"], "seconds");
  if (!j["groups"].is_object()) throw Error(source + ": \"groups\" must map group names to scans");
  for (const auto& [name, g] : j["groups"].items()) {
    const std::string where = "groups[\"" + name + "\"]";
    if (!g.is_object()) throw Error(source + ": " + where + " must be an object");
    GroupSensitivity s;
    s.name = name;
    for (const char* key : {"channels", "ratios", "removed", "macs", "map"})
      if (!g.contains(key)) throw Error(source + ": " + where + " has no \"" + key + "\"");
    s.channels = integer(g["channels"], where + ".channels");
    for (const char* key : {"ratios", "removed", "macs", "map"})
      if (!g[key].is_array()) throw Error(source + ": " + where + "." + key + " must be a list");
    for (const auto& v : g["ratios"]) {
      const double ratio = number(v, where + ".ratios");
      if (!(ratio > 0 && ratio < 1))
        throw Error(source + ": " + where + ".ratios has " + v.dump() + ", not a ratio in (0, 1)");
      s.ratios.push_back(ratio);
    }
    for (const auto& v : g["removed"]) s.removed.push_back(integer(v, where + ".removed"));
    for (const auto& v : g["macs"]) s.macs.push_back(integer(v, where + ".macs"));
    for (const auto& v : g["map"]) s.map.push_back(number(v, where + ".map"));
    const size_t n = s.ratios.size();
    if (s.removed.size() != n || s.macs.size() != n || s.map.size() != n)
      throw Error(source + ": " + where + ": ratios, removed, macs and map differ in length");
    if (!std::is_sorted(s.ratios.begin(), s.ratios.end()))
      throw Error(source + ": " + where + ".ratios must be ascending");
    r.groups.push_back(std::move(s));
  }
  return r;
}

void save_sensitivity(const SensitivityResult& result, const std::string& path) {
  write_file_atomic(path, sensitivity_to_json(result) + "\n");
}

SensitivityResult load_sensitivity(const std::string& path) {
  return sensitivity_from_json(read_file(path), path);
}

}  // namespace whittle
