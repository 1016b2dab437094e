#pragma once
#include <CLI/CLI.hpp>

namespace whittle::cli {

// `zoo list` and `zoo build NAME [--classes N] [--width W] [--input S] --out FILE.onnx`.
void add_zoo_command(CLI::App& app);

}  // namespace whittle::cli
