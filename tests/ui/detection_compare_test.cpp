// The detection comparison view on real (tiny) detectors: an untrained
// SSD-MobileNetV1 (width 0.25, input 96; weights scaled so its scores depend
// on the image), a variant of it with noise on its head, and the same
// network with its class names in another order (labels map by name), on a
// 12-image synthetic VOC set (3 classes, 112 px). The view lists every image; its
// agreement equals core's detection_agreement on the same detections; the
// same model on both sides agrees fully; the slider hides boxes; the ground
// truth toggles; the ranking job orders the images by disagreement; the
// canvas paints; broken model files come back as messages.
#include "data/dataset.h"
#include "data/synth.h"
#include "data/voc_reader.h"
#include "eval/detection_agreement.h"
#include "eval/disagreement.h"
#include "eval/evaluate_detector.h"
#include "io/onnx_export.h"
#include "models/detector.h"
#include "models/ssd/ssd_zoo.h"
#include "workflow/detector_file.h"
#include "workflow/image_detector.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <opencv2/imgcodecs.hpp>

#include <gtest/gtest.h>

#include <QCheckBox>
#include <QListWidget>
#include <QSet>
#include <QSignalSpy>
#include <QSlider>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <unistd.h>

#include "ui/detection_canvas.h"
#include "ui/detection_compare.h"
#include "ui/job_runner.h"
#include "ui_test_support.h"

namespace whittle::ui {
namespace {

namespace fs = std::filesystem;
constexpr int kWaitMs = 120000;  // a bound for a loaded machine; never a timing assert

// An untrained SSD's signal fades through its backbone (PyTorch's default
// conv init loses about half the variance per layer with ReLU): its scores
// are 1/(C+1) everywhere whatever the image. Kaiming-like gains on the
// backbone's convs and larger classification weights make the scores
// depend on the image.
void sharpen(Detector& d, double gain, double cls) {
  for (Node& node : d.graph.nodes) {
    if (node.op != Op::Conv2d || !node.has_weight("weight")) continue;
    const bool body = node.name.rfind("features.", 0) == 0 || node.name.rfind("extras.", 0) == 0;
    const bool head = node.name.rfind("head.cls", 0) == 0;
    if (body || head) node.weights["weight"] = node.weight("weight") * (body ? gain : cls);
  }
}
// A variant of a model: noise on its head's weights (relative to their spread).
void perturb(Detector& d, double relative, uint64_t seed) {
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  for (Node& node : d.graph.nodes)
    if (node.name.rfind("head.", 0) == 0 && node.has_weight("weight")) {
      const at::Tensor w = node.weight("weight");
      node.weights["weight"] = w + at::empty(w.sizes(), at::kFloat).normal_(0.0, relative * w.std().item<double>(), gen);
    }
}

class DetectionCompareTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    uitest::ensureApplication();
    dir_ = fs::temp_directory_path() / ("whittle_detection_compare_" + std::to_string(getpid()));
    fs::create_directories(dir_);
    SynthOptions so;
    so.out = dir_.string();
    so.images = 12;
    so.classes = 3;
    so.size = 112;
    so.seed = 11;
    so.threads = 1;
    so.split = {{"test", 1.0}};
    root_ = synthesize_voc(so).root;

    Detector a = build_detector_zoo("ssd_mobilenet_v1", 3, 0.25, 96, 1);
    a.classes = {"aeroplane", "bicycle", "bird"};
    sharpen(a, 3.0, 3.0);  // scores up to ~0.99, varying by image
    store_detector_metadata(a);
    save_onnx(a.graph, path("a.onnx"));
    Detector b = a;
    b.graph = a.graph.clone();
    perturb(b, 0.3, 2);  // a variant: agrees on most boxes, not all
    store_detector_metadata(b);
    save_onnx(b.graph, path("b.onnx"));
    Detector c = a;
    c.graph = a.graph.clone();
    c.classes = {"bird", "aeroplane", "bicycle"};  // A's outputs under other names
    store_detector_metadata(c);
    save_onnx(c.graph, path("c.onnx"));
    std::ofstream(path("broken.onnx")) << "this is not an ONNX file";

