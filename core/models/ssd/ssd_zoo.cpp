#include "models/ssd/ssd_zoo.h"

#include "graph/error.h"
#include "models/ssd/metadata_text.h"
#include "models/ssd/ssd300_vgg16.h"
#include "models/ssd/ssd_mobilenet.h"

namespace whittle {

std::vector<DetectorZooEntry> detector_zoo_entries() {
  return {
      {"ssd300_vgg16",
       "SSD300-VGG16 (torchvision ssd300_vgg16): 26.3 M params with 21 columns, 8,732 priors",
       300, true, [](const SsdOptions& o) { return build_ssd300_vgg16(o.num_classes, o.seed); }},
      {"ssd300_vgg16_bn",
       "SSD300-VGG16 with BatchNorm after each trunk/fc/extras conv, to train from scratch; "
       "export --fold-bn gives ssd300_vgg16's exact graph",
       300, true,
       [](const SsdOptions& o) { return build_ssd300_vgg16(o.num_classes, o.seed, true); }},
      {"ssd_mobilenet_v1",
       "MobileNetV1-SSD (mb1-ssd): regular 3x3 heads, 6 anchors, 3,000 priors at 300", 300, false,
       [](const SsdOptions& o) { return build_ssd_mobilenet_v1(o); }},
      {"ssdlite_mobilenet_v2",
       "MobileNetV2-SSDLite (depthwise-separable heads), 3,234 priors at 320", 320, false,
       [](const SsdOptions& o) { return build_ssdlite_mobilenet_v2(o); }},
  };
}

Detector build_detector_zoo(const std::string& name, int64_t num_classes, double width,
                            int64_t input_size, uint64_t seed) {
  SsdOptions o;
  o.num_classes = num_classes;
  o.width = width;
  o.input_size = input_size;
  o.seed = seed;
  return build_detector_zoo(name, o);
}

Detector build_detector_zoo(const std::string& name, SsdOptions o) {
  std::string known;
  for (const DetectorZooEntry& e : detector_zoo_entries()) {
    if (e.name != name) {
      known += (known.empty() ? "" : ", ") + e.name;
      continue;
    }
    if (o.input_size == 0) o.input_size = e.default_input_size;
    if (e.fixed_size && (o.width != 1.0 || o.input_size != e.default_input_size))
      throw Error("(" + name + ") has a fixed width 1 and input " +
                  std::to_string(e.default_input_size) + "; got width " +
                  ssd_text::format_decimal(o.width) + ", input " + std::to_string(o.input_size));
    if (e.fixed_size && (o.min_scale != 0 || o.max_scale != 0 || o.first_stride != 0))
      throw Error("(" + name + ") has fixed priors and feature maps; prior scales and the first "
                  "stride cannot be set");
    return e.build(o);
  }
  throw Error("unknown detector zoo model '" + name + "'; known: " + known);
}

}  // namespace whittle
