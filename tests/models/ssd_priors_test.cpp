// SSD default boxes: torchvision DefaultBoxGenerator's count, order and values.
#include <gtest/gtest.h>

#include <ATen/ATen.h>

#include <cmath>

#include "graph/error.h"
#include "models/ssd/ssd300_vgg16.h"
#include "models/ssd/ssd_priors.h"

namespace whittle {
namespace {

void expect_prior(const at::Tensor& priors, int64_t index, double cx, double cy, double w,
                  double h) {
  SCOPED_TRACE("prior " + std::to_string(index));
  auto p = priors[index];
  EXPECT_NEAR(p[0].item<float>(), cx, 1e-6);
  EXPECT_NEAR(p[1].item<float>(), cy, 1e-6);
  EXPECT_NEAR(p[2].item<float>(), w, 1e-6);
  EXPECT_NEAR(p[3].item<float>(), h, 1e-6);
}

TEST(SsdPriors, Ssd300CountAndHandCheckedCells) {
  const SsdPriorConfig c = ssd300_vgg16_prior_config();
  const at::Tensor priors = generate_ssd_priors(c);
  // 38^2*4 + 19^2*6 + 10^2*6 + 5^2*6 + 3^2*4 + 1*4 = 5776 + 2166 + 600 + 150 + 36 + 4.
  ASSERT_EQ(priors.sizes(), (at::IntArrayRef{8732, 4}));
  EXPECT_EQ(num_priors(c), 8732);
  const double r2 = std::sqrt(2.0), r3 = std::sqrt(3.0);
  // Map 0 (38x38, step 8: f = 300/8 = 37.5), location (0, 0): torchvision's
  // _generate_wh_pairs order (s, s), (s', s'), (s*r2, s/r2), (s/r2, s*r2).
  expect_prior(priors, 0, 4.0 / 300, 4.0 / 300, 0.07, 0.07);
  expect_prior(priors, 1, 4.0 / 300, 4.0 / 300, std::sqrt(0.07 * 0.15), std::sqrt(0.07 * 0.15));
  expect_prior(priors, 2, 4.0 / 300, 4.0 / 300, 0.07 * r2, 0.07 / r2);
  expect_prior(priors, 3, 4.0 / 300, 4.0 / 300, 0.07 / r2, 0.07 * r2);
  // Location (0, 1): x moves first (row-major), cx = 1.5 / 37.5 = 12/300.
  expect_prior(priors, 4, 12.0 / 300, 4.0 / 300, 0.07, 0.07);
  // Location (1, 0): index 38 * 4.
  expect_prior(priors, 152, 4.0 / 300, 12.0 / 300, 0.07, 0.07);
  // Map 1 (19x19, step 16) starts at 5776: ratios 2 then 3.
  expect_prior(priors, 5776, 8.0 / 300, 8.0 / 300, 0.15, 0.15);
  expect_prior(priors, 5777, 8.0 / 300, 8.0 / 300, std::sqrt(0.15 * 0.33), std::sqrt(0.15 * 0.33));
  expect_prior(priors, 5780, 8.0 / 300, 8.0 / 300, 0.15 * r3, 0.15 / r3);
  expect_prior(priors, 5781, 8.0 / 300, 8.0 / 300, 0.15 / r3, 0.15 * r3);
  // Map 4 (3x3, step 100: f = 3) starts at 8692; its last location (2, 2) at 8692 + 8*4.
  expect_prior(priors, 8692 + 32, 2.5 / 3, 2.5 / 3, 0.69, 0.69);
  // Last map (1x1, step 300): centre 0.5; s' = sqrt(0.87 * 1.05) = 0.9558;
  // 0.87 * sqrt(2) = 1.23 is clipped to 1 (clip=True clamps w and h).
  expect_prior(priors, 8728, 0.5, 0.5, 0.87, 0.87);
  expect_prior(priors, 8729, 0.5, 0.5, std::sqrt(0.87 * 1.05), std::sqrt(0.87 * 1.05));
  expect_prior(priors, 8730, 0.5, 0.5, 1.0, 0.87 / r2);
  expect_prior(priors, 8731, 0.5, 0.5, 0.87 / r2, 1.0);
  // Clipping is of w and h only; centres follow the steps, as torchvision:
  // the last cell of map 0 sits at 37.5 / 37.5 = 1, the last of map 2 (10x10,
  // step 32: f = 9.375, starting at 7942) past it, at 9.5 / 9.375.
  EXPECT_LE(priors.narrow(1, 2, 2).max().item<float>(), 1.0f);
  expect_prior(priors, 5775, 1.0, 1.0, 0.07 / r2, 0.07 * r2);
  expect_prior(priors, 7942 + 99 * 6, 9.5 / 9.375, 9.5 / 9.375, 0.33, 0.33);
}

TEST(SsdPriors, CellCentresWithoutStepsAndUnclipped) {
  SsdPriorConfig c;
  c.feature_sizes = {{2, 3}};
  c.aspect_ratios = {{}};
  c.scales = {0.5, 2.0};
  c.clip = false;
  at::Tensor priors = generate_ssd_priors(c);
  ASSERT_EQ(priors.size(0), 2 * 3 * 2);
  // (i, j) = (1, 2): cx = 2.5 / 3, cy = 1.5 / 2; second box s' = sqrt(0.5 * 2) = 1.
  expect_prior(priors, (1 * 3 + 2) * 2, 2.5 / 3, 0.75, 0.5, 0.5);
  expect_prior(priors, (1 * 3 + 2) * 2 + 1, 2.5 / 3, 0.75, 1.0, 1.0);
  c.scales = {0.5, 4.0};  // s' = sqrt(0.5 * 4) = 1.414 stays above 1 without clip
  EXPECT_NEAR(generate_ssd_priors(c)[1][2].item<float>(), std::sqrt(2.0), 1e-6);
}

TEST(SsdPriors, LinearScalesAsTorchvisionSsdLite) {
  std::vector<double> s = linear_ssd_scales(6, 0.2, 0.95);
  ASSERT_EQ(s.size(), 7u);
  const double expected[] = {0.2, 0.35, 0.5, 0.65, 0.8, 0.95, 1.0};
  for (size_t k = 0; k < 7; ++k) EXPECT_NEAR(s[k], expected[k], 1e-12) << k;
}

TEST(SsdPriors, MetadataRoundTrip) {
  SsdPriorConfig c = ssd300_vgg16_prior_config();
  auto m = prior_config_metadata(c);
  EXPECT_EQ(m.at("whittle.ssd.feature_sizes"), "38x38,19x19,10x10,5x5,3x3,1x1");
  EXPECT_EQ(m.at("whittle.ssd.aspect_ratios"), "2;2,3;2,3;2,3;2;2");
  EXPECT_EQ(m.at("whittle.ssd.scales"), "0.07,0.15,0.33,0.51,0.69,0.87,1.05");
  EXPECT_EQ(m.at("whittle.ssd.steps"), "8,16,32,64,100,300");
  SsdPriorConfig back = prior_config_from_metadata(m);
  EXPECT_TRUE(at::equal(generate_ssd_priors(back), generate_ssd_priors(c)));

  auto bad = m;
  bad["whittle.ssd.scales"] = "0.07,abc";
  try {
    prior_config_from_metadata(bad);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("whittle.ssd.scales"), std::string::npos) << e.what();
  }
  bad = m;
  bad["whittle.ssd.scales"] = "0.07,0.15";  // too few for 6 maps
  EXPECT_THROW(prior_config_from_metadata(bad), Error);
  bad = m;
  bad.erase("whittle.ssd.feature_sizes");
  try {
    prior_config_from_metadata(bad);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("whittle.ssd.feature_sizes"), std::string::npos);
  }
}

}  // namespace
}  // namespace whittle
