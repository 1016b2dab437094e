// InferenceConv: every kernel that applies equals at::conv2d (NCHW, the
// reference) on convs of every kind the zoo has and some it does not
// (stride 2, dilation, no bias, batch 2, a 1x1 map), the output is
// channels-last, the choice is remembered per input shape, and inputs the
// direct kernels do not take still run (oneDNN's path).
#include <gtest/gtest.h>

#include <ATen/ATen.h>

#include <string>
#include <vector>

#include "graph/error.h"
#include "runtime/inference_conv.h"

namespace whittle {
namespace {

struct Case {
  std::string name;
  int64_t n, in, out, size, k, stride, pad, dil, groups;
  bool bias;
};

std::vector<Case> cases() {
  return {
      {"pointwise", 1, 24, 40, 12, 1, 1, 0, 1, 1, true},
      {"pointwise_batch2_nobias", 2, 16, 8, 7, 1, 1, 0, 1, 1, false},
      {"pointwise_on_1x1_map", 1, 32, 32, 1, 1, 1, 0, 1, 1, true},
      {"pointwise_stride2", 1, 8, 12, 9, 1, 2, 0, 1, 1, true},
      {"3x3_pad1", 1, 6, 10, 11, 3, 1, 1, 1, 1, true},
      {"3x3_stride2_batch2", 2, 5, 7, 13, 3, 2, 1, 1, 1, true},
      {"3x3_nopad_on_3x3", 1, 16, 24, 3, 3, 1, 0, 1, 1, true},
      {"3x3_dilation6", 1, 4, 6, 19, 3, 1, 6, 6, 1, true},
      {"depthwise", 1, 20, 20, 10, 3, 1, 1, 1, 20, true},
      {"depthwise_stride2_odd", 2, 13, 13, 15, 3, 2, 1, 1, 13, false},
      {"depthwise_5x5", 1, 9, 9, 8, 5, 1, 2, 1, 9, true},
      {"grouped", 1, 8, 12, 6, 3, 1, 1, 1, 4, true},
  };
}

class InferenceConvKernels : public ::testing::TestWithParam<Case> {};

TEST_P(InferenceConvKernels, EveryKernelEqualsConv2d) {
  const Case c = GetParam();
  at::manual_seed(7);
  at::NoGradGuard no_grad;
  const at::Tensor x = at::randn({c.n, c.in, c.size, c.size});
  const at::Tensor w = at::randn({c.out, c.in / c.groups, c.k, c.k});
  const at::Tensor b = c.bias ? at::randn({c.out}) : at::Tensor();
  const std::vector<int64_t> stride{c.stride, c.stride}, pad{c.pad, c.pad}, dil{c.dil, c.dil};
  const at::Tensor expected = at::conv2d(x, w, b, stride, pad, dil, c.groups);

  InferenceConv conv(w, b, stride, pad, dil, c.groups);
  const at::Tensor xcl = x.contiguous(at::MemoryFormat::ChannelsLast);
  const std::vector<ConvKernel> kernels = conv.candidates();
  EXPECT_EQ(kernels.front(), ConvKernel::OneDnn);
  EXPECT_EQ(std::count(kernels.begin(), kernels.end(), ConvKernel::OneDnnDirect), 1);
  EXPECT_EQ(std::count(kernels.begin(), kernels.end(), ConvKernel::Gemm), c.groups == 1 ? 1 : 0);
  EXPECT_EQ(std::count(kernels.begin(), kernels.end(), ConvKernel::Depthwise),
            c.groups == c.in && c.groups == c.out ? 1 : 0);
  const double tolerance = 1e-4 * (1 + expected.abs().max().item<double>());
  for (ConvKernel k : kernels) {
    const at::Tensor y = conv.run_with(k, xcl);
    ASSERT_EQ(y.sizes(), expected.sizes()) << conv_kernel_name(k);
    EXPECT_TRUE(y.is_contiguous(at::MemoryFormat::ChannelsLast)) << conv_kernel_name(k);
    EXPECT_LE((y - expected).abs().max().item<double>(), tolerance) << conv_kernel_name(k);
  }
  // The tuned run: one of them, remembered for this shape.
  const at::Tensor tuned = conv.run(xcl);
  EXPECT_LE((tuned - expected).abs().max().item<double>(), tolerance);
  const ConvKernel chosen = conv.chosen(xcl);
  EXPECT_NE(std::find(kernels.begin(), kernels.end(), chosen), kernels.end());
  EXPECT_LE((conv.run(xcl) - expected).abs().max().item<double>(), tolerance);
}

INSTANTIATE_TEST_SUITE_P(Convs, InferenceConvKernels, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<Case>& info) { return info.param.name; });

// A fused ReLU / ReLU6 is the same clamp in every kernel.
TEST(InferenceConv, EveryKernelFusesTheActivation) {
  at::manual_seed(11);
  at::NoGradGuard no_grad;
  const at::Tensor w = at::randn({6, 6, 3, 3}) * 2, b = at::randn({6});
  const at::Tensor x = at::randn({1, 6, 7, 7});
  const at::Tensor plain = at::conv2d(x, w, b, {1, 1}, {1, 1});
  ASSERT_GT(plain.max().item<double>(), 6.0);  // both clamps bite
  ASSERT_LT(plain.min().item<double>(), 0.0);
  InferenceConv conv(w, b, {1, 1}, {1, 1}, {1, 1}, 1);
  const at::Tensor xcl = x.contiguous(at::MemoryFormat::ChannelsLast);
  for (ConvKernel k : conv.candidates()) {
    EXPECT_LE((conv.run_with(k, xcl, ConvActivation::ReLU) - plain.clamp_min(0)).abs().max().item<double>(), 1e-4)
        << conv_kernel_name(k);
    EXPECT_LE((conv.run_with(k, xcl, ConvActivation::ReLU6) - plain.clamp(0, 6)).abs().max().item<double>(), 1e-4)
        << conv_kernel_name(k);
  }
}

// The choice is the process's: a second conv of the same shape (a reloaded
// model's) runs the same kernel, to the bit.
TEST(InferenceConv, ConvsOfOneShapeShareTheChoice) {
  at::manual_seed(5);
  at::NoGradGuard no_grad;
  const at::Tensor w = at::randn({24, 24, 1, 1}), b = at::randn({24});
  const at::Tensor x = at::randn({1, 24, 6, 6}).contiguous(at::MemoryFormat::ChannelsLast);
  for (int i = 0; i < 5; ++i) {
    InferenceConv first(w, b, {1, 1}, {0, 0}, {1, 1}, 1), second(w.clone(), b.clone(), {1, 1}, {0, 0}, {1, 1}, 1);
    const at::Tensor y1 = first.run(x), y2 = second.run(x);
    EXPECT_EQ(first.chosen(x), second.chosen(x));
    EXPECT_TRUE(at::equal(y1, y2));
  }
}

TEST(InferenceConv, ForcedKernelAndInputsTheDirectKernelsDoNotTake) {
  at::manual_seed(3);
  at::NoGradGuard no_grad;
  const at::Tensor w = at::randn({8, 8, 1, 1}), b = at::randn({8});
  InferenceConvOptions forced;
  forced.tune = false;
  forced.kernel = ConvKernel::Gemm;
  InferenceConv conv(w, b, {1, 1}, {0, 0}, {1, 1}, 1, forced);
  const at::Tensor x = at::randn({1, 8, 5, 5});
  const at::Tensor expected = at::conv2d(x, w, b);
  // NCHW input: not the GEMM kernel's, still computed (oneDNN's function).
  EXPECT_LE((conv.run(x) - expected).abs().max().item<double>(), 1e-4);
  EXPECT_LE((conv.run(x.contiguous(at::MemoryFormat::ChannelsLast)) - expected).abs().max().item<double>(), 1e-4);
  // The depthwise kernel does not apply to a full conv: a clear error.
  EXPECT_THROW(conv.run_with(ConvKernel::Depthwise, x.contiguous(at::MemoryFormat::ChannelsLast)), Error);
  // Nor does a direct kernel take an NCHW input.
  EXPECT_THROW(conv.run_with(ConvKernel::Gemm, x), Error);
  // A wrong channel count is named.
  try {
    conv.run_with(ConvKernel::Gemm, at::randn({1, 4, 5, 5}).contiguous(at::MemoryFormat::ChannelsLast));
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("4 channels"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace whittle
