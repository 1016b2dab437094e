#pragma once
// Real int8 execution of a QuantizedGraph through LibTorch's quantized engine.
//
// Construction plans the model (int8_plan.h: which nodes run int8, which
// fp32, what is fused, the parameters of every stored value) and prepacks
// every int8 Conv2d / Linear weight once (per-channel symmetric qint8, fp32
// bias). A run quantizes the graph input with the spec's parameters, runs
// int8 nodes on quint8 tensors (quantized::conv2d(_relu), add(_relu), cat,
// linear(_relu), mul, hardswish, sigmoid, leaky_relu; pools, upsample and
// flatten directly on quantized tensors), fp32 nodes as dequantize -> fp32
// op -> quantize, and returns graph outputs dequantized to fp32.
//
// The quantized engine is process-wide state in LibTorch (prepacked weights
// belong to one engine): a runner sets it when constructed and at each run.
// Runners with different engines may coexist but must not run concurrently.
#include <ATen/core/Tensor.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "quant/int8_plan.h"
#include "quant/quant_params.h"
#include "runtime/runner.h"

namespace whittle {

enum class QEngine { Auto, OneDnn, Qnnpack, Fbgemm, X86 };
std::string_view qengine_name(QEngine engine);  // "auto", "onednn", "qnnpack", "fbgemm", "x86"
// The engines this LibTorch build has (never Auto).
std::vector<QEngine> supported_qengines();
// Whether the engine's int8 convs and linears can saturate on this CPU, so
// that its results leave the uint8 grid's arithmetic (more than a step from
// fake quantization): oneDNN, FBGEMM and X86 on an x86 CPU without VNNI
// (AVX-512 VNNI or AVX-VNNI), or with oneDNN capped below it by
// ONEDNN_MAX_CPU_ISA / DNNL_MAX_CPU_ISA. There they add pairs of uint8 x int8
// products in int16 (vpmaddubsw): 2 x 255 x 127 > 32767 (oneDNN's "Nuances of
// int8 computations"). QNNPACK widens to int32 first and never saturates.
bool qengine_saturates(QEngine engine);

// What Auto means here: on ARM, QNNPACK; on x86 the first of X86 (LibTorch's
// fbgemm/oneDNN dispatcher), oneDNN (measured 3.6-4.1x faster than fp32 per
// conv on an AVX-512 VNNI machine), FBGEMM, QNNPACK (slower than fp32 on
// x86) that the build supports, even where it saturates (the runner warns):
// QNNPACK, exact there, is not a fallback, as its sigmoid, ReLU6, average
// pooling and broadcast Mul are themselves more than a step from fake
// quantization. The environment variable WHITTLE_QENGINE (auto, x86, onednn,
// fbgemm, qnnpack) overrides the choice. Throws when the build has none, or
// for a name not in that list.
QEngine best_qengine();

struct Int8RunnerOptions {
  QEngine engine = QEngine::Auto;
  bool channels_last = true;  // 4-D graph inputs quantized as NHWC (oneDNN's layout)
};

class Int8Runner : public GraphExecutor {
 public:
  // Throws whittle::Error naming the node for a missing activation entry
  // (see plan_int8) or a weight LibTorch cannot prepack, and naming the
  // engine when it is not in this build.
  explicit Int8Runner(const QuantizedGraph& model, Int8RunnerOptions options = {});
  ~Int8Runner();
  Int8Runner(Int8Runner&&) noexcept;
  Int8Runner& operator=(Int8Runner&&) noexcept;

  // Runs on named fp32 inputs. Returns every graph output and each value in
  // `extra`, dequantized to fp32 (contiguous NCHW). A value fused away (a
  // conv output feeding its ReLU) cannot be asked for.
  TensorMap run(const TensorMap& inputs, const std::vector<std::string>& extra = {}) override;

  QEngine engine() const;
  const Int8Plan& plan() const;
  // Per node: int8 or fp32, and the kernel that runs it.
  std::vector<NodePrecision> node_precisions() const;
  const Graph& graph() const override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace whittle
