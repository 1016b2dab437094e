#pragma once
// One detection of a model on one image, in the VOC results convention:
// pixel coordinates of the original image (1-based, inclusive, as the devkit
// writes `image_id score xmin ymin xmax ymax`).
#include <string>
#include <vector>

#include "data/dataset.h"

namespace whittle {

struct Detection {
  std::string image_id;
  int label = -1;  // index into the data set's classes
  float score = 0;
  Box box;
};

}  // namespace whittle
