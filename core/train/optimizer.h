#pragma once
// Optimizers over a graph's learnable tensors, with the update rules of
// torch.optim (1.13): SGD (momentum, dampening 0, optional Nesterov, L2 weight
// decay added to the gradient), Adam (L2 decay added to the gradient) and
// AdamW (decoupled decay), both with bias correction.
//
// Weight decay skips 1-D tensors (biases, BatchNorm and L2Norm scales) unless
// OptimizerOptions::decay_all is set, as detection recipes do (torchvision's
// `norm_weight_decay`, mmdet's `bias_decay_mult`/`norm_decay_mult`).
//
// The learning rate is given to every step(), so a schedule (schedule.h) is a
// plain function of the global step. State (per-parameter buffers and step
// counts) can be taken out and put back for checkpoints.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace whittle {

enum class OptimizerKind { Sgd, Adam, AdamW };

// "sgd" | "adam" | "adamw" (throws Error naming the text otherwise).
OptimizerKind parse_optimizer_kind(const std::string& text);
std::string optimizer_kind_name(OptimizerKind kind);

struct OptimizerOptions {
  OptimizerKind kind = OptimizerKind::Sgd;
  double momentum = 0.9;   // SGD
  bool nesterov = false;   // SGD (needs momentum > 0)
  double weight_decay = 0;
  bool decay_all = false;  // also decay 1-D tensors (biases, norm scales)
  double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;  // Adam, AdamW
};

// A learnable tensor and its name ("<node>.<weight>", e.g. "conv1.weight").
struct NamedParameter {
  std::string name;
  at::Tensor tensor;
};

// Buffers by "<parameter>/<buffer>" ("conv1.weight/momentum_buffer",
// ".../exp_avg", ".../exp_avg_sq") and Adam step counts by parameter name.
struct OptimizerState {
  std::string kind;  // optimizer_kind_name
  std::map<std::string, at::Tensor> buffers;
  std::map<std::string, int64_t> steps;
};

class Optimizer {
 public:
  // Throws Error for bad options or duplicate parameter names.
  Optimizer(std::vector<NamedParameter> parameters, OptimizerOptions options);

  // Drops every gradient (torch's set_to_none).
  void zero_grad();
  // One update with learning rate lr. Parameters without a gradient are
  // skipped (and their Adam step count does not advance), as in torch.optim.
  void step(double lr);

  const std::vector<NamedParameter>& parameters() const { return params_; }
  const OptimizerOptions& options() const { return options_; }
  // Whether weight decay applies to parameter i.
  bool decays(size_t i) const;

  // Copies of the buffers (no storage shared with the optimizer).
  OptimizerState state() const;
  // Restores state(); throws Error naming the parameter on a missing buffer
  // or a shape mismatch, and on a different optimizer kind.
  void load_state(const OptimizerState& state);

 private:
  struct Slot {
    at::Tensor momentum_buffer;     // SGD
    at::Tensor exp_avg, exp_avg_sq; // Adam, AdamW
    int64_t step = 0;               // Adam, AdamW
  };
  std::vector<NamedParameter> params_;
  std::vector<Slot> slots_;
  OptimizerOptions options_;
};

// Global L2 norm of the gradients of `parameters` (those without a gradient
// count as zero); when it exceeds max_norm (> 0) every gradient is scaled by
// max_norm / (norm + 1e-6), as torch.nn.utils.clip_grad_norm_. Returns the
// norm before clipping (may be non-finite; gradients are then left alone).
double clip_grad_norm(const std::vector<NamedParameter>& parameters, double max_norm);

}  // namespace whittle
