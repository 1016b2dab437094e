#include "models/head.h"

#include "graph/error.h"

namespace whittle {

TensorMap head_inputs(const Head& head, const TensorMap& raw, const std::string& who) {
  TensorMap inputs;
  for (const auto& name : head.output_names()) {
    auto it = raw.find(name);
    if (it == raw.end())
      throw Error(who + ": the graph has no output '" + name + "' that the " + head.family() + " head reads");
    inputs[name] = it->second;
  }
  return inputs;
}

}  // namespace whittle