    data_ = read_voc(root_, VocReadOptions{{"test"}});
    // The reference detections: the same files through core, labels to the data set's.
    for (const char* name : {"a.onnx", "b.onnx"}) {
      const Detector d = load_detector_file(path(name));
      ImageDetector run(d, NmsOptions{});
      const std::vector<int> map = dataset_label_map(d, data_);
      auto& per = reference_[name];
      for (const auto& image : data_.images)
        per.push_back(map_detection_labels(run.detect(cv::imread(image.image_path, cv::IMREAD_COLOR)), map));
    }
  }
  static void TearDownTestSuite() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  static std::string path(const std::string& name) { return (dir_ / name).string(); }
  static QString qpath(const std::string& name) { return QString::fromStdString(path(name)); }
  static QString root() { return QString::fromStdString(root_); }

  static QList<QPair<QString, QString>> models() {
    return {{QStringLiteral("A"), qpath("a.onnx")}, {QStringLiteral("B"), qpath("b.onnx")}};
  }

  static const std::vector<ScoredBox>& ref(const char* model, int image) {
    return reference_.at(model).at(static_cast<size_t>(image));
  }
  static DetectionAgreement refAgreement(int image, double threshold) {
    return detection_agreement(detections_at_score(ref("a.onnx", image), threshold),
                               detections_at_score(ref("b.onnx", image), threshold));
  }
  static int refCount(const char* model, int image, double threshold) {
    return static_cast<int>(detections_at_score(ref(model, image), threshold).size());
  }
  // A threshold with some of image `image`'s detections of A above and some below.
  static double midThreshold(int image) {
    std::vector<float> scores;
    for (const ScoredBox& d : ref("a.onnx", image)) scores.push_back(d.score);
    std::sort(scores.begin(), scores.end());
    return scores.empty() ? 0.5 : scores[scores.size() / 2];
  }
  // The image whose A-detections' scores spread most (for threshold tests).
  static int busiestImage() {
    int best = 0;
    for (int i = 0; i < static_cast<int>(data_.images.size()); ++i)
      if (ref("a.onnx", i).size() > ref("a.onnx", best).size()) best = i;
    return best;
  }

  static inline fs::path dir_;
  static inline std::string root_;
  static inline Dataset data_;
  static inline std::map<std::string, std::vector<std::vector<ScoredBox>>> reference_;
};

TEST_F(DetectionCompareTest, ListsEveryImageOfTheSet) {
  JobRunner jobs;
  DetectionCompare view(&jobs);
  view.setModels(models());
  QString error;
  ASSERT_TRUE(view.setDataSet(root(), QStringLiteral("test"), &error)) << error.toStdString();
  EXPECT_EQ(view.imageCount(), 12);
  EXPECT_EQ(view.imageList()->count(), 12);
  EXPECT_EQ(view.imageOrder(), (QList<int>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}));
  EXPECT_TRUE(view.imageList()->item(0)->text().startsWith(
      QString::fromStdString(fs::path(data_.images[0].image_path).filename().string())));
  EXPECT_EQ(view.leftName(), QStringLiteral("A"));
  EXPECT_EQ(view.rightName(), QStringLiteral("B"));
  EXPECT_EQ(view.currentImage(), 0);  // the first image is shown once data and models are there
  EXPECT_DOUBLE_EQ(view.scoreThreshold(), 0.5);
}

