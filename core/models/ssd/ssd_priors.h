#pragma once
// SSD default boxes ("priors"), generated exactly as torchvision's
// DefaultBoxGenerator:
//   centres   cx = (j + 0.5) / f_x, cy = (i + 0.5) / f_y with f = image_size / step
//             when steps are given (SSD300: 300/8 = 37.5 for the 38x38 map), else
//             f = the feature map's own width / height (cell centres);
//   sizes     per location, in this order: (s_k, s_k), (s'_k, s'_k) with
//             s'_k = sqrt(s_k * s_{k+1}), then for each aspect ratio ar of the map
//             (s_k * sqrt(ar), s_k / sqrt(ar)) and its transpose
//             (s_k / sqrt(ar), s_k * sqrt(ar));  2 + 2 * |ratios| boxes;
//   clip      w and h (not the box extent) clamped to [0, 1] (torchvision clip=True);
//   order     feature map by feature map, row-major over (i, j), the boxes of a
//             location together: prior index = offset_k + (i * W + j) * A_k + a,
//             the order of the head's flattened [B, H*W*A, K] outputs.
// Boxes are (cx, cy, w, h) as fractions of the input.
#include <ATen/core/Tensor.h>

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace whittle {

struct SsdPriorConfig {
  std::vector<std::array<int64_t, 2>> feature_sizes;  // (H, W) per feature map, head order
  std::vector<std::vector<double>> aspect_ratios;     // per map; each ar > 0 also adds 1/ar
  std::vector<double> scales;  // maps + 1 values (s_k; the last only feeds s'_k of the last map)
  std::vector<double> steps;   // per map, in input pixels; empty: cell centres
  int64_t image_size = 300;    // S of the S x S input that `steps` divide
  bool clip = true;
};

// torchvision's scales for min_ratio/max_ratio (scales=None): s_k = min +
// (max - min) * k / (m - 1) for k < m, then 1.0; SSDLite uses (0.2, 0.95).
std::vector<double> linear_ssd_scales(size_t maps, double min_ratio, double max_ratio);

// Throws whittle::Error naming the rule broken (list lengths, sizes > 0, ...).
void check_prior_config(const SsdPriorConfig& config);

int64_t anchors_per_location(const SsdPriorConfig& config, size_t map);
int64_t num_priors(const SsdPriorConfig& config);

// [P, 4] float (cx, cy, w, h).
at::Tensor generate_ssd_priors(const SsdPriorConfig& config);

// whittle.ssd.feature_sizes "38x38,19x19,...", whittle.ssd.aspect_ratios
// "2;2,3;..." (';' between maps), whittle.ssd.scales "0.07,0.15,...",
// whittle.ssd.steps (absent when empty), whittle.ssd.image_size,
// whittle.ssd.clip "1"/"0".
std::map<std::string, std::string> prior_config_metadata(const SsdPriorConfig& config);
// The inverse; throws whittle::Error naming the missing or bad key.
SsdPriorConfig prior_config_from_metadata(const std::map<std::string, std::string>& metadata);

}  // namespace whittle
