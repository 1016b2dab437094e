#include "data/dataset.h"

namespace whittle {

const std::vector<std::string>& voc_class_names() {
  static const std::vector<std::string> names = {
      "aeroplane", "bicycle", "bird",  "boat",      "bottle", "bus",         "car",
      "cat",       "chair",   "cow",   "diningtable", "dog",  "horse",       "motorbike",
      "person",    "pottedplant", "sheep", "sofa",  "train",  "tvmonitor"};
  return names;
}

}  // namespace whittle
