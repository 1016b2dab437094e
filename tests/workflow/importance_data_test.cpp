// read_importance_data / importance_data_from (moved here from the CLI): the
// set's first images in batches, preprocessed for the graph; the detector's
// loss against the batches' boxes; relabelling a data set in memory to the
// detector's classes; progress, the log line, cancellation and errors.
#include "workflow/importance_data.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <vector>

#include "data/synth.h"
#include "data/voc_reader.h"
#include "error_of.h"
#include "models/ssd/ssd_zoo.h"
#include "prune/channel_groups.h"
#include "runtime/runner.h"

namespace whittle {
namespace {

using test::error_of;
namespace fs = std::filesystem;

// Records what a job reports.
class RecordingProgress : public Progress {
 public:
  RecordingProgress() { set_interval(std::chrono::milliseconds(0)); }
  std::vector<double> fractions;
  std::vector<std::string> logs;

 protected:
  void on_progress(double fraction, const std::string&) override { fractions.push_back(fraction); }
  void on_log(const std::string& message) override { logs.push_back(message); }
};

class ImportanceDataTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("whittle_importance_data_" + std::to_string(getpid()));
    fs::remove_all(dir_);
    SynthOptions so;
    so.out = dir_.string();
    so.images = 10;
    so.classes = 3;
    so.size = 96;
    so.seed = 7;
    so.threads = 1;
    so.split = {{"train", 1.0}};
    const SynthReport report = synthesize_voc(so);
    root_ = report.root;
    classes_ = report.classes;
    detector_ = build_detector_zoo("ssdlite_mobilenet_v2", 3, 0.25, 96);
    detector_.classes = classes_;
  }
  static void TearDownTestSuite() { fs::remove_all(dir_); }

  static ImportanceDataOptions options(int images, int batch) {
    ImportanceDataOptions o;
    o.root = root_;
    o.set = "train";
    o.images = images;
    o.batch = batch;
    o.workers = 1;
    return o;
  }

  // The detector's loss on batch `i` of `data` (outputs of the fp32 graph).
  static double loss_of(const ImportanceData& data, size_t i) {
    Runner runner(detector_.graph);
    const TensorMap outputs = runner.run(data.batches.at(i));
    return data.loss(outputs, i).item<double>();
  }

  static inline fs::path dir_;
  static inline std::string root_;
  static inline std::vector<std::string> classes_;
  static inline Detector detector_;
};

TEST_F(ImportanceDataTest, ReadsFirstImagesInBatchesWithLoss) {
  RecordingProgress progress;
  size_t images = 0;
  const ImportanceData data =
      read_importance_data(detector_.graph, &detector_, options(6, 4), "test", progress, &images);
  EXPECT_EQ(images, 6u);
  ASSERT_EQ(data.batches.size(), 2u);
  const std::string input = detector_.graph.inputs[0].name;
  EXPECT_EQ(data.batches[0].at(input).sizes(), (std::vector<int64_t>{4, 3, 96, 96}));
  EXPECT_EQ(data.batches[1].at(input).sizes(), (std::vector<int64_t>{2, 3, 96, 96}));
  ASSERT_TRUE(static_cast<bool>(data.loss));
  const double loss = loss_of(data, 1);
  EXPECT_TRUE(std::isfinite(loss));
  EXPECT_GT(loss, 0.0);

  ASSERT_EQ(progress.logs.size(), 1u);
  EXPECT_EQ(progress.logs[0], "importance data: 6 images of " + root_ + " (set train), 2 batches");
  ASSERT_FALSE(progress.fractions.empty());
  EXPECT_DOUBLE_EQ(progress.fractions.back(), 1.0);
  EXPECT_TRUE(std::is_sorted(progress.fractions.begin(), progress.fractions.end()));
}

