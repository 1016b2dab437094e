// bench_prune_steps (issue 5): how long the pruning itself takes — channel
// groups, importance, a plan and surgery — on the zoo's SSDs.
//
// For each model and each data-free criterion (l1, l2, bn, fpgm, random):
// channel_groups(), channel_importance(), plan_target_macs(F = 0.5) and
// apply_pruning(), each timed separately; the median of --runs repeats
// (after one warm-up) and the total. Goal (issue 5): groups + importance +
// surgery on SSD300-VGG16 under 1 s. The zoo builds identity BatchNorms, so
// the bn criterion sees seeded statistics (randomize_batch_norm).
//
//   bench_prune_steps [--models ssd300_vgg16,ssd_mobilenet_v1,ssdlite_mobilenet_v2] [--runs N] [--threads N]
#include <ATen/ATen.h>

#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "bench_util.h"
#include "graph/cost_model.h"
#include "graph/error.h"
#include "prune/channel_groups.h"
#include "prune/importance.h"
#include "prune/planners.h"
#include "prune/surgery.h"

using namespace whittle;
using namespace whittle::bench;

namespace {

const std::vector<SsdSpec>& all_models() {
  static const std::vector<SsdSpec> m = {
      {"ssd300_vgg16", "SSD300-VGG16 (300)", "ssd300_vgg16", 1.0, 300, 0, 0, 0, 5},
      {"ssd_mobilenet_v1", "MobileNetV1-SSD w0.5 (192)", "ssd_mobilenet_v1", 0.5, 192, 0, 0, 0, 5},
      {"ssdlite_mobilenet_v2", "MobileNetV2-SSDLite w1 (320)", "ssdlite_mobilenet_v2", 1.0, 320, 0, 0, 0, 5},
  };
  return m;
}

struct Args {
  std::vector<std::string> models;
  int runs = 5;
  int threads = 2;
};

Args parse(int argc, char** argv) {
  Args a;
  for (ArgReader in(argc, argv, "[--models a,b,...] [--runs N] [--threads N]\nmodels:" + key_list(all_models()));
       in.next();) {
    const std::string& s = in.flag();
    if (s == "--models") {
      a.models = in.keys(all_models());
    } else if (s == "--runs") {
      a.runs = in.int_value(1);
    } else if (s == "--threads") {
      a.threads = in.int_value(1);
    } else {
      in.reject();
    }
  }
  return a;
}

std::string ms_text(double ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", ms);
  return buf;
}

}  // namespace

int main(int argc, char** argv) {
  whittle::configure_process(argv);
  const Args args = parse(argc, argv);
  set_threads(args.threads);
  at::manual_seed(1);

  std::cout << "# Pruning steps: time of groups, importance, plan and surgery\n\n"
            << "- started " << now_string() << "\n"
            << "- CPU: " << cpu_model() << ", " << hardware_threads() << " hardware threads; LibTorch "
            << TORCH_VERSION << ", " << args.threads << " threads\n"
            << "- plan: plan_target_macs 0.5 (global rank, round 1); median of " << args.runs
            << " runs after one warm-up, ms\n\n"
            << "| model | criterion | groups | importance | plan | surgery | groups + importance + surgery | "
               "+ plan |\n"
            << "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n";

  bool vgg_ran = false, vgg_goal_met = true;
  for (const SsdSpec& spec : selected(all_models(), args.models)) {
    Detector detector = build_ssd(spec);
    randomize_batch_norm(detector.graph);
    const Graph& graph = detector.graph;
    for (const char* name : {"l1", "l2", "bn", "fpgm", "random"}) {
      ImportanceOptions options;
      options.criterion = parse_criterion(name);
      std::vector<double> t_groups, t_scores, t_plan, t_surgery, t_core, t_total;
      for (int run = -1; run < args.runs; ++run) {
        auto start = Clock::now();
        const ChannelGroups groups = channel_groups(graph);
        const double g = ms_since(start);
        start = Clock::now();
        GroupScores scores;
        try {
          scores = channel_importance(graph, groups, options);
        } catch (const Error& e) {  // bn: a group without BatchNorm (VGG16, the SSD extras)
          std::cout << "| " << spec.label << " | " << name << " | not applicable: " << first_line(e)
                    << " | | | | | |\n";
          break;
        }
        const double s = ms_since(start);
        start = Clock::now();
        const PruningPlan plan = plan_target_macs(graph, groups, scores, 0.5);
        const double p = ms_since(start);
        start = Clock::now();
        const Graph pruned = apply_pruning(graph, groups, plan);
        const double u = ms_since(start);
        if (compute_cost(pruned).macs * 2 > compute_cost(graph).macs) {
          std::cerr << spec.key << " " << name << ": the plan misses its MAC target\n";
          return 1;
        }
        if (run < 0) continue;  // warm-up
        t_groups.push_back(g);
        t_scores.push_back(s);
        t_plan.push_back(p);
        t_surgery.push_back(u);
        t_core.push_back(g + s + u);
        t_total.push_back(g + s + p + u);
      }
      if (t_core.empty()) continue;  // not applicable (printed above)
      const double core = median(t_core);
      if (spec.key == "ssd300_vgg16") {
        vgg_ran = true;
        if (core >= 1000) vgg_goal_met = false;
      }
      std::cout << "| " << spec.label << " | " << name << " | " << ms_text(median(t_groups)) << " | "
                << ms_text(median(t_scores)) << " | " << ms_text(median(t_plan)) << " | "
                << ms_text(median(t_surgery)) << " | " << ms_text(core) << " | " << ms_text(median(t_total))
                << " |\n";
    }
  }
  if (vgg_ran)
    std::cout << "\nGoal (SSD300-VGG16: groups + importance + surgery < 1 s): "
              << (vgg_goal_met ? "met" : "NOT met") << " (rows above)\n";
  return 0;
}
