// evaluate_detector with heads that need no real family: an oracle head that
// decodes each image's ground truth (so the coordinate mapping must give
// mAP 1 and the gt boxes back) and the fake regression head.
#include "eval/evaluate_detector.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <cmath>

#include "graph/error.h"
#include "train/fake_detector.h"

namespace whittle {
namespace {

using namespace whittle::testing;

// Decodes, image after image in data-set order, the gt objects as boxes
// normalised to the network input (the inverse of the VOC -> continuous
// conversion), labelled by the detector's class order.
class OracleHead : public RegressionHead {
 public:
  OracleHead(const Dataset& data, std::vector<std::string> classes)
      : data_(data), classes_(std::move(classes)) {}
  int64_t num_classes() const override { return static_cast<int64_t>(classes_.size()); }

  std::vector<std::vector<ScoredBox>> decode(const TensorMap& raw, const NmsOptions&) const override {
    std::vector<std::vector<ScoredBox>> out(raw.at("box").size(0));
    for (auto& dets : out) {
      const ImageRecord& r = data_.images.at(next_++ % data_.images.size());
      for (const Object& o : r.objects) {
        ScoredBox b;
        b.x1 = (o.box.xmin - 1) / r.width;
        b.y1 = (o.box.ymin - 1) / r.height;
        b.x2 = o.box.xmax / r.width;
        b.y2 = o.box.ymax / r.height;
        b.label = static_cast<int>(std::find(classes_.begin(), classes_.end(), o.name) - classes_.begin());
        b.score = 0.5f;
        dets.push_back(b);
      }
    }
    return out;
  }

 private:
  Dataset data_;
  std::vector<std::string> classes_;
  mutable size_t next_ = 0;
};

class EvaluateDetectorTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = temp_dir("evaluate");
    data_ = write_dataset(dir_, 7);
  }
  static void TearDownTestSuite() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  static inline fs::path dir_;
  static inline Dataset data_;
};

TEST_F(EvaluateDetectorTest, OracleGivesPerfectMapAndTheGtBoxesBack) {
  // The detector's classes in another order, plus one the data set lacks.
  const std::vector<std::string> classes{"c", "a", "zebra", "b"};
  Detector d = regression_detector(5);
  d.head = std::make_shared<OracleHead>(data_, classes);
  d.classes = classes;
  EvalOptions o;
  o.batch_size = 3;  // 7 images: a ragged last batch
  o.workers = 1;
  RecordingProgress progress;
  EvalResult r = evaluate_detector(d, data_, ApMetric::Voc07, o, progress);

  EXPECT_EQ(r.images, 7);
  EXPECT_DOUBLE_EQ(r.map.map, 1.0);
  EXPECT_EQ(r.map.metric, "voc07");
  EXPECT_GT(r.ms_per_image, 0.0);
  size_t objects = 0;
  for (const auto& img : data_.images) objects += img.objects.size();
  ASSERT_EQ(r.detections.size(), objects);
  size_t k = 0;
  for (const auto& img : data_.images)
    for (const auto& o : img.objects) {
      const Detection& det = r.detections[k++];
      EXPECT_EQ(det.image_id, img.id);
      EXPECT_EQ(det.label, o.label);  // mapped back to the data set's order by name
      EXPECT_NEAR(det.box.xmin, o.box.xmin, 1e-3);
      EXPECT_NEAR(det.box.ymin, o.box.ymin, 1e-3);
      EXPECT_NEAR(det.box.xmax, o.box.xmax, 1e-3);
      EXPECT_NEAR(det.box.ymax, o.box.ymax, 1e-3);
    }
  ASSERT_FALSE(progress.reports.empty());
  EXPECT_EQ(progress.reports.back(), "evaluating 7/7 images");
}

TEST_F(EvaluateDetectorTest, BoxMappingClampsToTheImage) {
  ImageGeometry g;
  g.original_width = 50;
  g.original_height = 40;
  g.width = g.height = 32;
  g.scale_x = 32.0f / 50;
  g.scale_y = 32.0f / 40;
  Box b = to_original_voc_box(-0.1f, 0.25f, 1.2f, 0.5f, g);
  EXPECT_FLOAT_EQ(b.xmin, 1.0f);
  EXPECT_NEAR(b.ymin, 11.0f, 1e-4);  // 0.25 * 40 + 1
  EXPECT_FLOAT_EQ(b.xmax, 50.0f);
  EXPECT_NEAR(b.ymax, 20.0f, 1e-4);  // 0.5 * 40
}

TEST_F(EvaluateDetectorTest, RegressionHeadRunsEndToEnd) {
  Detector d = regression_detector(5);
  EvalOptions o;
  o.workers = 0;
  NullProgress quiet;
  for (ApMetric m : {ApMetric::Voc12, ApMetric::Coco}) {
    EvalResult r = evaluate_detector(d, data_, m, o, quiet);
    EXPECT_EQ(r.detections.size(), 7u);  // one box per image
    EXPECT_GE(r.map.map, 0.0);
    EXPECT_LE(r.map.map, 1.0);
  }
  NullProgress cancelled;
  cancelled.cancel();
  EXPECT_THROW(evaluate_detector(d, data_, ApMetric::Voc07, o, cancelled), Cancelled);
}

TEST_F(EvaluateDetectorTest, NormalizeImagesUsesMeanAndStd) {
  Preprocess p;
  p.input_size = 2;
  p.mean = {0.5f, 0.25f, 0.0f};
  p.std = {0.5f, 0.25f, 2.0f};
  at::Tensor x = at::ones({1, 3, 2, 2});
  at::Tensor y = normalize_images(x, p);
  EXPECT_FLOAT_EQ(y[0][0][0][0].item<float>(), 1.0f);
  EXPECT_FLOAT_EQ(y[0][1][1][1].item<float>(), 3.0f);
  EXPECT_FLOAT_EQ(y[0][2][0][1].item<float>(), 0.5f);
  EXPECT_THROW(normalize_images(at::ones({1, 3, 4, 4}), p), Error);
}

}  // namespace
}  // namespace whittle
