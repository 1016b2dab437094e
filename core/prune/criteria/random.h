#pragma once
// random criterion: uniform scores in [0, 1), a baseline that any real
// criterion should beat. The same seed and group give the same scores on
// every platform (a SplitMix64 stream seeded from seed and the group's id).
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

#include "prune/channel_groups.h"

namespace whittle {

// One score tensor (group.channels, float32).
std::vector<at::Tensor> random_scores(const ChannelGroup& group, uint64_t seed);

}  // namespace whittle
