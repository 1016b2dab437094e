#include "prune/criteria/random.h"

#include <ATen/ATen.h>

namespace whittle {
namespace {

// SplitMix64 (Steele et al. 2014): the same stream on every platform, unlike
// std::uniform_real_distribution.
uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

}  // namespace

std::vector<at::Tensor> random_scores(const ChannelGroup& group, uint64_t seed) {
  uint64_t state = seed;
  state = splitmix64(state) ^ static_cast<uint64_t>(group.id);
  at::Tensor scores = at::empty({group.channels}, at::kFloat);
  float* out = scores.data_ptr<float>();
  for (int64_t i = 0; i < group.channels; ++i)
    out[i] = static_cast<float>(splitmix64(state) >> 40) * 0x1.0p-24f;  // 24 bits: exact in [0, 1)
  return {scores};
}

}  // namespace whittle
