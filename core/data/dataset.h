#pragma once
// A detection data set in memory: images with their annotated objects, and
// the class list. The VOC reader and the synthetic generator produce it; the
// loader, augmentation and evaluation consume it.
//
// Boxes are in the VOC convention: pixel coordinates of the original image,
// 1-based and inclusive (xmin, ymin, xmax, ymax as written in the XML).
#include <cstdint>
#include <string>
#include <vector>

namespace whittle {

struct Box {
  float xmin = 0, ymin = 0, xmax = 0, ymax = 0;
};

struct Object {
  std::string name;    // class name as annotated
  int label = -1;      // index into Dataset::classes
  Box box;
  bool difficult = false;
  bool truncated = false;
};

struct ImageRecord {
  std::string id;               // "000005" (the line in ImageSets/Main/<set>.txt)
  std::string image_path;       // .../JPEGImages/000005.jpg
  std::string annotation_path;  // .../Annotations/000005.xml
  int width = 0, height = 0, depth = 3;
  std::vector<Object> objects;
};

struct Dataset {
  std::vector<std::string> classes;  // label -> name
  std::vector<ImageRecord> images;
};

// The 20 PASCAL VOC classes in the devkit's order (aeroplane ... tvmonitor).
const std::vector<std::string>& voc_class_names();

}  // namespace whittle
