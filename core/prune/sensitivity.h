#pragma once
// Sensitivity analysis: how much a detector's mAP drops when one prunable
// group alone loses a ratio of its least important channels (Li et al. 2017,
// "Pruning Filters for Efficient ConvNets", section 3.2). For every scanned
// group and ratio: plan_layer_ratios with that one ratio (the criterion's
// least important channels, rounded as the planners round), apply_pruning,
// evaluate on the data set (its first `images` images). The unpruned
// detector's mAP is the baseline. Ratios that remove no channel (a narrow
// group) score the baseline without running; ratios that remove the same
// number of channels share one evaluation.
//
// Cached prefix ("reuse the unpruned activations"): pruning a group changes
// no node before the group's first member, so per group the images go once
// through the unpruned prefix (nodes before that member), and each ratio's
// pruned graph runs only from there: the suffix, a sub-graph whose inputs are
// the values the prefix hands over. Images are decoded once per group, not
// once per ratio. Detections, decoding and scoring are evaluate_detector's;
// the mAP equals the plain path's (one evaluate_detector per ratio) up to
// float rounding where a BatchNorm in the suffix cannot be folded into its
// conv in the prefix.
//
// Stored as JSON (the CLI's sensitivity --out, the GUI's curves):
//   {"format": "whittle.sensitivity/1", "metric": "voc07", "criterion": "l1",
//    "round": 1, "images": 100, "macs": 1234567, "baseline": 0.61,
//    "seconds": 42.0,
//    "groups": {"features.0": {"channels": 32, "ratios": [0.1, ...],
//                              "removed": [3, ...], "macs": [1200000, ...],
//                              "map": [0.60, ...]}, ...}}
// where a group's "macs" are the whole graph's MACs with that group alone
// pruned at each ratio, and a NaN mAP (no ground truth) is null.
#include <cstdint>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "eval/evaluate_detector.h"
#include "eval/voc_ap.h"
#include "jobs/progress.h"
#include "models/detector.h"
#include "prune/importance.h"
#include "prune/planners.h"

namespace whittle {

struct SensitivityOptions {
  std::vector<double> ratios = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9};  // each in (0, 1)
  std::vector<std::string> groups;  // the groups to scan, by name; empty: every prunable group
  int images = 0;                   // the data set's first N images; 0: all
  ImportanceOptions importance;     // which channels go first (default l1)
  PlannerOptions planner;           // rounding of the kept channels
  ApMetric metric = ApMetric::Voc07;
  EvalOptions eval;                 // batch size, loader workers, NMS
  bool cache_prefix = true;         // false: one evaluate_detector per ratio
};

struct GroupSensitivity {
  std::string name;
  int64_t channels = 0;
  std::vector<double> ratios;    // ascending
  std::vector<int64_t> removed;  // channels removed at each ratio
  std::vector<int64_t> macs;     // the graph's MACs with this group alone pruned at each ratio
  std::vector<double> map;       // mAP at each ratio (NaN: no class has ground truth)
};

struct SensitivityResult {
  std::string metric = "voc07";
  std::string criterion = "l1";
  int64_t round_to = 1;
  int images = 0;     // images evaluated
  int64_t macs = 0;   // of the unpruned graph
  double baseline = 0;
  std::vector<GroupSensitivity> groups;  // graph order
  double seconds = 0;  // wall time of the scan (baseline included)

  // Index of the group with that name, or -1.
  int find(const std::string& name) const;
};

// Scans `detector` on `data`. `importance_data` feeds data-driven criteria
// (taylor, apoz; see importance.h). Reports progress per batch and polls
// cancellation (throws Cancelled). Throws whittle::Error for a ratio outside
// (0, 1), an unknown or unprunable group in options.groups, a detector
// without a head or with more than one input, an empty data set.
SensitivityResult analyze_sensitivity(const Detector& detector, const Dataset& data,
                                      const SensitivityOptions& options, Progress& progress,
                                      const ImportanceData* importance_data = nullptr);

std::string sensitivity_to_json(const SensitivityResult& result);
// Throws whittle::Error naming `source` (e.g. the file) on malformed JSON or
// arrays of different lengths.
SensitivityResult sensitivity_from_json(const std::string& text, const std::string& source = "sensitivity");
void save_sensitivity(const SensitivityResult& result, const std::string& path);  // atomic
SensitivityResult load_sensitivity(const std::string& path);

}  // namespace whittle
