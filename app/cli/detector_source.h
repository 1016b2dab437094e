#pragma once
// Where a detector command's model comes from: a detector saved as ONNX
// (--model), or a detector zoo network built on the spot (--zoo). Shared by
// train, eval, detect and bench.
#include <cstdint>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "data/dataset.h"
#include "models/detector.h"

namespace whittle::cli {

struct DetectorSource {
  std::string model;     // --model FILE.onnx
  std::string zoo;       // --zoo NAME
  int64_t classes = 0;   // --classes (zoo); 0: the caller's class names decide
  double width = 1.0;    // --width (zoo)
  int64_t input = 0;     // --input S (zoo); 0: the entry's default
  uint64_t seed = 2345;  // weight seed (zoo)
  std::vector<double> scales;  // --scales MIN,MAX (zoo): prior sizes, first and last map
  int first_stride = 0;        // --first-stride 8|16 (zoo)

  void add_model_option(CLI::App& command);
  // --zoo, --classes, --width, --input, --scales, --first-stride (the caller
  // adds --seed where it wants one).
  void add_zoo_options(CLI::App& command);

  bool given() const { return !model.empty() || !zoo.empty(); }
  // Throws whittle::Error unless exactly one source is given and --zoo names
  // a zoo network: before slow work such as reading a data set.
  void check() const;
  // Loads --model or builds --zoo; throws whittle::Error unless exactly one
  // is given. For a zoo network, `class_names` (e.g. a data set's) become
  // the detector's classes, their count the head's unless --classes says
  // otherwise (then the zoo's default names are kept).
  Detector load(const std::vector<std::string>& class_names = {}) const;
  // "ssdlite_mobilenet_v2 (zoo, width 0.25)" or the file name.
  std::string describe() const;
};

// load_onnx + detector_from_graph; errors name the file.
Detector load_detector_file(const std::string& path);

// The data set's classes that label at least one object, in its class order
// (read_voc lists all 20 VOC classes when the names are VOC's, even when a
// data set uses three of them).
std::vector<std::string> classes_in_use(const Dataset& data);

// `data` with its class list replaced by `classes` and every label re-indexed
// by name; false (data untouched) when an object's class is not in `classes`.
bool relabel_dataset(Dataset& data, const std::vector<std::string>& classes);

}  // namespace whittle::cli
