#pragma once
#include <CLI/CLI.hpp>

namespace whittle::cli {

// `prune --model M.onnx [--criterion l1|l2|bn|fpgm|taylor|apoz|random]
//  (--ratio R | --plan plan.json | --target-macs F | --target-latency F)
//  [--round 8] [--aggregate sum|mean|max] [--normalize l2|mean|none] [--data DIR [--set train] [--images 64]]
//  [--latency [--latency-runs 10]] [--latency-cache DIR]
//  [--save-plan FILE] --out P.onnx [--json]`: channel groups, importance, a
// plan, surgery; saves the smaller model (a detector keeps its head metadata,
// plus whittle.pruned.*) and prints params and MACs before and after, and
// each group's kept and removed channels. --target-latency and --latency
// read (or measure and cache) the model's latency table at the global
// --threads (prune/latency_table.h) and print its estimate before and after;
// --latency also measures both models with the Runner.
void add_prune_command(CLI::App& app);

}  // namespace whittle::cli
