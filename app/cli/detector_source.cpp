#include "cli/detector_source.h"

#include <sstream>

#include "graph/error.h"
#include "models/ssd/ssd_zoo.h"

namespace whittle::cli {

void DetectorSource::add_model_option(CLI::App& command) {
  command.add_option("--model", model, "detector model file (.onnx, as train writes it)");
}

void DetectorSource::add_zoo_options(CLI::App& command) {
  std::string names;
  for (const auto& e : detector_zoo_entries()) names += (names.empty() ? "" : ", ") + e.name;
  command.add_option("--zoo", zoo, "build a detector zoo network: " + names);
  command.add_option("--classes", classes, "zoo: object classes (default: the data set's)");
  command.add_option("--width", width, "zoo: width multiplier");
  command.add_option("--input", input, "zoo: input size S (SxS; default: the network's)");
  command.add_option("--scales", scales,
                     "zoo: prior sizes of the first and last feature map as fractions of the "
                     "input, e.g. 0.05,0.6 (default 0.2,0.95)")
      ->delimiter(',')
      ->expected(2);
  command.add_option("--first-stride", first_stride,
                     "zoo: stride of the finest feature map, 16 or 8 (8 adds a map for small "
                     "objects)");
}

void DetectorSource::check() const {
  if (model.empty() == zoo.empty()) throw Error("give either --model FILE.onnx or --zoo NAME");
  if (zoo.empty()) return;
  if (classes < 0) throw Error("--classes must be >= 1");
  if (!(width > 0)) throw Error("--width must be > 0");
  if (input < 0) throw Error("--input must be >= 32");
  std::string known;
  for (const auto& e : detector_zoo_entries()) {
    if (e.name == zoo) return;
    known += (known.empty() ? "" : ", ") + e.name;
  }
  throw Error("unknown detector zoo model '" + zoo + "'; known: " + known);
}

Detector DetectorSource::load(const std::vector<std::string>& class_names) const {
  check();
  if (!model.empty()) return load_detector_file(model);
  const bool names_fit = !class_names.empty() &&
                         (classes == 0 || classes == static_cast<int64_t>(class_names.size()));
  const int64_t n = classes > 0 ? classes : class_names.empty() ? 20 : static_cast<int64_t>(class_names.size());
  SsdOptions options;
  options.num_classes = n;
  options.width = width;
  options.input_size = input;
  options.seed = seed;
  if (!scales.empty()) options.min_scale = scales.at(0), options.max_scale = scales.at(1);
  options.first_stride = first_stride;
  Detector detector = build_detector_zoo(zoo, options);
  if (names_fit) {
    detector.classes = class_names;
    store_detector_metadata(detector);
  }
  return detector;
}

std::string DetectorSource::describe() const {
  if (!model.empty()) return model;
  std::ostringstream s;
  s << zoo << " (zoo, width " << width << ')';
  return s.str();
}

}  // namespace whittle::cli
