// Optimizer steps against torch.optim's formulas computed by hand on a
// 2-element tensor; weight decay selection; state round trip; clipping.
#include "train/optimizer.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <cmath>

#include "graph/error.h"

namespace whittle {
namespace {

constexpr double kTol = 1e-6;

// A [1, 2] parameter (2-D, so weight decay applies by default).
at::Tensor param(double a, double b) {
  return at::tensor({a, b}, at::kFloat).view({1, 2}).requires_grad_(true);
}

void set_grad(at::Tensor& p, double a, double b) {
  p.mutable_grad() = at::tensor({a, b}, at::kFloat).view(p.sizes());
}

void expect_values(const at::Tensor& p, double a, double b, const char* what) {
  at::Tensor f = p.detach().flatten();
  EXPECT_NEAR(f[0].item<double>(), a, kTol) << what;
  EXPECT_NEAR(f[1].item<double>(), b, kTol) << what;
}

TEST(Optimizer, SgdMomentumWeightDecayMatchesFormula) {
  const double lr = 0.1, m = 0.9, wd = 0.01;
  for (bool nesterov : {false, true}) {
    at::Tensor p = param(1.0, -2.0);
    OptimizerOptions o;
    o.kind = OptimizerKind::Sgd;
    o.momentum = m;
    o.nesterov = nesterov;
    o.weight_decay = wd;
    Optimizer opt({{"w", p}}, o);
    double x[2] = {1.0, -2.0}, buf[2] = {0, 0};
    const double grads[2][2] = {{0.5, 0.25}, {-0.3, 0.7}};
    for (int step = 0; step < 2; ++step) {
      set_grad(p, grads[step][0], grads[step][1]);
      opt.step(lr);
      for (int i = 0; i < 2; ++i) {
        double d = grads[step][i] + wd * x[i];           // L2 added to the gradient
        buf[i] = step == 0 ? d : m * buf[i] + d;         // buffer starts as d
        double update = nesterov ? d + m * buf[i] : buf[i];
        x[i] -= lr * update;
      }
      expect_values(p, x[0], x[1], nesterov ? "nesterov" : "momentum");
    }
  }
}

TEST(Optimizer, AdamAndAdamWMatchFormula) {
  const double lr = 0.01, b1 = 0.9, b2 = 0.999, eps = 1e-8, wd = 0.1;
  for (OptimizerKind kind : {OptimizerKind::Adam, OptimizerKind::AdamW}) {
    at::Tensor p = param(0.5, -1.5);
    OptimizerOptions o;
    o.kind = kind;
    o.weight_decay = wd;
    Optimizer opt({{"w", p}}, o);
    double x[2] = {0.5, -1.5}, mo[2] = {0, 0}, v[2] = {0, 0};
    const double grads[3][2] = {{0.2, -0.1}, {0.05, 0.3}, {-0.4, 0.0}};
    for (int t = 1; t <= 3; ++t) {
      set_grad(p, grads[t - 1][0], grads[t - 1][1]);
      opt.step(lr);
      for (int i = 0; i < 2; ++i) {
        double g = grads[t - 1][i];
        if (kind == OptimizerKind::AdamW)
          x[i] *= 1 - lr * wd;  // decoupled
        else
          g += wd * x[i];       // L2
        mo[i] = b1 * mo[i] + (1 - b1) * g;
        v[i] = b2 * v[i] + (1 - b2) * g * g;
        const double mhat = mo[i] / (1 - std::pow(b1, t));
        const double denom = std::sqrt(v[i]) / std::sqrt(1 - std::pow(b2, t)) + eps;
        x[i] -= lr * mhat / denom;
      }
      expect_values(p, x[0], x[1], optimizer_kind_name(kind).c_str());
    }
    EXPECT_EQ(opt.state().steps.at("w"), 3);
  }
}

TEST(Optimizer, WeightDecaySkipsOneDimensionalTensorsUnlessDecayAll) {
  for (bool decay_all : {false, true}) {
    at::Tensor bias = at::tensor({1.0, 2.0}, at::kFloat).requires_grad_(true);
    OptimizerOptions o;
    o.momentum = 0;
    o.weight_decay = 0.5;
    o.decay_all = decay_all;
    Optimizer opt({{"b", bias}}, o);
    EXPECT_EQ(opt.decays(0), decay_all);
    bias.mutable_grad() = at::zeros({2});
    opt.step(0.1);
    const double f = decay_all ? 1 - 0.1 * 0.5 : 1.0;
    expect_values(bias, 1.0 * f, 2.0 * f, decay_all ? "decay_all" : "default");
  }
}

TEST(Optimizer, ParametersWithoutGradientAreSkipped) {
  at::Tensor a = param(1, 2), b = param(3, 4);
  OptimizerOptions o;
  o.kind = OptimizerKind::Adam;
  Optimizer opt({{"a", a}, {"b", b}}, o);
  set_grad(a, 1, 1);
  opt.step(0.1);
  expect_values(b, 3, 4, "no grad");
  OptimizerState st = opt.state();
  EXPECT_EQ(st.steps.count("b"), 0u);
  EXPECT_EQ(st.buffers.count("b/exp_avg"), 0u);
  opt.zero_grad();
  EXPECT_FALSE(a.grad().defined());
}

TEST(Optimizer, StateRoundTripContinuesIdentically) {
  for (OptimizerKind kind : {OptimizerKind::Sgd, OptimizerKind::AdamW}) {
    at::Tensor p = param(0.3, -0.7);
    OptimizerOptions o;
    o.kind = kind;
    o.weight_decay = 0.01;
    Optimizer first({{"w", p}}, o);
    set_grad(p, 0.1, 0.2);
    first.step(0.05);
    set_grad(p, -0.3, 0.4);
    first.step(0.05);

    at::Tensor q = p.detach().clone().requires_grad_(true);
    Optimizer second({{"w", q}}, o);
    second.load_state(first.state());
    set_grad(p, 0.25, -0.5);
    set_grad(q, 0.25, -0.5);
    first.step(0.05);
    second.step(0.05);
    EXPECT_TRUE(at::equal(p.detach(), q.detach())) << optimizer_kind_name(kind);
  }
}

TEST(Optimizer, LoadStateRejectsMismatches) {
  at::Tensor p = param(1, 2);
  Optimizer sgd({{"w", p}}, {});
  set_grad(p, 1, 1);
  sgd.step(0.1);
  OptimizerState st = sgd.state();

  OptimizerOptions adam;
  adam.kind = OptimizerKind::Adam;
  Optimizer other({{"w", param(1, 2)}}, adam);
  EXPECT_THROW(other.load_state(st), Error);

  at::Tensor wide = at::zeros({1, 3}).requires_grad_(true);
  Optimizer shaped({{"w", wide}}, {});
  try {
    shaped.load_state(st);
    FAIL() << "expected a shape error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("w/momentum_buffer"), std::string::npos) << e.what();
  }
  Optimizer renamed({{"v", param(1, 2)}}, {});
  EXPECT_THROW(renamed.load_state(st), Error);
}

TEST(Optimizer, BadOptionsThrow) {
  OptimizerOptions o;
  o.momentum = 0;
  o.nesterov = true;
  EXPECT_THROW(Optimizer({{"w", param(1, 2)}}, o), Error);
  at::Tensor p = param(1, 2);
  EXPECT_THROW(Optimizer({{"w", p}, {"w", p}}, {}), Error);
  EXPECT_THROW(parse_optimizer_kind("rmsprop"), Error);
  EXPECT_EQ(parse_optimizer_kind("adamw"), OptimizerKind::AdamW);
}

TEST(ClipGradNorm, ScalesTheGlobalNorm) {
  at::Tensor a = param(0, 0), b = at::zeros({2}).requires_grad_(true), c = param(0, 0);
  set_grad(a, 3, 0);
  b.mutable_grad() = at::tensor({0.0, 4.0}, at::kFloat);
  std::vector<NamedParameter> params{{"a", a}, {"b", b}, {"c", c}};  // c has no gradient
  c.mutable_grad() = at::Tensor();

  EXPECT_NEAR(clip_grad_norm(params, 10.0), 5.0, 1e-6);  // below the limit: unchanged
  expect_values(a.grad(), 3, 0, "unclipped");

  EXPECT_NEAR(clip_grad_norm(params, 1.0), 5.0, 1e-6);
  const double s = 1.0 / (5.0 + 1e-6);
  expect_values(a.grad(), 3 * s, 0, "a");
  expect_values(b.grad(), 0, 4 * s, "b");
  double norm = std::sqrt(std::pow(a.grad().norm().item<double>(), 2) +
                          std::pow(b.grad().norm().item<double>(), 2));
  EXPECT_NEAR(norm, 1.0, 1e-5);

  EXPECT_NEAR(clip_grad_norm(params, 0.0), 1.0, 1e-5);  // 0: measure only

  b.mutable_grad() = at::tensor({NAN, 1.0f});
  EXPECT_TRUE(std::isnan(clip_grad_norm(params, 1.0)));
}

}  // namespace
}  // namespace whittle
