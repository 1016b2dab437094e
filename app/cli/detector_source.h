#pragma once
// Where a detector command's model comes from: a detector saved as ONNX
// (--model), or a detector zoo network built on the spot (--zoo). Shared by
// train, eval, detect and bench. Loading a model file and fitting a data
// set's labels are the core's (workflow/detector_file.h).
#include <cstdint>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "data/dataset.h"
#include "models/detector.h"
#include "workflow/detector_file.h"  // load_detector_file, classes_in_use, relabel_dataset

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

}  // namespace whittle::cli
