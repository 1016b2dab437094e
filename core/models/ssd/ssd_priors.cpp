#include "models/ssd/ssd_priors.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>

#include "graph/error.h"
#include "models/ssd/metadata_text.h"

namespace whittle {

std::vector<double> linear_ssd_scales(size_t maps, double min_ratio, double max_ratio) {
  std::vector<double> scales;
  if (maps == 1) return {min_ratio, max_ratio};  // torchvision's single-map case
  for (size_t k = 0; k < maps; ++k)
    scales.push_back(min_ratio + (max_ratio - min_ratio) * static_cast<double>(k) /
                                     (static_cast<double>(maps) - 1.0));
  scales.push_back(1.0);
  return scales;
}

void check_prior_config(const SsdPriorConfig& c) {
  const size_t m = c.feature_sizes.size();
  const std::string f = "(ssd priors) ";
  if (m == 0) throw Error(f + "no feature maps");
  if (c.aspect_ratios.size() != m)
    throw Error(f + std::to_string(c.aspect_ratios.size()) + " aspect-ratio lists for " +
                std::to_string(m) + " feature maps");
  if (c.scales.size() != m + 1)
    throw Error(f + std::to_string(c.scales.size()) + " scales for " + std::to_string(m) +
                " feature maps (need maps + 1)");
  if (!c.steps.empty() && c.steps.size() != m)
    throw Error(f + std::to_string(c.steps.size()) + " steps for " + std::to_string(m) +
                " feature maps");
  if (!c.steps.empty() && c.image_size < 1)
    throw Error(f + "image_size must be >= 1, got " + std::to_string(c.image_size));
  for (size_t k = 0; k < m; ++k) {
    if (c.feature_sizes[k][0] < 1 || c.feature_sizes[k][1] < 1)
      throw Error(f + "feature map " + std::to_string(k) + " has size " +
                  std::to_string(c.feature_sizes[k][0]) + "x" + std::to_string(c.feature_sizes[k][1]));
    for (double ar : c.aspect_ratios[k])
      if (!(ar > 0) || !std::isfinite(ar))
        throw Error(f + "feature map " + std::to_string(k) + ": aspect ratio " +
                    ssd_text::format_decimal(ar) + " must be > 0");
    if (!c.steps.empty() && !(c.steps[k] > 0))
      throw Error(f + "feature map " + std::to_string(k) + ": step must be > 0");
  }
  for (double s : c.scales)
    if (!(s > 0) || !std::isfinite(s))
      throw Error(f + "scale " + ssd_text::format_decimal(s) + " must be > 0");
}

int64_t anchors_per_location(const SsdPriorConfig& c, size_t map) {
  return 2 + 2 * static_cast<int64_t>(c.aspect_ratios.at(map).size());
}

int64_t num_priors(const SsdPriorConfig& c) {
  int64_t n = 0;
  for (size_t k = 0; k < c.feature_sizes.size(); ++k)
    n += c.feature_sizes[k][0] * c.feature_sizes[k][1] * anchors_per_location(c, k);
  return n;
}

at::Tensor generate_ssd_priors(const SsdPriorConfig& c) {
  check_prior_config(c);
  at::Tensor priors = at::empty({num_priors(c), 4}, at::kFloat);
  float* out = priors.data_ptr<float>();
  for (size_t k = 0; k < c.feature_sizes.size(); ++k) {
    const int64_t h = c.feature_sizes[k][0], w = c.feature_sizes[k][1];
    // torchvision _generate_wh_pairs: (s_k, s_k), (s'_k, s'_k), then (w, h), (h, w) per ratio.
    const double s_k = c.scales[k];
    const double s_prime = std::sqrt(c.scales[k] * c.scales[k + 1]);
    std::vector<std::array<double, 2>> wh = {{s_k, s_k}, {s_prime, s_prime}};
    for (double ar : c.aspect_ratios[k]) {
      const double sq = std::sqrt(ar);
      wh.push_back({s_k * sq, s_k / sq});
      wh.push_back({s_k / sq, s_k * sq});
    }
    // The wh pairs are float32 tensors in torchvision before clamping.
    std::vector<std::array<float, 2>> whf;
    for (const auto& p : wh) {
      float pw = static_cast<float>(p[0]), ph = static_cast<float>(p[1]);
      if (c.clip) pw = std::clamp(pw, 0.0f, 1.0f), ph = std::clamp(ph, 0.0f, 1.0f);
      whf.push_back({pw, ph});
    }
    // torchvision: x_f_k = image_size / step, or the map size when steps are None.
    const double fx = c.steps.empty() ? static_cast<double>(w)
                                      : static_cast<double>(c.image_size) / c.steps[k];
    const double fy = c.steps.empty() ? static_cast<double>(h)
                                      : static_cast<double>(c.image_size) / c.steps[k];
    for (int64_t i = 0; i < h; ++i) {
      const float cy = static_cast<float>((static_cast<double>(i) + 0.5) / fy);
      for (int64_t j = 0; j < w; ++j) {
        const float cx = static_cast<float>((static_cast<double>(j) + 0.5) / fx);
        for (const auto& p : whf) {
          *out++ = cx;
          *out++ = cy;
          *out++ = p[0];
          *out++ = p[1];
        }
      }
    }
  }
  return priors;
}

std::map<std::string, std::string> prior_config_metadata(const SsdPriorConfig& c) {
  std::map<std::string, std::string> m;
  std::string sizes, ratios;
  for (size_t k = 0; k < c.feature_sizes.size(); ++k) {
    if (k) sizes += ',', ratios += ';';
    sizes += std::to_string(c.feature_sizes[k][0]) + "x" + std::to_string(c.feature_sizes[k][1]);
    ratios += ssd_text::join_decimals(c.aspect_ratios[k]);
  }
  m["whittle.ssd.feature_sizes"] = sizes;
  m["whittle.ssd.aspect_ratios"] = ratios;
  m["whittle.ssd.scales"] = ssd_text::join_decimals(c.scales);
  if (!c.steps.empty()) m["whittle.ssd.steps"] = ssd_text::join_decimals(c.steps);
  m["whittle.ssd.image_size"] = std::to_string(c.image_size);
  m["whittle.ssd.clip"] = c.clip ? "1" : "0";
  return m;
}

SsdPriorConfig prior_config_from_metadata(const std::map<std::string, std::string>& m) {
  using namespace ssd_text;
  SsdPriorConfig c;
  const std::string sizes_key = "whittle.ssd.feature_sizes";
  for (const std::string& part : split(require(m, sizes_key), ',')) {
    auto hw = split(part, 'x');
    if (hw.size() != 2) throw Error("metadata " + sizes_key + ": '" + part + "' is not HxW");
    c.feature_sizes.push_back({parse_integer(sizes_key, hw[0]), parse_integer(sizes_key, hw[1])});
  }
  const std::string ratios_key = "whittle.ssd.aspect_ratios";
  for (const std::string& part : split(require(m, ratios_key), ';'))
    c.aspect_ratios.push_back(parse_decimals(ratios_key, part));
  c.scales = parse_decimals("whittle.ssd.scales", require(m, "whittle.ssd.scales"));
  if (auto it = m.find("whittle.ssd.steps"); it != m.end())
    c.steps = parse_decimals(it->first, it->second);
  c.image_size = parse_integer("whittle.ssd.image_size", require(m, "whittle.ssd.image_size"));
  const std::string& clip = require(m, "whittle.ssd.clip");
  if (clip != "0" && clip != "1")
    throw Error("metadata whittle.ssd.clip: '" + clip + "' is not 0 or 1");
  c.clip = clip == "1";
  try {
    check_prior_config(c);
  } catch (const Error& e) {
    throw Error(std::string("metadata whittle.ssd.*: ") + e.what());
  }
  return c;
}

}  // namespace whittle
