#include "models/ssd/ssd_mobilenet.h"

#include <algorithm>

#include "graph/graph_builder.h"
#include "models/mobilenet_v1.h"
#include "models/mobilenet_v2.h"

namespace whittle {
namespace {

// torchvision SSDLite: get_depth(d) = max(min_depth, int(d * width_mult)), min_depth 16.
int64_t extra_channels(int64_t c, double width) {
  return std::max<int64_t>(16, static_cast<int64_t>(static_cast<double>(c) * width));
}

SsdOptions with_default_size(SsdOptions o, int64_t size) {
  if (o.input_size == 0) o.input_size = size;
  return o;
}

// One map per scale but the last; 6 anchors each (ratios 1, 1', 2, 1/2, 3, 1/3).
SsdPriorConfig six_anchor_priors(std::vector<double> scales) {
  SsdPriorConfig c;
  c.aspect_ratios.assign(scales.size() - 1, {2.0, 3.0});
  c.scales = std::move(scales);
  c.image_size = 0;  // cell centres: steps empty
  c.clip = true;
  return c;
}

}  // namespace

Detector build_ssd_mobilenet_v1(const SsdOptions& options) {
  const SsdOptions o = with_default_size(options, 300);
  check_ssd_options("ssd_mobilenet_v1", o);
  GraphBuilder b(o.seed);
  std::string x = b.input("input", {1, 3, o.input_size, o.input_size});
  std::vector<std::string> blocks = add_mobilenet_v1_features(b, x, o.width);
  std::vector<std::string> sources = {blocks.at(11), blocks.at(13)};
  if (o.first_stride == 8) sources.insert(sources.begin(), blocks.at(5));  // 256 * width, stride 8

  static const int64_t extras[][2] = {{256, 512}, {128, 256}, {128, 256}, {128, 256}};
  std::string y = sources.back();
  for (size_t i = 0; i < 4; ++i) {
    const std::string n = "extras." + std::to_string(i);
    y = b.relu(n + ".pw.relu", b.conv(n + ".pw", y, extra_channels(extras[i][0], o.width), 1));
    ConvOptions conv;
    conv.stride = 2;
    conv.padding = 1;
    y = b.relu(n + ".conv.relu", b.conv(n + ".conv", y, extra_channels(extras[i][1], o.width), 3, conv));
    sources.push_back(y);
  }

  SsdHeadConfig head;
  head.num_classes = o.num_classes;
  // mb1-ssd's scales; linear from the options' when the user gives them.
  const bool default_scales = o.min_scale == 0 && o.max_scale == 0 && o.first_stride != 8;
  head.priors = six_anchor_priors(default_scales ? std::vector<double>{0.2, 0.35, 0.5, 0.65, 0.8, 0.95, 1.1}
                                                 : ssd_scales(o, sources.size()));
  add_ssd_conv_heads(b, sources, std::vector<int64_t>(sources.size(), 6), o.num_classes);

  Preprocess pre;
  pre.input_size = o.input_size;
  pre.mean = {127.0f / 255.0f, 127.0f / 255.0f, 127.0f / 255.0f};
  pre.std = {128.0f / 255.0f, 128.0f / 255.0f, 128.0f / 255.0f};
  Detector d = finish_ssd_detector(b, std::move(head), pre, "ssd_mobilenet_v1", o.width);
  init_ssd_convs(d.graph, {"extras.", "head."}, SsdInit::XavierUniform, o.seed + 1);
  return d;
}

Detector build_ssdlite_mobilenet_v2(const SsdOptions& options) {
  const SsdOptions o = with_default_size(options, 320);
  check_ssd_options("ssdlite_mobilenet_v2", o);
  GraphBuilder b(o.seed);
  std::string x = b.input("input", {1, 3, o.input_size, o.input_size});
  std::vector<std::string> blocks = add_mobilenet_v2_features(b, x, o.width);
  std::vector<std::string> sources = {"features.14.expand.act", blocks.back()};
  if (o.first_stride == 8) sources.insert(sources.begin(), "features.7.expand.act");
  b.shape(sources.front());  // throws if the backbone's naming ever changes

  static const int64_t extras[] = {512, 256, 256, 128};
  std::string y = sources.back();
  for (size_t i = 0; i < 4; ++i) {
    const std::string n = "extras." + std::to_string(i);
    const int64_t out = extra_channels(extras[i], o.width), mid = out / 2;
    y = b.conv_bn_act(n + ".pw1", y, mid, 1, ConvOptions{}, Op::ReLU6);
    ConvOptions dw;
    dw.stride = 2;
    dw.padding = 1;
    dw.groups = mid;
    y = b.conv_bn_act(n + ".dw", y, mid, 3, dw, Op::ReLU6);
    y = b.conv_bn_act(n + ".pw2", y, out, 1, ConvOptions{}, Op::ReLU6);
    sources.push_back(y);
  }

  SsdHeadConfig head;
  head.num_classes = o.num_classes;
  head.priors = six_anchor_priors(ssd_scales(o, sources.size()));
  add_ssdlite_heads(b, sources, std::vector<int64_t>(sources.size(), 6), o.num_classes);

  Preprocess pre;
  pre.input_size = o.input_size;
  pre.mean = {0.5f, 0.5f, 0.5f};
  pre.std = {0.5f, 0.5f, 0.5f};
  Detector d = finish_ssd_detector(b, std::move(head), pre, "ssdlite_mobilenet_v2", o.width);
  init_ssd_convs(d.graph, {"extras.", "head."}, SsdInit::Normal003, o.seed + 1);
  for (Node& node : d.graph.nodes) {
    if (node.op != Op::BatchNorm2d) continue;
    node.attrs.set("eps", 0.001);
    node.attrs.set("momentum", 0.03);
  }
  return d;
}

}  // namespace whittle
