#pragma once
#include <CLI/CLI.hpp>

namespace whittle::cli {

// `sensitivity --model M.onnx --data DIR [--set val] [--ratios 0.1,0.3,...]
//  [--images N] [--criterion l1] [--groups a,b] [--round m] [--no-cache]
//  --out sens.json [--json]`: prunes each group alone at each ratio and
// measures mAP on the set's first N images (prune/sensitivity.h); writes the
// curves as JSON and prints them as a table.
// With `--target-macs F --save-plan plan.json` it then plans per-group ratios
// for that MAC target with the least predicted mAP loss
// (prune/sensitivity_planner.h), a plan `prune --plan` applies; `--from
// sens.json` plans from an earlier scan without scanning again.
void add_sensitivity_command(CLI::App& app);

}  // namespace whittle::cli
