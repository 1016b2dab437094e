#include "quant/quant_params.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include "error_of.h"

namespace whittle {
namespace {

TEST(QuantParams, AffineUint8MapsTheRangeEndsAndZeroExactly) {
  const ActivationQuant q = affine_uint8(-1.0f, 3.0f);
  EXPECT_DOUBLE_EQ(q.scale, 4.0 / 255.0);
  EXPECT_EQ(q.zero_point, 64);  // round(1 / (4/255)) = round(63.75)
  at::Tensor x = at::tensor({-1.0f, 0.0f, 3.0f});
  at::Tensor r = at::quantize_per_tensor(x, q.scale, q.zero_point, at::kQUInt8).int_repr();
  EXPECT_EQ(r[0].item<int>(), 0);
  EXPECT_EQ(r[1].item<int>(), 64);
  EXPECT_EQ(r[2].item<int>(), 255);
}

TEST(QuantParams, AffineUint8WidensToContainZero) {
  const ActivationQuant pos = affine_uint8(2.0f, 6.0f);  // a ReLU6 output never below 2
  EXPECT_EQ(pos.lo, 0.0f);
  EXPECT_EQ(pos.zero_point, 0);
  EXPECT_DOUBLE_EQ(pos.scale, 6.0 / 255.0);
  const ActivationQuant neg = affine_uint8(-5.0f, -1.0f);
  EXPECT_EQ(neg.hi, 0.0f);
  EXPECT_EQ(neg.zero_point, 255);
  const ActivationQuant flat = affine_uint8(0.0f, 0.0f);  // a dead channel: still a valid scale
  EXPECT_GT(flat.scale, 0.0);
}

TEST(QuantParams, AffineUint8RejectsBadRanges) {
  EXPECT_NE(test::error_of([] { affine_uint8(1.0f, -1.0f); }).find("bad activation range"),
            std::string::npos);
  EXPECT_NE(test::error_of([] { affine_uint8(0.0f, NAN); }).find("bad activation range"),
            std::string::npos);
}

TEST(QuantParams, SymmetricWeightScalesPerOutputChannel) {
  at::Tensor w = at::zeros({3, 2, 1, 1});
  w[0][0][0][0] = -2.54f;  // channel 0: max |w| = 2.54 -> scale 0.02
  w[0][1][0][0] = 1.0f;
  w[1][1][0][0] = 0.127f;  // channel 1: scale 0.001
  // channel 2 all zero: scale 1 (any scale represents it)
  at::Tensor s = symmetric_int8_scales(w);
  ASSERT_EQ(s.size(0), 3);
  EXPECT_NEAR(s[0].item<double>(), 0.02, 1e-9);
  EXPECT_NEAR(s[1].item<double>(), 0.001, 1e-9);
  EXPECT_EQ(s[2].item<double>(), 1.0);

  at::Tensor q = quantize_weight_int8(w);
  EXPECT_EQ(q.scalar_type(), at::kQInt8);
  EXPECT_EQ(q.int_repr()[0][0][0][0].item<int>(), -127);
  EXPECT_EQ(q.int_repr()[0][1][0][0].item<int>(), 50);
  EXPECT_EQ(q.int_repr()[1][1][0][0].item<int>(), 127);
}

TEST(QuantParams, QuantizingDequantizedWeightsGivesTheSameIntegers) {
  at::manual_seed(3);
  at::Tensor w = at::randn({8, 4, 3, 3});
  at::Tensor q = quantize_weight_int8(w);
  at::Tensor again = quantize_weight_int8(q.dequantize());
  EXPECT_TRUE(at::equal(q.int_repr(), again.int_repr()));
}

}  // namespace
}  // namespace whittle
