#pragma once
// Reads PASCAL VOC-format data sets (Annotations/*.xml, JPEGImages/,
// ImageSets/Main/<set>.txt) into a Dataset.
//
// A root is any of:
//   - a data set folder: it holds Annotations/ (VOC2007/, or any custom folder);
//   - a VOCdevkit: every folder inside it that holds Annotations/ is read, in
//     sorted name order (VOC2007 then VOC2012: the usual "07+12").
// Several roots are read in the order given; a folder reached twice is read once.
//
// Image ids: ImageRecord::id is the devkit id ("000005"). When the same id is
// in two or more of the folders read, each of those records becomes
// "<folder>/<id>" ("VOC2007/000005", folder = the folder's name, or its full
// path when two folders share a name); ids found in only one folder stay bare.
// Within one folder, an id listed by several sets (train + val) is read once.
//
// Image path: JPEGImages/<filename> when the XML has a <filename> and that file
// exists, else JPEGImages/<id>.jpg.
//
// Boxes are read as floats, as written (VOC is 1-based). A box must have
// xmin < xmax and ymin < ymax, xmin >= 0 and ymin >= 0 (0 is accepted for
// 0-based tools), xmax <= width and ymax <= height. A missing or zero <size> is
// taken from the image itself.
//
// Problems: a missing split file, annotation or image; malformed XML; an object
// without <name> or <bndbox> (or a non-numeric coordinate); an empty or
// out-of-image box; a name not in options.classes (when given); with
// check_images, an image that does not decode or whose size differs from the
// XML. Strict mode throws whittle::Error "<file>: <what is wrong>" at the first
// one. Lenient mode records each in the report and skips what it concerns: the
// object, the image, or (a missing split file) that set of that folder; a
// skipped image's objects are not examined further.
// A root that is neither a data set folder nor a devkit throws in both modes.
#include <string>
#include <vector>

#include "data/dataset.h"

namespace whittle {

struct VocReadOptions {
  std::vector<std::string> sets = {"trainval"};  // ImageSets/Main/<set>.txt, any name
  bool lenient = false;                          // record problems and skip, instead of throwing
  // Label order. Empty: VOC's 20 when every name found is a VOC class, else the
  // sorted unique names found. Given: names not in it are problems.
  std::vector<std::string> classes;
  bool keep_difficult = true;  // false: difficult objects are dropped (not counted as skipped)
  bool check_images = false;   // decode every image and compare its size with the XML's
};

struct VocProblem {
  std::string file;     // the split file, annotation or image concerned
  std::string message;  // what is wrong, e.g. "object 2 (dog): xmax 520 > image width 500"
};

struct VocReadReport {
  std::vector<VocProblem> problems;
  int skipped_objects = 0;
  int skipped_images = 0;
};

Dataset read_voc(const std::string& root, const VocReadOptions& options = {},
                 VocReadReport* report = nullptr);
Dataset read_voc(const std::vector<std::string>& roots, const VocReadOptions& options = {},
                 VocReadReport* report = nullptr);

}  // namespace whittle
