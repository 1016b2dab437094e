#include "workflow/finetune_detector.h"

#include <cstdio>
#include <filesystem>

#include "data/voc_reader.h"
#include "graph/error.h"
#include "models/head.h"
#include "workflow/detector_file.h"

namespace whittle {

TrainData read_train_data(const std::string& root, const std::string& set, const std::string& val_set,
                          const std::vector<std::string>& classes, bool validate) {
  VocReadOptions read;
  read.classes = classes;
  read.sets = {set};
  TrainData d;
  d.train = read_voc(root, read);
  if (validate && !val_set.empty()) {
    read.sets = {val_set};
    d.val = read_voc(root, read);
  }
  return d;
}

Dataset read_set_for(const std::string& root, const std::string& set, const Detector& detector) {
  VocReadOptions read;
  read.sets = {set};
  Dataset data = read_voc(root, read);
  relabel_dataset(data, detector.classes);
  return data;
}

void use_teacher(TrainOptions& options, Detector& student, const Detector& teacher, const std::string& teacher_file,
                 double weight, const std::string& context) {
  if (teacher.head->num_classes() != student.head->num_classes())
    throw Error(context + ": the teacher " + teacher_file + " has " + std::to_string(teacher.head->num_classes()) +
                " classes, the model " + std::to_string(student.head->num_classes()));
  options.teacher = &teacher;
  options.distill_weight = weight;
  char text[32];
  std::snprintf(text, sizeof text, "%.3g", weight);
  student.graph.metadata["whittle.finetuned.teacher"] = std::filesystem::path(teacher_file).filename().string();
  student.graph.metadata["whittle.finetuned.distill"] = text;
}

}  // namespace whittle
