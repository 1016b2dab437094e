// The detect-path benchmark that `whittle-cli bench`, the workbench's
// benchmark job and the pipeline share: statistics, the fixed picture, the
// variants (an int8 model with its fp32 twin; an fp32 model with an int8
// version calibrated on the picture) and their timings.
#include "workflow/benchmark_detector.h"

#include <gtest/gtest.h>

#include <opencv2/core.hpp>

#include "models/ssd/ssd_zoo.h"

namespace whittle {
namespace {

Detector small() { return build_detector_zoo("ssd_mobilenet_v1", 3, 0.25, 96); }

TEST(BenchmarkDetector, StatsArePercentilesOfTheRuns) {
  const TimingStats odd = timing_stats({3, 1, 2});
  EXPECT_DOUBLE_EQ(odd.median, 2);
  EXPECT_DOUBLE_EQ(odd.min, 1);
  EXPECT_DOUBLE_EQ(odd.max, 3);
  EXPECT_DOUBLE_EQ(timing_stats({4, 1, 2, 3}).median, 2.5);
  EXPECT_DOUBLE_EQ(timing_stats({}).median, 0);
}

TEST(BenchmarkDetector, TheImageIsFixed) {
  const cv::Mat a = benchmark_image(cv::Size(64, 48)), b = benchmark_image(cv::Size(64, 48));
  ASSERT_EQ(a.size(), cv::Size(64, 48));
  EXPECT_EQ(cv::norm(a, b, cv::NORM_INF), 0.0);
}

TEST(BenchmarkDetector, TimesFp32AndItsInt8Version) {
  const Detector fp32 = small();
  const cv::Mat image = benchmark_image(cv::Size(128, 96));
  BenchmarkOptions o;
  o.runs = 3;
  o.warmup = 1;
  NullProgress quiet;
  const std::vector<DetectTiming> t = benchmark_detector(fp32, image, /*add_int8=*/true, o, quiet);
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[0].precision, "fp32");
  EXPECT_EQ(t[1].precision, "int8");
  for (const DetectTiming& d : t) {
    EXPECT_GT(d.total.median, 0);
    EXPECT_LE(d.total.min, d.total.median);
    EXPECT_LE(d.total.median, d.total.max);
    EXPECT_GT(d.net.median, 0);
    EXPECT_LT(d.measured_j, 0);  // no RAPL meter given
  }
  // An int8 model comes with its fp32 twin first.
  const std::vector<Detector> variants = benchmark_variants(fp32, image, true);
  const std::vector<Detector> twins = benchmark_variants(variants[1], image, false);
  ASSERT_EQ(twins.size(), 2u);
  EXPECT_FALSE(twins[0].int8);
  EXPECT_TRUE(twins[1].int8);
  EXPECT_EQ(benchmark_variants(fp32, image, false).size(), 1u);
}

TEST(BenchmarkDetector, RefusesBadCountsAndHonoursCancellation) {
  const Detector d = small();
  const cv::Mat image = benchmark_image(cv::Size(64, 64));
  NullProgress quiet;
  BenchmarkOptions none;
  none.runs = 0;
  EXPECT_THROW(time_detect_path(d, image, none, quiet), Error);
  NullProgress cancelled;
  cancelled.cancel();
  EXPECT_THROW(time_detect_path(d, image, BenchmarkOptions{}, cancelled), Cancelled);
}

}  // namespace
}  // namespace whittle
