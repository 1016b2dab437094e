// NMS against a naive O(N^2) reference on random boxes (fixed seeds).
#include "models/nms.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <random>

#include "graph/error.h"

namespace whittle {
namespace {

using Boxes = std::vector<std::array<float, 4>>;

// Clustered boxes (so many overlap) with scores rounded to 1/100 (so many tie).
void random_boxes(uint32_t seed, int n, Boxes& boxes, std::vector<float>& scores) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(0, 1);
  std::vector<std::array<float, 2>> centres(std::max(1, n / 10));
  for (auto& c : centres) c = {u(rng), u(rng)};
  boxes.resize(n);
  scores.resize(n);
  for (int i = 0; i < n; ++i) {
    const auto& c = centres[rng() % centres.size()];
    const float cx = c[0] + 0.05f * (u(rng) - 0.5f), cy = c[1] + 0.05f * (u(rng) - 0.5f);
    const float w = 0.05f + 0.3f * u(rng), h = 0.05f + 0.3f * u(rng);
    boxes[i] = {cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2};
    scores[i] = std::round(u(rng) * 100) / 100;
  }
}

at::Tensor to_tensor(const Boxes& boxes) {
  at::Tensor t = at::empty({static_cast<int64_t>(boxes.size()), 4}, at::kFloat);
  std::copy(boxes.front().data(), boxes.front().data() + 4 * boxes.size(), t.data_ptr<float>());
  return t;
}
at::Tensor to_tensor(const std::vector<float>& v) {
  return at::from_blob(const_cast<float*>(v.data()), {static_cast<int64_t>(v.size())}, at::kFloat).clone();
}
std::vector<int64_t> to_vector(const at::Tensor& t) {
  at::Tensor c = t.contiguous();
  EXPECT_EQ(c.scalar_type(), at::kLong);
  return std::vector<int64_t>(c.data_ptr<int64_t>(), c.data_ptr<int64_t>() + c.numel());
}

// IoU as torchvision computes it in float; compared with the threshold in double.
float iou_float(const std::array<float, 4>& a, const std::array<float, 4>& b) {
  const float w = std::max(0.0f, std::min(a[2], b[2]) - std::max(a[0], b[0]));
  const float h = std::max(0.0f, std::min(a[3], b[3]) - std::max(a[1], b[1]));
  const float inter = w * h;
  const float area_a = (a[2] - a[0]) * (a[3] - a[1]), area_b = (b[2] - b[0]) * (b[3] - b[1]);
  return inter / (area_a + area_b - inter);
}

// Naive reference: repeatedly take the best remaining box (lowest index on
// ties) and drop every remaining box of the same label with IoU > threshold.
std::vector<int64_t> naive_nms(const Boxes& boxes, const std::vector<float>& scores,
                               const std::vector<int64_t>& labels, double threshold) {
  const size_t n = boxes.size();
  std::vector<bool> alive(n, true);
  std::vector<int64_t> kept;
  for (;;) {
    int best = -1;
    for (size_t i = 0; i < n; ++i)
      if (alive[i] && (best < 0 || scores[i] > scores[best])) best = static_cast<int>(i);
    if (best < 0) return kept;
    kept.push_back(best);
    alive[best] = false;
    for (size_t j = 0; j < n; ++j)
      if (alive[j] && labels[j] == labels[best] && double(iou_float(boxes[best], boxes[j])) > threshold)
        alive[j] = false;
  }
}

TEST(Nms, EqualsNaiveReference) {
  for (uint32_t seed : {1u, 2u, 3u}) {
    for (double threshold : {0.3, 0.45, 0.5, 0.7}) {
      Boxes boxes;
      std::vector<float> scores;
      random_boxes(seed, 600, boxes, scores);
      const std::vector<int64_t> labels(boxes.size(), 0);
      const auto got = to_vector(nms(to_tensor(boxes), to_tensor(scores), threshold));
      const auto want = naive_nms(boxes, scores, labels, threshold);
      EXPECT_EQ(got, want) << "seed " << seed << " iou_threshold " << threshold;
      EXPECT_GT(want.size(), 10u);
      EXPECT_LT(want.size(), boxes.size());
    }
  }
}

TEST(Nms, ThresholdIsStrictAndTiesKeepIndexOrder) {
  // Boxes 0 and 1: IoU = 50/150 (1/3 rounded to float); box 2 duplicates
  // box 0 with the same score.
  Boxes boxes{{0, 0, 10, 10}, {5, 0, 15, 10}, {0, 0, 10, 10}};
  std::vector<float> scores{0.5f, 0.9f, 0.5f};
  const double iou01 = iou_float(boxes[0], boxes[1]);
  // At threshold == IoU nothing is suppressed between 0 and 1 (strict >).
  EXPECT_EQ(to_vector(nms(to_tensor(boxes), to_tensor(scores), iou01)), (std::vector<int64_t>{1, 0}));
  EXPECT_EQ(to_vector(nms(to_tensor(boxes), to_tensor(scores), iou01 - 1e-6)), (std::vector<int64_t>{1}));
  // Equal scores: index 0 is kept and suppresses its duplicate 2.
  EXPECT_EQ(to_vector(nms(to_tensor(Boxes{boxes[2], boxes[0]}), to_tensor(std::vector<float>{0.5f, 0.5f}), 0.5)),
            (std::vector<int64_t>{0}));
}

TEST(Nms, EmptyInputAndBadShapes) {
  at::Tensor none = nms(at::empty({0, 4}), at::empty({0}), 0.5);
  EXPECT_EQ(none.numel(), 0);
  EXPECT_EQ(none.scalar_type(), at::kLong);
  EXPECT_EQ(batched_nms(at::empty({0, 4}), at::empty({0}), at::empty({0}, at::kLong), 0.5).numel(), 0);
  EXPECT_THROW(nms(at::zeros({3, 5}), at::zeros({3}), 0.5), Error);
  EXPECT_THROW(nms(at::zeros({3, 4}), at::zeros({2}), 0.5), Error);
  EXPECT_THROW(batched_nms(at::zeros({3, 4}), at::zeros({3}), at::zeros({2}, at::kLong), 0.5), Error);
}

TEST(BatchedNms, EqualsNaiveReferencePerLabel) {
  for (uint32_t seed : {4u, 5u}) {
    Boxes boxes;
    std::vector<float> scores;
    random_boxes(seed, 900, boxes, scores);
    std::mt19937 rng(seed);
    std::vector<int64_t> labels(boxes.size());
    for (auto& l : labels) l = static_cast<int64_t>(rng() % 7) * 3 - 5;  // any int64 labels
    at::Tensor label_tensor = at::empty({static_cast<int64_t>(labels.size())}, at::kLong);
    std::copy(labels.begin(), labels.end(), label_tensor.data_ptr<int64_t>());
    const auto got = to_vector(batched_nms(to_tensor(boxes), to_tensor(scores), label_tensor, 0.45));
    const auto want = naive_nms(boxes, scores, labels, 0.45);
    EXPECT_EQ(got, want) << "seed " << seed;
    for (size_t k = 1; k < got.size(); ++k) EXPECT_GE(scores[got[k - 1]], scores[got[k]]);
  }
}

TEST(BatchedNms, NeverSuppressesAcrossLabels) {
  // Identical boxes, different labels: all kept; same label: one kept.
  Boxes boxes{{0, 0, 1, 1}, {0, 0, 1, 1}, {0, 0, 1, 1}, {0, 0, 1, 1}};
  std::vector<float> scores{0.9f, 0.8f, 0.7f, 0.6f};
  at::Tensor labels = at::tensor(std::vector<int64_t>{0, 1, 2, 1});
  EXPECT_EQ(to_vector(batched_nms(to_tensor(boxes), to_tensor(scores), labels, 0.5)),
            (std::vector<int64_t>{0, 1, 2}));
}

TEST(PostprocessScores, EqualsNaiveReference) {
  const int n = 1500, columns = 6;
  Boxes boxes;
  std::vector<float> unused;
  random_boxes(7, n, boxes, unused);
  std::mt19937 rng(8);
  std::uniform_real_distribution<float> u(0, 1);
  std::vector<float> scores(n * columns);
  for (auto& s : scores) s = std::round(u(rng) * u(rng) * 50) / 100;  // many ties, many <= threshold
  at::Tensor score_tensor = at::from_blob(scores.data(), {n, columns}, at::kFloat).clone();
  NmsOptions options;
  options.score_threshold = 0.05f;
  options.iou_threshold = 0.45f;
  options.top_k_per_class = 150;
  options.max_per_image = 100;
  const std::vector<ScoredBox> got = postprocess_scores(to_tensor(boxes), score_tensor, options);

  // Reference: per class column c >= 1, candidates > threshold, the top_k by
  // (score desc, index asc), naive NMS; then all by score (stable), cut.
  std::vector<ScoredBox> want;
  for (int c = 1; c < columns; ++c) {
    std::vector<int> cand;
    for (int i = 0; i < n; ++i)
      if (scores[i * columns + c] > options.score_threshold) cand.push_back(i);
    std::stable_sort(cand.begin(), cand.end(),
                     [&](int a, int b) { return scores[a * columns + c] > scores[b * columns + c]; });
    cand.resize(std::min<size_t>(cand.size(), options.top_k_per_class));
    Boxes cb;
    std::vector<float> cs;
    for (int i : cand) cb.push_back(boxes[i]), cs.push_back(scores[i * columns + c]);
    for (int64_t k : naive_nms(cb, cs, std::vector<int64_t>(cb.size(), 0), double(options.iou_threshold))) {
      const auto& b = cb[k];
      want.push_back({b[0], b[1], b[2], b[3], c - 1, cs[k]});
    }
  }
  std::stable_sort(want.begin(), want.end(), [](const ScoredBox& a, const ScoredBox& b) { return a.score > b.score; });
  want.resize(std::min<size_t>(want.size(), options.max_per_image));

  ASSERT_EQ(got.size(), want.size());
  ASSERT_EQ(got.size(), 100u);
  for (size_t k = 0; k < got.size(); ++k) {
    EXPECT_EQ(got[k].label, want[k].label) << k;
    EXPECT_EQ(got[k].score, want[k].score) << k;
    EXPECT_EQ(got[k].x1, want[k].x1) << k;
    EXPECT_EQ(got[k].y2, want[k].y2) << k;
  }
}

TEST(PostprocessScores, BackgroundColumnIsSkipped) {
  at::Tensor boxes = at::tensor(std::vector<float>{0, 0, 1, 1}).reshape({1, 4});
  at::Tensor scores = at::tensor(std::vector<float>{0.9f, 0.02f, 0.005f}).reshape({1, 3});
  const auto out = postprocess_scores(boxes, scores);
  ASSERT_EQ(out.size(), 1u);  // background 0.9 ignored; class 2 under 0.01
  EXPECT_EQ(out[0].label, 0);
  EXPECT_FLOAT_EQ(out[0].score, 0.02f);
  EXPECT_THROW(postprocess_scores(boxes, at::zeros({2, 3})), Error);
}

}  // namespace
}  // namespace whittle