TEST_F(DetectionCompareTest, AgreementEqualsCoresOnTheSameDetections) {
  JobRunner jobs;
  DetectionCompare view(&jobs);
  view.setModels(models());
  ASSERT_TRUE(view.setDataSet(root()));
  ASSERT_TRUE(view.setPair(QStringLiteral("A"), QStringLiteral("B"))) << view.lastError().toStdString();
  for (double threshold : {0.5, 0.05}) {
    view.setScoreThreshold(threshold);
    for (int image : {0, 3, 7}) {
      ASSERT_TRUE(view.showImage(image)) << view.lastError().toStdString();
      EXPECT_EQ(view.currentImage(), image);
      const DetectionAgreement a = refAgreement(image, threshold);
      EXPECT_EQ(view.matched(), a.matched) << "image " << image << " at " << threshold;
      EXPECT_EQ(view.onlyLeft(), a.only_a) << "image " << image << " at " << threshold;
      EXPECT_EQ(view.onlyRight(), a.only_b) << "image " << image << " at " << threshold;
      EXPECT_EQ(view.leftCanvas()->visibleDetectionCount(), refCount("a.onnx", image, threshold));
      EXPECT_EQ(view.rightCanvas()->visibleDetectionCount(), refCount("b.onnx", image, threshold));
      EXPECT_TRUE(view.agreementText().startsWith(QStringLiteral("matched %1 · only left %2 · only right %3")
                                                      .arg(a.matched)
                                                      .arg(a.only_a)
                                                      .arg(a.only_b)))
          << view.agreementText().toStdString();
    }
  }
  // At a low threshold the untrained models do detect something.
  EXPECT_GT(refCount("a.onnx", 0, 0.05) + refCount("b.onnx", 0, 0.05), 0);
  EXPECT_FALSE(view.showImage(12));
  EXPECT_FALSE(view.showImage(-1));
  EXPECT_EQ(view.currentImage(), 7);
}

TEST_F(DetectionCompareTest, TheSameModelOnBothSidesAgreesFully) {
  JobRunner jobs;
  DetectionCompare view(&jobs);
  view.setModels(models());
  ASSERT_TRUE(view.setDataSet(root()));
  ASSERT_TRUE(view.setPair(QStringLiteral("B"), QStringLiteral("B")));
  view.setScoreThreshold(0.05);
  for (int image = 0; image < view.imageCount(); image += 4) {
    ASSERT_TRUE(view.showImage(image));
    EXPECT_EQ(view.onlyLeft(), 0);
    EXPECT_EQ(view.onlyRight(), 0);
    EXPECT_EQ(view.matched(), refCount("b.onnx", image, 0.05));
  }
  EXPECT_FALSE(view.setPair(QStringLiteral("B"), QStringLiteral("no such model")));
  EXPECT_EQ(view.rightName(), QStringLiteral("B"));
}

TEST_F(DetectionCompareTest, ClassesMapToTheDataSetsByName) {
  JobRunner jobs;
  DetectionCompare view(&jobs);
  view.setModels({{QStringLiteral("A"), qpath("a.onnx")}, {QStringLiteral("C"), qpath("c.onnx")}});
  ASSERT_TRUE(view.setDataSet(root()));
  ASSERT_TRUE(view.setPair(QStringLiteral("A"), QStringLiteral("C")));
  view.setScoreThreshold(0.3);
  ASSERT_TRUE(view.showImage(busiestImage()));
  const QVector<CanvasBox> left = view.leftCanvas()->detections();
  const QVector<CanvasBox> right = view.rightCanvas()->detections();
  ASSERT_EQ(left.size(), right.size());
  ASSERT_FALSE(left.isEmpty());
  const int aeroplane = 0, bicycle = 1, bird = 2;  // the data set's (VOC) indices
  for (int i = 0; i < left.size(); ++i) {
    EXPECT_EQ(left[i].rect, right[i].rect);
    // C's class k is A's class k under C's name: aeroplane -> bird, bicycle -> aeroplane, bird -> bicycle.
    const int expected = left[i].label == aeroplane ? bird : left[i].label == bicycle ? aeroplane : bicycle;
    EXPECT_EQ(right[i].label, expected);
  }
  // Same boxes, other classes: far from full agreement.
  EXPECT_LT(view.matched(), view.leftCanvas()->visibleDetectionCount());
}

