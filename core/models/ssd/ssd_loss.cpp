#include "models/ssd/ssd_loss.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <limits>
#include <sstream>

#include "graph/error.h"

namespace whittle {
namespace {

std::string sizes_text(const at::Tensor& t) {
  std::ostringstream out;
  if (t.defined()) out << t.sizes(); else out << "undefined";
  return out.str();
}

}  // namespace

at::Tensor hard_negative_mask(const at::Tensor& loss, const at::Tensor& positive,
                              int64_t neg_pos_ratio) {
  at::NoGradGuard no_grad;
  at::Tensor pos = positive.to(at::kBool);
  // Positives sort last (-inf); rank of each prior in descending loss order.
  at::Tensor ranked = loss.detach().to(at::kFloat).masked_fill(
      pos, -std::numeric_limits<float>::infinity());
  at::Tensor order = std::get<1>(at::sort(ranked, /*stable=*/true, /*dim=*/1, /*descending=*/true));
  at::Tensor positions = at::arange(loss.size(1), order.options()).expand_as(order);
  at::Tensor rank = at::empty_like(order).scatter_(1, order, positions);
  at::Tensor num_negative = pos.sum(1, /*keepdim=*/true) * neg_pos_ratio;
  return (rank < num_negative).logical_and(pos.logical_not());
}

MultiboxLoss multibox_loss(const at::Tensor& cls, const at::Tensor& reg, const at::Tensor& priors,
                           const std::vector<Target>& targets, const MultiboxLossOptions& o) {
  if (!cls.defined() || cls.dim() != 3 || cls.size(2) < 2)
    throw Error("(ssd loss) class logits must be [B, P, classes + 1], got " + sizes_text(cls));
  const int64_t batch = cls.size(0), p = cls.size(1), columns = cls.size(2);
  if (!reg.defined() || reg.dim() != 3 || reg.size(0) != batch || reg.size(1) != p ||
      reg.size(2) != 4)
    throw Error("(ssd loss) box offsets must be [" + std::to_string(batch) + ", " +
                std::to_string(p) + ", 4], got " + sizes_text(reg));
  if (!priors.defined() || priors.dim() != 2 || priors.size(0) != p || priors.size(1) != 4)
    throw Error("(ssd loss) the head's " + std::to_string(p) + " outputs per image need " +
                std::to_string(p) + " priors, got " + sizes_text(priors));
  if (static_cast<int64_t>(targets.size()) != batch)
    throw Error("(ssd loss) " + std::to_string(targets.size()) + " targets for a batch of " +
                std::to_string(batch));

  const at::Tensor priors_cpu = priors.to(at::kCPU, at::kFloat);
  at::Tensor conf_targets = at::zeros({batch, p}, at::kLong);  // 0 = background
  at::Tensor loc = at::zeros({}, reg.options());
  int64_t positives = 0;
  for (int64_t b = 0; b < batch; ++b) {
    const Target& t = targets[b];
    const bool empty = !t.boxes.defined() || t.boxes.numel() == 0;
    if (empty) continue;
    at::Tensor boxes = t.boxes.to(at::kCPU, at::kFloat);
    if (boxes.dim() != 2 || boxes.size(1) != 4)
      throw Error("(ssd loss) image " + std::to_string(b) + ": boxes must be [N, 4], got " +
                  sizes_text(boxes));
    at::Tensor labels = t.labels.defined() ? t.labels.to(at::kCPU, at::kLong) : at::Tensor();
    if (!labels.defined() || labels.dim() != 1 || labels.size(0) != boxes.size(0))
      throw Error("(ssd loss) image " + std::to_string(b) + ": labels must be [" +
                  std::to_string(boxes.size(0)) + "], got " + sizes_text(labels));
    if (labels.min().item<int64_t>() < 0 || labels.max().item<int64_t>() >= columns - 1)
      throw Error("(ssd loss) image " + std::to_string(b) + ": label out of range 0.." +
                  std::to_string(columns - 2) + " (min " +
                  std::to_string(labels.min().item<int64_t>()) + ", max " +
                  std::to_string(labels.max().item<int64_t>()) + ")");

    at::Tensor matches = match_priors(boxes, priors_cpu, o.iou_threshold);
    at::Tensor fg = at::nonzero(matches >= 0).squeeze(1);
    if (fg.numel() == 0) continue;
    at::Tensor gt_index = matches.index_select(0, fg);
    conf_targets[b].index_put_({fg}, labels.index_select(0, gt_index) + 1);
    at::Tensor target = encode_boxes(boxes.index_select(0, gt_index),
                                     priors_cpu.index_select(0, fg), o.variances)
                            .to(reg.device(), reg.scalar_type());
    at::Tensor predicted = reg[b].index_select(0, fg.to(reg.device()));
    loc = loc + at::smooth_l1_loss(predicted, target, at::Reduction::Sum, /*beta=*/1.0);
    positives += fg.numel();
  }

  conf_targets = conf_targets.to(cls.device());
  // Cross-entropy per prior: -log softmax at the target column.
  at::Tensor ce = -at::log_softmax(cls, -1).gather(-1, conf_targets.unsqueeze(-1)).squeeze(-1);
  at::Tensor positive = conf_targets > 0;
  at::Tensor negative = hard_negative_mask(ce, positive, o.neg_pos_ratio);
  const double n = static_cast<double>(std::max<int64_t>(1, positives));
  MultiboxLoss out;
  out.loc = loc / n;
  out.conf = (ce.masked_select(positive).sum() + ce.masked_select(negative).sum()) / n;
  out.total = out.loc + out.conf;
  out.positives = positives;
  return out;
}

}  // namespace whittle
