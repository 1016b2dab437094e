#include "models/ssd/ssd300_vgg16.h"

#include "graph/error.h"
#include "graph/graph_builder.h"
#include "models/ssd/ssd_builder.h"
#include "models/vgg.h"

namespace whittle {

SsdPriorConfig ssd300_vgg16_prior_config() {
  SsdPriorConfig c;
  c.feature_sizes = {{38, 38}, {19, 19}, {10, 10}, {5, 5}, {3, 3}, {1, 1}};
  c.aspect_ratios = {{2}, {2, 3}, {2, 3}, {2, 3}, {2}, {2}};
  c.scales = {0.07, 0.15, 0.33, 0.51, 0.69, 0.87, 1.05};
  c.steps = {8, 16, 32, 64, 100, 300};
  c.image_size = 300;
  c.clip = true;
  return c;
}

Detector build_ssd300_vgg16(int64_t num_classes, uint64_t seed, bool batch_norm) {
  const std::string zoo_name = batch_norm ? "ssd300_vgg16_bn" : "ssd300_vgg16";
  if (num_classes < 1)
    throw Error("(" + zoo_name + ") num_classes must be >= 1, got " + std::to_string(num_classes));
  GraphBuilder b(seed);
  // conv (+ BatchNorm "<name>.bn" when batch_norm) + ReLU "<relu>".
  auto conv_relu = [&](const std::string& name, const std::string& relu, const std::string& in,
                       int64_t out, int64_t kernel, ConvOptions conv = {}) {
    std::string v = b.conv(name, in, out, kernel, conv);
    if (batch_norm) v = b.batch_norm(name + ".bn", v);
    return b.relu(relu, v);
  };
  std::string x = b.input("input", {1, 3, 300, 300});
  Vgg16SsdTrunk trunk = add_vgg16_ssd_trunk(b, x, 1.0, batch_norm);
  std::vector<std::string> sources;
  sources.push_back(b.l2norm("features.conv4_3.l2norm", trunk.conv4_3, 20.0));

  // torchvision's "fc": pool5 3x3/1, fc6 atrous, fc7.
  std::string y = b.max_pool("fc.pool5", trunk.conv5_3, 3, 1, 1);
  ConvOptions fc6;
  fc6.padding = 6;
  fc6.dilation = 6;
  y = conv_relu("fc.fc6", "fc.fc6.relu", y, 1024, 3, fc6);
  y = conv_relu("fc.fc7", "fc.fc7.relu", y, 1024, 1);
  sources.push_back(y);

  // (name, 1x1 channels, 3x3 channels, stride, padding) of conv8 .. conv11.
  struct Extra {
    const char* name;
    int64_t reduce, out, stride, padding;
  };
  static const Extra extras[] = {{"conv8", 256, 512, 2, 1},
                                 {"conv9", 128, 256, 2, 1},
                                 {"conv10", 128, 256, 1, 0},
                                 {"conv11", 128, 256, 1, 0}};
  for (const Extra& e : extras) {
    const std::string n = std::string("extras.") + e.name;
    y = conv_relu(n + "_1", n + "_1.relu", y, e.reduce, 1);
    ConvOptions conv;
    conv.stride = e.stride;
    conv.padding = e.padding;
    y = conv_relu(n + "_2", n + "_2.relu", y, e.out, 3, conv);
    sources.push_back(y);
  }

  SsdHeadConfig head;
  head.num_classes = num_classes;
  head.priors = ssd300_vgg16_prior_config();
  std::vector<int64_t> anchors;
  for (size_t k = 0; k < sources.size(); ++k) anchors.push_back(anchors_per_location(head.priors, k));
  add_ssd_conv_heads(b, sources, anchors, num_classes);

  Preprocess pre;
  pre.input_size = 300;
  pre.mean = {0.48235f, 0.45882f, 0.40784f};
  pre.std = {1.0f / 255.0f, 1.0f / 255.0f, 1.0f / 255.0f};
  Detector d = finish_ssd_detector(b, std::move(head), pre, zoo_name, 1.0);
  if (d.head->output_names().size() != 12 ||
      static_cast<const SsdHead&>(*d.head).config().priors.feature_sizes !=
          ssd300_vgg16_prior_config().feature_sizes)
    throw Error("(" + zoo_name + ") feature map sizes differ from 38/19/10/5/3/1");
  init_ssd_convs(d.graph, {"fc.", "extras.", "head."}, SsdInit::XavierUniform, seed + 1);
  return d;
}

}  // namespace whittle
