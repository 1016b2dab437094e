#include "data/photometric.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <array>
#include <numeric>

#include "data/augment.h"
#include "graph/error.h"

namespace whittle {
namespace {

void clamp_all(cv::Mat& f, float hi) {
  // f is continuous CV_32FC3 (made by convertTo / cvtColor).
  float* p = f.ptr<float>();
  const size_t n = f.total() * 3;
  for (size_t i = 0; i < n; ++i) p[i] = std::min(std::max(p[i], 0.0f), hi);
}

void scale_all(cv::Mat& f, float alpha, float shift) {
  float* p = f.ptr<float>();
  const size_t n = f.total() * 3;
  for (size_t i = 0; i < n; ++i) p[i] = std::min(std::max(p[i] * alpha + shift, 0.0f), 255.0f);
}

}  // namespace

bool photometric_distort(cv::Mat& bgr, std::mt19937_64& rng, const PhotometricOptions& options) {
  if (bgr.type() != CV_8UC3) throw Error("photometric_distort: expected a CV_8UC3 BGR image");
  // Every parameter is drawn up front, in a fixed order, so the draws do not
  // depend on the pixels.
  const bool brightness = bernoulli(rng, options.prob);
  const float brightness_delta = uniform(rng, -options.brightness_delta, options.brightness_delta);
  const bool contrast_first = bernoulli(rng, 0.5);
  const bool contrast = bernoulli(rng, options.prob);
  const float contrast_alpha = uniform(rng, options.contrast_lower, options.contrast_upper);
  const bool saturation = bernoulli(rng, options.prob);
  const float saturation_alpha = uniform(rng, options.saturation_lower, options.saturation_upper);
  const bool hue = bernoulli(rng, options.prob);
  const float hue_delta = uniform(rng, -options.hue_delta, options.hue_delta);
  const bool swap = bernoulli(rng, options.channel_swap_prob);
  std::array<int, 3> perm{0, 1, 2};
  for (int i = 2; i > 0; --i) std::swap(perm[i], perm[uniform_index(rng, i + 1)]);
  if (!brightness && !contrast && !saturation && !hue && !swap) return false;

  cv::Mat f;
  bgr.convertTo(f, CV_32F);
  if (brightness) scale_all(f, 1.0f, brightness_delta);
  if (contrast && contrast_first) scale_all(f, contrast_alpha, 0.0f);
  if (saturation || hue) {
    // Float HSV: H in [0, 360), S in [0, 1], V = max(B, G, R) (any scale;
    // the conversion is linear in V, so 0..255 round-trips).
    cv::Mat hsv;
    cv::cvtColor(f, hsv, cv::COLOR_BGR2HSV);
    float* p = hsv.ptr<float>();
    const size_t n = hsv.total();
    for (size_t i = 0; i < n; ++i, p += 3) {
      if (saturation) p[1] = std::min(std::max(p[1] * saturation_alpha, 0.0f), 1.0f);
      if (hue) {
        float h = p[0] + hue_delta;
        if (h >= 360.0f) h -= 360.0f;
        if (h < 0.0f) h += 360.0f;
        p[0] = h;
      }
    }
    cv::cvtColor(hsv, f, cv::COLOR_HSV2BGR);
    clamp_all(f, 255.0f);
  }
  if (contrast && !contrast_first) scale_all(f, contrast_alpha, 0.0f);
  if (swap) {
    cv::Mat swapped(f.size(), f.type());
    const int from_to[] = {perm[0], 0, perm[1], 1, perm[2], 2};
    cv::mixChannels(&f, 1, &swapped, 1, from_to, 3);
    f = swapped;
  }
  cv::Mat out;  // a new buffer: pixels shared with the caller's input stay untouched
  f.convertTo(out, CV_8U);
  bgr = out;
  return true;
}

}  // namespace whittle
