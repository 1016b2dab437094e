#include "eval/voc_ap.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <unordered_map>

#include "eval/coco_ap.h"
#include "graph/error.h"

namespace whittle {

ApMetric parse_ap_metric(const std::string& text) {
  if (text == "voc07") return ApMetric::Voc07;
  if (text == "voc12") return ApMetric::Voc12;
  if (text == "coco") return ApMetric::Coco;
  throw Error("unknown AP metric '" + text + "' (expected voc07, voc12 or coco)");
}

std::string ap_metric_name(ApMetric metric) {
  switch (metric) {
    case ApMetric::Voc07: return "voc07";
    case ApMetric::Voc12: return "voc12";
    case ApMetric::Coco: return "coco";
  }
  return "?";
}

std::vector<int> detection_image_indices(const Dataset& gt, const std::vector<Detection>& dets) {
  const int num_classes = static_cast<int>(gt.classes.size());
  std::unordered_map<std::string, int> index;
  index.reserve(gt.images.size() * 2);
  for (size_t i = 0; i < gt.images.size(); ++i) {
    const ImageRecord& image = gt.images[i];
    if (!index.emplace(image.id, static_cast<int>(i)).second)
      throw Error("evaluation: duplicate image id '" + image.id + "' in the ground truth");
    for (const Object& object : image.objects)
      if (object.label < 0 || object.label >= num_classes)
        throw Error("evaluation: image '" + image.id + "': object '" + object.name + "' has label " +
                    std::to_string(object.label) + ", out of range for " +
                    std::to_string(num_classes) + " classes");
  }
  std::vector<int> image_of(dets.size());
  for (size_t d = 0; d < dets.size(); ++d) {
    const Detection& det = dets[d];
    auto it = index.find(det.image_id);
    if (it == index.end())
      throw Error("evaluation: detection " + std::to_string(d) + ": unrecognized image '" +
                  det.image_id + "' (not in the ground truth)");
    if (det.label < 0 || det.label >= num_classes)
      throw Error("evaluation: detection " + std::to_string(d) + " on image '" + det.image_id +
                  "': label " + std::to_string(det.label) + " out of range for " +
                  std::to_string(num_classes) + " classes");
    if (!std::isfinite(det.score))
      throw Error("evaluation: detection " + std::to_string(d) + " on image '" + det.image_id +
                  "': score is not finite");
    image_of[d] = it->second;
  }
  return image_of;
}

double voc_iou(const Box& a, const Box& b) {
  // voc_eval.py: iw = max(min(x2) - max(x1) + 1, 0), area = (x2-x1+1)*(y2-y1+1)
  const double iw = std::min<double>(a.xmax, b.xmax) - std::max<double>(a.xmin, b.xmin) + 1.0;
  const double ih = std::min<double>(a.ymax, b.ymax) - std::max<double>(a.ymin, b.ymin) + 1.0;
  if (iw <= 0 || ih <= 0) return 0.0;
  const double inter = iw * ih;
  const double uni = (double(a.xmax) - a.xmin + 1.0) * (double(a.ymax) - a.ymin + 1.0) +
                     (double(b.xmax) - b.xmin + 1.0) * (double(b.ymax) - b.ymin + 1.0) - inter;
  return inter / uni;
}

double voc07_ap(const PrCurve& curve) {
  double ap = 0;
  for (int i = 0; i <= 10; ++i) {
    const double t = i * 0.1;  // np.arange(0., 1.1, 0.1): start + i * step
    double p = 0;  // max precision at recall >= t; 0 when recall never reaches t
    for (size_t k = 0; k < curve.recall.size(); ++k)
      if (curve.recall[k] >= t) p = std::max(p, curve.precision[k]);
    ap += p / 11.0;
  }
  return ap;
}

double voc12_ap(const PrCurve& curve) {
  // mrec = [0, rec, 1], mpre = [0, prec, 0]; mpre[i-1] = max(mpre[i-1], mpre[i])
  // back to front; ap = sum over recall changes of (mrec[i+1]-mrec[i]) * mpre[i+1].
  std::vector<double> mrec, mpre;
  mrec.reserve(curve.recall.size() + 2);
  mpre.reserve(curve.recall.size() + 2);
  mrec.push_back(0.0);
  mpre.push_back(0.0);
  mrec.insert(mrec.end(), curve.recall.begin(), curve.recall.end());
  mpre.insert(mpre.end(), curve.precision.begin(), curve.precision.end());
  mrec.push_back(1.0);
  mpre.push_back(0.0);
  for (size_t i = mpre.size() - 1; i > 0; --i) mpre[i - 1] = std::max(mpre[i - 1], mpre[i]);
  double ap = 0;
  for (size_t i = 0; i + 1 < mrec.size(); ++i)
    if (mrec[i + 1] != mrec[i]) ap += (mrec[i + 1] - mrec[i]) * mpre[i + 1];
  return ap;
}

namespace {

MapResult evaluate_voc(const Dataset& gt, const std::vector<Detection>& dets, bool use_07) {
  const std::vector<int> image_of = detection_image_indices(gt, dets);
  const size_t num_classes = gt.classes.size();

  std::vector<std::vector<int>> by_class(num_classes);  // detection indices, input order
  for (size_t d = 0; d < dets.size(); ++d) by_class[dets[d].label].push_back(static_cast<int>(d));
  std::vector<int> npos(num_classes, 0);
  for (const ImageRecord& image : gt.images)
    for (const Object& object : image.objects)
      if (!object.difficult) ++npos[object.label];
  // "det" flags of the devkit, one per gt object; each object belongs to one
  // class, so they never need resetting between classes.
  std::vector<std::vector<char>> detected(gt.images.size());
  for (size_t i = 0; i < gt.images.size(); ++i) detected[i].assign(gt.images[i].objects.size(), 0);

  MapResult result;
  result.metric = use_07 ? "voc07" : "voc12";
  double sum = 0;
  int counted = 0;
  constexpr double kEps = std::numeric_limits<double>::epsilon();
  for (size_t c = 0; c < num_classes; ++c) {
    std::vector<int>& order = by_class[c];
    // Stable: equal scores keep input (results-file) order, as MATLAB's sort.
    std::stable_sort(order.begin(), order.end(),
                     [&](int a, int b) { return dets[a].score > dets[b].score; });
    ClassAp cls;
    cls.name = gt.classes[c];
    cls.num_gt = npos[c];
    cls.num_det = static_cast<int>(order.size());
    double tp = 0, fp = 0;
    if (npos[c] > 0) {
      cls.curve.recall.reserve(order.size());
      cls.curve.precision.reserve(order.size());
    }
    for (int d : order) {
      const int i = image_of[d];
      const auto& objects = gt.images[i].objects;
      double ovmax = -std::numeric_limits<double>::infinity();
      int jmax = -1;
      for (size_t j = 0; j < objects.size(); ++j) {
        if (objects[j].label != static_cast<int>(c)) continue;
        const double ov = voc_iou(dets[d].box, objects[j].box);
        if (ov > ovmax) {  // first gt wins ties (np.argmax)
          ovmax = ov;
          jmax = static_cast<int>(j);
        }
      }
      if (ovmax > 0.5) {
        if (!objects[jmax].difficult) {
          if (!detected[i][jmax]) {
            tp += 1;
            detected[i][jmax] = 1;
          } else {
            fp += 1;  // duplicate detection
          }
        }  // difficult: neither TP nor FP
      } else {
        fp += 1;
      }
      if (npos[c] > 0) {
        cls.curve.recall.push_back(tp / npos[c]);
        cls.curve.precision.push_back(tp / std::max(tp + fp, kEps));
      }
    }
    if (npos[c] > 0) {
      cls.ap = use_07 ? voc07_ap(cls.curve) : voc12_ap(cls.curve);
      sum += cls.ap;
      ++counted;
    } else {
      cls.ap = std::numeric_limits<double>::quiet_NaN();
    }
    result.classes.push_back(std::move(cls));
  }
  result.map = counted ? sum / counted : std::numeric_limits<double>::quiet_NaN();
  return result;
}

}  // namespace

MapResult evaluate_detections(const Dataset& gt, const std::vector<Detection>& dets,
                              ApMetric metric) {
  switch (metric) {
    case ApMetric::Voc07: return evaluate_voc(gt, dets, true);
    case ApMetric::Voc12: return evaluate_voc(gt, dets, false);
    case ApMetric::Coco: return evaluate_coco(gt, dets);
  }
  throw Error("evaluation: unknown metric");
}

}  // namespace whittle
