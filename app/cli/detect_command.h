#pragma once
// `detect --model FILE.onnx [--score 0.5] IMAGE... --out DIR`.
#include <CLI/CLI.hpp>

#include "workflow/image_detector.h"

namespace whittle::cli {

void add_detect_command(CLI::App& app);

}  // namespace whittle::cli
