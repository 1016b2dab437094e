#include "eval/detection_agreement.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

#include "eval/voc_ap.h"
#include "graph/error.h"

namespace whittle {
namespace {

void check_threshold(double iou_threshold) {
  if (!(iou_threshold > 0 && iou_threshold <= 1))
    throw Error("detection agreement: the IoU threshold must be in (0, 1], got " +
                std::to_string(iou_threshold));
}

// Greedy matching of n x m candidates: iou(i, j) for same-class pairs, < 0 otherwise.
template <class Iou, class Score>
DetectionAgreement match(size_t n, size_t m, double iou_threshold, Iou&& iou, Score&& score_diff) {
  std::vector<std::tuple<double, size_t, size_t>> pairs;
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j < m; ++j) {
      const double v = iou(i, j);
      if (v >= iou_threshold) pairs.emplace_back(v, i, j);
    }
  std::stable_sort(pairs.begin(), pairs.end(),
                   [](const auto& x, const auto& y) { return std::get<0>(x) > std::get<0>(y); });
  std::vector<char> used_a(n, 0), used_b(m, 0);
  DetectionAgreement r;
  for (const auto& [v, i, j] : pairs) {
    if (used_a[i] || used_b[j]) continue;
    used_a[i] = used_b[j] = 1;
    ++r.matched;
    r.sum_iou += v;
    r.max_score_diff = std::max(r.max_score_diff, score_diff(i, j));
  }
  r.only_a = static_cast<int>(n) - r.matched;
  r.only_b = static_cast<int>(m) - r.matched;
  return r;
}

}  // namespace

double DetectionAgreement::ratio() const {
  const int most = std::max(count_a(), count_b());
  return most > 0 ? static_cast<double>(matched) / most : 1.0;
}

double DetectionAgreement::mean_iou() const { return matched > 0 ? sum_iou / matched : 1.0; }

DetectionAgreement& DetectionAgreement::operator+=(const DetectionAgreement& o) {
  matched += o.matched;
  only_a += o.only_a;
  only_b += o.only_b;
  sum_iou += o.sum_iou;
  max_score_diff = std::max(max_score_diff, o.max_score_diff);
  return *this;
}

double box_iou(const ScoredBox& a, const ScoredBox& b) {
  const double iw = std::min(a.x2, b.x2) - std::max(a.x1, b.x1);
  const double ih = std::min(a.y2, b.y2) - std::max(a.y1, b.y1);
  if (!(iw > 0 && ih > 0)) return 0.0;
  const double inter = iw * ih;
  const double area_a = static_cast<double>(a.x2 - a.x1) * (a.y2 - a.y1);
  const double area_b = static_cast<double>(b.x2 - b.x1) * (b.y2 - b.y1);
  const double uni = area_a + area_b - inter;
  return uni > 0 ? inter / uni : 0.0;
}

DetectionAgreement detection_agreement(const std::vector<ScoredBox>& a, const std::vector<ScoredBox>& b,
                                       double iou_threshold) {
  check_threshold(iou_threshold);
  return match(
      a.size(), b.size(), iou_threshold,
      [&](size_t i, size_t j) { return a[i].label == b[j].label ? box_iou(a[i], b[j]) : -1.0; },
      [&](size_t i, size_t j) { return std::fabs(static_cast<double>(a[i].score) - b[j].score); });
}

DetectionAgreement detection_agreement(const std::vector<Detection>& a, const std::vector<Detection>& b,
                                       double iou_threshold) {
  check_threshold(iou_threshold);
  std::map<std::string, std::pair<std::vector<const Detection*>, std::vector<const Detection*>>> by_image;
  for (const auto& d : a) by_image[d.image_id].first.push_back(&d);
  for (const auto& d : b) by_image[d.image_id].second.push_back(&d);
  DetectionAgreement total;
  for (const auto& [id, lists] : by_image) {
    const auto& [da, db] = lists;
    total += match(
        da.size(), db.size(), iou_threshold,
        [&](size_t i, size_t j) { return da[i]->label == db[j]->label ? voc_iou(da[i]->box, db[j]->box) : -1.0; },
        [&](size_t i, size_t j) { return std::fabs(static_cast<double>(da[i]->score) - db[j]->score); });
  }
  return total;
}

}  // namespace whittle
