// OneDnnConv: oneDNN's primitive called directly equals at::conv2d whatever
// layout the weights lie in (NCHW, channels-last, grouped), keeps a
// primitive per input shape and clamp, applies the clamp inside the kernel,
// and names what it cannot take.
#include <gtest/gtest.h>

#include <ATen/ATen.h>

#include <limits>
#include <string>
#include <vector>

#include "graph/error.h"
#include "runtime/onednn_conv.h"

namespace whittle {
namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();

double max_diff(const at::Tensor& a, const at::Tensor& b) { return (a - b).abs().max().item<double>(); }

at::Tensor channels_last(const at::Tensor& x) { return x.contiguous(at::MemoryFormat::ChannelsLast); }

TEST(OneDnnConv, WeightsInEitherLayoutAndGroupedGiveConv2d) {
  at::manual_seed(21);
  at::NoGradGuard no_grad;
  for (int64_t groups : {1, 3, 12}) {
    const at::Tensor w = at::randn({12, 12 / groups, 3, 3}), b = at::randn({12});
    const at::Tensor x = at::randn({2, 12, 9, 9});
    const at::Tensor expected = at::conv2d(x, w, b, {2, 2}, {1, 1}, {1, 1}, groups);
    for (const at::Tensor& weights : {w, channels_last(w)}) {
      const OneDnnConv conv(weights, b, {2, 2}, {1, 1}, {1, 1}, groups);
      const at::Tensor y = conv.run(channels_last(x), -kInf, kInf);
      ASSERT_EQ(y.sizes(), expected.sizes()) << "groups " << groups;
      EXPECT_TRUE(y.is_contiguous(at::MemoryFormat::ChannelsLast));
      EXPECT_LE(max_diff(y, expected), 1e-4) << "groups " << groups;
    }
  }
}

TEST(OneDnnConv, ClampsInsideTheKernelAndKeepsOnePrimitivePerShape) {
  at::manual_seed(22);
  at::NoGradGuard no_grad;
  const at::Tensor w = at::randn({8, 5, 3, 3}) * 2;
  const OneDnnConv conv(w, at::Tensor(), {1, 1}, {2, 2}, {2, 2}, 1);  // no bias, dilation 2
  for (int64_t size : {6, 11, 6}) {  // a second shape, then the first again
    const at::Tensor x = at::randn({1, 5, size, size});
    const at::Tensor plain = at::conv2d(x, w, {}, {1, 1}, {2, 2}, {2, 2});
    ASSERT_GT(plain.max().item<double>(), 6.0);
    EXPECT_LE(max_diff(conv.run(channels_last(x), -kInf, kInf), plain), 1e-4);
    EXPECT_LE(max_diff(conv.run(channels_last(x), 0, kInf), plain.clamp_min(0)), 1e-4);
    EXPECT_LE(max_diff(conv.run(channels_last(x), 0, 6), plain.clamp(0, 6)), 1e-4);
    EXPECT_LE(max_diff(conv.run(channels_last(x), -1, kInf), plain.clamp_min(-1)), 1e-4);
    EXPECT_FALSE(conv.implementation(channels_last(x), 0, 6).empty());
  }
}

TEST(OneDnnConv, NamesWhatItCannotTake) {
  at::NoGradGuard no_grad;
  const OneDnnConv conv(at::randn({4, 6, 1, 1}), at::randn({4}), {1, 1}, {0, 0}, {1, 1}, 1);
  auto message = [&](const at::Tensor& x) {
    try {
      conv.run(x, -kInf, kInf);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message(at::randn({1, 6, 8, 8}).contiguous()).find("channels-last"), std::string::npos);  // NCHW
  EXPECT_NE(message(channels_last(at::randn({1, 6, 8, 8}).to(at::kDouble))).find("float"), std::string::npos);
  EXPECT_NE(message(channels_last(at::randn({1, 3, 8, 8}))).find("3 channels"), std::string::npos);
  const OneDnnConv big(at::randn({4, 6, 5, 5}), at::Tensor(), {1, 1}, {0, 0}, {1, 1}, 1);
  EXPECT_THROW(big.run(channels_last(at::randn({1, 6, 3, 3})), -kInf, kInf), Error);  // map smaller than kernel
  EXPECT_THROW(OneDnnConv(at::randn({4, 6}), at::Tensor(), {1, 1}, {0, 0}, {1, 1}, 1), Error);
}

}  // namespace
}  // namespace whittle
