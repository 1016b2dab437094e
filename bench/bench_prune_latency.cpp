// bench_prune_latency (issue 5, "latency that is real"): do pruned detectors
// get as much faster as their MACs say?
//
// For each model — MobileNetV2-SSDLite width 1 at 320, width 0.5 at 192 with
// a stride-8 first map, SSD300-VGG16, MobileNetV1-SSD width 0.5 at 192 — with
// l1 importance:
//   - builds (or reads from the cache) the model's latency table
//     (prune/latency_table.h) at --threads and reports how long that took;
//   - plans 30/50/70% MAC reductions (plan_target_macs, F = 0.7/0.5/0.3) and
//     the same latency reductions (plan_target_latency on the table), each
//     without rounding and with kept channels rounded to multiples of 8;
//   - for every plan: params, MACs, MAC ratio, the table's latency estimate,
//     and the latency measured with the Runner (default options: BN folded,
//     channels-last), batch 1, median of --runs; the original and every
//     pruned graph take turns (runtime/turn_timing.h: --warmup untimed and
//     up to 10 timed runs per turn, the first turn rotating) so drift hits
//     all of them alike and none pays for another's cache footprint.
// Ratios are original / pruned (2.00x = half the MACs, twice as fast). The
// goal: measured latency ratio >= 0.8 x MAC ratio for every plan.
// A latency target the table says cannot be reached is reported as such.
// A last row per model times the floor (every prunable group at one
// channel): the share of the original's time pruning cannot remove, and what
// it leaves of the goal if the rest shrank in proportion to MACs.
//
//   bench_prune_latency [--models ssdlite_mobilenet_v2,ssdlite_mobilenet_v2_small,ssd300_vgg16,ssd_mobilenet_v1]
//                       [--runs N] [--warmup N] [--threads 2] [--cache DIR] [--no-cache] [--quick]
// --runs defaults per model (VGG16 10, SSDLite w1 30, SSDLite w0.5 and MobileNetV1-SSD 50);
// --quick: the small SSDLite only (unless --models), the 50% plans only, a
// coarse table grid (1/4, 1/2, 1), 3 runs after 1 warm-up per turn. The Markdown report
// goes to stdout, progress to stderr.
#include <ATen/ATen.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "bench_util.h"
#include "graph/cost_model.h"
#include "graph/error.h"
#include "jobs/progress.h"
#include "prune/channel_groups.h"
#include "prune/importance.h"
#include "prune/latency_planner.h"
#include "prune/latency_table.h"
#include "prune/planners.h"
#include "prune/surgery.h"
#include "runtime/process_setup.h"
#include "runtime/runner.h"
#include "runtime/threading.h"
#include "runtime/turn_timing.h"

using namespace whittle;
using namespace whittle::bench;

