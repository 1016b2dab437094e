#include "models/ssd/ssd_head.h"

#include <ATen/ATen.h>

#include <sstream>

#include "graph/error.h"
#include "graph/shape_inference.h"
#include "models/ssd/metadata_text.h"

namespace whittle {
namespace {

std::string join_names(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) out += (i ? "," : "") + names[i];
  return out;
}

std::string sizes_text(at::IntArrayRef sizes) {
  std::ostringstream out;
  out << sizes;
  return out.str();
}

// torchvision SSDScoringHead: [B, A*K, H, W] -> [B, H*W*A, K].
at::Tensor flatten_map(const at::Tensor& x, int64_t columns) {
  return x.permute({0, 2, 3, 1}).reshape({x.size(0), -1, columns});
}

}  // namespace

SsdHead::SsdHead(SsdHeadConfig config) : config_(std::move(config)) {
  const size_t maps = config_.priors.feature_sizes.size();
  if (config_.num_classes < 1)
    throw Error("(ssd head) num_classes must be >= 1, got " + std::to_string(config_.num_classes));
  if (!(config_.variances.center > 0) || !(config_.variances.size > 0))
    throw Error("(ssd head) variances must be > 0");
  if (config_.neg_pos_ratio < 0)
    throw Error("(ssd head) neg_pos_ratio must be >= 0");
  if (config_.cls_outputs.empty() && config_.reg_outputs.empty()) {
    for (size_t k = 0; k < maps; ++k) {
      config_.cls_outputs.push_back("head.cls." + std::to_string(k));
      config_.reg_outputs.push_back("head.reg." + std::to_string(k));
    }
  }
  if (config_.cls_outputs.size() != maps || config_.reg_outputs.size() != maps)
    throw Error("(ssd head) " + std::to_string(config_.cls_outputs.size()) + " cls and " +
                std::to_string(config_.reg_outputs.size()) + " reg outputs for " +
                std::to_string(maps) + " feature maps");
  priors_ = generate_ssd_priors(config_.priors);
}

std::vector<std::string> SsdHead::output_names() const {
  std::vector<std::string> names = config_.cls_outputs;
  names.insert(names.end(), config_.reg_outputs.begin(), config_.reg_outputs.end());
  return names;
}

std::pair<at::Tensor, at::Tensor> SsdHead::flatten_outputs(const TensorMap& raw) const {
  const int64_t columns = config_.num_classes + 1;
  std::vector<at::Tensor> cls, reg;
  int64_t batch = -1;
  auto get = [&](const std::string& name, size_t k, int64_t per_anchor) {
    auto it = raw.find(name);
    if (it == raw.end()) throw Error("(ssd head) output '" + name + "' is missing");
    const at::Tensor& x = it->second;
    const auto& hw = config_.priors.feature_sizes[k];
    const int64_t a = anchors_per_location(config_.priors, k);
    if (x.dim() != 4 || x.size(1) != a * per_anchor || x.size(2) != hw[0] || x.size(3) != hw[1] ||
        (batch >= 0 && x.size(0) != batch))
      throw Error("(ssd head) output '" + name + "' has shape " + sizes_text(x.sizes()) +
                  ", expected [B, " + std::to_string(a * per_anchor) + ", " +
                  std::to_string(hw[0]) + ", " + std::to_string(hw[1]) + "] (" +
                  std::to_string(a) + " anchors x " + std::to_string(per_anchor) + ")");
    batch = x.size(0);
    return flatten_map(x, per_anchor);
  };
  for (size_t k = 0; k < config_.cls_outputs.size(); ++k) {
    cls.push_back(get(config_.cls_outputs[k], k, columns));
    reg.push_back(get(config_.reg_outputs[k], k, 4));
  }
  return {at::cat(cls, 1), at::cat(reg, 1)};
}

