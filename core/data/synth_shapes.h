#pragma once
// Drawing pieces for the synthetic data generator (data/synth.h): a seeded
// random source, shape masks, fill textures and distractor masks. Every
// function is a pure function of its arguments and the Rng's state.
#include <cstdint>

#include <opencv2/core.hpp>

#include "data/synth.h"

namespace whittle::synth {

// xoshiro256** seeded through splitmix64: the same sequence on every platform
// (std:: distributions are not portable, so the draws are our own).
class Rng {
 public:
  explicit Rng(uint64_t seed);
  // A seed for item `index` of a stream seeded by `seed`.
  static uint64_t derive(uint64_t seed, uint64_t index);

  uint64_t next();
  double uniform();                     // [0, 1)
  double uniform(double lo, double hi);  // [lo, hi)
  int integer(int lo, int hi);          // [lo, hi], both inclusive
  double log_uniform(double lo, double hi);
  bool chance(double p) { return uniform() < p; }

 private:
  uint64_t s_[4];
};

// A filled mask on a canvas that covers the whole drawn extent (which may
// reach outside the image): canvas pixel (x, y) is image pixel origin + (x, y).
struct ShapeMask {
  cv::Mat1b mask;  // 255 inside
  cv::Point origin;
};

// Shape family scaled to width x height (before rotation), rotated by
// angle_deg about centre (image coordinates, pixels).
ShapeMask draw_shape(SynthShape shape, cv::Point2d centre, double width, double height,
                     double angle_deg);

// Distractors: things that are no class. An organic blob (smoothed random
// polygon), a curved stroke, or an open arc, about `size` pixels across.
ShapeMask draw_blob(Rng& rng, cv::Point2d centre, double size);
ShapeMask draw_stroke(Rng& rng, cv::Point2d centre, double size, int thickness);
ShapeMask draw_arc(Rng& rng, cv::Point2d centre, double size, int thickness);
// A straight band from a to b, `width` pixels wide.
ShapeMask draw_band(cv::Point2d a, cv::Point2d b, double width);

// Fill of `size` pixels in `texture` made from `colour` and its dark shade;
// pattern periods scale with `scale` (the object's size in pixels).
cv::Mat3b render_texture(SynthTexture texture, cv::Size size, cv::Vec3b colour, double scale,
                         Rng& rng);

// Per-instance colour jitter: hue +-8 degrees, saturation and value x0.75-1.15.
cv::Vec3b jitter_colour(cv::Vec3b bgr, Rng& rng);
cv::Vec3b random_colour(Rng& rng, double min_saturation, double max_saturation);

// Paints `fill` (same size as shape.mask) into `image` where the mask is set
// and the pixel is inside the image.
void paint(cv::Mat3b& image, const ShapeMask& shape, const cv::Mat3b& fill);

// The part of `shape` inside an image of `image_size`, as an image-sized mask.
cv::Mat1b clip_to_image(const ShapeMask& shape, cv::Size image_size);

}  // namespace whittle::synth
