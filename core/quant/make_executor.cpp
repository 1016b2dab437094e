#include "quant/make_executor.h"

#include "quant/int8_runner.h"
#include "runtime/runner.h"

namespace whittle {

std::unique_ptr<GraphExecutor> make_inference_executor(const Graph& graph, const QuantSpec* int8) {
  if (!int8) return std::make_unique<Runner>(graph);
  return std::make_unique<Int8Runner>(QuantizedGraph{graph, *int8});
}

}  // namespace whittle