namespace {

const std::vector<SsdSpec>& all_models() {
  static const std::vector<SsdSpec> m = {
      {"ssdlite_mobilenet_v2", "MobileNetV2-SSDLite w1 (320)", "ssdlite_mobilenet_v2", 1.0, 320, 0, 0, 0, 30},
      {"ssdlite_mobilenet_v2_small", "MobileNetV2-SSDLite w0.5 (192, stride 8)", "ssdlite_mobilenet_v2", 0.5, 192,
       8, 0.05, 0.6, 50},
      {"ssd300_vgg16", "SSD300-VGG16 (300)", "ssd300_vgg16", 1.0, 300, 0, 0, 0, 10},
      {"ssd_mobilenet_v1", "MobileNetV1-SSD w0.5 (192)", "ssd_mobilenet_v1", 0.5, 192, 0, 0, 0, 50},
  };
  return m;
}

struct Args {
  std::vector<std::string> models;  // empty: all (quick: the small SSDLite)
  int runs = 0;                     // 0: per model
  int warmup = 2;
  int threads = 2;
  std::string cache;  // "" : the default cache folder
  bool no_cache = false;
  bool quick = false;
};

Args parse(int argc, char** argv) {
  const std::string synopsis =
      "[--models a,b,...] [--runs N] [--warmup N] [--threads N] [--cache DIR] [--no-cache] [--quick]\n"
      "models:" + key_list(all_models());
  Args a;
  for (ArgReader in(argc, argv, synopsis); in.next();) {
    const std::string& s = in.flag();
    if (s == "--models") {
      a.models = in.keys(all_models());
    } else if (s == "--runs") {
      a.runs = in.int_value(1);
    } else if (s == "--warmup") {
      a.warmup = in.int_value(0);
    } else if (s == "--threads") {
      a.threads = in.int_value(1);
    } else if (s == "--cache") {
      a.cache = in.value();
    } else if (s == "--no-cache") {
      a.no_cache = true;
    } else if (s == "--quick") {
      a.quick = true;
    } else {
      in.reject();
    }
  }
  if (a.quick) {
    a.warmup = std::min(a.warmup, 1);
    if (a.runs == 0) a.runs = 3;
    if (a.models.empty()) a.models = {"ssdlite_mobilenet_v2_small"};
  }
  return a;
}

std::string fmt(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

std::string with_commas(int64_t n) {
  std::string s = std::to_string(n < 0 ? -n : n);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<size_t>(i), ",");
  return (n < 0 ? "-" : "") + s;
}

// Table progress on stderr, one line per tenth.
class StderrProgress : public Progress {
 public:
  explicit StderrProgress(std::string label) : label_(std::move(label)) {}

 protected:
  void on_progress(double fraction, const std::string& message) override {
    const int tenth = static_cast<int>(fraction * 10);
    if (tenth == last_) return;
    last_ = tenth;
    std::cerr << "  " << label_ << ": " << static_cast<int>(fraction * 100) << "% " << message << "\n";
  }

 private:
  std::string label_;
  int last_ = -1;
};

struct Row {
  std::string target;  // "MACs -30%"
  int64_t round = 1;
  std::string error;   // the planner's, when it could not plan
  int64_t params = 0, macs = 0;
  double est_ms = 0;
  std::unique_ptr<Runner> runner;
  double measured_ms = 0;  // median, in turns with the original and the other plans
};

}  // namespace

