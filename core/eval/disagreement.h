#pragma once
// Two detectors on the same images, for the workbench's detection comparison:
// the detections a viewer shows at a score threshold, model labels mapped to
// the data set's classes, and images ordered by how much the two models
// disagree on them (unmatched detections first, then 1 - mean IoU of the
// matched pairs; see detection_agreement.h for the matching).
#include <vector>

#include "eval/detection_agreement.h"
#include "models/nms.h"

namespace whittle {

// The detections scoring >= min_score, in their order.
std::vector<ScoredBox> detections_at_score(const std::vector<ScoredBox>& detections, double min_score);

// Labels through `label_map` (model class -> data set class, as
// dataset_label_map gives it); detections whose label maps to -1 or lies
// outside the map are dropped. Order kept.
std::vector<ScoredBox> map_detection_labels(const std::vector<ScoredBox>& detections,
                                            const std::vector<int>& label_map);

// How much two models disagree on one image.
struct Disagreement {
  int unmatched = 0;    // only_a + only_b
  double iou_gap = 0;   // 1 - mean IoU of the matched pairs (0 when none matched)
};
Disagreement disagreement(const DetectionAgreement& agreement);
// True when `a` disagrees strictly more than `b`: more unmatched detections,
// or as many and a larger IoU gap.
bool disagrees_more(const DetectionAgreement& a, const DetectionAgreement& b);

// Indices into `per_image`, most disagreement first; equal disagreement keeps
// index order (stable), so the order is deterministic.
std::vector<int> disagreement_order(const std::vector<DetectionAgreement>& per_image);

}  // namespace whittle
