#pragma once
// SSD's photometric distortion (ssd.pytorch PhotometricDistort, torchvision
// RandomPhotometricDistort), on a CV_8UC3 BGR image in place:
//   brightness: p = 0.5, add delta ~ U[-32, 32)
//   then, in random order (p = 0.5 each), contrast first or last:
//   contrast:   p = 0.5, multiply by alpha ~ U[0.5, 1.5)   (ssd.pytorch: x * alpha)
//   saturation: p = 0.5, HSV S times alpha ~ U[0.5, 1.5)
//   hue:        p = 0.5, HSV H plus delta ~ U[-18, 18) degrees, wrapped to [0, 360)
//   channel swap: p = channel_swap_prob, a random permutation of B, G, R
// Work is done in float; unlike ssd.pytorch, values are clamped to [0, 255]
// (and S to [0, 1]) after every step, as torchvision does, so no step sees
// out-of-range colours. The result is rounded back to 8 bits.
#include <opencv2/core.hpp>

#include <random>

namespace whittle {

struct PhotometricOptions {
  double prob = 0.5;                 // per step
  float brightness_delta = 32.0f;    // on the 0..255 scale
  float contrast_lower = 0.5f, contrast_upper = 1.5f;
  float saturation_lower = 0.5f, saturation_upper = 1.5f;
  float hue_delta = 18.0f;           // degrees
  double channel_swap_prob = 0.0;
};

// Returns whether any step changed the image.
bool photometric_distort(cv::Mat& bgr, std::mt19937_64& rng, const PhotometricOptions& options = {});

}  // namespace whittle
