#include "quant/qengine.h"

#include <ATen/ATen.h>
#include <ATen/core/dispatch/Dispatcher.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <string>

#include "graph/error.h"
#include "quant/quant_params.h"

namespace whittle {
namespace {

at::QEngine to_aten(QEngine e) {
  switch (e) {
    case QEngine::OneDnn: return at::QEngine::ONEDNN;
    case QEngine::Qnnpack: return at::QEngine::QNNPACK;
    case QEngine::Fbgemm: return at::QEngine::FBGEMM;
    case QEngine::X86: return at::QEngine::X86;
    case QEngine::Auto: break;
  }
  return at::QEngine::NoQEngine;
}

c10::OperatorHandle find_op(const char* name) {
  return c10::Dispatcher::singleton().findSchemaOrThrow(name, "");
}

c10::IValue bias_of(const Node& n) {
  if (!n.has_weight("bias")) return c10::IValue();
  return c10::IValue(n.weight("bias").detach().to(at::kFloat).contiguous());
}

}  // namespace

bool qengine_supported(QEngine e) {
  const auto& s = at::globalContext().supportedQEngines();
  return std::find(s.begin(), s.end(), to_aten(e)) != s.end();
}

namespace {

// Whether ONEDNN_MAX_CPU_ISA (or DNNL_) caps oneDNN below VNNI: the ISAs
// without an int8 dot product.
bool onednn_capped_below_vnni() {
  const char* v = std::getenv("ONEDNN_MAX_CPU_ISA");
  if (!v) v = std::getenv("DNNL_MAX_CPU_ISA");
  if (!v) return false;
  std::string isa(v);
  for (char& c : isa) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (const char* below : {"SSE41", "AVX", "AVX2", "AVX512_CORE", "AVX512_MIC", "AVX512_MIC_4OPS"})
    if (isa == below) return true;
  return false;
}

bool cpu_has_int8_dot_product() {
#if defined(__x86_64__) || defined(__i386__)
  return __builtin_cpu_supports("avx512vnni") || __builtin_cpu_supports("avxvnni");
#else
  return true;
#endif
}

}  // namespace

bool qengine_saturates(QEngine engine) {
#if defined(__x86_64__) || defined(__i386__)
  if (engine == QEngine::Qnnpack) return false;
  if (engine == QEngine::Auto) engine = best_qengine();
  return engine != QEngine::Qnnpack && (!cpu_has_int8_dot_product() || onednn_capped_below_vnni());
#else
  (void)engine;
  return false;
#endif
}

QEngine set_qengine(QEngine engine) {
  const QEngine e = engine == QEngine::Auto ? best_qengine() : engine;
  if (!qengine_supported(e)) {
    std::string have;
    for (QEngine s : supported_qengines()) have += (have.empty() ? "" : ", ") + std::string(qengine_name(s));
    throw Error("quantized engine " + std::string(qengine_name(e)) +
                " is not in this LibTorch build (it has: " + have + ")");
  }
  at::globalContext().setQEngine(to_aten(e));
  return e;
}

QEngine current_qengine() {
  const at::QEngine now = at::globalContext().qEngine();
  for (QEngine e : {QEngine::OneDnn, QEngine::Qnnpack, QEngine::Fbgemm, QEngine::X86})
    if (to_aten(e) == now) return e;
  return QEngine::Auto;
}

QEngineGuard::QEngineGuard() : saved_(at::globalContext().qEngine()) {}
QEngineGuard::~QEngineGuard() {
  try {
    at::globalContext().setQEngine(saved_);
  } catch (...) {  // NoQEngine: nothing to put back
  }
}

// Each packed weight serves one kernel only (apply or apply_relu): QNNPACK
// caches the output clamping in it on first use.
ConvPacked prepack_conv2d_int8(const Node& n) {
  static const c10::OperatorHandle op = find_op("quantized::conv2d_prepack");
  torch::jit::Stack st{quantize_weight_int8(n.weight("weight")), bias_of(n),
                       c10::IValue(n.attrs.get_pair("stride", 1)),
                       c10::IValue(n.attrs.get_pair("padding", 0)),
                       c10::IValue(n.attrs.get_pair("dilation", 1)),
                       c10::IValue(n.attrs.get_int("groups", 1))};
  op.callBoxed(&st);
  return st.at(0).toCustomClass<ConvPackedParamsBase<2>>();
}

LinearPacked prepack_linear_int8(const Node& n) {
  static const c10::OperatorHandle op = find_op("quantized::linear_prepack");
  torch::jit::Stack st{quantize_weight_int8(n.weight("weight")), bias_of(n)};
  op.callBoxed(&st);
  return st.at(0).toCustomClass<LinearPackedParamsBase>();
}

}  // namespace whittle
