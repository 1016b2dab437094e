#include "models/zoo.h"

#include "graph/error.h"
#include "models/mobilenet_v1.h"
#include "models/mobilenet_v2.h"
#include "models/vgg.h"

namespace whittle {

std::vector<ZooEntry> zoo_entries() {
  return {
      {"vgg16", "VGG16 (torchvision vgg16, cfg D, no BN): 138.4 M params, 15.5 G MACs at 224",
       [](const BackboneOptions& o) { return build_vgg16(o); }},
      {"mobilenet_v1",
       "MobileNetV1 (Howard et al. 2017): 4.2 M params, 0.57 G MACs at 224",
       [](const BackboneOptions& o) { return build_mobilenet_v1(o); }},
      {"mobilenet_v2", "MobileNetV2 (torchvision mobilenet_v2): 3.5 M params, 0.30 G MACs at 224",
       [](const BackboneOptions& o) { return build_mobilenet_v2(o); }},
  };
}

Graph build_zoo(const std::string& name, const BackboneOptions& options) {
  std::string known;
  for (const ZooEntry& entry : zoo_entries()) {
    if (entry.name == name) return entry.build(options);
    known += (known.empty() ? "" : ", ") + entry.name;
  }
  throw Error("unknown zoo model '" + name + "'; known: " + known);
}

}  // namespace whittle
