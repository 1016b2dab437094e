#include "models/backbone_options.h"

#include <cmath>
#include <cstdlib>
#include <sstream>
#include <string>

#include "graph/error.h"
#include "graph/graph_builder.h"

namespace whittle {

void check_backbone_options(const char* family, const BackboneOptions& o) {
  std::string f = std::string("(") + family + ") ";
  if (!(o.width > 0.0) || !std::isfinite(o.width))
    throw Error(f + "width must be > 0, got " + std::to_string(o.width));
  if (o.input_size < 32)
    throw Error(f + "input_size must be >= 32, got " + std::to_string(o.input_size));
  if (o.classifier && o.num_classes < 1)
    throw Error(f + "num_classes must be >= 1, got " + std::to_string(o.num_classes));
}

static std::string shortest_decimal(double v) {
  for (int precision = 1; precision <= 17; ++precision) {
    std::ostringstream out;
    out.precision(precision);
    out << v;
    if (std::strtod(out.str().c_str(), nullptr) == v) return out.str();
  }
  std::ostringstream out;
  out.precision(17);
  out << v;
  return out.str();
}

void set_backbone_metadata(GraphBuilder& b, const std::string& zoo_name,
                           const BackboneOptions& o) {
  b.set_metadata("whittle.family", o.classifier ? "classifier" : "backbone");
  b.set_metadata("whittle.zoo", zoo_name);
  b.set_metadata("whittle.num_classes", std::to_string(o.num_classes));
  b.set_metadata("whittle.input_size", std::to_string(o.input_size));
  b.set_metadata("whittle.width", shortest_decimal(o.width));
}

Graph finish_pooled_classifier(GraphBuilder& b, std::string y, const std::string& zoo_name,
                               const BackboneOptions& o) {
  if (o.classifier) {
    y = b.flatten("flatten", b.global_avg_pool("pool", y));
    y = b.linear("logits", y, o.num_classes);
  }
  b.output(y);
  set_backbone_metadata(b, zoo_name, o);
  return b.build();
}

int64_t make_divisible(double v, int64_t divisor) {
  // Python: max(divisor, int(v + divisor / 2) // divisor * divisor)
  auto d = static_cast<double>(divisor);
  int64_t rounded = static_cast<int64_t>(v + d / 2.0) / divisor * divisor;
  int64_t result = rounded < divisor ? divisor : rounded;
  if (static_cast<double>(result) < 0.9 * v) result += divisor;
  return result;
}

}  // namespace whittle
