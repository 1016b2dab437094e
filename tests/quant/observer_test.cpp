#include "quant/observer.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <cmath>
#include <tuple>

#include "error_of.h"

namespace whittle {
namespace {

// Runs an observer over batches: pass 1, then pass 2 where it needs one.
Observer observed(ObserverKind kind, const std::vector<at::Tensor>& batches,
                  ObserverOptions options = {}) {
  Observer o(kind, options);
  for (const auto& b : batches) o.observe(b);
  if (o.needs_second_pass())
    for (const auto& b : batches) o.observe_again(b);
  return o;
}

// Uniform [0, 1) with a few huge outliers: the bulk sits in the histogram's
// first bins.
std::vector<at::Tensor> uniform_with_outliers(float outlier) {
  at::manual_seed(11);
  at::Tensor a = at::rand({2'000'000});
  at::Tensor b = at::rand({2'000'000});
  b[17] = outlier;
  b[1234] = outlier * 0.9f;
  b[99999] = outlier * 0.8f;
  return {a, b};
}

TEST(Observer, ParsesAndNamesEveryKind) {
  for (auto kind : {ObserverKind::MinMax, ObserverKind::MovingAverage, ObserverKind::Percentile,
                    ObserverKind::Entropy, ObserverKind::Mse})
    EXPECT_EQ(parse_observer_kind(observer_name(kind)), kind);
  const std::string error = test::error_of([] { parse_observer_kind("kl"); });
  EXPECT_NE(error.find("unknown observer 'kl'"), std::string::npos);
  EXPECT_NE(error.find("minmax, ema, percentile, entropy or mse"), std::string::npos);
  EXPECT_FALSE(observer_needs_second_pass(ObserverKind::MinMax));
  EXPECT_FALSE(observer_needs_second_pass(ObserverKind::MovingAverage));
  EXPECT_TRUE(observer_needs_second_pass(ObserverKind::Entropy));
}

TEST(Observer, MinMaxOfUniformIsTheExactGlobalRange) {
  at::manual_seed(1);
  std::vector<at::Tensor> batches = {at::rand({4, 3, 5, 5}) * 4 - 1, at::rand({4, 3, 5, 5}) * 4 - 1,
                                     at::rand({2, 3, 5, 5}) * 4 - 1};
  at::Tensor all = at::cat(batches);
  Observer o = observed(ObserverKind::MinMax, batches);
  auto [lo, hi] = o.range();
  EXPECT_EQ(lo, all.min().item<float>());
  EXPECT_EQ(hi, all.max().item<float>());
  const ActivationQuant q = o.quant();
  const ActivationQuant expected = affine_uint8(lo, hi);
  EXPECT_EQ(q.scale, expected.scale);
  EXPECT_EQ(q.zero_point, expected.zero_point);
}

TEST(Observer, MovingAverageFollowsTorchsFormula) {
  Observer o(ObserverKind::MovingAverage);
  o.observe_range(0, 10);  // the first batch sets the range
  EXPECT_EQ(o.range(), std::make_pair(0.0f, 10.0f));
  o.observe_range(-10, 20);  // x += 0.01 * (batch - x)
  EXPECT_FLOAT_EQ(o.range().first, -0.1f);
  EXPECT_FLOAT_EQ(o.range().second, 10.1f);
  o.observe(at::tensor({-10.1f, 0.0f, 110.1f}));
  EXPECT_FLOAT_EQ(o.range().first, -0.1f + 0.01f * (-10.1f + 0.1f));
  EXPECT_FLOAT_EQ(o.range().second, 10.1f + 0.01f * (110.1f - 10.1f));
  // The global range is still tracked (not what ema quantizes to).
  EXPECT_EQ(o.min(), -10.1f);
  EXPECT_FLOAT_EQ(o.max(), 110.1f);
}

TEST(Observer, PercentileOfGaussianMatchesTheSortedValues) {
  at::manual_seed(5);
  std::vector<at::Tensor> batches = {at::randn({1'000'000}), at::randn({1'000'000})};
  Observer o = observed(ObserverKind::Percentile, batches);
  auto [lo, hi] = o.range();
  // The exact order statistics of the same 2M values (a test may sort).
  at::Tensor sorted = std::get<0>(at::cat(batches).sort());
  const float lo_exact = sorted[200 - 1].item<float>();  // 0.01 % of 2M = 200
  const float hi_exact = sorted[2'000'000 - 200].item<float>();
  const float bin = (o.max() - o.min()) / 2048;
  EXPECT_NEAR(lo, lo_exact, bin);
  EXPECT_NEAR(hi, hi_exact, bin);
  EXPECT_NEAR(hi, 3.719, 0.1);  // the normal distribution's 99.99 % point
  EXPECT_NEAR(lo, -3.719, 0.1);
  // p = 100: the whole range, to a bin.
  ObserverOptions all;
  all.percentile = 100;
  auto [lo100, hi100] = observed(ObserverKind::Percentile, batches, all).range();
  EXPECT_NEAR(lo100, o.min(), bin);
  EXPECT_NEAR(hi100, o.max(), bin);
}

TEST(Observer, EntropyAndMseClipHugeOutliersMinMaxDoesNot) {
  const auto batches = uniform_with_outliers(1000);
  EXPECT_EQ(observed(ObserverKind::MinMax, batches).range().second, 1000.0f);
  // Entropy's narrowest window is 128 of 2048 bins (62.5 here).
  auto [elo, ehi] = observed(ObserverKind::Entropy, batches).range();
  EXPECT_EQ(elo, 0.0f);
  EXPECT_LT(ehi, 100.0f);
  EXPECT_GE(ehi, 1.0f);  // the bulk is kept
  // Squared error weighs the outliers heavily: mse clips them, but only to
  // where rounding the bulk and clipping them cost alike (about 330 here).
  auto [mlo, mhi] = observed(ObserverKind::Mse, batches).range();
  EXPECT_EQ(mlo, 0.0f);
  EXPECT_LT(mhi, 500.0f);
  EXPECT_GE(mhi, 1.0f);
  auto [plo, phi] = observed(ObserverKind::Percentile, batches).range();
  EXPECT_LT(phi, 5.0f);
  EXPECT_GE(plo, 0.0f);
}

TEST(Observer, OneSidedNegativeRangesClipTheirOutliersToo) {
  auto batches = uniform_with_outliers(1000);
  for (auto& b : batches) b = -b;
  auto [elo, ehi] = observed(ObserverKind::Entropy, batches).range();
  EXPECT_GT(elo, -100.0f);
  EXPECT_LE(elo, -1.0f);
  EXPECT_EQ(ehi, 0.0f);
  auto [mlo, mhi] = observed(ObserverKind::Mse, batches).range();
  EXPECT_GT(mlo, -500.0f);
  EXPECT_LE(mlo, -1.0f);
  EXPECT_EQ(mhi, 0.0f);
}

TEST(Observer, TwoSidedRangesClipTheSideWithOutliers) {
  at::manual_seed(8);
  at::Tensor a = at::randn({2'000'000});
  at::Tensor b = at::randn({2'000'000});
  b[5] = 500;
  b[6] = 450;
  b[7] = 400;
  const float min = at::minimum(a.min(), b.min()).item<float>();
  auto [elo, ehi] = observed(ObserverKind::Entropy, {a, b}).range();
  EXPECT_LT(elo, -3.5f);  // the negative tail has no outliers: (nearly) all of it is kept
  EXPECT_GE(elo, min);
  EXPECT_LT(ehi, 100.0f);
  EXPECT_GT(ehi, 3.0f);
  auto [mlo, mhi] = observed(ObserverKind::Mse, {a, b}).range();
  // mse trades the tail against the step, which the wide hi makes coarse.
  EXPECT_LT(mlo, -3.0f);
  EXPECT_GE(mlo, min);
  EXPECT_LT(mhi, 250.0f);
  EXPECT_GT(mhi, 3.0f);
}

TEST(Observer, HistogramKindsKeepTheWholeRangeOfUniformData) {
  at::manual_seed(2);
  std::vector<at::Tensor> batches = {at::rand({1'000'000}), at::rand({1'000'000})};
  EXPECT_GE(observed(ObserverKind::Entropy, batches).range().second, 0.95f);
  EXPECT_GE(observed(ObserverKind::Mse, batches).range().second, 0.99f);
}

TEST(Observer, ReluZerosDoNotDragTheRangeDown) {
  // Half the values exactly 0 (a ReLU), the rest uniform on (0, 6].
  at::manual_seed(4);
  at::Tensor x = at::relu(at::rand({2'000'000}) * 12 - 6);
  EXPECT_GE(observed(ObserverKind::Entropy, {x}).range().second, 5.5f);
  EXPECT_GE(observed(ObserverKind::Mse, {x}).range().second, 5.9f);
}

TEST(Observer, AllZeroValuesGiveAnEmptyRange) {
  for (auto kind :
       {ObserverKind::MinMax, ObserverKind::Percentile, ObserverKind::Entropy, ObserverKind::Mse}) {
    Observer o = observed(kind, {at::zeros({3, 4})});
    EXPECT_EQ(o.range(), std::make_pair(0.0f, 0.0f)) << observer_name(kind);
    EXPECT_GT(o.quant().scale, 0.0);
  }
}

// The definition, bin by bin (what the prefix sums must reproduce).
double brute_force_kl(const std::vector<double>& h, int64_t first, int64_t end, int levels) {
  const int64_t width = end - first;
  double total = 0, left = 0, right = 0;
  for (size_t i = 0; i < h.size(); ++i) {
    total += h[i];
    if (static_cast<int64_t>(i) < first) left += h[i];
    if (static_cast<int64_t>(i) >= end) right += h[i];
  }
  std::vector<double> p(h.begin() + first, h.begin() + end), q(width, 0);
  p.front() += left;
  p.back() += right;
  for (int g = 0; g < levels; ++g) {
    std::vector<int64_t> members;
    for (int64_t j = 0; j < width; ++j)
      if (j * levels / width == g) members.push_back(j);
    double mass = 0, nonzero = 0;
    for (auto j : members) mass += h[first + j], nonzero += h[first + j] > 0;
    for (auto j : members)
      if (h[first + j] > 0) q[j] = mass / nonzero;
  }
  double q_total = 0;
  for (double v : q) q_total += v;
  double kl = 0;
  for (int64_t j = 0; j < width; ++j) {
    if (p[j] <= 0) continue;
    const double smoothed = (1 - 1e-4) * (q_total > 0 ? q[j] / q_total : 0.0) + 1e-4 / width;
    kl += p[j] / total * std::log((p[j] / total) / smoothed);
  }
  return kl;
}

TEST(Observer, WindowKlDivergenceMatchesTheDefinition) {
  at::manual_seed(9);
  at::Tensor draws = at::randint(0, 50, {600}, at::kDouble);
  draws.masked_fill_(at::rand({600}) < 0.2, 0);  // empty bins
  std::vector<double> h(draws.data_ptr<double>(), draws.data_ptr<double>() + 600);
  h[300] = 0;
  const std::vector<std::tuple<int64_t, int64_t, int>> windows = {
      {0, 600, 255}, {0, 128, 255},   {0, 511, 255}, {37, 470, 255},  {100, 101, 255},
      {5, 300, 7},   {250, 301, 255}, {0, 301, 255}, {299, 301, 255}, {0, 600, 1}};
  for (auto [first, end, levels] : windows) {
    const double expected = brute_force_kl(h, first, end, levels);
    EXPECT_NEAR(window_kl_divergence(h, first, end, levels), expected, 1e-9 + 1e-9 * expected)
        << first << ".." << end;
  }
  // Clipped mass on an empty end bin costs in proportion to its size.
  std::vector<double> spike(300, 0);
  spike[0] = spike[1] = 1e6;
  spike[299] = 1;
  const double clipped = window_kl_divergence(spike, 0, 200, 255);
  spike[299] = 0;
  const double unclipped = window_kl_divergence(spike, 0, 200, 255);
  EXPECT_LT(std::abs(clipped - unclipped), 1e-5);
}

TEST(Observer, RejectsNonFiniteValuesAndBadSecondPasses) {
  Observer o(ObserverKind::MinMax);
  EXPECT_NE(test::error_of([&] {
              o.observe(at::tensor({1.0f, NAN, 2.0f}));
            }).find("not finite"),
            std::string::npos);
  EXPECT_NE(test::error_of([&] {
              o.observe(at::tensor({1.0f, INFINITY}));
            }).find("not finite"),
            std::string::npos);
  EXPECT_NE(test::error_of([&] { o.range(); }).find("no batch"), std::string::npos);

  Observer e(ObserverKind::Entropy);
  e.observe(at::tensor({0.0f, 1.0f}));
  EXPECT_NE(test::error_of([&] { e.range(); }).find("second pass has not run"), std::string::npos);
  EXPECT_NE(test::error_of([&] {
              e.observe_again(at::tensor({0.5f, 2.0f}));
            }).find("outside the first pass's range"),
            std::string::npos);
  EXPECT_NE(test::error_of([&] {
              Observer(ObserverKind::Mse, ObserverOptions{0.01, 99.99, 10});
            }).find("too few"),
            std::string::npos);
}

}  // namespace
}  // namespace whittle
