// workflow/paired_detections.h: a detector file's detections kept per image
// and mapped to a data set's classes, both files of a pair over an image list
// (the workbench's ranking), and images that do not read.
#include "workflow/paired_detections.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <opencv2/imgcodecs.hpp>

#include "graph/error.h"
#include "io/onnx_export.h"
#include "models/ssd/ssd_zoo.h"

namespace whittle {
namespace {

namespace fs = std::filesystem;

class PairedDetections : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("whittle_paired_detections_" + std::to_string(getpid()));
    fs::create_directories(dir_);
    Detector d = build_detector_zoo("ssdlite_mobilenet_v2", 3, 0.25, 96);
    d.classes = {"a", "b", "c"};
    store_detector_metadata(d);
    model_ = (dir_ / "model.onnx").string();
    save_onnx(d.graph, model_);
    cv::RNG rng(7);
    for (int i = 0; i < 2; ++i) {
      cv::Mat image(80 + 20 * i, 120, CV_8UC3);
      rng.fill(image, cv::RNG::UNIFORM, 0, 255);
      images_.push_back((dir_ / ("image" + std::to_string(i) + ".png")).string());
      ASSERT_TRUE(cv::imwrite(images_.back(), image));
    }
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path dir_;
  std::string model_;
  std::vector<std::string> images_;
};

Dataset classes(std::vector<std::string> names) {
  Dataset d;
  d.classes = std::move(names);
  return d;
}

TEST_F(PairedDetections, KeepsDetectionsAndMapsLabelsByName) {
  CachedDetector own(model_);
  EXPECT_EQ(own.kept(0), nullptr);
  const cv::Mat bgr = read_bgr_image(images_[0]);
  const std::vector<ScoredBox> raw = own.detect(0, bgr);  // the model's own labels
  ASSERT_FALSE(raw.empty());  // random weights: every class scores well above 0.01
  ASSERT_NE(own.kept(0), nullptr);
  EXPECT_EQ(&own.detect(0, cv::Mat()), own.kept(0));  // kept: the image is not needed again
  EXPECT_EQ(own.kept_count(), 1u);

  // Data set classes {c, a}: a -> 1, c -> 0, b dropped; order kept.
  own.set_classes(classes({"c", "a"}));
  EXPECT_EQ(own.kept_count(), 0u);
  std::vector<ScoredBox> expected;
  for (ScoredBox b : raw) {
    if (b.label == 1) continue;
    b.label = b.label == 0 ? 1 : 0;
    expected.push_back(b);
  }
  const std::vector<ScoredBox>& mapped = own.detect(0, bgr);
  ASSERT_EQ(mapped.size(), expected.size());
  for (size_t i = 0; i < mapped.size(); ++i) {
    EXPECT_EQ(mapped[i].label, expected[i].label);
    EXPECT_EQ(mapped[i].score, expected[i].score);
    EXPECT_EQ(mapped[i].x1, expected[i].x1);
  }

  own.keep(5, {ScoredBox{1, 2, 3, 4, 0, 0.5f}});
  ASSERT_NE(own.kept(5), nullptr);
  EXPECT_EQ(own.kept(5)->at(0).x2, 3);
  own.forget();
  EXPECT_EQ(own.kept(5), nullptr);
}

TEST_F(PairedDetections, DetectPairRunsBothFilesOverEveryImage) {
  const std::string copy = (dir_ / "copy.onnx").string();
  fs::copy_file(model_, copy);
  NullProgress progress;
  const Dataset data = classes({"a", "b", "c"});
  const PairDetections same = detect_pair(model_, model_, images_, data, progress);
  const PairDetections two = detect_pair(model_, copy, images_, data, progress);
  ASSERT_EQ(same.left.size(), 2u);
  ASSERT_EQ(two.right.size(), 2u);
  CachedDetector reference(model_);
  reference.set_classes(data);
  for (size_t i = 0; i < images_.size(); ++i) {
    const std::vector<ScoredBox>& want = reference.detect(static_cast<int>(i), read_bgr_image(images_[i]));
    for (const auto* got : {&same.left[i], &same.right[i], &two.left[i], &two.right[i]}) {
      ASSERT_EQ(got->size(), want.size()) << "image " << i;
      for (size_t k = 0; k < want.size(); ++k) EXPECT_EQ((*got)[k].score, want[k].score);
    }
  }

  NullProgress cancelled;
  cancelled.cancel();
  EXPECT_THROW(detect_pair(model_, copy, images_, data, cancelled), Cancelled);
}

TEST_F(PairedDetections, ErrorsNameTheFile) {
  const std::string missing = (dir_ / "missing.png").string();
  const std::string text = (dir_ / "notes.png").string();
  std::ofstream(text) << "not an image";
  for (const auto& [path, words] : {std::pair{missing, "no such image"}, std::pair{text, "does not decode"}}) {
    try {
      read_bgr_image(path);
      FAIL() << path;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
    }
  }
  NullProgress progress;
  try {
    detect_pair(model_, model_, {images_[0], text}, classes({"a"}), progress);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(text), std::string::npos) << e.what();
  }
  EXPECT_THROW(CachedDetector((dir_ / "none.onnx").string()), Error);
  EXPECT_THROW(CachedDetector(""), Error);
}

}  // namespace
}  // namespace whittle
