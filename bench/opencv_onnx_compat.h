#pragma once
// An experiment on the exporter's ReLU6, for OpenCV DNN only.
//
// Whittle writes ReLU6 as 6 * HardSigmoid(x, alpha 1/6, beta 0) because
// OpenCV 4.6 reads Clip only in its opset < 11 form (min/max attributes, one
// input), which opset 13 no longer has. OpenCV fuses a Clip-ReLU6 into the
// preceding convolution but runs HardSigmoid and Mul as two extra passes over
// the activation. This rewrite turns each such pair back into a one-input
// Clip(min 0, max 6) -- not valid opset 13, but what OpenCV 4.6 reads -- so
// the benchmark can show what the export form costs.
#include <string>

namespace whittle::bench {

// Returns the rewritten model bytes; `rewritten` receives the number of
// HardSigmoid + Mul pairs turned into Clip nodes.
std::string relu6_as_attribute_clip(const std::string& onnx_bytes, int* rewritten);

}  // namespace whittle::bench
