#pragma once
// A detector saved as ONNX, and fitting a data set's labels to a detector's
// classes: what every client that loads a model and scores it on data needs
// (the CLI's commands, the GUI's jobs).
#include <string>
#include <vector>

#include "data/dataset.h"
#include "models/detector.h"

namespace whittle {

// load_onnx + detector_from_graph; an int8 file (QDQ, as quantize writes it)
// comes back with Detector::int8 set. Errors name the file.
Detector load_detector_file(const std::string& path);

// The data set's classes that label at least one object, in its class order
// (read_voc lists all 20 VOC classes when the names are VOC's, even when a
// data set uses three of them).
std::vector<std::string> classes_in_use(const Dataset& data);

// `data` with its class list replaced by `classes` and every label re-indexed
// by name; false (data untouched) when an object's class is not in `classes`.
bool relabel_dataset(Dataset& data, const std::vector<std::string>& classes);

}  // namespace whittle
