#include "workflow/detector_file.h"

#include <map>
#include <optional>

#include "graph/error.h"
#include "io/onnx_import.h"
#include "io/onnx_int8.h"

namespace whittle {

Detector load_detector_file(const std::string& path) {
  // An int8 file (QDQ, as quantize writes it) runs through the int8 runner.
  std::optional<QuantizedGraph> int8;
  if (is_qdq_onnx(path)) int8 = load_qdq_onnx(path);
  Graph graph = int8 ? int8->graph : load_onnx(path);  // their errors name the file
  try {
    Detector d = detector_from_graph(std::move(graph));
    if (int8) d.int8 = std::make_shared<const QuantSpec>(int8->spec);
    return d;
  } catch (const Error& e) {
    throw Error(path + ": " + e.what());
  }
}

std::vector<std::string> classes_in_use(const Dataset& data) {
  std::vector<bool> used(data.classes.size(), false);
  for (const auto& image : data.images)
    for (const auto& object : image.objects)
      if (object.label >= 0 && object.label < static_cast<int>(used.size())) used[object.label] = true;
  std::vector<std::string> names;
  for (size_t i = 0; i < used.size(); ++i)
    if (used[i]) names.push_back(data.classes[i]);
  return names;
}

bool relabel_dataset(Dataset& data, const std::vector<std::string>& classes) {
  std::map<std::string, int> index;
  for (size_t i = 0; i < classes.size(); ++i) index.emplace(classes[i], static_cast<int>(i));
  for (const auto& image : data.images)
    for (const auto& object : image.objects)
      if (!index.count(object.name)) return false;
  for (auto& image : data.images)
    for (auto& object : image.objects) object.label = index.at(object.name);
  data.classes = classes;
  return true;
}

}  // namespace whittle
