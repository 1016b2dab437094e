#pragma once
// Mean average precision of detections against a data set's ground truth:
// the PASCAL VOC metrics (2007 11-point, 2010+ area) computed exactly as the
// reference py-faster-rcnn `voc_eval.py` does, and Whittle's COCO-style AP
// (coco_ap.h). Boxes are VOC boxes: 1-based inclusive pixel coordinates.
//
// VOC matching, per class (VOCevaldet.m / voc_eval.py):
// - detections are sorted by descending score with a STABLE sort: ties keep
//   the order they arrive in (results-file order). This is the MATLAB
//   devkit's `sort(-confidence)`; voc_eval.py's `np.argsort(-confidence)` is
//   an unstable quicksort, so its tie order is unspecified.
// - each detection goes to the gt of highest IoU in its image among ALL gts
//   of the class (matched ones included; first one on ties), with the
//   +1-pixel IoU: iw = min(x2)-max(x1)+1, area = (x2-x1+1)*(y2-y1+1).
// - IoU > 0.5 (strictly, as voc_eval.py; the MATLAB devkit tests >= 0.5):
//   difficult gt -> ignored (neither TP nor FP); gt already detected -> FP
//   (duplicate); else TP. IoU <= 0.5 -> FP.
// - npos = non-difficult gts; recall = cumsum(tp)/npos, precision =
//   cumsum(tp)/max(cumsum(tp)+cumsum(fp), eps).
// A class with no non-difficult gt has no defined AP (voc_eval divides by
// npos = 0; the devkit yields NaN): its ap is NaN and it is left out of the
// mAP. A class with gts but no detections has AP 0. mAP = mean over classes
// with gts.
#include <string>
#include <vector>

#include "data/dataset.h"
#include "eval/detection.h"

namespace whittle {

// One point per detection of the class, in score order (ignored detections
// repeat the previous point). Empty when the class has no detections or no
// gt (recall undefined).
struct PrCurve {
  std::vector<double> recall, precision;
};

struct ClassAp {
  std::string name;
  double ap = 0;    // NaN when the class has no (non-difficult) gt
  int num_gt = 0;   // gts counted in recall (non-difficult)
  int num_det = 0;  // detections of the class
  PrCurve curve;    // COCO metric: the curve at IoU 0.50
};

enum class ApMetric { Voc07, Voc12, Coco };

struct MapResult {
  double map = 0;  // mean AP over classes with gts (NaN when none has any)
  std::vector<ClassAp> classes;  // in data-set class order
  std::string metric;            // "voc07", "voc12", "coco"
  double ap50 = 0, ap75 = 0;     // COCO metric only: mean AP at IoU 0.50 / 0.75
};

// "voc07" | "voc12" | "coco" (throws Error naming the text otherwise).
ApMetric parse_ap_metric(const std::string& text);
std::string ap_metric_name(ApMetric metric);

// Evaluates `dets` (labels index gt.classes) against gt. Throws Error for a
// detection on an image id not in gt (as the devkit's "unrecognized image"),
// a label out of range, a non-finite score or a duplicate image id in gt.
MapResult evaluate_detections(const Dataset& gt, const std::vector<Detection>& dets,
                              ApMetric metric);

// Validates gt and dets for evaluation and returns each detection's index in
// gt.images. Throws Error for the cases listed above and for a gt object whose
// label is out of range.
std::vector<int> detection_image_indices(const Dataset& gt, const std::vector<Detection>& dets);

// VOC IoU with the +1-pixel convention (0 when the boxes do not overlap).
double voc_iou(const Box& a, const Box& b);

// AP of one curve. 11-point (VOC2007): mean over t = 0, 0.1, ..., 1 of the
// max precision at recall >= t (0 when none). t = i * 0.1 in double, as
// voc_eval.py's np.arange(0., 1.1, 0.1) makes it: 0.30000000000000004,
// 0.6000000000000001 and 0.7000000000000001 are not reached by a recall of
// exactly 3/10, 6/10, 7/10. This keeps Whittle's numbers equal to
// voc_eval.py's (and the tools copied from it); the MATLAB devkit's
// 0:0.1:1 may differ from both in those edge cases.
double voc07_ap(const PrCurve& curve);
// Area (VOC2010+): area under the monotone precision envelope, with recall 0
// and 1 (precision 0) appended at the ends.
double voc12_ap(const PrCurve& curve);

}  // namespace whittle
