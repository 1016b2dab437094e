#pragma once
#include <CLI/CLI.hpp>

#include "workflow/export_formats.h"  // ExportFormat, export_formats

namespace whittle::cli {

// `export --model FILE.onnx --format onnx|onnx-fp16|ptl|onnx-int8-qdq|onnx-int8-qop
// --out FILE [--verify] [--tolerance T] [--json]`: writes the model in
// another format; --verify runs the written file (OpenCV DNN for ONNX, the
// PyTorch Mobile lite interpreter for .ptl, Whittle's QDQ reader for
// onnx-int8-qdq) on a seeded random input of the model's input shape and
// compares it with Whittle's runner: pass when max abs diff <= T or max diff
// relative to the largest |output| <= T (exit status 1 when it fails). The
// int8 formats read an int8 model (QDQ ONNX) and compare with the int8
// runner: T counts quantization steps of the outputs (defaults: 0 for
// onnx-int8-qdq, which must be bit-identical; a few for OpenCV's int8 kernels).
//
// `--verify --data DIR [--set test] [--images 20] [--score 0.3]
// [--match-iou 0.5] [--min-agreement A]` (a detector model) also runs the set's
// first N images, with the detector's preprocessing, through the written file
// (io/exported_runner.h) and through Whittle's runner, and reports the raw
// outputs' max abs / relative difference (int8: also in quantization steps)
// and the detection agreement (eval/detection_agreement.h): both decoded by
// the head at the score threshold, matched per image and class by IoU;
// matched / only in Whittle / only in the export, agreement = matched /
// max(count) (JSON: verify.real_images). Fails (exit 1) only when the
// agreement is below --min-agreement (default 0: reported only).
void add_export_command(CLI::App& app);

}  // namespace whittle::cli
