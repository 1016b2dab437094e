#pragma once
// A detector's whole detect path timed per image, as `whittle-cli bench`,
// the workbench's benchmark job and `whittle-cli pipeline` report it:
// preprocess (resize or letterbox, normalise), network (the fp32 Runner, or
// the int8 runner for an int8 model), postprocess (decode + NMS), each timed
// apart over `runs` images after `warmup` untimed ones, on one fixed busy
// synthetic picture.
#include <opencv2/core.hpp>

#include <cstddef>
#include <string>
#include <vector>

#include "jobs/progress.h"
#include "models/detector.h"

namespace whittle {

class RaplMeter;

struct TimingStats {
  double median = 0, min = 0, max = 0;  // ms
};
// Median (the mean of the middle two for an even count), min and max;
// zeros for an empty list.
TimingStats timing_stats(std::vector<double> values);

struct DetectTiming {
  std::string precision;  // "fp32", "int8"
  TimingStats total, pre, net, post;
  size_t detections = 0;   // of the last run (score > 0.01, evaluation's NMS)
  double measured_j = -1;  // RAPL joules per image over the timed runs; < 0: not measured
};

struct BenchmarkOptions {
  int runs = 50;
  int warmup = 5;
  // Measures package energy over the timed runs when set and available.
  const RaplMeter* rapl = nullptr;
};

// A fixed, busy picture of `size`: noise under a few filled shapes, so
// decode and NMS see the candidates a real image gives.
cv::Mat benchmark_image(cv::Size size);

// Times `detector` on `image`. Reports progress per run ("<label> run i/n")
// and polls cancellation (throws Cancelled). Throws Error for runs < 1,
// warmup < 0, or a detector ImageDetector refuses.
DetectTiming time_detect_path(const Detector& detector, const cv::Mat& image, const BenchmarkOptions& options,
                              Progress& progress, const std::string& label = "");

// The variants a benchmark times: the model as loaded, and for an int8 model
// its fp32 counterpart first (the same folded graph with the dequantized
// weights); with `add_int8`, an fp32 model's int8 version calibrated on
// `image` itself (a speed figure only: one image says nothing about accuracy).
std::vector<Detector> benchmark_variants(const Detector& loaded, const cv::Mat& image, bool add_int8);

// benchmark_variants, each timed (progress split evenly between them).
std::vector<DetectTiming> benchmark_detector(const Detector& loaded, const cv::Mat& image, bool add_int8,
                                             const BenchmarkOptions& options, Progress& progress);

}  // namespace whittle
