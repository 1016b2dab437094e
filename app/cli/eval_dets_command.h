#pragma once
#include <CLI/CLI.hpp>

namespace whittle::cli {

// `eval-dets --voc DIR --set test --results PREFIX --metric voc07|voc12|coco [--json]`:
// mAP of detections stored in the VOC results format.
void add_eval_dets_command(CLI::App& app);

}  // namespace whittle::cli
