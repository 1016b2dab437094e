#include "models/mobilenet_v1.h"

#include <utility>

namespace whittle {

std::vector<std::string> add_mobilenet_v1_features(GraphBuilder& b, const std::string& x,
                                                   double width) {
  // (pointwise output channels, depthwise stride) of blocks 1..13.
  static const std::vector<std::pair<int64_t, int64_t>> blocks = {
      {64, 1},  {128, 2}, {128, 1}, {256, 2}, {256, 1}, {512, 2},  {512, 1},
      {512, 1}, {512, 1}, {512, 1}, {512, 1}, {1024, 2}, {1024, 1}};
  std::vector<std::string> outputs;
  ConvOptions first;
  first.stride = 2;
  first.padding = 1;
  outputs.push_back(
      b.conv_bn_act("features.0", x, make_divisible(32 * width), 3, first, Op::ReLU));
  for (size_t i = 0; i < blocks.size(); ++i) {
    std::string name = "features." + std::to_string(i + 1);
    const std::string& in = outputs.back();
    ConvOptions dw;
    dw.stride = blocks[i].second;
    dw.padding = 1;
    dw.groups = b.channels(in);
    std::string y = b.conv_bn_act(name + ".dw", in, b.channels(in), 3, dw, Op::ReLU);
    y = b.conv_bn_act(name + ".pw", y, make_divisible(static_cast<double>(blocks[i].first) * width),
                      1, ConvOptions{}, Op::ReLU);
    outputs.push_back(y);
  }
  return outputs;
}

Graph build_mobilenet_v1(const BackboneOptions& o) {
  check_backbone_options("mobilenet_v1", o);
  GraphBuilder b(o.seed);
  std::string y = b.input("input", {1, 3, o.input_size, o.input_size});
  y = add_mobilenet_v1_features(b, y, o.width).back();
  return finish_pooled_classifier(b, y, "mobilenet_v1", o);
}

}  // namespace whittle