int main(int argc, char** argv) {
  whittle::configure_process(argv);  // OMP_WAIT_POLICY=PASSIVE unless set; mallopt
  const Args args = parse(argc, argv);
  set_threads(args.threads);
  at::manual_seed(1);

  const std::vector<SsdSpec> models = selected(all_models(), args.models);
  const std::vector<double> reductions = args.quick ? std::vector<double>{0.5} : std::vector<double>{0.3, 0.5, 0.7};
  LatencyTableOptions table_options;
  table_options.threads = args.threads;
  table_options.cache_dir = args.cache;
  table_options.read_cache = !args.no_cache;
  if (args.quick) table_options.fractions = table_options.coarse_fractions = {0.25, 0.5, 1.0};

  std::cout << "# Pruning: MACs against measured latency\n\n"
            << "- started " << now_string() << "\n"
            << "- CPU: " << cpu_model_name() << ", " << hardware_threads() << " hardware threads; LibTorch "
            << TORCH_VERSION << ", " << args.threads << " threads; " << blas_name() << "\n"
            << "- OMP_WAIT_POLICY=" << (std::getenv("OMP_WAIT_POLICY") ? std::getenv("OMP_WAIT_POLICY") : "(unset)")
            << (wait_policy_set_by_whittle() ? " (set by Whittle)" : "") << "\n"
            << "- importance l1 (sum, mean-normalised per group); plans by global rank; Runner with default options "
               "(BN folded, channels-last), batch 1\n"
            << "- latency table grid (fractions of each prunable axis):";
  for (double f : table_options.fractions) std::cout << " " << f;
  std::cout << " (nodes slower than " << table_options.coarse_ms << " ms at full width:";
  for (double f : table_options.coarse_fractions) std::cout << " " << f;
  std::cout << "); cache " << (args.no_cache ? "not read" : "read") << ", folder "
            << (args.cache.empty() ? default_latency_cache_dir() : args.cache) << "\n"
            << "- ratios are original / pruned; goal: measured latency ratio >= 0.8 x MAC ratio\n"
            << (args.quick ? "- **--quick**: few runs, coarse grid, 50% plans only: numbers are indicative\n" : "")
            << "\n";

  int checked = 0, passed = 0;
  std::vector<std::string> build_lines;
  for (const SsdSpec& spec : models) {
    std::cerr << spec.label << ": building\n";
    const Detector detector = build_ssd(spec);
    const Graph& graph = detector.graph;
    const ChannelGroups groups = channel_groups(graph);
    ImportanceOptions importance;
    importance.criterion = Criterion::L1;
    importance.normalization = Normalization::Mean;  // as the figures in BENCHMARKS.md (session 4)
    const GroupScores scores = channel_importance(graph, groups, importance);

    std::cerr << spec.label << ": latency table\n";
    StderrProgress progress(spec.key);
    const auto table_start = Clock::now();
    const LatencyTable table = latency_table(graph, table_options, &progress);
    const double table_seconds = seconds_since(table_start);
    size_t points = 0;
    for (const auto& e : table.entries) points += e.ms.size();
    const GraphCost original_cost = compute_cost(graph);
    const double original_est = estimate_latency_ms(table, graph);

    // Plans.
    std::vector<Row> rows;
    for (int64_t round : {int64_t{1}, int64_t{8}}) {
      PlannerOptions planner;
      planner.round_to = round;
      for (int kind = 0; kind < 2; ++kind)
        for (double reduction : reductions) {
          Row row;
          row.round = round;
          row.target = std::string(kind == 0 ? "MACs" : "latency") + " -" +
                       std::to_string(static_cast<int>(reduction * 100 + 0.5)) + "%";
          try {
            const PruningPlan plan =
                kind == 0 ? plan_target_macs(graph, groups, scores, 1 - reduction, planner)
                          : plan_target_latency(graph, groups, scores, table, 1 - reduction, planner);
            Graph pruned = apply_pruning(graph, groups, plan);
            const GraphCost cost = compute_cost(pruned);
            row.params = cost.params;
            row.macs = cost.macs;
            row.est_ms = estimate_latency_ms(table, pruned);
            row.runner = std::make_unique<Runner>(pruned);
          } catch (const Error& e) {
            row.error = e.what();
          }
          rows.push_back(std::move(row));
        }
    }

    // The floor: every prunable group at one channel. What is left is the
    // time pruning cannot take away (unprunable convs, each op's own call,
    // the input and output maps); it bounds what a MAC target can gain.
    {
      Row row;
      row.target = "floor: 1 channel per group";
      try {
        Graph pruned = apply_pruning(graph, groups, plan_uniform(groups, scores, 0.999));
        const GraphCost cost = compute_cost(pruned);
        row.params = cost.params;
        row.macs = cost.macs;
        row.est_ms = estimate_latency_ms(table, pruned);
        row.runner = std::make_unique<Runner>(pruned);
      } catch (const Error& e) {
        row.error = e.what();
      }
      rows.push_back(std::move(row));
    }

    // The original and every plan, timed in turns (runtime/turn_timing.h).
    const int runs = args.runs > 0 ? args.runs : spec.runs;
    std::cerr << spec.label << ": timing the original and " << rows.size() << " plans, " << runs << " runs\n";
    Runner original(graph);
    const at::Tensor input = at::randn({1, 3, spec.size, spec.size});
    std::vector<std::function<void()>> calls = {[&] { original.forward(input); }};
    for (Row& r : rows)
      if (r.runner) calls.push_back([&r, &input] { r.runner->forward(input); });
    TurnTiming timing;
    timing.runs = runs;
    timing.warm = args.warmup;
    const std::vector<double> medians = median_ms_in_turns(calls, timing);
    for (size_t k = 1, i = 0; i < rows.size(); ++i)
      if (rows[i].runner) rows[i].measured_ms = medians[k++];
    const double original_ms = medians[0];

    std::cout << "## " << spec.label << "\n\n"
              << "- " << with_commas(original_cost.params) << " params, " << with_commas(original_cost.macs)
              << " MACs; Runner " << fmt("%.2f", original_ms) << " ms (median of " << runs << ")\n"
              << "- latency table: " << table.entries.size() << " conv/linear nodes, " << points << " points, "
              << (table.source == "cache" ? "read from the cache in " + fmt("%.2f", table_seconds) +
                                                " s (measured in " + fmt("%.1f", table.build_seconds) + " s)"
                                          : "measured in " + fmt("%.1f", table.build_seconds) + " s")
              << "; whole graph " << fmt("%.2f", table.graph_ms) << " ms, of which not conv "
              << fmt("%.2f", table.rest_ms) << " ms; estimate of the original " << fmt("%.2f", original_est)
              << " ms" << (table.cache_error.empty() ? "" : " (cache not written: " + table.cache_error + ")")
              << "\n\n"
              << "| target | round | params | MACs | MAC ratio | est. ms | est. ratio | measured ms | "
                 "measured ratio | measured / MAC ratio | >= 0.8 |\n"
              << "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|:---:|\n";
    for (const Row& r : rows) {
      std::cout << "| " << r.target << " | " << r.round << " | ";
      if (!r.error.empty()) {
        std::cout << "not planned: " << r.error << " | | | | | | | | |\n";
        continue;
      }
      const double mac_ratio = static_cast<double>(original_cost.macs) / static_cast<double>(r.macs);
      const double measured = r.measured_ms;
      const double latency_ratio = original_ms / measured;
      const bool is_floor = &r == &rows.back();
      const bool ok = latency_ratio >= 0.8 * mac_ratio;
      if (!is_floor) {
        ++checked;
        passed += ok ? 1 : 0;
      }
      std::cout << with_commas(r.params) << " | " << with_commas(r.macs) << " | " << fmt("%.2fx", mac_ratio) << " | "
                << fmt("%.2f", r.est_ms) << " | " << fmt("%.2fx", original_est / r.est_ms) << " | "
                << fmt("%.2f", measured) << " | " << fmt("%.2fx", latency_ratio) << " | "
                << fmt("%.2f", latency_ratio / mac_ratio) << " | " << (is_floor ? "" : ok ? "yes" : "**no**") << " |\n";
    }
    if (const Row& f = rows.back(); f.error.empty() && f.measured_ms > 0) {
      // If the time above the floor fell in proportion to the MACs, a plan
      // keeping a fraction m of them would run 1 / (share + (1 - share) m)
      // times faster. Not a bound (a plan can take more time than MACs off
      // wide maps), but it shows how much of the goal the floor leaves.
      const double share = f.measured_ms / original_ms;
      std::cout << "\nFloor: " << fmt("%.2f", f.measured_ms) << " ms, " << fmt("%.2f", share)
                << " of the original. With the rest in proportion to MACs:";
      for (double reduction : reductions) {
        const double m = 1 - reduction;
        const double speedup = 1 / (share + (1 - share) * m);
        std::cout << " -" << static_cast<int>(reduction * 100 + 0.5) << "% " << fmt("%.2fx", speedup) << " ("
                  << fmt("%.2f", speedup * m) << " of the MAC speed-up)" << (reduction == reductions.back() ? "." : ";");
      }
      std::cout << "\n";
    }
    std::cout << "\n";
    build_lines.push_back("- " + spec.label + ": " + std::to_string(points) + " points, " +
                          (table.source == "cache" ? "cached (measured in " : "measured in ") +
                          fmt("%.1f", table.build_seconds) + " s" + (table.source == "cache" ? ")" : ""));
  }
  std::cout << "## Summary\n\n" << passed << " of " << checked
            << " plans have a measured latency ratio >= 0.8 x their MAC ratio.\n\nLatency tables ("
            << args.threads << " threads):\n";
  for (const auto& line : build_lines) std::cout << line << "\n";
  std::cout << "\nfinished " << now_string() << "\n";
  return 0;  // a missed goal is a finding, not a failure
}