TEST_F(DetectionCompareTest, TheThresholdSliderChangesTheVisibleBoxes) {
  JobRunner jobs;
  DetectionCompare view(&jobs);
  view.setModels(models());
  ASSERT_TRUE(view.setDataSet(root()));
  const int image = busiestImage();
  ASSERT_TRUE(view.showImage(image));
  auto* slider = view.findChild<QSlider*>(QStringLiteral("scoreThresholdSlider"));
  ASSERT_NE(slider, nullptr);
  EXPECT_EQ(slider->value(), 50);

  slider->setValue(0);
  EXPECT_DOUBLE_EQ(view.scoreThreshold(), 0.0);
  const int all = view.leftCanvas()->visibleDetectionCount();
  EXPECT_EQ(all, refCount("a.onnx", image, 0.0));
  EXPECT_EQ(all, view.leftCanvas()->detectionCount());
  ASSERT_GE(all, 2) << "the untrained model should give several boxes at threshold 0";

  const double mid = midThreshold(image);
  const int midTick = static_cast<int>(std::ceil(mid * 100 + 1e-9));  // a slider step above the median score
  slider->setValue(midTick);
  const int fewer = view.leftCanvas()->visibleDetectionCount();
  EXPECT_EQ(fewer, refCount("a.onnx", image, midTick / 100.0));
  EXPECT_LT(fewer, all);
  EXPECT_EQ(view.matched() + view.onlyLeft(), fewer);
  EXPECT_EQ(view.matched() + view.onlyRight(), view.rightCanvas()->visibleDetectionCount());

  slider->setValue(100);
  EXPECT_EQ(view.leftCanvas()->visibleDetectionCount(), refCount("a.onnx", image, 1.0));
  view.setScoreThreshold(0.25);
  EXPECT_EQ(slider->value(), 25);
  EXPECT_EQ(view.leftCanvas()->scoreThreshold(), 0.25);
}

TEST_F(DetectionCompareTest, GroundTruthToggles) {
  JobRunner jobs;
  DetectionCompare view(&jobs);
  view.setModels(models());
  ASSERT_TRUE(view.setDataSet(root()));
  int image = 0;
  while (data_.images[static_cast<size_t>(image)].objects.empty()) ++image;
  ASSERT_TRUE(view.showImage(image));
  const int objects = static_cast<int>(data_.images[static_cast<size_t>(image)].objects.size());
  EXPECT_FALSE(view.showsGroundTruth());
  EXPECT_EQ(view.leftCanvas()->visibleGroundTruthCount(), 0);
  auto* box = view.findChild<QCheckBox*>(QStringLiteral("groundTruthBox"));
  ASSERT_NE(box, nullptr);
  box->setChecked(true);
  EXPECT_TRUE(view.showsGroundTruth());
  EXPECT_EQ(view.leftCanvas()->visibleGroundTruthCount(), objects);
  EXPECT_EQ(view.rightCanvas()->visibleGroundTruthCount(), objects);
  view.setShowGroundTruth(false);
  EXPECT_FALSE(box->isChecked());
  EXPECT_EQ(view.rightCanvas()->visibleGroundTruthCount(), 0);
}

