// `whittle-cli detect` and `bench` end to end with a detector trained for one
// epoch on a tiny synthetic set (SSDLite-MobileNetV2, width 0.25, input 96).
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

#include "app/cli_runner.h"
#include "app/synth_suite.h"

namespace {

namespace fs = std::filesystem;
using whittle::test::run_cli;

class DetectBenchCli : public whittle::test::SynthSuite<DetectBenchCli> {
 public:
  static constexpr const char* kName = "whittle_detect_bench_cli";
  static constexpr int kSeed = 7;

 protected:
  static std::string image(const std::string& id) {
    return (fs::path(voc()) / "JPEGImages" / (id + ".jpg")).string();
  }
};

TEST_F(DetectBenchCli, DetectWritesAnnotatedJpegs) {
  const std::string out = path("detect");
  // An untrained-ish 3-class model scores about 1/4 everywhere: --score 0.1 draws boxes.
  auto r = run_cli("detect --model " + model() + " --score 0.1 --max 5 " + image("000001") + " " +
                   image("000002") + " --out " + out);
  ASSERT_EQ(r.code, 0) << r.err;
  for (const char* id : {"000001", "000002"}) {
    const std::string written = out + "/" + id + ".jpg";
    ASSERT_TRUE(fs::exists(written)) << written;
    const cv::Mat annotated = cv::imread(written);
    const cv::Mat original = cv::imread(image(id));
    ASSERT_FALSE(annotated.empty());
    EXPECT_EQ(annotated.size(), original.size());
    EXPECT_GT(cv::norm(annotated, original, cv::NORM_L1) / annotated.total(), 1.0) << "nothing drawn on " << id;
    EXPECT_NE(r.out.find(image(id) + ": 5 detections -> " + written), std::string::npos) << r.out;
  }

  auto j = run_cli("detect --model " + model() + " --score 0.1 --max 3 --json " + image("000003") + " --out " + out);
  ASSERT_EQ(j.code, 0) << j.err;
  auto list = nlohmann::json::parse(j.out);
  ASSERT_EQ(list.size(), 1u);
  ASSERT_EQ(list[0]["detections"].size(), 3u);
  for (const auto& d : list[0]["detections"]) {
    const std::string name = d["class"];
    EXPECT_TRUE(name == "aeroplane" || name == "bicycle" || name == "bird") << name;
    EXPECT_GE(d["score"].get<double>(), 0.1);
    const auto box = d["box"];  // original pixels of a 128 x 128 image
    EXPECT_GE(box[0].get<double>(), 0.0);
    EXPECT_LE(box[2].get<double>(), 128.0);
    EXPECT_LT(box[0].get<double>(), box[2].get<double>());
    EXPECT_LT(box[1].get<double>(), box[3].get<double>());
  }
}

TEST_F(DetectBenchCli, UndecodableImageFailsNamingItAfterTheRest) {
  const std::string bad = path("broken.jpg");
  std::ofstream(bad) << "not a jpeg";
  const std::string out = path("detect_bad");
  auto r = run_cli("detect --model " + model() + " " + bad + " " + image("000004") + " --out " + out);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find(bad + ": cannot be decoded"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_TRUE(fs::exists(out + "/000004.jpg"));  // the good image after it was still done
  EXPECT_FALSE(fs::exists(out + "/broken.jpg"));
}

TEST_F(DetectBenchCli, BenchJsonHasTheFields) {
  auto r = run_cli("bench --model " + model() + " --runs 4 --warmup 1 --image 320x240 --json");
  ASSERT_EQ(r.code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  for (const char* key : {"median_ms", "min_ms", "max_ms", "stages", "peak_memory_bytes", "threads", "runs"})
    EXPECT_TRUE(j.contains(key)) << key << " missing in " << r.out;
  EXPECT_LE(j["min_ms"].get<double>(), j["median_ms"].get<double>());
  EXPECT_LE(j["median_ms"].get<double>(), j["max_ms"].get<double>());
  double stage_medians = 0;
  for (const char* stage : {"preprocess", "network", "postprocess"}) {
    ASSERT_TRUE(j["stages"].contains(stage)) << stage;
    for (const char* key : {"median_ms", "min_ms", "max_ms"})
      EXPECT_GT(j["stages"][stage][key].get<double>(), 0.0) << stage << " " << key;
    stage_medians += j["stages"][stage]["median_ms"].get<double>();
  }
  EXPECT_GT(stage_medians, 0.5 * j["median_ms"].get<double>());
  EXPECT_GT(j["peak_memory_bytes"].get<int64_t>(), 10'000'000);
  EXPECT_EQ(j["threads"], 2);  // run_cli's global --threads 2
  EXPECT_EQ(j["runs"], 4);
  EXPECT_EQ(j["input_size"], 96);
}

TEST(DetectBenchCliZoo, BenchTableWithItsOwnThreads) {
  auto r = run_cli("bench --zoo ssdlite_mobilenet_v2 --width 0.25 --input 96 --threads 1 --runs 2 --warmup 0");
  ASSERT_EQ(r.code, 0) << r.err;
  for (const char* text : {"preprocess", "network", "postprocess", "total", "peak memory", "1 threads"})
    EXPECT_NE(r.out.find(text), std::string::npos) << text << " missing in\n" << r.out;
}

// Errors come before any slow work: no model file is needed to see them.
TEST(DetectBenchCliErrors, NameTheProblem) {
  const fs::path dir = fs::temp_directory_path() / ("whittle_detect_bench_errors_" + std::to_string(getpid()));
  const std::string model = (dir / "nope.onnx").string();
  auto missing = run_cli("detect --model " + model + " a.jpg --out " + (dir / "o").string());
  EXPECT_NE(missing.code, 0);
  EXPECT_NE(missing.err.find("nope.onnx"), std::string::npos) << missing.err;
  auto no_images = run_cli("detect --model " + model + " --out " + (dir / "o").string());
  EXPECT_NE(no_images.code, 0);
  EXPECT_NE(no_images.err.find("IMAGE"), std::string::npos) << no_images.err;
  auto zoo = run_cli("bench --zoo ssd_nope --runs 1");
  EXPECT_NE(zoo.code, 0);
  EXPECT_NE(zoo.err.find("ssd_nope"), std::string::npos) << zoo.err;
  auto size = run_cli("bench --model " + model + " --image 640by480");
  EXPECT_NE(size.code, 0);
  EXPECT_NE(size.err.find("640by480"), std::string::npos) << size.err;
  fs::remove_all(dir);
}

}  // namespace
