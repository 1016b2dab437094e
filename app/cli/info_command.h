#pragma once
#include <CLI/CLI.hpp>

namespace whittle::cli {

// `info MODEL|--zoo NAME [--input 1x3xHxW] [--json]`: per-layer table (name,
// op, output shape, params, MACs) and totals.
void add_info_command(CLI::App& app);

}  // namespace whittle::cli