TEST_F(DetectionCompareTest, RankingOrdersImagesByDescendingDisagreement) {
  JobRunner jobs;
  jobs.setThreadsPerJob(1);
  DetectionCompare view(&jobs);
  view.setModels(models());
  ASSERT_TRUE(view.setDataSet(root()));
  const double threshold = 0.05;
  view.setScoreThreshold(threshold);
  QSignalSpy ranked(&view, &DetectionCompare::rankingFinished);
  const int id = view.rankByDisagreement();
  ASSERT_GT(id, 0) << view.lastError().toStdString();
  EXPECT_EQ(view.rankingJob(), id);
  EXPECT_EQ(view.rankByDisagreement(), -1);  // one at a time
  while (ranked.isEmpty())
    if (!ranked.wait(kWaitMs)) break;
  ASSERT_EQ(ranked.count(), 1);
  ASSERT_EQ(jobs.status(id), JobStatus::Succeeded) << jobs.error(id).toStdString();
  EXPECT_TRUE(view.isRanked());
  EXPECT_EQ(view.rankingJob(), -1);

  const QList<int> order = view.imageOrder();
  ASSERT_EQ(order.size(), 12);
  EXPECT_EQ(QSet<int>(order.begin(), order.end()).size(), 12);
  std::vector<DetectionAgreement> per;
  for (int i = 0; i < 12; ++i) per.push_back(refAgreement(i, threshold));
  std::set<int> unmatched;
  for (const auto& a : per) unmatched.insert(a.only_a + a.only_b);
  EXPECT_GT(unmatched.size(), 1u) << "the two models should disagree more on some images than on others";
  for (int k = 1; k < order.size(); ++k)
    EXPECT_FALSE(disagrees_more(per[static_cast<size_t>(order[k])], per[static_cast<size_t>(order[k - 1])]))
        << "position " << k;
  const std::vector<int> expected = disagreement_order(per);
  EXPECT_EQ(order, QList<int>(expected.begin(), expected.end()));
  // The list follows, with each row's agreement.
  for (int row = 0; row < 12; ++row) {
    const int image = view.imageList()->item(row)->data(Qt::UserRole).toInt();
    EXPECT_EQ(image, order[row]);
    const DetectionAgreement& a = per[static_cast<size_t>(image)];
    EXPECT_TRUE(view.imageList()->item(row)->text().endsWith(
        QStringLiteral("%1 · %2 · %3").arg(a.matched).arg(a.only_a).arg(a.only_b)));
  }
  // Showing an image now uses the job's detections: the same agreement.
  ASSERT_TRUE(view.showImage(order.front()));
  EXPECT_EQ(view.onlyLeft() + view.onlyRight(), per[static_cast<size_t>(order.front())].only_a +
                                                    per[static_cast<size_t>(order.front())].only_b);
  // Another threshold re-ranks at once from the cache.
  view.setScoreThreshold(0.3);
  std::vector<DetectionAgreement> per30;
  for (int i = 0; i < 12; ++i) per30.push_back(refAgreement(i, 0.3));
  const std::vector<int> expected30 = disagreement_order(per30);
  EXPECT_EQ(view.imageOrder(), QList<int>(expected30.begin(), expected30.end()));
  // Same model on both sides: nothing disagrees, the filter hides every row.
  ASSERT_TRUE(view.setPair(QStringLiteral("A"), QStringLiteral("A")));
  QSignalSpy ranked2(&view, &DetectionCompare::rankingFinished);
  ASSERT_GT(view.rankByDisagreement(), 0);
  while (ranked2.isEmpty())
    if (!ranked2.wait(kWaitMs)) break;
  ASSERT_TRUE(view.isRanked());
  view.setDisagreeingOnly(true);
  for (int row = 0; row < view.imageList()->count(); ++row) EXPECT_TRUE(view.imageList()->item(row)->isHidden());
}

TEST_F(DetectionCompareTest, RankingCanBeCancelled) {
  JobRunner jobs;
  DetectionCompare view(&jobs);
  view.setModels(models());
  ASSERT_TRUE(view.setDataSet(root()));
  QSignalSpy ranked(&view, &DetectionCompare::rankingFinished);
  const int id = view.rankByDisagreement();
  ASSERT_GT(id, 0);
  view.cancelRanking();
  while (ranked.isEmpty())
    if (!ranked.wait(kWaitMs)) break;
  ASSERT_EQ(ranked.count(), 1);
  const JobStatus status = jobs.status(id);
  EXPECT_TRUE(status == JobStatus::Cancelled || status == JobStatus::Succeeded);  // it may have ended first
  if (status == JobStatus::Cancelled) {
    EXPECT_FALSE(view.isRanked());
    EXPECT_EQ(view.imageOrder(), (QList<int>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}));
  }
  EXPECT_EQ(view.rankingJob(), -1);
}

