#include "models/mobilenet_v2.h"

#include <algorithm>
#include <cmath>

namespace whittle {

namespace {

struct Stage {
  int64_t expand;    // t
  int64_t channels;  // c
  int64_t repeats;   // n
  int64_t stride;    // s
};

const std::vector<Stage>& stages() {
  static const std::vector<Stage> s = {{1, 16, 1, 1},  {6, 24, 2, 2},  {6, 32, 3, 2},
                                       {6, 64, 4, 2},  {6, 96, 3, 1},  {6, 160, 3, 2},
                                       {6, 320, 1, 1}};
  return s;
}

// torchvision's InvertedResidual.
std::string inverted_residual(GraphBuilder& b, const std::string& name, const std::string& x,
                              int64_t out_channels, int64_t stride, int64_t expand) {
  int64_t in_channels = b.channels(x);
  int64_t hidden = in_channels * expand;
  std::string y = x;
  if (expand != 1) y = b.conv_bn_act(name + ".expand", y, hidden, 1, ConvOptions{}, Op::ReLU6);
  ConvOptions dw;
  dw.stride = stride;
  dw.padding = 1;
  dw.groups = hidden;
  y = b.conv_bn_act(name + ".dw", y, hidden, 3, dw, Op::ReLU6);
  y = b.conv_bn_act(name + ".project", y, out_channels, 1, ConvOptions{}, Op::Identity);
  if (stride == 1 && in_channels == out_channels) y = b.add(name + ".add", x, y);
  return y;
}

}  // namespace

std::vector<std::string> add_mobilenet_v2_features(GraphBuilder& b, const std::string& x,
                                                   double width) {
  std::vector<std::string> outputs;
  ConvOptions first;
  first.stride = 2;
  first.padding = 1;
  outputs.push_back(
      b.conv_bn_act("features.0", x, make_divisible(32 * width), 3, first, Op::ReLU6));
  int index = 1;
  for (const Stage& s : stages()) {
    int64_t out = make_divisible(static_cast<double>(s.channels) * width);
    for (int64_t i = 0; i < s.repeats; ++i, ++index) {
      outputs.push_back(inverted_residual(b, "features." + std::to_string(index), outputs.back(),
                                          out, i == 0 ? s.stride : 1, s.expand));
    }
  }
  int64_t last = make_divisible(1280 * std::max(1.0, width));
  outputs.push_back(b.conv_bn_act("features." + std::to_string(index), outputs.back(), last, 1,
                                  ConvOptions{}, Op::ReLU6));
  return outputs;
}

Graph build_mobilenet_v2(const BackboneOptions& o) {
  check_backbone_options("mobilenet_v2", o);
  GraphBuilder b(o.seed);
  std::string y = b.input("input", {1, 3, o.input_size, o.input_size});
  y = add_mobilenet_v2_features(b, y, o.width).back();
  return finish_pooled_classifier(b, y, "mobilenet_v2", o);
}

}  // namespace whittle
