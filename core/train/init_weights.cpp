#include "train/init_weights.h"

#include <ATen/ATen.h>

#include "graph/error.h"
#include "graph/shape_inference.h"

namespace whittle {
namespace {

std::string first_few(const std::vector<std::string>& names, size_t n = 3) {
  std::string s;
  for (size_t i = 0; i < names.size() && i < n; ++i) s += (i ? ", " : "") + names[i];
  if (names.size() > n) s += ", ...";
  return s;
}

}  // namespace

std::string WeightLoadReport::summary() const {
  const size_t total = loaded.size() + shape_mismatch.size() + missing.size();
  std::string s = "loaded " + std::to_string(loaded.size()) + " of " + std::to_string(total) + " weights";
  if (!shape_mismatch.empty())
    s += "; " + std::to_string(shape_mismatch.size()) + " shape mismatch" +
         (shape_mismatch.size() > 1 ? "es" : "") + " (" + first_few(shape_mismatch, 2) + ")";
  if (!missing.empty())
    s += "; " + std::to_string(missing.size()) + " not in the source (" + first_few(missing) + ")";
  if (!unused.empty())
    s += "; " + std::to_string(unused.size()) + " source weights unused (" + first_few(unused) + ")";
  return s;
}

WeightLoadReport load_matching_weights(Graph& dst, const Graph& src) {
  WeightLoadReport report;
  at::NoGradGuard no_grad;
  for (auto& node : dst.nodes) {
    const int si = src.find_node(node.name);
    for (auto& [key, tensor] : node.weights) {
      const std::string name = node.name + "." + key;
      if (si < 0 || !src.nodes[si].has_weight(key)) {
        report.missing.push_back(name);
        continue;
      }
      const at::Tensor& from = src.nodes[si].weight(key);
      if (!from.sizes().equals(tensor.sizes())) {
        report.shape_mismatch.push_back(name + ": " + format_shape(from) + " in source, " +
                                        format_shape(tensor) + " here");
        continue;
      }
      if (from.scalar_type() != tensor.scalar_type())
        throw Error(node.label() + " weight '" + key + "' is " +
                    std::string(c10::toString(tensor.scalar_type())) + ", the source's is " +
                    std::string(c10::toString(from.scalar_type())));
      tensor.copy_(from);
      report.loaded.push_back(name);
    }
  }
  for (const auto& node : src.nodes) {
    const int di = dst.find_node(node.name);
    for (const auto& [key, tensor] : node.weights)
      if (di < 0 || !dst.nodes[di].has_weight(key)) report.unused.push_back(node.name + "." + key);
  }
  return report;
}

}  // namespace whittle
