// SsdHead: output flattening order, decoding, metadata, shape errors.
#include <gtest/gtest.h>

#include <ATen/ATen.h>

#include "graph/error.h"
#include "models/ssd/ssd_head.h"

namespace whittle {
namespace {

// Two maps: 2x3 with 2 anchors (no extra ratios), then 1x1 with 4 anchors (ratio 2).
SsdHeadConfig small_config(int64_t num_classes = 1) {
  SsdHeadConfig c;
  c.num_classes = num_classes;
  c.priors.feature_sizes = {{2, 3}, {1, 1}};
  c.priors.aspect_ratios = {{}, {2.0}};
  c.priors.scales = {0.3, 0.6, 0.9};
  return c;
}

TEST(SsdHead, FlattenFollowsTorchvisionAndPriorOrder) {
  SsdHead head(small_config());
  ASSERT_EQ(head.priors().size(0), 2 * 3 * 2 + 4);
  EXPECT_EQ(head.output_names(),
            (std::vector<std::string>{"head.cls.0", "head.cls.1", "head.reg.0", "head.reg.1"}));
  // value = channel * 100 + i * 10 + j
  auto coded = [](int64_t channels, int64_t h, int64_t w) {
    at::Tensor c = at::arange(channels).view({1, -1, 1, 1}) * 100;
    at::Tensor i = at::arange(h).view({1, 1, -1, 1}) * 10;
    at::Tensor j = at::arange(w).view({1, 1, 1, -1});
    return (c + i + j).to(at::kFloat);
  };
  TensorMap raw = {{"head.cls.0", coded(2 * 2, 2, 3)}, {"head.cls.1", coded(4 * 2, 1, 1)},
                   {"head.reg.0", coded(2 * 4, 2, 3)}, {"head.reg.1", coded(4 * 4, 1, 1)}};
  auto [cls, reg] = head.flatten_outputs(raw);
  ASSERT_EQ(cls.sizes(), (at::IntArrayRef{1, 16, 2}));
  ASSERT_EQ(reg.sizes(), (at::IntArrayRef{1, 16, 4}));
  // Prior (i * W + j) * A + a, column k <- channel a * K + k at (i, j).
  for (int64_t i = 0; i < 2; ++i)
    for (int64_t j = 0; j < 3; ++j)
      for (int64_t a = 0; a < 2; ++a) {
        const int64_t p = (i * 3 + j) * 2 + a;
        for (int64_t k = 0; k < 2; ++k)
          EXPECT_EQ(cls[0][p][k].item<float>(), (a * 2 + k) * 100 + i * 10 + j) << p;
        for (int64_t k = 0; k < 4; ++k)
          EXPECT_EQ(reg[0][p][k].item<float>(), (a * 4 + k) * 100 + i * 10 + j) << p;
      }
  for (int64_t a = 0; a < 4; ++a) EXPECT_EQ(cls[0][12 + a][1].item<float>(), (a * 2 + 1) * 100);
}

TEST(SsdHead, DecodeFindsAPlantedDetectionAndIsSortedInRange) {
  SsdHead head(small_config(3));
  const int64_t k = 4;  // 3 classes + background
  at::manual_seed(7);
  TensorMap raw = {{"head.cls.0", at::randn({2, 2 * k, 2, 3})},
                   {"head.cls.1", at::randn({2, 4 * k, 1, 1})},
                   {"head.reg.0", at::randn({2, 2 * 4, 2, 3}) * 3},
                   {"head.reg.1", at::zeros({2, 4 * 4, 1, 1})}};
  // Image 1: the first prior of map 1 (centre 0.5, size 0.6) is class 2 for sure.
  raw["head.cls.1"][1].zero_();
  raw["head.cls.1"][1][0 * k + 3] = 20.0f;
  NmsOptions nms;
  nms.score_threshold = 0.05f;
  auto dets = head.decode(raw, nms);
  ASSERT_EQ(dets.size(), 2u);
  for (const auto& image : dets) {
    ASSERT_FALSE(image.empty());
    for (size_t i = 0; i < image.size(); ++i) {
      const ScoredBox& d = image[i];
      EXPECT_GE(d.label, 0);
      EXPECT_LT(d.label, 3);
      for (float v : {d.x1, d.y1, d.x2, d.y2}) {
        EXPECT_GE(v, 0.0f);
        EXPECT_LE(v, 1.0f);
      }
      EXPECT_LE(d.x1, d.x2);
      EXPECT_LE(d.y1, d.y2);
      if (i) EXPECT_GE(image[i - 1].score, d.score);
    }
  }
  const ScoredBox& top = dets[1].front();
  EXPECT_EQ(top.label, 2);
  EXPECT_NEAR(top.score, 1.0f, 1e-6);
  EXPECT_NEAR(top.x1, 0.2f, 1e-6);
  EXPECT_NEAR(top.y1, 0.2f, 1e-6);
  EXPECT_NEAR(top.x2, 0.8f, 1e-6);
  EXPECT_NEAR(top.y2, 0.8f, 1e-6);
}

TEST(SsdHead, MetadataRebuildsTheSameHead) {
  SsdHeadConfig c = small_config(5);
  c.variances = {0.1, 0.25};
  c.neg_pos_ratio = 2;
  SsdHead head(c);
  auto m = head.metadata();
  EXPECT_EQ(m.at("whittle.family"), "ssd");
  EXPECT_EQ(m.at("whittle.ssd.num_classes"), "5");
  EXPECT_EQ(m.at("whittle.ssd.variances"), "0.1,0.25");
  EXPECT_EQ(m.at("whittle.ssd.aspect_ratios"), ";2");
  auto back = std::dynamic_pointer_cast<SsdHead>(make_ssd_head(m));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->num_classes(), 5);
  EXPECT_EQ(back->output_names(), head.output_names());
  EXPECT_EQ(back->config().variances.size, 0.25);
  EXPECT_EQ(back->config().neg_pos_ratio, 2);
  EXPECT_TRUE(at::equal(back->priors(), head.priors()));
  EXPECT_EQ(back->metadata(), m);

  m.erase("whittle.ssd.variances");
  try {
    make_ssd_head(m);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("whittle.ssd.variances"), std::string::npos) << e.what();
  }
}

TEST(SsdHead, WrongOutputShapeNamesTheOutput) {
  SsdHead head(small_config());
  TensorMap raw = {{"head.cls.0", at::zeros({1, 4, 2, 3})}, {"head.cls.1", at::zeros({1, 8, 1, 1})},
                   {"head.reg.0", at::zeros({1, 8, 3, 3})}, {"head.reg.1", at::zeros({1, 16, 1, 1})}};
  try {
    head.flatten_outputs(raw);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("'head.reg.0'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("expected [B, 8, 2, 3]"), std::string::npos) << e.what();
  }
  raw.erase("head.cls.1");
  EXPECT_THROW(head.flatten_outputs(raw), Error);
}

}  // namespace
}  // namespace whittle
