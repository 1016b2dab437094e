#pragma once
// MobileNetV2 as torchvision's `mobilenet_v2`: conv 3x3/2 32 (no bias) BN
// ReLU6; inverted residual blocks (t, c, n, s) = (1,16,1,1), (6,24,2,2),
// (6,32,3,2), (6,64,4,2), (6,96,3,1), (6,160,3,2), (6,320,1,1), each an
// expand 1x1 conv BN ReLU6 (absent when t = 1; hidden = in * t), a depthwise
// 3x3 conv (stride s on the first of the n repeats) BN ReLU6 and a project
// 1x1 conv BN (linear), plus a residual Add when stride 1 and in == out; the
// last conv 1x1 -> 1280 BN ReLU6; GlobalAvgPool, Flatten, Linear ->
// num_classes (dropout omitted). Convs have no bias; BN eps 1e-5.
//
// Width multiplier as torchvision: channels make_divisible(c * width, 8), the
// first conv make_divisible(32 * width, 8), the last conv
// make_divisible(1280 * max(1, width), 8).
//
// Names (N is torchvision's features index): features.0 (+ .bn, .act);
// blocks N = 1..17: features.N.expand (+ .bn, .act), features.N.dw (+ .bn,
// .act), features.N.project (+ .bn), features.N.add when residual;
// features.18 (+ .bn, .act); pool, flatten, logits. E.g. SSDLite's stride-16
// tap (the expansion before the first stride-2 160-channel block, 576
// channels at width 1) is features.14.expand.act.
//
// At width 1, 1000 classes, 224: 3,504,872 parameters, 300,774,272 MACs.
#include <string>
#include <vector>

#include "graph/graph.h"
#include "graph/graph_builder.h"
#include "models/backbone_options.h"

namespace whittle {

// Adds features.0 .. features.18 after value `x` (3 channels); returns the
// output value of each (19 in all): features.0.act, then per block
// features.N.add or features.N.project.bn, then features.18.act.
std::vector<std::string> add_mobilenet_v2_features(GraphBuilder& builder, const std::string& x,
                                                   double width);

// The whole network; classifier = false ends at features.18.act
// ([1, 1280 * max(1, width), S/32, S/32] for S a multiple of 32).
Graph build_mobilenet_v2(const BackboneOptions& options = {});

}  // namespace whittle
