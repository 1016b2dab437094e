#pragma once
#include <CLI/CLI.hpp>

namespace whittle::cli {

// `quantize --model F.onnx --data DIR [--set train] [--val-set test]
//  [--calib 200] [--observer minmax|ema|percentile|entropy|mse]
//  [--keep-fp32 none|auto|LAYER,...] [--max-loss 1.0] [--table FILE]
//  --out Q.onnx [--json]`: post-training int8 quantization (calibration,
// optional mixed precision), fp32 and int8 mAP side by side, the int8 model
// written as QDQ ONNX.
void add_quantize_command(CLI::App& app);

}  // namespace whittle::cli