TEST_F(ImportanceDataTest, TaylorAndApozScoreEveryPrunableGroup) {
  NullProgress progress;
  const ImportanceData data = read_importance_data(detector_.graph, &detector_, options(4, 2), "test", progress);
  const ChannelGroups groups = channel_groups(detector_.graph);
  for (Criterion criterion : {Criterion::Taylor, Criterion::Apoz}) {
    ImportanceOptions o;
    o.criterion = criterion;
    const auto scores = channel_importance(detector_.graph, groups, o, &data);
    size_t prunable = 0;
    for (const ChannelGroup& g : groups.groups) {
      if (!g.prunable) continue;
      ++prunable;
      ASSERT_EQ(scores.at(g.name).numel(), g.channels) << g.name;
      EXPECT_TRUE(at::isfinite(scores.at(g.name)).all().item<bool>()) << g.name;
    }
    EXPECT_EQ(scores.size(), prunable);
  }
}

TEST_F(ImportanceDataTest, WithoutDetectorResizesAndHasNoLoss) {
  NullProgress progress;
  const ImportanceData data = read_importance_data(detector_.graph, nullptr, options(3, 8), "test", progress);
  ASSERT_EQ(data.batches.size(), 1u);
  EXPECT_EQ(data.batches[0].begin()->second.size(0), 3);
  EXPECT_FALSE(static_cast<bool>(data.loss));
}

TEST_F(ImportanceDataTest, DatasetInMemoryIsRelabelledToDetectorClasses) {
  VocReadOptions read;
  read.sets = {"train"};
  read.classes = classes_;
  Dataset same = read_voc(root_, read);
  // The same images with the class list reversed: labels follow the names.
  read.classes = std::vector<std::string>(classes_.rbegin(), classes_.rend());
  Dataset reversed = read_voc(root_, read);
  const int last = static_cast<int>(classes_.size()) - 1;
  ASSERT_EQ(reversed.images[0].objects.at(0).label, last - same.images[0].objects.at(0).label);

  NullProgress progress;
  const ImportanceDataOptions o = options(4, 4);
  const ImportanceData a = importance_data_from(detector_.graph, &detector_, same, o, "test", progress);
  const ImportanceData b = importance_data_from(detector_.graph, &detector_, reversed, o, "test", progress);
  ASSERT_EQ(a.batches.size(), 1u);
  ASSERT_EQ(b.batches.size(), 1u);
  const double expected = loss_of(a, 0);
  EXPECT_NEAR(loss_of(b, 0), expected, 1e-6 * std::abs(expected));

  Dataset stranger = same;
  stranger.classes.push_back("zebra");
  stranger.images[0].objects.at(0).name = "zebra";
  stranger.images[0].objects.at(0).label = static_cast<int>(stranger.classes.size()) - 1;
  const std::string error =
      error_of([&] { importance_data_from(detector_.graph, &detector_, stranger, o, "test", progress); });
  EXPECT_NE(error.find("test: "), std::string::npos) << error;
  EXPECT_NE(error.find("zebra"), std::string::npos) << error;
}

TEST_F(ImportanceDataTest, CancelStopsReading) {
  RecordingProgress progress;
  progress.cancel();
  EXPECT_THROW(read_importance_data(detector_.graph, &detector_, options(6, 2), "test", progress), Cancelled);
  EXPECT_TRUE(progress.logs.empty());
}

TEST_F(ImportanceDataTest, ErrorsNameTheContext) {
  NullProgress progress;
  Graph rectangular = detector_.graph;
  rectangular.inputs[0].shape = {1, 3, 96, 128};
  const std::string shape = error_of([&] {
    read_importance_data(rectangular, nullptr, options(2, 2), "prune", progress);
  });
  EXPECT_EQ(shape.rfind("prune: ", 0), 0u) << shape;
  EXPECT_NE(shape.find("square RGB input"), std::string::npos) << shape;

  Graph two = detector_.graph;
  two.inputs.push_back(two.inputs[0]);
  EXPECT_NE(error_of([&] { read_importance_data(two, &detector_, options(2, 2), "sensitivity", progress); })
                .find("sensitivity: --data needs a model with one input"),
            std::string::npos);

  Dataset empty;
  empty.classes = classes_;
  const std::string none =
      error_of([&] { importance_data_from(detector_.graph, &detector_, empty, options(2, 2), "gui", progress); });
  EXPECT_NE(none.find("has no images"), std::string::npos) << none;
}

}  // namespace
}  // namespace whittle
