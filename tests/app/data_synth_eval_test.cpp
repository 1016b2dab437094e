// The data path end to end through whittle-cli: synthesise a VOC-format set,
// check it, and score detections written in the VOC results format.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "app/cli_runner.h"
#include "data/voc_reader.h"
#include "eval/voc_results.h"

namespace {

namespace fs = std::filesystem;
using whittle::test::run_cli;

class SynthEval : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("whittle_synth_eval_" + std::to_string(getpid()));
    auto r = run_cli("data synth --out " + dir_.string() + " --images 40 --classes 5 --size 160 --seed 3");
    ASSERT_EQ(r.code, 0) << r.err;
  }
  static void TearDownTestSuite() { fs::remove_all(dir_); }
  static std::string voc() { return (dir_ / "VOCdevkit" / "VOC2007").string(); }
  static fs::path dir_;
};
fs::path SynthEval::dir_;

TEST_F(SynthEval, GeneratedSetPassesDataCheck) {
  auto r = run_cli("data check " + voc() + " --set test --json");
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["images"], 8);  // 20 % of 40
}

TEST_F(SynthEval, GroundTruthAsDetectionsScoresOneAndAMissingClassZero) {
  whittle::VocReadOptions options;
  options.sets = {"test"};
  whittle::Dataset gt = whittle::read_voc(voc(), options);
  std::vector<whittle::Detection> dets;
  for (const auto& image : gt.images)
    for (const auto& object : image.objects)
      dets.push_back({image.id, object.label, 0.9f, object.box});
  std::string prefix = (dir_ / "results" / "comp4_det_test_").string();
  fs::create_directories(dir_ / "results");
  whittle::write_voc_results(prefix, gt.classes, dets);
  for (const std::string metric : {"voc07", "voc12", "coco"}) {
    auto r = run_cli("eval-dets --voc " + voc() + " --set test --results " + prefix +
                     " --metric " + metric + " --json");
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_DOUBLE_EQ(nlohmann::json::parse(r.out)["map"].get<double>(), 1.0) << metric;
  }
  // Without the first class's file, that class scores 0 (if it has objects).
  fs::remove(prefix + gt.classes[0] + ".txt");
  auto r = run_cli("eval-dets --voc " + voc() + " --set test --results " + prefix + " --json");
  ASSERT_EQ(r.code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  if (!j["ap"][gt.classes[0]].is_null()) EXPECT_EQ(j["ap"][gt.classes[0]].get<double>(), 0.0);
  EXPECT_LT(j["map"].get<double>(), 1.0);
}

}  // namespace
