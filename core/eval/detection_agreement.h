#pragma once
// How far two detectors' outputs agree on the same images: e.g. an exported
// file's detections against Whittle's runner's (whittle-cli export --verify
// --data), or an int8 model's against its fp32 model's.
//
// Per image, detections of the same class are matched greedily by IoU: every
// pair (a_i, b_j) with a_i.label == b_j.label and IoU >= iou_threshold, by
// descending IoU (ties: i, then j), is matched when neither is matched yet.
// Scores are not compared for matching (both lists are taken as given, e.g.
// after the same score threshold and NMS). IoU is continuous (no +1 pixel):
// ScoredBox coordinates are normalised; Detection boxes use voc_iou.
#include <string>
#include <vector>

#include "eval/detection.h"
#include "models/nms.h"

namespace whittle {

struct DetectionAgreement {
  int matched = 0;  // pairs matched
  int only_a = 0;   // detections of `a` left unmatched
  int only_b = 0;   // detections of `b` left unmatched
  double sum_iou = 0;          // over matched pairs
  double max_score_diff = 0;   // max |score_a - score_b| over matched pairs

  int count_a() const { return matched + only_a; }
  int count_b() const { return matched + only_b; }
  // matched / max(count_a, count_b); 1 when both are empty.
  double ratio() const;
  // Mean IoU of the matched pairs (1 when none).
  double mean_iou() const;
  // Sums the counts (ratio of the totals), keeps the larger score diff.
  DetectionAgreement& operator+=(const DetectionAgreement& other);
};

// IoU of two boxes in continuous coordinates (area (x2-x1)*(y2-y1); 0 when
// they do not overlap or a box is empty).
double box_iou(const ScoredBox& a, const ScoredBox& b);

// One image's detections. Throws whittle::Error for an iou_threshold outside (0, 1].
DetectionAgreement detection_agreement(const std::vector<ScoredBox>& a, const std::vector<ScoredBox>& b,
                                       double iou_threshold = 0.5);

// Detections of many images (matched only within the same image_id; VOC
// boxes, voc_iou). The totals over all images.
DetectionAgreement detection_agreement(const std::vector<Detection>& a, const std::vector<Detection>& b,
                                       double iou_threshold = 0.5);

}  // namespace whittle
