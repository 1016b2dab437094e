#include "eval/disagreement.h"

#include <algorithm>
#include <numeric>

namespace whittle {

std::vector<ScoredBox> detections_at_score(const std::vector<ScoredBox>& detections, double min_score) {
  std::vector<ScoredBox> kept;
  for (const ScoredBox& d : detections)
    if (static_cast<double>(d.score) >= min_score) kept.push_back(d);
  return kept;
}

std::vector<ScoredBox> map_detection_labels(const std::vector<ScoredBox>& detections,
                                            const std::vector<int>& label_map) {
  std::vector<ScoredBox> mapped;
  mapped.reserve(detections.size());
  for (ScoredBox d : detections) {
    if (d.label < 0 || d.label >= static_cast<int>(label_map.size())) continue;
    const int label = label_map[static_cast<size_t>(d.label)];
    if (label < 0) continue;
    d.label = label;
    mapped.push_back(d);
  }
  return mapped;
}

Disagreement disagreement(const DetectionAgreement& agreement) {
  Disagreement d;
  d.unmatched = agreement.only_a + agreement.only_b;
  d.iou_gap = agreement.matched > 0 ? 1.0 - agreement.mean_iou() : 0.0;
  return d;
}

bool disagrees_more(const DetectionAgreement& a, const DetectionAgreement& b) {
  const Disagreement da = disagreement(a), db = disagreement(b);
  if (da.unmatched != db.unmatched) return da.unmatched > db.unmatched;
  return da.iou_gap > db.iou_gap;
}

std::vector<int> disagreement_order(const std::vector<DetectionAgreement>& per_image) {
  std::vector<int> order(per_image.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int i, int j) {
    return disagrees_more(per_image[static_cast<size_t>(i)], per_image[static_cast<size_t>(j)]);
  });
  return order;
}

}  // namespace whittle
