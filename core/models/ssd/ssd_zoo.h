#pragma once
// The detector zoo, apart from zoo.h's classification backbones (whose
// users expect graphs, not detectors): "ssd300_vgg16", "ssd_mobilenet_v1",
// "ssdlite_mobilenet_v2".
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "models/detector.h"
#include "models/ssd/ssd_builder.h"

namespace whittle {

struct DetectorZooEntry {
  std::string name;
  std::string description;  // one line
  int64_t default_input_size = 300;
  bool fixed_size = false;  // width 1 and default_input_size only (SSD300-VGG16)
  std::function<Detector(const SsdOptions&)> build;
};

// Every detector zoo entry, in a fixed order.
std::vector<DetectorZooEntry> detector_zoo_entries();

// Builds the named detector. num_classes: object classes (background
// excluded); input_size 0: the entry's default. Throws whittle::Error listing
// the known names when `name` is unknown, and naming the entry when it has a
// fixed width/size and other values are asked for.
Detector build_detector_zoo(const std::string& name, int64_t num_classes = 20, double width = 1.0,
                            int64_t input_size = 0, uint64_t seed = 2345);
// The same with every option (prior scales, first feature stride).
Detector build_detector_zoo(const std::string& name, SsdOptions options);

}  // namespace whittle
