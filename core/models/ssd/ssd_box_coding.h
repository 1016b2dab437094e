#pragma once
// SSD box geometry: IoU, matching ground truth to priors, and the box coder
// with variances (torchvision BoxCoder(weights = 1/variances) = (10, 10, 5, 5)
// for the usual 0.1 / 0.2).
//   encode: t_x = (g_cx - p_cx) / (v_c * p_w),  t_w = log(g_w / p_w) / v_s  (y, h alike)
//   decode: cx = t_x * v_c * p_w + p_cx,  w = exp(min(t_w * v_s, log(1000/16))) * p_w
// Boxes are x1 y1 x2 y2 (ground truth, decoded boxes) or cx cy w h (priors),
// in one coordinate frame (SSD: fractions of the input).
#include <ATen/core/Tensor.h>

namespace whittle {

struct SsdVariances {
  double center = 0.1;
  double size = 0.2;
};

at::Tensor cxcywh_to_xyxy(const at::Tensor& boxes);
at::Tensor xyxy_to_cxcywh(const at::Tensor& boxes);

// [N, M] IoU of [N, 4] and [M, 4] x1y1x2y2 boxes (torchvision box_iou: areas
// without +1; a zero union counts as IoU 0).
at::Tensor box_iou(const at::Tensor& a, const at::Tensor& b);

// SSD matching (torchvision SSDMatcher / ssd.pytorch match()): each prior
// takes the ground truth it overlaps most when that IoU >= iou_threshold;
// then each ground truth is forced onto its best prior (even below the
// threshold; a later ground truth wins a prior two share). Returns [P] int64:
// the matched ground-truth index, or -1 (background). gt [N, 4] x1y1x2y2
// (N may be 0), priors [P, 4] cxcywh.
at::Tensor match_priors(const at::Tensor& gt_boxes, const at::Tensor& priors,
                        double iou_threshold = 0.5);

// [..., 4] offsets of x1y1x2y2 `boxes` against cxcywh `priors` (same leading
// shape, or priors [P, 4] broadcast). Widths and heights below 1e-6 are
// raised to 1e-6 so degenerate boxes give finite targets.
at::Tensor encode_boxes(const at::Tensor& boxes, const at::Tensor& priors,
                        const SsdVariances& variances = {});
// The inverse: x1y1x2y2 boxes from [..., P, 4] offsets and [P, 4] priors.
at::Tensor decode_boxes(const at::Tensor& offsets, const at::Tensor& priors,
                        const SsdVariances& variances = {});

}  // namespace whittle
