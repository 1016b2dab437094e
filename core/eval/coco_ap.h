#pragma once
// COCO-style AP: Whittle's own implementation of the COCO definition (as
// pycocotools' COCOeval computes it for bbox, area range "all"), not a port
// of pycocotools:
// - IoU thresholds 0.50:0.05:0.95; AP = mean over thresholds of the
//   101-point interpolated precision (recall r = i/100, precision = max
//   precision at recall >= r; 0 past the last recall reached);
// - per image and class, detections sorted by score (stable) and cut to the
//   top `max_dets` (pycocotools applies maxDets per image AND class);
// - greedy matching in score order: each detection takes the unmatched gt of
//   highest IoU >= threshold, preferring non-ignored gts; a detection matched
//   to an ignored gt is ignored (neither TP nor FP);
// - difficult VOC gts are ignore regions (COCO's crowd/ignore): not counted
//   in recall, and any number of detections may fall on one (with the
//   ordinary IoU, not COCO's crowd intersection-over-detection);
// - IoU without the +1: VOC boxes (1-based inclusive) become continuous
//   [x1-1, x2] x [y1-1, y2], so widths are x2-x1+1 as in VOC;
// - over images, detections of a class are ranked by score with a stable
//   sort (ties keep data-set image order, then per-image order).
// A class without non-ignored gts has NaN AP and is left out of the means.
#include <vector>

#include "eval/voc_ap.h"

namespace whittle {

struct CocoOptions {
  int max_dets = 100;  // per image and class
};

// metric "coco"; map = AP@[.50:.95], ap50, ap75; per class ap = AP@[.50:.95].
MapResult evaluate_coco(const Dataset& gt, const std::vector<Detection>& dets,
                        const CocoOptions& options = {});

// IoU of two VOC boxes in COCO's continuous convention (equal to voc_iou).
double coco_iou(const Box& a, const Box& b);

}  // namespace whittle
