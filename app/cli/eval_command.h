#pragma once
#include <CLI/CLI.hpp>

namespace whittle::cli {

// `eval --model FILE.onnx --data DIR [--set test] [--metric voc07|voc12|coco]
//  [--results PREFIX] [--json] [--batch B] [--workers N]`: runs the detector
// over a VOC-format set and prints per-class AP and the mAP.
void add_eval_command(CLI::App& app);

}  // namespace whittle::cli
