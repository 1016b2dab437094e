#pragma once
// Options shared by the classification backbones of the zoo (VGG16,
// MobileNetV1, MobileNetV2) and by detectors that reuse their features.
//
// Value naming (every node's output value has the node's name):
//   VGG16       features.conv1_1, features.conv1_1.relu, ..., features.pool1, ...,
//               features.conv5_3.relu, features.pool5;
//               classifier.flatten, classifier.fc6, classifier.fc6.relu,
//               classifier.fc7, classifier.fc7.relu, logits (= fc8)
//   MobileNetV1 features.0 (+ .bn, .act), then blocks features.1 .. features.13:
//               features.N.dw (+ .bn, .act), features.N.pw (+ .bn, .act);
//               pool, flatten, logits
//   MobileNetV2 features.0 (+ .bn, .act), blocks features.1 .. features.17
//               (torchvision's features indices): features.N.expand (+ .bn, .act;
//               absent when t = 1), features.N.dw (+ .bn, .act),
//               features.N.project (+ .bn), features.N.add (residual blocks);
//               features.18 (+ .bn, .act); pool, flatten, logits
// The graph input is "input" [1, 3, S, S]. With classifier = true the single
// graph output is "logits" [1, num_classes]; with classifier = false it is the
// last feature map (VGG16 features.pool5, MobileNets the last block's
// activation). The add_*_features functions return each block's output value.
#include <cstdint>
#include <string>

#include "graph/graph.h"

namespace whittle {

class GraphBuilder;

struct BackboneOptions {
  int64_t num_classes = 1000;
  double width = 1.0;        // channel multiplier (see each family for rounding)
  int64_t input_size = 224;  // S of the [1, 3, S, S] input
  uint64_t seed = 2345;      // GraphBuilder weight seed
  bool classifier = true;    // false: end at the last feature map
};

// Throws whittle::Error naming `family` unless width > 0, input_size >= 32 and
// (with a classifier) num_classes >= 1.
void check_backbone_options(const char* family, const BackboneOptions& options);

// Graph metadata of a zoo backbone: whittle.family ("classifier", or
// "backbone" when classifier = false), whittle.zoo = zoo_name,
// whittle.num_classes, whittle.input_size, whittle.width (shortest decimal
// that reads back as the same double: "1", "0.5", "0.35").
void set_backbone_metadata(GraphBuilder& builder, const std::string& zoo_name,
                           const BackboneOptions& options);

// The MobileNets' ending: features -> GlobalAvgPool "pool" -> Flatten
// "flatten" -> Linear "logits" when options.classifier; then marks the graph
// output, sets the metadata and builds the graph.
Graph finish_pooled_classifier(GraphBuilder& builder, std::string features,
                               const std::string& zoo_name, const BackboneOptions& options);

// torchvision's _make_divisible(v, divisor): v rounded to the nearest multiple
// of `divisor`, at least `divisor`, and never below 90% of v.
int64_t make_divisible(double v, int64_t divisor = 8);

}  // namespace whittle
