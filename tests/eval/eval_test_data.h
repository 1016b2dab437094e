#pragma once
// Small ground-truth and detection builders shared by the evaluation tests.
#include <string>
#include <utility>
#include <vector>

#include "data/dataset.h"
#include "eval/detection.h"

namespace whittle::test {

inline Object gt_object(int label, Box box, bool difficult = false) {
  Object o;
  o.name = "c" + std::to_string(label);
  o.label = label;
  o.box = box;
  o.difficult = difficult;
  return o;
}

inline Detection det(const std::string& image, int label, float score, Box box) {
  return Detection{image, label, score, box};
}

// Classes named c0 .. c<n-1>.
inline Dataset make_dataset(int num_classes, std::vector<ImageRecord> images) {
  Dataset d;
  for (int c = 0; c < num_classes; ++c) d.classes.push_back("c" + std::to_string(c));
  d.images = std::move(images);
  return d;
}

inline ImageRecord image(const std::string& id, std::vector<Object> objects) {
  ImageRecord r;
  r.id = id;
  r.objects = std::move(objects);
  return r;
}

}  // namespace whittle::test
