#pragma once
#include <CLI/CLI.hpp>

namespace whittle::cli {

// `train (--zoo NAME [--classes N] [--width W] [--input S] | --model FILE.onnx)
//  --data DIR [--set trainval] [--val-set test] --epochs E --batch B --lr LR
//  ... --out FILE.onnx [--resume] [--init FILE.onnx] [--json]`: trains a
// detector, checkpointing to --out every epoch; Ctrl-C stops it (exit 130)
// keeping the last checkpoint.
void add_train_command(CLI::App& app);

}  // namespace whittle::cli
