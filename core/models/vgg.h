#pragma once
// VGG16 as torchvision's `vgg16` (configuration D, no BatchNorm): thirteen
// 3x3 convs (padding 1, with bias) each followed by ReLU, 2x2/2 max pools
// after conv1_2, conv2_2, conv3_3, conv4_3 and conv5_3, then Flatten,
// fc6 (Linear -> 4096), ReLU, fc7 (4096 -> 4096), ReLU, fc8 (-> num_classes).
// Dropout is omitted (identity at inference).
//
// Names are descriptive rather than torchvision's indices: features.conv1_1 ..
// features.conv5_3 (ReLUs: <conv>.relu), features.pool1 .. features.pool5,
// classifier.flatten, classifier.fc6(.relu), classifier.fc7(.relu) and the
// last Linear (fc8) is named "logits". torchvision index -> name:
//   features.{0,2,5,7,10,12,14,17,19,21,24,26,28} = conv1_1 .. conv5_3,
//   classifier.{0,3,6} = fc6, fc7, fc8.
//
// Input size: torchvision puts AdaptiveAvgPool2d(7x7) before the classifier.
// At 224 (pool5 is 7x7) it is the identity and is not emitted. At other sizes
// Whittle emits no pool at all: fc6 takes the flattened pool5 map, C*H*W
// inputs (H = W = floor(S / 32)), so parameter counts differ from
// torchvision's there. S must be >= 32.
//
// Width multiplier: every conv's channel count and the classifier's hidden
// 4096 become max(1, round(c * width)).
// At width 1, 1000 classes, 224: 138,357,544 parameters, 15,470,264,320 MACs.
#include <string>

#include "graph/graph.h"
#include "graph/graph_builder.h"
#include "models/backbone_options.h"

namespace whittle {

// Adds conv1_1 .. conv5_3 (and pool5 when `pool5`) after value `x` (3
// channels); returns the last value (features.pool5 or features.conv5_3.relu).
std::string add_vgg16_features(GraphBuilder& builder, const std::string& x, double width,
                               bool pool5 = true);

// SSD's VGG16 trunk (torchvision SSDFeatureExtractorVGG): conv1_1 .. conv5_3
// with the same names as add_vgg16_features, but pool3 rounds up
// (ceil_mode: 75 -> 38 at 300) and there is no pool5. Returns the two values
// SSD reads: conv4_3 (stride 8, before pool4) and conv5_3 (stride 16).
// batch_norm: a BatchNorm "<conv>.bn" between each conv (bias kept) and its
// ReLU, as torchvision's vgg16_bn: for training from scratch; folding them
// (fold_batch_norm) gives back the plain trunk's structure and parameters.
struct Vgg16SsdTrunk {
  std::string conv4_3;  // features.conv4_3.relu
  std::string conv5_3;  // features.conv5_3.relu
};
Vgg16SsdTrunk add_vgg16_ssd_trunk(GraphBuilder& builder, const std::string& x,
                                  double width = 1.0, bool batch_norm = false);

// Channels of a VGG layer at a width multiplier: max(1, round(c * width)).
int64_t vgg_channels(int64_t c, double width);

// The whole network; classifier = false ends at features.pool5.
Graph build_vgg16(const BackboneOptions& options = {});

}  // namespace whittle
