#include "train/optimizer.h"

#include <ATen/ATen.h>

#include <cmath>
#include <set>

#include "graph/error.h"
#include "graph/shape_inference.h"

namespace whittle {
OptimizerKind parse_optimizer_kind(const std::string& text) {
  if (text == "sgd") return OptimizerKind::Sgd;
  if (text == "adam") return OptimizerKind::Adam;
  if (text == "adamw") return OptimizerKind::AdamW;
  throw Error("unknown optimizer '" + text + "' (expected sgd, adam or adamw)");
}

std::string optimizer_kind_name(OptimizerKind kind) {
  switch (kind) {
    case OptimizerKind::Sgd: return "sgd";
    case OptimizerKind::Adam: return "adam";
    case OptimizerKind::AdamW: return "adamw";
  }
  return "?";
}

Optimizer::Optimizer(std::vector<NamedParameter> parameters, OptimizerOptions options)
    : params_(std::move(parameters)), slots_(params_.size()), options_(options) {
  if (options_.momentum < 0) throw Error("optimizer: momentum must be >= 0");
  if (options_.weight_decay < 0) throw Error("optimizer: weight decay must be >= 0");
  if (options_.nesterov && options_.momentum <= 0)
    throw Error("optimizer: Nesterov momentum needs momentum > 0");
  if (options_.beta1 < 0 || options_.beta1 >= 1 || options_.beta2 < 0 || options_.beta2 >= 1)
    throw Error("optimizer: Adam betas must lie in [0, 1)");
  std::set<std::string> names;
  for (const auto& p : params_) {
    if (!p.tensor.defined()) throw Error("optimizer: parameter '" + p.name + "' is undefined");
    if (!names.insert(p.name).second)
      throw Error("optimizer: parameter '" + p.name + "' is given twice");
  }
}

bool Optimizer::decays(size_t i) const {
  return options_.weight_decay > 0 && (options_.decay_all || params_.at(i).tensor.dim() > 1);
}

void Optimizer::zero_grad() {
  for (auto& p : params_)
    if (p.tensor.grad().defined()) p.tensor.mutable_grad() = at::Tensor();
}

void Optimizer::step(double lr) {
  at::NoGradGuard no_grad;
  const OptimizerOptions& o = options_;
  for (size_t i = 0; i < params_.size(); ++i) {
    at::Tensor p = params_[i].tensor;
    at::Tensor grad = p.grad();
    if (!grad.defined()) continue;
    Slot& s = slots_[i];
    const double wd = decays(i) ? o.weight_decay : 0.0;

    if (o.kind == OptimizerKind::Sgd) {
      // torch.optim.SGD: d = g + wd p; b = m b + d (b = d on the first step);
      // d = nesterov ? d + m b : b; p -= lr d
      at::Tensor d = wd != 0 ? grad.add(p, wd) : grad;
      if (o.momentum != 0) {
        if (!s.momentum_buffer.defined())
          s.momentum_buffer = d.clone();
        else
          s.momentum_buffer.mul_(o.momentum).add_(d);
        d = o.nesterov ? d.add(s.momentum_buffer, o.momentum) : s.momentum_buffer;
      }
      p.add_(d, -lr);
      continue;
    }

    // torch.optim.Adam / AdamW (amsgrad off, maximize off):
    //   AdamW: p *= 1 - lr wd;   Adam: g += wd p
    //   m = b1 m + (1 - b1) g;   v = b2 v + (1 - b2) g^2
    //   p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
    at::Tensor g = grad;
    if (wd != 0) {
      if (o.kind == OptimizerKind::AdamW)
        p.mul_(1.0 - lr * wd);
      else
        g = g.add(p, wd);
    }
    if (!s.exp_avg.defined()) {
      s.exp_avg = at::zeros_like(p, at::MemoryFormat::Preserve);
      s.exp_avg_sq = at::zeros_like(p, at::MemoryFormat::Preserve);
    }
    s.step += 1;
    s.exp_avg.mul_(o.beta1).add_(g, 1.0 - o.beta1);
    s.exp_avg_sq.mul_(o.beta2).addcmul_(g, g, 1.0 - o.beta2);
    const double bias_correction1 = 1.0 - std::pow(o.beta1, static_cast<double>(s.step));
    const double bias_correction2 = 1.0 - std::pow(o.beta2, static_cast<double>(s.step));
    const double step_size = lr / bias_correction1;
    at::Tensor denom = (s.exp_avg_sq.sqrt() / std::sqrt(bias_correction2)).add_(o.eps);
    p.addcdiv_(s.exp_avg, denom, -step_size);
  }
}

OptimizerState Optimizer::state() const {
  OptimizerState st;
  st.kind = optimizer_kind_name(options_.kind);
  for (size_t i = 0; i < params_.size(); ++i) {
    const std::string& name = params_[i].name;
    const Slot& s = slots_[i];
    if (s.momentum_buffer.defined()) st.buffers[name + "/momentum_buffer"] = s.momentum_buffer.clone();
    if (s.exp_avg.defined()) {
      st.buffers[name + "/exp_avg"] = s.exp_avg.clone();
      st.buffers[name + "/exp_avg_sq"] = s.exp_avg_sq.clone();
    }
    if (s.step > 0) st.steps[name] = s.step;
  }
  return st;
}

void Optimizer::load_state(const OptimizerState& st) {
  if (st.kind != optimizer_kind_name(options_.kind))
    throw Error("optimizer state is for '" + st.kind + "', not '" +
                optimizer_kind_name(options_.kind) + "'");
  std::set<std::string> known;
  std::vector<Slot> slots(params_.size());
  auto take = [&](size_t i, const std::string& buffer, at::Tensor& dst) {
    const std::string key = params_[i].name + "/" + buffer;
    auto it = st.buffers.find(key);
    if (it == st.buffers.end()) return false;
    known.insert(key);
    if (!it->second.sizes().equals(params_[i].tensor.sizes()))
      throw Error("optimizer state '" + key + "' has shape " + format_shape(it->second) +
                  ", parameter has " + format_shape(params_[i].tensor));
    dst = it->second.to(params_[i].tensor.options()).clone();
    return true;
  };
  for (size_t i = 0; i < params_.size(); ++i) {
    Slot& s = slots[i];
    take(i, "momentum_buffer", s.momentum_buffer);
    const bool has_avg = take(i, "exp_avg", s.exp_avg);
    const bool has_sq = take(i, "exp_avg_sq", s.exp_avg_sq);
    if (has_avg != has_sq)
      throw Error("optimizer state of '" + params_[i].name + "' has only one of exp_avg, exp_avg_sq");
    auto step = st.steps.find(params_[i].name);
    if (step != st.steps.end()) s.step = step->second;
    if (has_avg && s.step <= 0)
      throw Error("optimizer state of '" + params_[i].name + "' has moments but no step count");
  }
  for (const auto& [key, tensor] : st.buffers)
    if (!known.count(key))
      throw Error("optimizer state '" + key + "' matches no parameter of the model");
  slots_ = std::move(slots);
}

double clip_grad_norm(const std::vector<NamedParameter>& parameters, double max_norm) {
  at::NoGradGuard no_grad;
  std::vector<at::Tensor> norms;
  for (const auto& p : parameters) {
    const at::Tensor& g = p.tensor.grad();
    if (g.defined()) norms.push_back(g.norm(2).to(at::kDouble));
  }
  if (norms.empty()) return 0.0;
  const double total = at::stack(norms).norm(2).item<double>();
  if (max_norm > 0 && std::isfinite(total)) {
    const double coef = max_norm / (total + 1e-6);
    if (coef < 1.0)
      for (const auto& p : parameters)
        if (p.tensor.grad().defined()) p.tensor.mutable_grad().mul_(coef);
  }
  return total;
}

}  // namespace whittle
