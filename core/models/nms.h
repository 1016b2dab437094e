#pragma once
// Non-maximum suppression for detection heads (CPU; tensors on another
// device are copied to the CPU and the result is returned on their device).
// Boxes are [N, 4] x1 y1 x2 y2 in continuous coordinates (normalised or
// pixels); IoU = inter / union with area = (x2-x1)*(y2-y1), no +1, computed
// in float as torchvision's CPU kernel; a box is suppressed when its IoU with
// a kept box is > iou_threshold (strictly).
#include <ATen/core/Tensor.h>

#include <vector>

namespace whittle {

// Greedy NMS of one class: indices (int64) of the kept boxes, by descending
// score; equal scores keep index order (stable sort), so results are
// deterministic. Sorts once, then suppresses in a branch-free, vectorised
// loop over raw float arrays: O(kept * N).
at::Tensor nms(const at::Tensor& boxes, const at::Tensor& scores, double iou_threshold);

// Class-wise NMS: boxes of different labels never suppress each other; labels
// are any int64 values. What torchvision's batched_nms computes with its
// coordinate-offset trick (shift each label's boxes apart, one NMS), done
// instead per label after one global sort: exact (shifted coordinates round
// differently, so the trick can flip IoUs near the threshold) and
// sum(kept_c * N_c) work rather than kept * N (torchvision's CPU path also
// loops per label for large N). Returns kept indices by descending score,
// ties in index order.
at::Tensor batched_nms(const at::Tensor& boxes, const at::Tensor& scores,
                       const at::Tensor& labels, double iou_threshold);

struct NmsOptions {
  float score_threshold = 0.01f;  // per class: keep scores > threshold
  float iou_threshold = 0.45f;
  int top_k_per_class = 200;      // highest-scoring candidates entering NMS per class (<= 0: all)
  int max_per_image = 200;        // kept over all classes, by score (<= 0: all)
};

struct ScoredBox {
  float x1 = 0, y1 = 0, x2 = 0, y2 = 0;  // as in the boxes tensor
  int label = -1;  // score column - 1: column 0 is background, so label indexes Dataset::classes
  float score = 0;
};

// SSD-style post-processing of one image: for each class column c >= 1 of
// scores [N, C], the boxes [N, 4] scoring > score_threshold, the top_k_per_class
// of them by score (as ssd.pytorch and torchvision take candidates before
// NMS), NMS at iou_threshold; then all classes together by descending score
// (ties: class order, then box order), cut to max_per_image.
std::vector<ScoredBox> postprocess_scores(const at::Tensor& boxes, const at::Tensor& scores,
                                          const NmsOptions& options = {});

}  // namespace whittle
