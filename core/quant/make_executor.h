#pragma once
// The executor for a model's inference: the int8 runner when the model has a
// quantization spec, else the fp32 runner (BatchNorm folded, channels last).
#include <memory>

#include "quant/quant_params.h"
#include "runtime/executor.h"

namespace whittle {

// `int8` null: fp32 Runner over `graph`. Otherwise `graph` must be the
// BN-folded graph the spec was calibrated on (as loaded from an int8 file).
std::unique_ptr<GraphExecutor> make_inference_executor(const Graph& graph, const QuantSpec* int8);

}  // namespace whittle
