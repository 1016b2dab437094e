#include "quant/fake_quant.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include "graph/graph_builder.h"
#include "minmax_quant.h"

namespace whittle {
namespace {

using test::minmax_quantize;

// input -> conv -> relu (fused) -> max pool -> conv -> output
Graph conv_relu_pool_conv() {
  GraphBuilder b;
  auto x = b.input("input", {1, 4, 10, 10});
  ConvOptions o;
  o.padding = 1;
  auto r = b.relu("relu", b.conv("conv", x, 8, 3, o));
  auto p = b.max_pool("pool", r, 2, 2);
  b.output(b.conv("head", p, 3, 1));
  return b.build();
}

std::vector<at::Tensor> inputs(int n) {
  at::manual_seed(8);
  std::vector<at::Tensor> xs;
  for (int i = 0; i < n; ++i) xs.push_back(at::randn({1, 4, 10, 10}));
  return xs;
}

// Whether every element of x lies on q's grid.
bool on_grid(const at::Tensor& x, const ActivationQuant& q) {
  at::Tensor k = x / q.scale + static_cast<double>(q.zero_point);
  return (k - k.round()).abs().max().item<double>() < 1e-3;
}

TEST(FakeQuant, ActivationEqualsQuantizeDequantize) {
  at::manual_seed(1);
  at::Tensor x = at::randn({2, 3, 5, 5}) * 3;
  const ActivationQuant q = affine_uint8(-2.0f, 4.0f);  // clips both ends
  at::Tensor expect = at::quantize_per_tensor(x, q.scale, q.zero_point, at::kQUInt8).dequantize();
  EXPECT_TRUE(at::allclose(fake_quantize_activation(x, q), expect, 0, 1e-6));
}

TEST(FakeQuant, WeightEqualsPerChannelInt8) {
  at::manual_seed(2);
  at::Tensor w = at::randn({6, 3, 3, 3});
  // The same integers; fake-quant's float scales may differ from the double
  // ones in the last bit.
  EXPECT_TRUE(at::allclose(fake_quantize_weight(w), quantize_weight_int8(w).dequantize(), 1e-6, 1e-7));
}

TEST(FakeQuant, QuantizesAtThePlansPoints) {
  const QuantizedGraph model = minmax_quantize(conv_relu_pool_conv(), inputs(3));
  FakeQuantRunner fake(model);
  TensorMap out = fake.run({{"input", inputs(1)[0]}}, {"input", "conv", "relu", "pool"});
  const Int8Plan& plan = fake.plan();
  // The fused conv's output is not quantized; its ReLU's is.
  EXPECT_FALSE(on_grid(out.at("conv"), model.spec.activations.at("conv")));
  EXPECT_TRUE(on_grid(out.at("relu"), model.spec.activations.at("relu")));
  // The pool keeps the ReLU's grid, not its own entry.
  EXPECT_EQ(plan.values.at("pool")->scale, model.spec.activations.at("relu").scale);
  EXPECT_TRUE(on_grid(out.at("pool"), model.spec.activations.at("relu")));
  EXPECT_TRUE(on_grid(out.at("input"), model.spec.activations.at("input")));
  EXPECT_TRUE(on_grid(out.at("head"), model.spec.activations.at("head")));
}

TEST(FakeQuant, Fp32NodesAreNotQuantized) {
  QuantizedGraph model = minmax_quantize(conv_relu_pool_conv(), inputs(3));
  for (const auto& n : model.graph.nodes) model.spec.fp32_nodes.insert(n.name);
  FakeQuantRunner fake(model);
  Runner fp32(model.graph);
  at::Tensor x = inputs(1)[0];
  EXPECT_TRUE(at::allclose(fake.forward(x).at(0), fp32.forward(x).at(0), 1e-5, 1e-6));
}

TEST(FakeQuant, GradientIsStraightThrough) {
  QuantizedGraph model = minmax_quantize(conv_relu_pool_conv(), inputs(3));
  for (auto& n : model.graph.nodes)
    for (auto& [key, t] : n.weights) t.requires_grad_(true);
  FakeQuantRunner fake(model);
  at::Tensor x = inputs(1)[0].clone().requires_grad_(true);
  fake.forward(x).at(0).sum().backward();
  ASSERT_TRUE(x.grad().defined());
  EXPECT_GT(x.grad().abs().sum().item<double>(), 0.0);
  const at::Tensor& w = model.graph.node("conv").weight("weight");  // the caller's tensor
  ASSERT_TRUE(w.grad().defined());
  EXPECT_GT(w.grad().abs().sum().item<double>(), 0.0);
}

}  // namespace
}  // namespace whittle
