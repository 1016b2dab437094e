#include "models/ssd/ssd_builder.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <cmath>

#include "data/dataset.h"
#include "graph/error.h"
#include "models/ssd/metadata_text.h"

namespace whittle {

std::vector<std::string> ssd_class_names(int64_t num_classes) {
  if (num_classes == 20) return voc_class_names();
  std::vector<std::string> names;
  for (int64_t i = 1; i <= num_classes; ++i) names.push_back("class" + std::to_string(i));
  return names;
}

void check_ssd_options(const char* family, const SsdOptions& o) {
  const std::string f = std::string("(") + family + ") ";
  if (o.num_classes < 1)
    throw Error(f + "num_classes must be >= 1, got " + std::to_string(o.num_classes));
  if (!(o.width > 0.0) || !std::isfinite(o.width))
    throw Error(f + "width must be > 0, got " + ssd_text::format_decimal(o.width));
  if (o.input_size < 32)
    throw Error(f + "input_size must be >= 32, got " + std::to_string(o.input_size));
  const bool scales_given = o.min_scale != 0 || o.max_scale != 0;
  const double lo = o.min_scale == 0 ? 0.2 : o.min_scale, hi = o.max_scale == 0 ? 0.95 : o.max_scale;
  if (scales_given && !(lo > 0 && lo < hi && std::isfinite(hi)))
    throw Error(f + "prior scales need 0 < min < max, got min " + ssd_text::format_decimal(lo) +
                ", max " + ssd_text::format_decimal(hi));
  if (o.first_stride != 0 && o.first_stride != 8 && o.first_stride != 16)
    throw Error(f + "first feature stride must be 8 or 16, got " + std::to_string(o.first_stride));
}

std::vector<double> ssd_scales(const SsdOptions& o, size_t maps) {
  return linear_ssd_scales(maps, o.min_scale == 0 ? 0.2 : o.min_scale,
                           o.max_scale == 0 ? 0.95 : o.max_scale);
}

void add_ssd_conv_heads(GraphBuilder& b, const std::vector<std::string>& sources,
                        const std::vector<int64_t>& anchors, int64_t num_classes) {
  ConvOptions conv;
  conv.padding = 1;
  for (size_t k = 0; k < sources.size(); ++k)
    b.conv("head.cls." + std::to_string(k), sources[k], anchors[k] * (num_classes + 1), 3, conv);
  for (size_t k = 0; k < sources.size(); ++k)
    b.conv("head.reg." + std::to_string(k), sources[k], anchors[k] * 4, 3, conv);
}

void add_ssdlite_heads(GraphBuilder& b, const std::vector<std::string>& sources,
                       const std::vector<int64_t>& anchors, int64_t num_classes) {
  auto branch = [&](const std::string& name, const std::string& x, int64_t out) {
    ConvOptions dw;
    dw.padding = 1;
    dw.groups = b.channels(x);
    std::string y = b.conv_bn_act(name + ".dw", x, b.channels(x), 3, dw, Op::ReLU6);
    b.conv(name, y, out, 1);
  };
  for (size_t k = 0; k < sources.size(); ++k)
    branch("head.cls." + std::to_string(k), sources[k], anchors[k] * (num_classes + 1));
  for (size_t k = 0; k < sources.size(); ++k)
    branch("head.reg." + std::to_string(k), sources[k], anchors[k] * 4);
}

void init_ssd_convs(Graph& graph, const std::vector<std::string>& prefixes, SsdInit init,
                    uint64_t seed) {
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  for (Node& node : graph.nodes) {
    if (node.op != Op::Conv2d) continue;
    bool wanted = false;
    for (const auto& p : prefixes) wanted = wanted || node.name.rfind(p, 0) == 0;
    if (!wanted) continue;
    at::Tensor& w = node.weights.at("weight");
    if (init == SsdInit::XavierUniform) {
      // nn.init.xavier_uniform_: U(-a, a), a = sqrt(6 / (fan_in + fan_out)).
      const double receptive = static_cast<double>(w.size(2) * w.size(3));
      const double fan_in = static_cast<double>(w.size(1)) * receptive;
      const double fan_out = static_cast<double>(w.size(0)) * receptive;
      const double a = std::sqrt(6.0 / (fan_in + fan_out));
      w = at::empty(w.sizes(), at::kFloat).uniform_(-a, a, gen);
    } else {
      w = at::empty(w.sizes(), at::kFloat).normal_(0.0, 0.03, gen);
    }
    if (node.has_weight("bias")) node.weights["bias"] = at::zeros_like(node.weight("bias"));
  }
}

Detector finish_ssd_detector(GraphBuilder& b, SsdHeadConfig head, const Preprocess& preprocess,
                             const std::string& zoo_name, double width) {
  const size_t maps = head.priors.aspect_ratios.size();
  head.priors.feature_sizes.clear();
  head.cls_outputs.clear();
  head.reg_outputs.clear();
  for (size_t k = 0; k < maps; ++k) {
    head.cls_outputs.push_back("head.cls." + std::to_string(k));
    head.reg_outputs.push_back("head.reg." + std::to_string(k));
    const Shape& s = b.shape(head.cls_outputs.back());
    head.priors.feature_sizes.push_back({s.at(2), s.at(3)});
  }
  for (const auto& name : head.cls_outputs) b.output(name);
  for (const auto& name : head.reg_outputs) b.output(name);
  b.set_metadata("whittle.zoo", zoo_name);
  b.set_metadata("whittle.width", ssd_text::format_decimal(width));

  Detector d;
  d.graph = b.build();
  auto ssd = std::make_shared<SsdHead>(std::move(head));
  ssd->check_graph(d.graph);
  d.classes = ssd_class_names(ssd->num_classes());
  d.head = ssd;
  d.preprocess = preprocess;
  store_detector_metadata(d);
  return d;
}

}  // namespace whittle
