#pragma once
// The SSD family's Head: priors, MultiBox loss, decoding (see ssd_priors.h,
// ssd_box_coding.h, ssd_loss.h).
//
// Graph outputs it reads, one pair per feature map in prior order: the
// classification conv "head.cls.k" [B, A_k * (C + 1), H_k, W_k] (column 0 of
// each anchor = background) and the regression conv "head.reg.k"
// [B, A_k * 4, H_k, W_k]. Each is flattened as torchvision's SSD heads:
// permute (0, 2, 3, 1) and reshape to [B, H*W*A, K], then concatenated in
// feature-map order -> [B, P, C + 1] and [B, P, 4].
//
// Metadata (whittle.family = "ssd"): whittle.ssd.num_classes (object
// classes, background excluded), whittle.ssd.variances "0.1,0.2",
// whittle.ssd.iou_threshold, whittle.ssd.neg_pos_ratio,
// whittle.ssd.cls_outputs / whittle.ssd.reg_outputs (comma-joined output
// names), plus the prior settings of prior_config_metadata().
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "graph/graph.h"
#include "models/head.h"
#include "models/ssd/ssd_box_coding.h"
#include "models/ssd/ssd_loss.h"
#include "models/ssd/ssd_priors.h"

namespace whittle {

struct SsdHeadConfig {
  int64_t num_classes = 20;  // object classes, background excluded
  SsdPriorConfig priors;
  SsdVariances variances;
  double iou_threshold = 0.5;
  int64_t neg_pos_ratio = 3;
  // Graph output names per feature map; empty: "head.cls.k" / "head.reg.k".
  std::vector<std::string> cls_outputs;
  std::vector<std::string> reg_outputs;
};

class SsdHead : public Head {
 public:
  // Generates the priors; throws whittle::Error for an inconsistent config.
  explicit SsdHead(SsdHeadConfig config);

  std::string family() const override { return "ssd"; }
  int64_t num_classes() const override { return config_.num_classes; }
  // The cls outputs, then the reg outputs.
  std::vector<std::string> output_names() const override;
  // Parts: "loc", "conf", "positives".
  HeadLoss loss(const TensorMap& raw, const std::vector<Target>& targets) const override;
  // Softmax scores, decoded boxes clamped to [0, 1], postprocess_scores per image.
  std::vector<std::vector<ScoredBox>> decode(const TensorMap& raw,
                                             const NmsOptions& options) const override;
  std::map<std::string, std::string> metadata() const override;

  const SsdHeadConfig& config() const { return config_; }
  const at::Tensor& priors() const { return priors_; }  // [P, 4] cxcywh, CPU float

  // The flattened, concatenated outputs: {[B, P, C + 1] logits, [B, P, 4] offsets}.
  // Throws whittle::Error naming the output whose shape disagrees with the priors.
  std::pair<at::Tensor, at::Tensor> flatten_outputs(const TensorMap& raw) const;
  // Checks the graph's head output shapes ([1, A*K, H, W]) against the config.
  void check_graph(const Graph& graph) const;

 private:
  SsdHeadConfig config_;
  at::Tensor priors_;
};

// Rebuilds an SsdHead from whittle.ssd.* metadata (see above); throws
// whittle::Error naming the missing or bad key.
std::shared_ptr<Head> make_ssd_head(const std::map<std::string, std::string>& metadata);

}  // namespace whittle
