#include "data/augment.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>

#include "graph/error.h"

namespace whittle {

// ---- conversions ------------------------------------------------------------

BoxF from_voc_box(const Box& box) {
  return {box.xmin - 1.0f, box.ymin - 1.0f, box.xmax, box.ymax};
}

Box to_voc_box(const BoxF& box) {
  Box b;
  b.xmin = box[0] + 1.0f;
  b.ymin = box[1] + 1.0f;
  b.xmax = box[2];
  b.ymax = box[3];
  return b;
}

AnnotatedImage make_annotated_image(const ImageRecord& record, cv::Mat image) {
  if (image.empty() || image.type() != CV_8UC3)
    throw Error(record.image_path + ": expected a decoded 8-bit 3-channel image");
  AnnotatedImage sample;
  sample.image = std::move(image);
  const float w = static_cast<float>(sample.image.cols), h = static_cast<float>(sample.image.rows);
  for (const Object& object : record.objects) {
    BoxF b = from_voc_box(object.box);
    b[0] = std::clamp(b[0], 0.0f, w);
    b[2] = std::clamp(b[2], 0.0f, w);
    b[1] = std::clamp(b[1], 0.0f, h);
    b[3] = std::clamp(b[3], 0.0f, h);
    if (!(b[2] > b[0] && b[3] > b[1])) continue;  // annotated entirely outside the image
    sample.boxes.push_back(b);
    sample.labels.push_back(object.label);
    sample.difficult.push_back(object.difficult ? 1 : 0);
  }
  return sample;
}

// ---- random draws -------------------------------------------------------------

double uniform01(std::mt19937_64& rng) {
  return static_cast<double>(rng() >> 11) * (1.0 / 9007199254740992.0);  // 53 bits / 2^53
}

float uniform(std::mt19937_64& rng, float lo, float hi) {
  const double u = uniform01(rng);
  float r = static_cast<float>(lo + (static_cast<double>(hi) - lo) * u);
  if (r >= hi && hi > lo) r = std::nextafter(hi, lo);  // keep [lo, hi) after float rounding
  return r;
}

int uniform_index(std::mt19937_64& rng, int n) {
  if (n <= 1) {
    rng();  // one draw whatever n is, so later draws do not shift
    return 0;
  }
  return std::min(static_cast<int>(uniform01(rng) * n), n - 1);
}

bool bernoulli(std::mt19937_64& rng, double p) { return uniform01(rng) < p; }

uint64_t mix_seed(uint64_t a, uint64_t b) {
  auto splitmix = [](uint64_t z) {
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  };
  return splitmix(a ^ splitmix(b));
}

// ---- geometric ops --------------------------------------------------------------

float box_iou(const BoxF& a, const BoxF& b) {
  const float iw = std::min(a[2], b[2]) - std::max(a[0], b[0]);
  const float ih = std::min(a[3], b[3]) - std::max(a[1], b[1]);
  if (iw <= 0 || ih <= 0) return 0.0f;
  const float inter = iw * ih;
  const float uni = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter;
  return uni > 0 ? inter / uni : 0.0f;
}

namespace {

// Keeps the boxes (with their labels and difficult flags) for which
// keep(box) is true; keep may adjust the box it keeps.
template <typename Keep>
void keep_boxes(AnnotatedImage& sample, Keep keep) {
  size_t kept = 0;
  for (size_t i = 0; i < sample.boxes.size(); ++i) {
    BoxF b = sample.boxes[i];
    if (!keep(b)) continue;
    sample.boxes[kept] = b;
    sample.labels[kept] = sample.labels[i];
    sample.difficult[kept] = sample.difficult[i];
    ++kept;
  }
  sample.boxes.resize(kept);
  sample.labels.resize(kept);
  sample.difficult.resize(kept);
}

// The box half of crop_image: keep boxes whose centres lie strictly inside
// rect, clip them to it and make them relative to its corner.
void crop_boxes(AnnotatedImage& sample, const cv::Rect& rect) {
  const float x0 = static_cast<float>(rect.x), y0 = static_cast<float>(rect.y);
  const float x1 = x0 + rect.width, y1 = y0 + rect.height;
  keep_boxes(sample, [&](BoxF& b) {
    const float cx = 0.5f * (b[0] + b[2]), cy = 0.5f * (b[1] + b[3]);
    if (!(cx > x0 && cx < x1 && cy > y0 && cy < y1)) return false;
    b = {std::max(b[0], x0) - x0, std::max(b[1], y0) - y0, std::min(b[2], x1) - x0,
         std::min(b[3], y1) - y0};
    return true;
  });
}

void flip_boxes(std::vector<BoxF>& boxes, int width) {
  const float w = static_cast<float>(width);
  for (BoxF& b : boxes) {
    const float x1 = w - b[2], x2 = w - b[0];
    b[0] = x1;
    b[2] = x2;
  }
}

void scale_boxes(std::vector<BoxF>& boxes, float sx, float sy) {
  for (BoxF& b : boxes) {
    b[0] *= sx;
    b[2] *= sx;
    b[1] *= sy;
    b[3] *= sy;
  }
}

void shift_boxes(std::vector<BoxF>& boxes, int dx, int dy) {
  for (BoxF& b : boxes) {
    b[0] += dx;
    b[2] += dx;
    b[1] += dy;
    b[3] += dy;
  }
}

}  // namespace

void expand_image(AnnotatedImage& sample, int canvas_w, int canvas_h, int left, int top,
                  const cv::Scalar& fill) {
  const cv::Mat& src = sample.image;
  if (left < 0 || top < 0 || left + src.cols > canvas_w || top + src.rows > canvas_h)
    throw Error("expand_image: image " + std::to_string(src.cols) + "x" + std::to_string(src.rows) +
                " at (" + std::to_string(left) + ", " + std::to_string(top) + ") does not fit a " +
                std::to_string(canvas_w) + "x" + std::to_string(canvas_h) + " canvas");
  cv::Mat canvas(canvas_h, canvas_w, src.type(), fill);
  src.copyTo(canvas(cv::Rect(left, top, src.cols, src.rows)));
  sample.image = canvas;
  shift_boxes(sample.boxes, left, top);
}

void crop_image(AnnotatedImage& sample, const cv::Rect& rect) {
  const cv::Rect bounds(0, 0, sample.image.cols, sample.image.rows);
  if (rect.width <= 0 || rect.height <= 0 || (rect & bounds) != rect)
    throw Error("crop_image: rectangle (" + std::to_string(rect.x) + ", " + std::to_string(rect.y) +
                ", " + std::to_string(rect.width) + "x" + std::to_string(rect.height) +
                ") is not inside the " + std::to_string(bounds.width) + "x" +
                std::to_string(bounds.height) + " image");
  crop_boxes(sample, rect);
  sample.image = sample.image(rect);
}

void hflip_image(AnnotatedImage& sample) {
  cv::Mat out;  // never in place: the pixels may be shared with the caller's input
  cv::flip(sample.image, out, 1);
  flip_boxes(sample.boxes, sample.image.cols);
  sample.image = out;
}

void resize_image(AnnotatedImage& sample, int width, int height) {
  const float sx = static_cast<float>(width) / sample.image.cols;
  const float sy = static_cast<float>(height) / sample.image.rows;
  cv::Mat out;
  cv::resize(sample.image, out, cv::Size(width, height), 0, 0, cv::INTER_LINEAR);
  sample.image = out;
  scale_boxes(sample.boxes, sx, sy);
}

void sanitize_boxes(AnnotatedImage& sample, float min_side) {
  const float w = static_cast<float>(sample.image.cols), h = static_cast<float>(sample.image.rows);
  keep_boxes(sample, [&](BoxF& b) {
    b[0] = std::clamp(b[0], 0.0f, w);
    b[2] = std::clamp(b[2], 0.0f, w);
    b[1] = std::clamp(b[1], 0.0f, h);
    b[3] = std::clamp(b[3], 0.0f, h);
    const float bw = b[2] - b[0], bh = b[3] - b[1];
    return bw > 0 && bh > 0 && bw >= min_side && bh >= min_side;
  });
}

// ---- random versions ---------------------------------------------------------------
// Each draws its parameters first (draw_*), then applies the op; augment_ssd
// makes the same draws in the same order and applies them fused, so the
// step-by-step ops are its reference (tested).

namespace {

struct ExpandDraw {
  bool apply = false;
  int canvas_w = 0, canvas_h = 0, left = 0, top = 0;
};

ExpandDraw draw_expand(std::mt19937_64& rng, int w, int h, const SsdAugmentOptions& options) {
  ExpandDraw d;
  if (!bernoulli(rng, options.expand_prob)) return d;
  const float ratio = uniform(rng, 1.0f, std::max(1.0f, options.max_expand_ratio));
  d.apply = true;
  d.canvas_w = std::max(w, static_cast<int>(w * ratio));
  d.canvas_h = std::max(h, static_cast<int>(h * ratio));
  d.left = static_cast<int>(uniform(rng, 0.0f, static_cast<float>(d.canvas_w - w)));
  d.top = static_cast<int>(uniform(rng, 0.0f, static_cast<float>(d.canvas_h - h)));
  return d;
}

// The patch to keep, or nothing (the whole image). boxes: non-empty.
std::optional<cv::Rect> draw_iou_crop(std::mt19937_64& rng, const std::vector<BoxF>& boxes, int width,
                                      int height, const SsdAugmentOptions& options) {
  // 0: whole image; 1: any patch (min IoU 0); then the paper's thresholds.
  static const float kMinIou[] = {-1.0f, 0.0f, 0.1f, 0.3f, 0.5f, 0.7f, 0.9f};
  constexpr int kChoices = static_cast<int>(sizeof(kMinIou) / sizeof(kMinIou[0]));
  const float w = static_cast<float>(width), h = static_cast<float>(height);
  for (int round = 0; round < 64; ++round) {
    const int choice = uniform_index(rng, kChoices);
    if (choice == 0) return std::nullopt;
    const float min_iou = kMinIou[choice];
    for (int trial = 0; trial < options.crop_trials; ++trial) {
      const float cw = uniform(rng, options.crop_min_scale * w, options.crop_max_scale * w);
      const float ch = uniform(rng, options.crop_min_scale * h, options.crop_max_scale * h);
      const float left = uniform(rng, 0.0f, std::max(0.0f, w - cw));
      const float top = uniform(rng, 0.0f, std::max(0.0f, h - ch));
      if (ch <= 0 || cw / ch < options.crop_min_aspect || cw / ch > options.crop_max_aspect) continue;
      // Integer corners, as ssd.pytorch: int(left), int(left + w).
      const int x0 = static_cast<int>(left), y0 = static_cast<int>(top);
      const int x1 = std::min(static_cast<int>(left + cw), width);
      const int y1 = std::min(static_cast<int>(top + ch), height);
      if (x1 <= x0 || y1 <= y0) continue;
      const BoxF patch{static_cast<float>(x0), static_cast<float>(y0), static_cast<float>(x1),
                       static_cast<float>(y1)};
      bool any_kept = false;
      float best_iou = 0.0f;
      for (const BoxF& b : boxes) {
        const float cx = 0.5f * (b[0] + b[2]), cy = 0.5f * (b[1] + b[3]);
        if (!(cx > patch[0] && cx < patch[2] && cy > patch[1] && cy < patch[3])) continue;
        any_kept = true;
        best_iou = std::max(best_iou, box_iou(b, patch));
      }
      if (!any_kept || best_iou < min_iou) continue;
      return cv::Rect(x0, y0, x1 - x0, y1 - y0);
    }
  }
  return std::nullopt;
}

}  // namespace

void random_expand(AnnotatedImage& sample, std::mt19937_64& rng, const SsdAugmentOptions& options) {
  const ExpandDraw d = draw_expand(rng, sample.image.cols, sample.image.rows, options);
  if (d.apply) expand_image(sample, d.canvas_w, d.canvas_h, d.left, d.top, options.mean_bgr);
}

void random_iou_crop(AnnotatedImage& sample, std::mt19937_64& rng, const SsdAugmentOptions& options) {
  if (sample.boxes.empty()) return;
  if (auto rect = draw_iou_crop(rng, sample.boxes, sample.image.cols, sample.image.rows, options))
    crop_image(sample, *rect);
}

void random_hflip(AnnotatedImage& sample, std::mt19937_64& rng, const SsdAugmentOptions& options) {
  if (bernoulli(rng, options.flip_prob)) hflip_image(sample);
}

AnnotatedImage augment_ssd(const AnnotatedImage& input, int size, std::mt19937_64& rng,
                           const SsdAugmentOptions& options) {
  if (input.image.empty() || input.image.type() != CV_8UC3)
    throw Error("augment_ssd: expected a non-empty CV_8UC3 BGR image");
  if (input.labels.size() != input.boxes.size() || input.difficult.size() != input.boxes.size())
    throw Error("augment_ssd: boxes, labels and difficult flags differ in count");
  if (size <= 0) throw Error("augment_ssd: output size must be positive");
  // A shallow copy: photometric_distort writes a new buffer, so the input's
  // pixels are never modified.
  AnnotatedImage sample = input;
  if (options.photometric) photometric_distort(sample.image, rng, options.photometric_options);

  // Draw expand, crop and flip on the virtual canvas (boxes move, pixels don't) ...
  const int w = sample.image.cols, h = sample.image.rows;
  ExpandDraw expand;
  if (options.expand) expand = draw_expand(rng, w, h, options);
  const int canvas_w = expand.apply ? expand.canvas_w : w, canvas_h = expand.apply ? expand.canvas_h : h;
  shift_boxes(sample.boxes, expand.left, expand.top);
  cv::Rect crop(0, 0, canvas_w, canvas_h);
  if (options.crop && !sample.boxes.empty()) {
    if (auto rect = draw_iou_crop(rng, sample.boxes, canvas_w, canvas_h, options)) {
      crop = *rect;
      crop_boxes(sample, crop);
    }
  }
  const bool flip = options.flip && bernoulli(rng, options.flip_prob);
  if (flip) flip_boxes(sample.boxes, crop.width);
  scale_boxes(sample.boxes, static_cast<float>(size) / crop.width, static_cast<float>(size) / crop.height);

  // ... then make the output in one bilinear warp from the (photometric)
  // image: output pixel u samples the crop at (u + 0.5) * crop_w / size - 0.5
  // (cv::resize's pixel-centre rule; mirrored when flipping), moved into the
  // image by the expand offset. Outside the image is the expand fill; the big
  // canvas is never allocated (bench_loader, 500x375 JPEGs: expand + crop +
  // flip + resize took 3.4 ms per image step by step, 0.3 ms fused).
  const double sx = static_cast<double>(crop.width) / size, sy = static_cast<double>(crop.height) / size;
  const double x_offset = crop.x - expand.left - 0.5, y_offset = crop.y - expand.top - 0.5;
  cv::Matx23d m = flip ? cv::Matx23d(-sx, 0, (size - 0.5) * sx + x_offset, 0, sy, 0.5 * sy + y_offset)
                       : cv::Matx23d(sx, 0, 0.5 * sx + x_offset, 0, sy, 0.5 * sy + y_offset);
  cv::Mat out;
  cv::warpAffine(sample.image, out, m, cv::Size(size, size), cv::INTER_LINEAR | cv::WARP_INVERSE_MAP,
                 expand.apply ? cv::BORDER_CONSTANT : cv::BORDER_REPLICATE, options.mean_bgr);
  sample.image = out;
  sanitize_boxes(sample, options.min_box_side);
  return sample;
}

}  // namespace whittle