void SsdHead::check_graph(const Graph& graph) const {
  ShapeMap shapes = infer_shapes(graph);
  TensorMap fake;
  for (const std::string& name : output_names()) {
    if (!graph.is_output(name))
      throw Error("(ssd head) '" + name + "' is not an output of the graph");
    // Shape-only stand-ins (no data) for flatten_outputs' checks.
    fake[name] = at::empty(shapes.at(name), at::TensorOptions().dtype(at::kFloat));
  }
  flatten_outputs(fake);
}

HeadLoss SsdHead::loss(const TensorMap& raw, const std::vector<Target>& targets) const {
  auto [cls, reg] = flatten_outputs(raw);
  MultiboxLossOptions options;
  options.iou_threshold = config_.iou_threshold;
  options.neg_pos_ratio = config_.neg_pos_ratio;
  options.variances = config_.variances;
  MultiboxLoss l = multibox_loss(cls, reg, priors_.to(reg.device()), targets, options);
  HeadLoss out;
  out.total = l.total;
  out.parts["loc"] = l.loc.item<double>();
  out.parts["conf"] = l.conf.item<double>();
  out.parts["positives"] = static_cast<double>(l.positives);
  return out;
}

std::vector<std::vector<ScoredBox>> SsdHead::decode(const TensorMap& raw,
                                                    const NmsOptions& options) const {
  at::NoGradGuard no_grad;
  auto [cls, reg] = flatten_outputs(raw);
  at::Tensor scores = at::softmax(cls.to(at::kFloat), -1).cpu();
  at::Tensor boxes =
      decode_boxes(reg.to(at::kCPU, at::kFloat), priors_, config_.variances).clamp(0.0, 1.0);
  std::vector<std::vector<ScoredBox>> out;
  for (int64_t b = 0; b < cls.size(0); ++b)
    out.push_back(postprocess_scores(boxes[b], scores[b], options));
  return out;
}

std::map<std::string, std::string> SsdHead::metadata() const {
  std::map<std::string, std::string> m = prior_config_metadata(config_.priors);
  m["whittle.family"] = "ssd";
  m["whittle.ssd.num_classes"] = std::to_string(config_.num_classes);
  m["whittle.ssd.variances"] =
      ssd_text::join_decimals({config_.variances.center, config_.variances.size});
  m["whittle.ssd.iou_threshold"] = ssd_text::format_decimal(config_.iou_threshold);
  m["whittle.ssd.neg_pos_ratio"] = std::to_string(config_.neg_pos_ratio);
  m["whittle.ssd.cls_outputs"] = join_names(config_.cls_outputs);
  m["whittle.ssd.reg_outputs"] = join_names(config_.reg_outputs);
  return m;
}

std::shared_ptr<Head> make_ssd_head(const std::map<std::string, std::string>& m) {
  using namespace ssd_text;
  SsdHeadConfig c;
  c.priors = prior_config_from_metadata(m);
  c.num_classes = parse_integer("whittle.ssd.num_classes", require(m, "whittle.ssd.num_classes"));
  auto v = parse_decimals("whittle.ssd.variances", require(m, "whittle.ssd.variances"));
  if (v.size() != 2)
    throw Error("metadata whittle.ssd.variances: need 2 values (centre, size), got " +
                std::to_string(v.size()));
  c.variances = {v[0], v[1]};
  if (auto it = m.find("whittle.ssd.iou_threshold"); it != m.end())
    c.iou_threshold = parse_decimal(it->first, it->second);
  if (auto it = m.find("whittle.ssd.neg_pos_ratio"); it != m.end())
    c.neg_pos_ratio = parse_integer(it->first, it->second);
  if (auto it = m.find("whittle.ssd.cls_outputs"); it != m.end()) c.cls_outputs = split(it->second, ',');
  if (auto it = m.find("whittle.ssd.reg_outputs"); it != m.end()) c.reg_outputs = split(it->second, ',');
  try {
    return std::make_shared<SsdHead>(std::move(c));
  } catch (const Error& e) {
    throw Error(std::string("metadata whittle.ssd.*: ") + e.what());
  }
}

}  // namespace whittle
