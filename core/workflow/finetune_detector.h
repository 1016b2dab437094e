#pragma once
// The pieces of a training or fine-tuning step that every client shares
// (`whittle-cli train`, `finetune`, `prune-schedule`, `quantize`, `eval`,
// `pipeline`, the workbench's jobs): the data sets a model reads, labelled
// with its classes, and distillation from a teacher.
#include <optional>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "models/detector.h"
#include "train/trainer.h"

namespace whittle {

// A model's training and validation sets (labels in `classes`, the model's);
// no validation set when `val_set` is "" or `validate` is false.
struct TrainData {
  Dataset train;
  std::optional<Dataset> val;
};
TrainData read_train_data(const std::string& root, const std::string& set, const std::string& val_set,
                          const std::vector<std::string>& classes, bool validate);

// The set read with its own classes, then relabelled to the detector's where
// they cover every object (read_voc lists all 20 VOC classes for a data set
// that uses a few of them), as eval and quantize score it.
Dataset read_set_for(const std::string& root, const std::string& set, const Detector& detector);

// Distils `student` from `teacher` while training with `options`: checks the
// class counts match (whittle::Error "<context>: the teacher <file> has N
// classes, the model M"), sets options.teacher (`teacher` must outlive the
// training) and distill_weight, and records the teacher's file name and the
// weight in the student's metadata (whittle.finetuned.teacher / .distill).
void use_teacher(TrainOptions& options, Detector& student, const Detector& teacher, const std::string& teacher_file,
                 double weight, const std::string& context);

}  // namespace whittle
