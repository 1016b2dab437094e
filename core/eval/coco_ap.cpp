#include "eval/coco_ap.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "graph/error.h"

namespace whittle {

double coco_iou(const Box& a, const Box& b) {
  // VOC 1-based inclusive -> continuous: [x1 - 1, x2]; IoU without the +1.
  const double ax1 = double(a.xmin) - 1, ay1 = double(a.ymin) - 1, ax2 = a.xmax, ay2 = a.ymax;
  const double bx1 = double(b.xmin) - 1, by1 = double(b.ymin) - 1, bx2 = b.xmax, by2 = b.ymax;
  const double iw = std::min(ax2, bx2) - std::max(ax1, bx1);
  const double ih = std::min(ay2, by2) - std::max(ay1, by1);
  if (iw <= 0 || ih <= 0) return 0.0;
  const double inter = iw * ih;
  const double uni = (ax2 - ax1) * (ay2 - ay1) + (bx2 - bx1) * (by2 - by1) - inter;
  return uni > 0 ? inter / uni : 0.0;
}

namespace {

constexpr int kThresholds = 10;  // IoU 0.50, 0.55, ..., 0.95
constexpr int kRecallPoints = 101;

double iou_threshold(int t) { return (50 + 5 * t) / 100.0; }

// One kept detection of a class after per-image matching.
struct Scored {
  float score;
  std::array<bool, kThresholds> matched;  // matched to some gt at threshold t
  std::array<bool, kThresholds> ignored;  // matched to an ignored (difficult) gt
};

}  // namespace

MapResult evaluate_coco(const Dataset& gt, const std::vector<Detection>& dets,
                        const CocoOptions& options) {
  if (options.max_dets <= 0) throw Error("COCO evaluation: max_dets must be positive");
  const std::vector<int> image_of = detection_image_indices(gt, dets);
  const size_t num_classes = gt.classes.size();
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  constexpr double kEps = std::numeric_limits<double>::epsilon();

  // Detections per class, grouped by image in data-set order, input order
  // within an image (stable sort on the image index).
  std::vector<std::vector<int>> by_class(num_classes);
  for (size_t d = 0; d < dets.size(); ++d) by_class[dets[d].label].push_back(static_cast<int>(d));

  MapResult result;
  result.metric = "coco";
  double sum = 0, sum50 = 0, sum75 = 0;
  int counted = 0;
  std::vector<int> gts;            // gt object indices of the image, non-ignored first
  std::vector<double> ious;        // [det][gt]
  std::vector<char> gt_matched;    // [t][gt]
  for (size_t c = 0; c < num_classes; ++c) {
    const int label = static_cast<int>(c);
    std::vector<int>& list = by_class[c];
    std::stable_sort(list.begin(), list.end(),
                     [&](int a, int b) { return image_of[a] < image_of[b]; });
    ClassAp cls;
    cls.name = gt.classes[c];
    cls.num_det = static_cast<int>(list.size());
    for (const ImageRecord& image : gt.images)
      for (const Object& object : image.objects)
        if (object.label == label && !object.difficult) ++cls.num_gt;

    std::vector<Scored> kept;
    kept.reserve(list.size());
    size_t begin = 0;
    while (begin < list.size()) {
      const int i = image_of[list[begin]];
      size_t end = begin;
      while (end < list.size() && image_of[list[end]] == i) ++end;
      // This image's detections: by score (stable), top max_dets.
      std::stable_sort(list.begin() + begin, list.begin() + end,
                       [&](int a, int b) { return dets[a].score > dets[b].score; });
      const size_t nd = std::min<size_t>(end - begin, options.max_dets);
      const auto& objects = gt.images[i].objects;
      gts.clear();
      for (int pass = 0; pass < 2; ++pass)  // non-ignored gts first, then ignored
        for (size_t j = 0; j < objects.size(); ++j)
          if (objects[j].label == label && objects[j].difficult == (pass == 1))
            gts.push_back(static_cast<int>(j));
      const size_t ng = gts.size();
      ious.assign(nd * ng, 0.0);
      for (size_t d = 0; d < nd; ++d)
        for (size_t g = 0; g < ng; ++g)
          ious[d * ng + g] = coco_iou(dets[list[begin + d]].box, objects[gts[g]].box);
      gt_matched.assign(kThresholds * ng, 0);
      for (size_t d = 0; d < nd; ++d) {
        Scored s;
        s.score = dets[list[begin + d]].score;
        for (int t = 0; t < kThresholds; ++t) {
          // COCOeval.evaluateImg: best IoU >= threshold among unmatched gts
          // (ignored gts may be matched again); stop at the ignored gts once
          // a non-ignored one matched; later gts win IoU ties.
          double best = std::min(iou_threshold(t), 1 - 1e-10);
          int m = -1;
          for (size_t g = 0; g < ng; ++g) {
            const bool ignored = objects[gts[g]].difficult;
            if (gt_matched[t * ng + g] && !ignored) continue;
            if (m > -1 && !objects[gts[m]].difficult && ignored) break;
            if (ious[d * ng + g] < best) continue;
            best = ious[d * ng + g];
            m = static_cast<int>(g);
          }
          s.matched[t] = m > -1;
          s.ignored[t] = m > -1 && objects[gts[m]].difficult;
          if (m > -1) gt_matched[t * ng + m] = 1;
        }
        kept.push_back(s);
      }
      begin = end;
    }

    if (cls.num_gt == 0) {
      cls.ap = kNaN;
      result.classes.push_back(std::move(cls));
      continue;
    }
    // COCOeval.accumulate: rank all kept detections of the class by score
    // (stable), cumulate TP/FP per threshold, 101-point interpolation.
    std::stable_sort(kept.begin(), kept.end(),
                     [](const Scored& a, const Scored& b) { return a.score > b.score; });
    const size_t nd = kept.size();
    std::array<double, kThresholds> ap_t{};
    std::vector<double> rc(nd), pr(nd);
    for (int t = 0; t < kThresholds; ++t) {
      double tp = 0, fp = 0;
      for (size_t k = 0; k < nd; ++k) {
        if (!kept[k].ignored[t]) (kept[k].matched[t] ? tp : fp) += 1;
        rc[k] = tp / cls.num_gt;
        pr[k] = tp / std::max(tp + fp, kEps);
      }
      if (t == 0) cls.curve = PrCurve{rc, pr};
      for (size_t k = nd; k-- > 1;) pr[k - 1] = std::max(pr[k - 1], pr[k]);  // envelope
      double q_sum = 0;
      for (int r = 0; r < kRecallPoints; ++r) {
        const double recall = r / 100.0;
        const size_t k = std::lower_bound(rc.begin(), rc.end(), recall) - rc.begin();
        if (k == nd) break;  // recall never reached: precision 0 from here on
        q_sum += pr[k];
      }
      ap_t[t] = q_sum / kRecallPoints;
    }
    double ap = 0;
    for (double v : ap_t) ap += v;
    cls.ap = ap / kThresholds;
    sum += cls.ap;
    sum50 += ap_t[0];
    sum75 += ap_t[5];
    ++counted;
    result.classes.push_back(std::move(cls));
  }
  result.map = counted ? sum / counted : kNaN;
  result.ap50 = counted ? sum50 / counted : kNaN;
  result.ap75 = counted ? sum75 / counted : kNaN;
  return result;
}

}  // namespace whittle
