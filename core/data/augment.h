#pragma once
// Image + box transforms for detector training, on OpenCV images.
//
// Images are cv::Mat CV_8UC3 in BGR order, as cv::imread gives them.
// Boxes are float [x1, y1, x2, y2] in 0-based *continuous* pixel coordinates
// of the image they belong to: the image covers [0, width] x [0, height] and
// a box's width is x2 - x1. From the VOC convention (1-based, inclusive
// pixel indices) the conversion is x1 = xmin - 1, y1 = ymin - 1, x2 = xmax,
// y2 = ymax (a one-pixel object at xmin = xmax = 1 becomes [0, 1]).
//
// All randomness comes from a caller-provided std::mt19937_64 and is drawn
// with Whittle's own helpers below (not <random>'s distributions, whose
// output differs between standard libraries), so a seed fixes the result.
//
// The SSD training pipeline follows the SSD paper (Liu et al. 2016, sec. 2.2
// and 3.6) as ssd.pytorch (augmentations.py) and torchvision's SSD reference
// implement it; differences are stated where they are made.
#include <opencv2/core.hpp>

#include <array>
#include <cstdint>
#include <random>
#include <vector>

#include "data/dataset.h"
#include "data/photometric.h"

namespace whittle {

using BoxF = std::array<float, 4>;  // x1, y1, x2, y2 (0-based continuous px)

struct AnnotatedImage {
  cv::Mat image;                   // CV_8UC3 BGR
  std::vector<BoxF> boxes;         // one per object
  std::vector<int> labels;         // index into Dataset::classes
  std::vector<uint8_t> difficult;  // 1 = VOC "difficult"
};

// VOC box (1-based inclusive) <-> continuous box, as described above.
BoxF from_voc_box(const Box& box);
Box to_voc_box(const BoxF& box);
// An image record's objects over an already decoded image; boxes converted
// with from_voc_box and clipped to the image.
AnnotatedImage make_annotated_image(const ImageRecord& record, cv::Mat image);

// ---- deterministic random draws ------------------------------------------
double uniform01(std::mt19937_64& rng);                        // [0, 1)
float uniform(std::mt19937_64& rng, float lo, float hi);       // [lo, hi)
int uniform_index(std::mt19937_64& rng, int n);                // [0, n)
bool bernoulli(std::mt19937_64& rng, double p);                // true with probability p
// Mixes two 64-bit values into a well-spread seed (splitmix64 finaliser).
uint64_t mix_seed(uint64_t a, uint64_t b);

// ---- geometric ops (deterministic; the random_* versions draw parameters) --

// Places the image at (left, top) on a canvas of canvas_w x canvas_h filled
// with fill (BGR); boxes move by (left, top).
void expand_image(AnnotatedImage& sample, int canvas_w, int canvas_h, int left, int top,
                  const cv::Scalar& fill);
// Keeps the integer rectangle `rect` (must lie inside the image): boxes whose
// centres lie strictly inside it are kept, clipped to it and shifted; the
// others are dropped. The image becomes a view (ROI) into the input's pixels.
void crop_image(AnnotatedImage& sample, const cv::Rect& rect);
// Mirrors left-right: x1' = W - x2, x2' = W - x1.
void hflip_image(AnnotatedImage& sample);
// Resizes to width x height (bilinear); boxes scale with the image.
void resize_image(AnnotatedImage& sample, int width, int height);
// Drops boxes narrower or shorter than min_side px (and degenerate ones),
// after clipping every box to the image.
void sanitize_boxes(AnnotatedImage& sample, float min_side);

// IoU of two continuous boxes (areas are (x2 - x1) * (y2 - y1)).
float box_iou(const BoxF& a, const BoxF& b);

struct SsdAugmentOptions {
  bool photometric = true;  // photometric distortion (photometric.h)
  PhotometricOptions photometric_options;
  bool expand = true;       // zoom out
  bool crop = true;         // IoU-constrained random crop
  bool flip = true;         // horizontal flip
  double expand_prob = 0.5;
  float max_expand_ratio = 4.0f;                    // canvas side = ratio * side, ratio ~ U[1, max)
  cv::Scalar mean_bgr = cv::Scalar(104, 117, 123);  // expand fill: ImageNet mean, BGR (ssd.pytorch)
  int crop_trials = 50;                             // patches tried per drawn IoU threshold
  float crop_min_scale = 0.3f, crop_max_scale = 1.0f;   // patch side / image side
  float crop_min_aspect = 0.5f, crop_max_aspect = 2.0f; // patch w / h
  double flip_prob = 0.5;
  float min_box_side = 1.0f;       // output px; smaller boxes are dropped (torchvision's
                                   // SanitizeBoundingBoxes); 0 keeps all non-degenerate ones
};

// Zoom out with probability expand_prob: ratio ~ U[1, max_expand_ratio),
// canvas int(W*ratio) x int(H*ratio), image at a uniform integer offset.
void random_expand(AnnotatedImage& sample, std::mt19937_64& rng, const SsdAugmentOptions& options);
// SSD's random crop. Draws one of {whole image, any patch, min IoU 0.1, 0.3,
// 0.5, 0.7, 0.9} uniformly; for a threshold, tries up to crop_trials patches
// (sides U[0.3, 1) of the image's, w/h in [0.5, 2], integer corners) and takes
// the first whose centre-kept objects include one with IoU >= threshold
// (torchvision's RandomIoUCrop rule; "any patch" needs one kept object). When
// every trial fails it draws a threshold again (at most 64 rounds, then keeps
// the whole image). An image without boxes is left whole.
void random_iou_crop(AnnotatedImage& sample, std::mt19937_64& rng, const SsdAugmentOptions& options);
// Mirrors with probability flip_prob.
void random_hflip(AnnotatedImage& sample, std::mt19937_64& rng, const SsdAugmentOptions& options);

// The SSD training pipeline: photometric distortion, expand, IoU crop, flip,
// resize to size x size, sanitize_boxes. The input is not modified; the
// output image is a new size x size CV_8UC3 image with boxes inside [0, size].
// It makes the same random draws as photometric_distort, random_expand,
// random_iou_crop, random_hflip in that order, and the same boxes as those
// followed by resize_image; the pixels come from one bilinear warp of the
// input instead of a canvas up to 16x its size (equal within one grey level,
// except at the output's 1-px rim, where a crop's neighbours are sampled instead of
// replicated).
AnnotatedImage augment_ssd(const AnnotatedImage& input, int size, std::mt19937_64& rng,
                           const SsdAugmentOptions& options = {});

}  // namespace whittle
