#pragma once
#include <CLI/CLI.hpp>

namespace whittle::cli {

// `groups MODEL.onnx | --zoo NAME [--classes N] [--width W] [--input S] [--json]`:
// the model's channel dependency groups (prune/channel_groups.h) as a table
// with totals, or with --json an array of every group and its members. NAME
// is a classification (`zoo list`) or a detector zoo network.
void add_groups_command(CLI::App& app);

}  // namespace whittle::cli
