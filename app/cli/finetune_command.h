#pragma once
#include <CLI/CLI.hpp>

namespace whittle::cli {

// `finetune --model P.onnx --data DIR [--set trainval] [--val-set test]
//  [--teacher M.onnx [--distill W]] --epochs E [train's optimiser, schedule,
//  augmentation and validation options] --out F.onnx [--resume] [--json]`:
// fine-tunes a (pruned) detector, optionally distilling from a teacher (the
// unpruned model) on the raw head outputs; checkpoints to --out every epoch.
void add_finetune_command(CLI::App& app);

}  // namespace whittle::cli
