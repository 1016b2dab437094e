#pragma once
// SSD MultiBox loss, as torchvision's SSD.compute_loss:
//   match each image's ground truth to the priors (match_priors), then with
//   N = max(1, positives in the batch)
//   loc  = sum over positives of SmoothL1(beta 1)(offsets, encode(gt, prior)) / N
//   conf = (sum over positives + sum over hard negatives of CE) / N, CE over
//          num_classes + 1 columns (column 0 = background, label l -> l + 1)
//   hard negatives: per image, the 3 x (its positives) background priors with
//   the highest CE (a batch with no objects has loss 0, never NaN).
// One deviation: torchvision can count a positive among the "negatives" when
// an image has more than a quarter of its priors positive; here negatives are
// background priors only.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

#include "models/head.h"
#include "models/ssd/ssd_box_coding.h"

namespace whittle {

struct MultiboxLossOptions {
  double iou_threshold = 0.5;
  int64_t neg_pos_ratio = 3;
  SsdVariances variances;
};

struct MultiboxLoss {
  at::Tensor loc;    // scalar
  at::Tensor conf;   // scalar
  at::Tensor total;  // loc + conf
  int64_t positives = 0;
};

// [B, P] bool: per image the neg_pos_ratio x (its positives) non-positive
// priors with the highest `loss` (ties in prior order). `loss` [B, P] is not
// differentiated through.
at::Tensor hard_negative_mask(const at::Tensor& loss, const at::Tensor& positive,
                              int64_t neg_pos_ratio);

// cls_logits [B, P, C + 1], box_offsets [B, P, 4], priors [P, 4] cxcywh,
// one Target per image (labels 0 .. C-1). Throws whittle::Error for bad
// shapes or labels out of range.
MultiboxLoss multibox_loss(const at::Tensor& cls_logits, const at::Tensor& box_offsets,
                           const at::Tensor& priors, const std::vector<Target>& targets,
                           const MultiboxLossOptions& options = {});

}  // namespace whittle
