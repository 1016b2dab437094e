#pragma once
// LibTorch's quantized engine and the int8 weights prepacked for it, shared
// by the Int8Runner (int8_runner.h) and the int8 PyTorch Mobile export
// (io/ptl_export.h), so that both run exactly the same packed weights.
//
// The engine is process-wide state in LibTorch. Prepacking happens under the
// current engine and a packed weight belongs to it; serialised (a .ptl), a
// packed weight is stored unpacked (int8 weight, fp32 bias, stride, ...) and
// packed again on load for the loading process's current engine.
#include <ATen/native/quantized/PackedParams.h>

#include "graph/graph.h"
#include "quant/int8_runner.h"  // QEngine

namespace whittle {

using ConvPacked = c10::intrusive_ptr<ConvPackedParamsBase<2>>;
using LinearPacked = c10::intrusive_ptr<LinearPackedParamsBase>;

bool qengine_supported(QEngine engine);
// Resolves Auto (best_qengine), checks that this build has the engine
// (throws whittle::Error "quantized engine X is not in this LibTorch build
// (it has: ...)"), makes it LibTorch's current engine and returns it.
QEngine set_qengine(QEngine engine);
// LibTorch's current engine (Auto when it is none Whittle knows).
QEngine current_qengine();

// Puts back the engine that was current when it was made.
class QEngineGuard {
 public:
  QEngineGuard();
  ~QEngineGuard();
  QEngineGuard(const QEngineGuard&) = delete;
  QEngineGuard& operator=(const QEngineGuard&) = delete;

 private:
  at::QEngine saved_;
};

// A Conv2d / Linear node's weight as per-channel symmetric qint8
// (quantize_weight_int8), its bias in fp32 and (conv) its stride, padding,
// dilation and groups, packed by quantized::conv2d_prepack / linear_prepack
// under the current engine. LibTorch's errors pass through unchanged.
ConvPacked prepack_conv2d_int8(const Node& conv);
LinearPacked prepack_linear_int8(const Node& linear);

}  // namespace whittle
