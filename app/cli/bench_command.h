#pragma once
#include <CLI/CLI.hpp>

namespace whittle::cli {

// `bench (--model FILE.onnx | --zoo NAME ...) [--threads N] [--runs R]
//  [--warmup W] [--image WxH] [--json]`: milliseconds per image of the whole
// detect path on a synthetic image (median/min/max), each stage apart, and
// the process's peak memory.
void add_bench_command(CLI::App& app);

}  // namespace whittle::cli
