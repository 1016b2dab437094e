#include "models/ssd/ssd_box_coding.h"

#include <ATen/ATen.h>

#include <cmath>
#include <sstream>

#include "graph/error.h"

namespace whittle {
namespace {

void check_last_dim4(const char* what, const at::Tensor& t) {
  if (!t.defined() || t.dim() < 1 || t.size(-1) != 4) {
    std::ostringstream out;
    out << what << ": boxes must be [..., 4], got ";
    if (t.defined()) out << t.sizes(); else out << "undefined";
    throw Error(out.str());
  }
}

}  // namespace

at::Tensor cxcywh_to_xyxy(const at::Tensor& b) {
  check_last_dim4("cxcywh_to_xyxy", b);
  at::Tensor c = b.narrow(-1, 0, 2), s = b.narrow(-1, 2, 2);
  return at::cat({c - 0.5 * s, c + 0.5 * s}, -1);
}

at::Tensor xyxy_to_cxcywh(const at::Tensor& b) {
  check_last_dim4("xyxy_to_cxcywh", b);
  at::Tensor lo = b.narrow(-1, 0, 2), hi = b.narrow(-1, 2, 2);
  at::Tensor s = hi - lo;
  return at::cat({lo + 0.5 * s, s}, -1);
}

at::Tensor box_iou(const at::Tensor& a, const at::Tensor& b) {
  check_last_dim4("box_iou", a);
  check_last_dim4("box_iou", b);
  at::Tensor area_a = (a.select(1, 2) - a.select(1, 0)) * (a.select(1, 3) - a.select(1, 1));
  at::Tensor area_b = (b.select(1, 2) - b.select(1, 0)) * (b.select(1, 3) - b.select(1, 1));
  at::Tensor lt = at::max(a.narrow(1, 0, 2).unsqueeze(1), b.narrow(1, 0, 2).unsqueeze(0));
  at::Tensor rb = at::min(a.narrow(1, 2, 2).unsqueeze(1), b.narrow(1, 2, 2).unsqueeze(0));
  at::Tensor wh = (rb - lt).clamp_min(0);
  at::Tensor inter = wh.select(2, 0) * wh.select(2, 1);
  at::Tensor uni = area_a.unsqueeze(1) + area_b.unsqueeze(0) - inter;
  // inter / union, and 0 where the union is empty (two degenerate boxes).
  return at::where(uni > 0, inter / uni.clamp_min(1e-12), at::zeros_like(inter));
}

at::Tensor match_priors(const at::Tensor& gt_boxes, const at::Tensor& priors,
                        double iou_threshold) {
  check_last_dim4("match_priors", priors);
  const int64_t p = priors.size(0);
  at::Tensor matches = at::full({p}, -1, at::TensorOptions().dtype(at::kLong));
  if (!gt_boxes.defined() || gt_boxes.numel() == 0) return matches;
  check_last_dim4("match_priors", gt_boxes);
  at::Tensor iou = box_iou(gt_boxes.to(at::kCPU, at::kFloat),
                           cxcywh_to_xyxy(priors.to(at::kCPU, at::kFloat)));  // [N, P]
  // torchvision Matcher(0.5, 0.5): each prior's best gt, kept when IoU >= threshold.
  auto [best_iou, best_gt] = iou.max(0);
  matches = best_gt.masked_fill(best_iou < iou_threshold, -1).contiguous();
  // SSDMatcher: every gt keeps its best prior (later gts overwrite earlier ones).
  at::Tensor best_prior = iou.argmax(1).contiguous();
  int64_t* m = matches.data_ptr<int64_t>();
  const int64_t* bp = best_prior.data_ptr<int64_t>();
  for (int64_t g = 0; g < best_prior.size(0); ++g) m[bp[g]] = g;
  return matches;
}

at::Tensor encode_boxes(const at::Tensor& boxes, const at::Tensor& priors,
                        const SsdVariances& v) {
  check_last_dim4("encode_boxes", boxes);
  check_last_dim4("encode_boxes", priors);
  at::Tensor g = xyxy_to_cxcywh(boxes);
  at::Tensor g_c = g.narrow(-1, 0, 2), g_s = g.narrow(-1, 2, 2).clamp_min(1e-6);
  at::Tensor p_c = priors.narrow(-1, 0, 2), p_s = priors.narrow(-1, 2, 2);
  return at::cat({(g_c - p_c) / (p_s * v.center), at::log(g_s / p_s) / v.size}, -1);
}

at::Tensor decode_boxes(const at::Tensor& offsets, const at::Tensor& priors,
                        const SsdVariances& v) {
  check_last_dim4("decode_boxes", offsets);
  check_last_dim4("decode_boxes", priors);
  static const double max_log_scale = std::log(1000.0 / 16.0);  // torchvision bbox_xform_clip
  at::Tensor p_c = priors.narrow(-1, 0, 2), p_s = priors.narrow(-1, 2, 2);
  at::Tensor c = offsets.narrow(-1, 0, 2) * v.center * p_s + p_c;
  at::Tensor s = at::exp((offsets.narrow(-1, 2, 2) * v.size).clamp_max(max_log_scale)) * p_s;
  return at::cat({c - 0.5 * s, c + 0.5 * s}, -1);
}

}  // namespace whittle
