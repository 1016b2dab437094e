#pragma once
// SSD detectors on MobileNet backbones, for laptops. Width multiplier and
// input size are free (SsdOptions), so tiny variants (e.g. width 0.5 at 192)
// train in minutes; feature-map sizes, and so the priors, follow the input.
//
// MobileNetV1-SSD (qfgaohao/pytorch-ssd "mb1-ssd"), default input 300:
//   backbone   mobilenet_v1.h features at `width`; sources features.11.pw.act
//              (512w ch, stride 16: 19x19 at 300) and features.13.pw.act
//              (1024w ch, stride 32: 10x10)
//   extras     extras.N.pw 1x1 (+ .relu) then extras.N.conv 3x3/2 pad 1 (+ .relu),
//              channels (256, 512), (128, 256), (128, 256), (128, 256) scaled
//              as SSDLite's get_depth: max(16, int(c * width)) -> 5, 3, 2, 1 at 300
//   heads      3x3 pad 1 convs with bias (add_ssd_conv_heads), 6 anchors everywhere
//   priors     aspect ratios [2, 3] per map; scales = mb1-ssd's box sizes
//              60, 105, 150, 195, 240, 285, 330 over 300 (0.2 .. 0.95, 1.1);
//              centres at cell centres of each map (mb1-ssd uses image/shrinkage
//              steps, 300/16 = 18.75 for the 19x19 map; cell centres stay right
//              at any input size); w, h clipped to [0, 1]
//   preprocess (x * 255 - 127) / 128 as mb1-ssd: mean 127/255, std 128/255
//   init       extras and heads Xavier-uniform, zero bias (as mb1-ssd)
//   3,000 priors at 300 (19, 10, 5, 3, 2, 1).
//
// MobileNetV2-SSDLite (Sandler et al. 2018, built as torchvision's
// ssdlite320_mobilenet_v3_large but on MobileNetV2), default input 320:
//   backbone   mobilenet_v2.h features at `width`; sources
//              features.14.expand.act (576w ch, stride 16: the expansion before
//              the first 160-channel block) and features.18.act (1280 ch, stride 32)
//   extras     per block N (torchvision _extra_block, outputs 512, 256, 256, 128
//              scaled by get_depth, mid = out / 2): extras.N.pw1 1x1 -> mid,
//              extras.N.dw 3x3/2 pad 1 depthwise, extras.N.pw2 1x1 -> out, each
//              conv (no bias) + BN + ReLU6 (.bn, .act)
//   heads      depthwise-separable (add_ssdlite_heads): 3x3 depthwise + BN +
//              ReLU6, then a 1x1 conv with bias; 6 anchors everywhere
//   priors     torchvision SSDLite: aspect ratios [2, 3], scales
//              linear_ssd_scales(6, 0.2, 0.95) (0.2, 0.35, ..., 0.95, then 1.0),
//              cell centres (steps None), w, h clipped
//   BatchNorm  eps 0.001, momentum 0.03 everywhere (torchvision SSDLite's norm_layer)
//   preprocess mean 0.5, std 0.5 (inputs in [-1, 1], as torchvision SSDLite)
//   init       extras and heads N(0, 0.03), zero bias (torchvision _normal_init)
//   3,234 priors at 320 (20, 10, 5, 3, 2, 1); 3,000 at 300 (19, 10, 5, 3, 2, 1).
#include "models/detector.h"
#include "models/ssd/ssd_builder.h"

namespace whittle {

// options.input_size 0 -> 300.
Detector build_ssd_mobilenet_v1(const SsdOptions& options = {});
// options.input_size 0 -> 320.
Detector build_ssdlite_mobilenet_v2(const SsdOptions& options = {});

}  // namespace whittle
