#pragma once
// MobileNetV1 (Howard et al. 2017, "MobileNets", Table 1): conv 3x3/2 32 BN
// ReLU, then 13 depthwise-separable blocks, each a depthwise 3x3 conv
// (stride 1 or 2) BN ReLU and a pointwise 1x1 conv BN ReLU, with pointwise
// outputs 64, 128/2, 128, 256/2, 256, 512/2, 512 x5, 1024/2, 1024 (/2: the
// depthwise conv has stride 2); GlobalAvgPool, Flatten, Linear -> num_classes
// (the paper's fc; dropout omitted). Convs have no bias; padding is 1 for the
// 3x3 convs (as the common PyTorch ports; TensorFlow's "SAME" padding differs
// only in where the stride-2 windows sit, not in shapes or counts).
//
// Names: features.0 (+ .bn, .act); features.N.dw (+ .bn, .act) and
// features.N.pw (+ .bn, .act) for blocks N = 1..13; pool, flatten, logits.
//
// Width multiplier: every channel count c becomes make_divisible(c * width, 8)
// (torchvision's rounding, as in MobileNetV2; the paper rounds alpha * c
// without saying how). At widths 1, 0.75, 0.5, 0.25 and 224 this gives the
// paper's (Table 6) 4.2 / 2.6 / 1.3 / 0.5 M parameters and 569 / 325 / 149 /
// 41 M mult-adds.
// At width 1, 1000 classes, 224: 4,231,976 parameters, 568,740,352 MACs
// (the paper: 4.2 M, 569 M).
#include <string>
#include <vector>

#include "graph/graph.h"
#include "graph/graph_builder.h"
#include "models/backbone_options.h"

namespace whittle {

// Adds features.0 .. features.13 after value `x` (3 channels); returns the
// output value of each (features.0.act, features.N.pw.act), 14 in all.
std::vector<std::string> add_mobilenet_v1_features(GraphBuilder& builder, const std::string& x,
                                                   double width);

// The whole network; classifier = false ends at features.13.pw.act
// ([1, 1024 * width, S/32, S/32]).
Graph build_mobilenet_v1(const BackboneOptions& options = {});

}  // namespace whittle
