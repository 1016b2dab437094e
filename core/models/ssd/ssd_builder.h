#pragma once
// Pieces shared by the SSD builders (ssd300_vgg16, ssd_mobilenet): options,
// default class names, the two head styles, weight initialisation of the
// SSD-specific layers, and assembling a Detector from a GraphBuilder.
#include <cstdint>
#include <string>
#include <vector>

#include "graph/graph_builder.h"
#include "models/detector.h"
#include "models/ssd/ssd_head.h"

namespace whittle {

struct SsdOptions {
  int64_t num_classes = 20;  // object classes, background excluded
  double width = 1.0;        // backbone/extras channel multiplier
  int64_t input_size = 0;    // S of the S x S input; 0: the family's default (300 / 320)
  uint64_t seed = 2345;      // weight seed
  // Prior sizes (fractions of the input side) of the first and the last
  // feature map, linear in between (SSD's s_min, s_max); 0: the family's
  // (0.2, 0.95). Objects much smaller than min_scale match no prior well.
  double min_scale = 0;
  double max_scale = 0;
  // Stride of the first (finest) feature map: 16 (the families' default) or
  // 8, which adds a map from the backbone's stride-8 stage for small objects.
  // 0: the default. SSD300-VGG16 has a fixed design and accepts neither.
  int first_stride = 0;
};

// voc_class_names() for 20 classes, else "class1" ... "classN".
std::vector<std::string> ssd_class_names(int64_t num_classes);

// Throws whittle::Error naming `family` unless num_classes >= 1, width > 0,
// input_size >= 32 (after the default is applied), 0 < min_scale < max_scale
// (when given) and first_stride is 0, 8 or 16.
void check_ssd_options(const char* family, const SsdOptions& options);

// SSD (Liu et al.) heads: per source k, "head.cls.k" = 3x3 pad 1 conv with
// bias -> A_k * (C + 1) and "head.reg.k" = 3x3 pad 1 conv -> A_k * 4.
// The prior scales for `maps` feature maps: linear from options.min_scale
// (default 0.2) to options.max_scale (default 0.95), then 1.0.
std::vector<double> ssd_scales(const SsdOptions& options, size_t maps);

void add_ssd_conv_heads(GraphBuilder& builder, const std::vector<std::string>& sources,
                        const std::vector<int64_t>& anchors, int64_t num_classes);

// SSDLite heads (torchvision SSDLiteHead): per source and branch a depthwise
// 3x3 conv (no bias) + BN + ReLU6 "head.cls.k.dw" (.bn, .act), then a 1x1 conv
// with bias "head.cls.k" (and "head.reg.k.dw", "head.reg.k").
void add_ssdlite_heads(GraphBuilder& builder, const std::vector<std::string>& sources,
                       const std::vector<int64_t>& anchors, int64_t num_classes);

enum class SsdInit {
  XavierUniform,  // torchvision SSD300 / ssd.pytorch extras and heads; bias 0
  Normal003,      // torchvision SSDLite extras and heads: N(0, 0.03); bias 0
};

// Redraws the weights of every Conv whose name starts with one of `prefixes`
// (BatchNorm and other layers untouched), from a generator seeded with `seed`.
void init_ssd_convs(Graph& graph, const std::vector<std::string>& prefixes, SsdInit init,
                    uint64_t seed);

// Marks head.cls.0.. then head.reg.0.. as the graph outputs, fills
// head.priors.feature_sizes from their shapes, builds the graph, and returns
// the Detector with its SsdHead, class names, preprocessing and metadata
// (store_detector_metadata, plus whittle.zoo and whittle.width).
Detector finish_ssd_detector(GraphBuilder& builder, SsdHeadConfig head,
                             const Preprocess& preprocess, const std::string& zoo_name,
                             double width);

}  // namespace whittle
