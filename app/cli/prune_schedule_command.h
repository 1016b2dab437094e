#pragma once
#include <CLI/CLI.hpp>

namespace whittle::cli {

// `prune-schedule --model M.onnx --data DIR [--criterion l1] --target-macs F
//  --steps K --epochs-per-step E [--round m] [--distill W] [train's options]
//  --out DIR [--json]`: iterative pruning. Step k prunes the current model to
// F^(k/K) x the original MACs (each step removes the same share of what is
// left), then fine-tunes it E epochs (with --distill, distilling from the
// original model). Writes DIR/step<k>.onnx and, after every step,
// DIR/schedule.json with each step's params, MACs and mAP.
void add_prune_schedule_command(CLI::App& app);

}  // namespace whittle::cli
