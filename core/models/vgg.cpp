#include "models/vgg.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace whittle {

int64_t vgg_channels(int64_t c, double width) {
  return std::max<int64_t>(1, std::llround(static_cast<double>(c) * width));
}

namespace {

// Configuration D: channels per stage, a 2x2/2 max pool after each stage
// (pool3 rounding up when `ceil_pool3`, pool5 only when `pool5`). Stores
// conv4_3's activation in *conv4_3 when given; a BatchNorm "<conv>.bn"
// after each conv when `batch_norm`.
std::string add_vgg16_stages(GraphBuilder& b, const std::string& x, double width, bool pool5,
                             bool ceil_pool3, std::string* conv4_3, bool batch_norm) {
  static const std::vector<std::vector<int64_t>> stages = {
      {64, 64}, {128, 128}, {256, 256, 256}, {512, 512, 512}, {512, 512, 512}};
  std::string y = x;
  for (size_t s = 0; s < stages.size(); ++s) {
    for (size_t i = 0; i < stages[s].size(); ++i) {
      std::string name =
          "features.conv" + std::to_string(s + 1) + "_" + std::to_string(i + 1);
      ConvOptions conv;
      conv.padding = 1;
      conv.bias = true;
      y = b.conv(name, y, vgg_channels(stages[s][i], width), 3, conv);
      if (batch_norm) y = b.batch_norm(name + ".bn", y);
      y = b.relu(name + ".relu", y);
    }
    if (s == 3 && conv4_3) *conv4_3 = y;
    if (s + 1 < stages.size() || pool5)
      y = b.max_pool("features.pool" + std::to_string(s + 1), y, 2, 2, 0, ceil_pool3 && s == 2);
  }
  return y;
}

}  // namespace

std::string add_vgg16_features(GraphBuilder& b, const std::string& x, double width, bool pool5) {
  return add_vgg16_stages(b, x, width, pool5, /*ceil_pool3=*/false, nullptr, false);
}

Vgg16SsdTrunk add_vgg16_ssd_trunk(GraphBuilder& b, const std::string& x, double width,
                                  bool batch_norm) {
  Vgg16SsdTrunk trunk;
  trunk.conv5_3 = add_vgg16_stages(b, x, width, /*pool5=*/false, /*ceil_pool3=*/true,
                                   &trunk.conv4_3, batch_norm);
  return trunk;
}

Graph build_vgg16(const BackboneOptions& o) {
  check_backbone_options("vgg16", o);
  GraphBuilder b(o.seed);
  std::string y = b.input("input", {1, 3, o.input_size, o.input_size});
  y = add_vgg16_features(b, y, o.width);
  if (o.classifier) {
    // AdaptiveAvgPool2d(7x7) omitted: identity at 224; see the header for other sizes.
    int64_t hidden = vgg_channels(4096, o.width);
    y = b.flatten("classifier.flatten", y);
    y = b.relu("classifier.fc6.relu", b.linear("classifier.fc6", y, hidden));
    y = b.relu("classifier.fc7.relu", b.linear("classifier.fc7", y, hidden));
    y = b.linear("logits", y, o.num_classes);
  }
  b.output(y);
  set_backbone_metadata(b, "vgg16", o);
  return b.build();
}

}  // namespace whittle
