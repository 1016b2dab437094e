#pragma once
// Detections in the PASCAL VOC results format: one file per class,
// `<prefix><class>.txt`, one line per detection as the devkit writes it,
// `%s %.6f %.1f %.1f %.1f %.1f` (image_id score xmin ymin xmax ymax, VOC
// 1-based inclusive pixels). E.g. prefix "results/VOC2007/Main/comp4_det_test_".
#include <string>
#include <vector>

#include "data/dataset.h"
#include "eval/detection.h"

namespace whittle {

// Writes one file per class of `classes` (an empty file for a class without
// detections), each atomically; detections keep their order within a class.
// Throws Error naming the file when it cannot be written, and for a label out
// of range or an image id that is empty or holds whitespace.
void write_voc_results(const std::string& prefix, const std::vector<std::string>& classes,
                       const std::vector<Detection>& dets);

// Reads `<prefix><class>.txt` for every class of gt (labels index
// gt.classes), in class order then file order. A missing file means no
// detections for that class (its name is added to `missing_classes` when
// given). Blank lines are skipped. Throws Error naming the file and line for
// a malformed line and for an image id not in gt.
std::vector<Detection> read_voc_results(const std::string& prefix, const Dataset& gt,
                                        std::vector<std::string>* missing_classes = nullptr);

}  // namespace whittle