// Also the view's screenshot: written to WHITTLE_UPDATE_SCREENSHOTS (a
// folder) when set, else to the temporary folder.
TEST_F(DetectionCompareTest, RendersTheImageWithBoxes) {
  JobRunner jobs;
  DetectionCompare view(&jobs);
  view.resize(1000, 560);
  view.setModels(models());
  ASSERT_TRUE(view.setDataSet(root()));
  view.setShowGroundTruth(true);
  int image = 0;  // the image with the most confident detections
  for (int i = 1; i < 12; ++i)
    if (refCount("a.onnx", i, 0.5) > refCount("a.onnx", image, 0.5)) image = i;
  ASSERT_GT(refCount("a.onnx", image, 0.5), 0);
  ASSERT_TRUE(view.showImage(image));
  view.show();
  QCoreApplication::processEvents();
  const QImage whole = view.grab().toImage();
  const char* update = std::getenv("WHITTLE_UPDATE_SCREENSHOTS");
  const std::string folder = update != nullptr ? std::string(update) : dir_.string();
  EXPECT_TRUE(whole.save(QString::fromStdString((fs::path(folder) / "detection_compare.png").string())));
  DetectionCanvas* canvas = view.leftCanvas();
  const QImage shot = canvas->grab().toImage();
  ASSERT_FALSE(shot.isNull());
  QSet<QRgb> colours;
  for (int y = 0; y < shot.height(); y += 3)
    for (int x = 0; x < shot.width(); x += 3) colours.insert(shot.pixel(x, y));
  EXPECT_GT(colours.size(), 50);  // a photo-like image, not a flat fill
  // A box colour of the palette is drawn somewhere.
  int boxPixels = 0;
  const QSet<QRgb> palette{classColour(0).rgb(), classColour(1).rgb(), classColour(2).rgb()};
  for (int y = 0; y < shot.height(); ++y)
    for (int x = 0; x < shot.width(); ++x)
      if (palette.contains(shot.pixel(x, y))) ++boxPixels;
  EXPECT_GT(boxPixels, 20);
  const QRectF r = canvas->imageRect();
  EXPECT_NEAR(r.width() / r.height(), 1.0, 0.01);  // square images keep their aspect
  EXPECT_LE(r.height(), canvas->height() + 1e-9);
  EXPECT_LE(r.width(), canvas->width() + 1e-9);
  EXPECT_TRUE(std::abs(r.height() - canvas->height()) < 1 || std::abs(r.width() - canvas->width()) < 1);  // fits
  // Tags: "class 0.87".
  CanvasBox b;
  b.label = 1;
  b.score = 0.873;
  EXPECT_EQ(canvas->tagText(b, false), QStringLiteral("bicycle 0.87"));
  EXPECT_EQ(canvas->tagText(b, true), QStringLiteral("bicycle"));
  EXPECT_NE(classColour(0), classColour(1));
}

TEST_F(DetectionCompareTest, BrokenOrMissingModelsGiveReadableErrors) {
  JobRunner jobs;
  DetectionCompare view(&jobs);
  view.setModels({{QStringLiteral("A"), qpath("a.onnx")},
                  {QStringLiteral("broken"), qpath("broken.onnx")},
                  {QStringLiteral("missing"), qpath("missing.onnx")}});
  ASSERT_TRUE(view.setDataSet(root()));
  EXPECT_FALSE(view.setPair(QStringLiteral("A"), QStringLiteral("broken")));
  EXPECT_TRUE(view.lastError().contains(QStringLiteral("broken.onnx"))) << view.lastError().toStdString();
  EXPECT_FALSE(view.showImage(1));
  EXPECT_EQ(view.currentImage(), 1);
  EXPECT_FALSE(view.rightCanvas()->message().isEmpty());
  EXPECT_TRUE(view.leftCanvas()->message().isEmpty());  // the good side still shows its detections
  EXPECT_FALSE(view.leftCanvas()->image().isNull());
  EXPECT_EQ(view.rankByDisagreement(), -1);

  EXPECT_FALSE(view.setPair(QStringLiteral("missing"), QStringLiteral("A")));
  EXPECT_TRUE(view.lastError().contains(QStringLiteral("missing.onnx"))) << view.lastError().toStdString();
  EXPECT_FALSE(view.leftCanvas()->message().isEmpty());

  QString error;
  EXPECT_FALSE(view.setDataSet(qpath("no_such_folder"), QStringLiteral("test"), &error));
  EXPECT_FALSE(error.isEmpty());
  EXPECT_EQ(view.imageCount(), 0);
  EXPECT_EQ(view.imageList()->count(), 0);
}

}  // namespace
}  // namespace whittle::ui
