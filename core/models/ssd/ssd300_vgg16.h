#pragma once
// SSD300-VGG16 exactly as torchvision's ssd300_vgg16 (SSDFeatureExtractorVGG
// + SSDHead), node by node:
//   features.conv1_1 .. features.conv5_3 (+ .relu), pools features.pool1..4
//     (2x2/2; pool3 ceil_mode: 75 -> 38), no pool5 (vgg.h add_vgg16_ssd_trunk)
//   features.conv4_3.l2norm   L2Norm, learnable scale per channel (init 20)  -> source 0, 38x38x512
//   fc.pool5                  MaxPool 3x3/1 pad 1
//   fc.fc6 (+ .relu)          Conv 3x3 dilation 6 pad 6 -> 1024
//   fc.fc7 (+ .relu)          Conv 1x1 -> 1024                                -> source 1, 19x19
//   extras.conv8_1 / 8_2      1x1 256, 3x3/2 pad 1 512 (+ .relu)              -> source 2, 10x10
//   extras.conv9_1 / 9_2      1x1 128, 3x3/2 pad 1 256                        -> source 3, 5x5
//   extras.conv10_1 / 10_2    1x1 128, 3x3 256 no pad                         -> source 4, 3x3
//   extras.conv11_1 / 11_2    1x1 128, 3x3 256 no pad                         -> source 5, 1x1
//   head.cls.k / head.reg.k   3x3 pad 1 convs, anchors 4, 6, 6, 6, 4, 4
// Priors: DefaultBoxGenerator([[2], [2, 3], [2, 3], [2, 3], [2], [2]],
// scales [0.07, 0.15, 0.33, 0.51, 0.69, 0.87, 1.05], steps [8, 16, 32, 64,
// 100, 300]) = 8,732 boxes; variances 0.1 / 0.2; preprocessing as torchvision
// (0..255 minus mean (123, 117, 104)): mean (0.48235, 0.45882, 0.40784),
// std 1/255 on 0..1 input.
// Weights: VGG convs Kaiming-normal (GraphBuilder), fc6/fc7, extras and head
// convs Xavier-uniform with zero bias (torchvision's _xavier_init).
//
// Parameters with 21 columns (20 classes + background): 26,285,486
// (torchvision's module list by hand; ssd300_vgg16_test checks it):
//   VGG16 convs conv1_1 .. conv5_3                                 14,714,688
//   L2Norm scale                                                          512
//   fc6 512*1024*9 + 1024                                           4,719,616
//   fc7 1024*1024 + 1024                                            1,049,600
//   extras conv8_1 262,400  conv8_2 1,180,160  conv9_1 65,664  conv9_2 295,168
//          conv10_1, conv11_1 32,896 each; conv10_2, conv11_2 295,168 each  2,459,520
//   heads, A * (21 + 4) outputs per 3x3 conv pair over 512, 1024, 512, 256,
//          256, 256 channels: 460,900 + 1,382,550 + 691,350 + 345,750
//          + 230,500 + 230,500                                      3,341,550
#include <cstdint>

#include "models/detector.h"
#include "models/ssd/ssd_priors.h"

namespace whittle {

// num_classes: object classes, background excluded (VOC: 20).
// batch_norm: "ssd300_vgg16_bn", for training from scratch (no pretrained
// VGG16 can be had here, and the plain network does not train from scratch
// in any budget tried): a BatchNorm "<conv>.bn" after every trunk, fc and
// extras conv (not the heads), biases kept. fold_batch_norm then gives
// exactly the graph above: same ops, shapes and 26,285,486 parameters.
Detector build_ssd300_vgg16(int64_t num_classes = 20, uint64_t seed = 2345,
                            bool batch_norm = false);

// The prior settings above (feature sizes 38, 19, 10, 5, 3, 1).
SsdPriorConfig ssd300_vgg16_prior_config();

}  // namespace whittle
