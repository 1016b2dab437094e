#include "workflow/benchmark_detector.h"

#include <algorithm>
#include <chrono>
#include <memory>
#include <opencv2/imgproc.hpp>

#include "graph/error.h"
#include "quant/calibrate.h"
#include "runtime/rapl.h"
#include "workflow/image_detector.h"

namespace whittle {

using Clock = std::chrono::steady_clock;

TimingStats timing_stats(std::vector<double> v) {
  if (v.empty()) return {};
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return {n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2, v.front(), v.back()};
}

cv::Mat benchmark_image(cv::Size size) {
  cv::Mat image(size, CV_8UC3);
  cv::RNG rng(2345);
  rng.fill(image, cv::RNG::UNIFORM, 0, 256);
  cv::GaussianBlur(image, image, cv::Size(5, 5), 0);
  for (int i = 0; i < 12; ++i) {
    const cv::Point c(rng.uniform(0, size.width), rng.uniform(0, size.height));
    const int r = rng.uniform(std::max(size.width / 40, 2), std::max(size.width / 6, 3));
    cv::Scalar colour(rng.uniform(0, 256), rng.uniform(0, 256), rng.uniform(0, 256));
    if (i % 2) cv::circle(image, c, r, colour, cv::FILLED);
    else cv::rectangle(image, cv::Rect(c.x - r, c.y - r / 2, 2 * r, r), colour, cv::FILLED);
  }
  return image;
}

DetectTiming time_detect_path(const Detector& detector, const cv::Mat& image, const BenchmarkOptions& o,
                              Progress& progress, const std::string& label) {
  if (o.runs < 1) throw Error("benchmark: runs must be >= 1");
  if (o.warmup < 0) throw Error("benchmark: warm-up runs must be >= 0");
  DetectTiming t;
  t.precision = detector.int8 ? "int8" : "fp32";
  ImageDetector run(detector, NmsOptions{});  // evaluation's NMS settings (score > 0.01)
  const bool energy = o.rapl != nullptr && o.rapl->available();
  std::vector<double> pre, net, post, total;
  RaplMeter::Reading rapl_start;
  const int n = o.warmup + o.runs;
  const std::string prefix = label.empty() ? t.precision : label;
  for (int i = 0; i < n; ++i) {
    progress.check_cancelled();
    if (energy && i == o.warmup) rapl_start = o.rapl->read();
    const Clock::time_point t0 = Clock::now();
    ImageGeometry geometry;
    const at::Tensor input = run.preprocess(image, geometry);
    const Clock::time_point t1 = Clock::now();
    const TensorMap raw = run.forward(input);
    const Clock::time_point t2 = Clock::now();
    t.detections = run.decode(raw, geometry).size();
    const Clock::time_point t3 = Clock::now();
    progress.report(static_cast<double>(i + 1) / n, prefix + " run " + std::to_string(i + 1) + "/" + std::to_string(n));
    if (i < o.warmup) continue;
    auto ms = [](Clock::time_point a, Clock::time_point b) {
      return std::chrono::duration<double, std::milli>(b - a).count();
    };
    pre.push_back(ms(t0, t1));
    net.push_back(ms(t1, t2));
    post.push_back(ms(t2, t3));
    total.push_back(ms(t0, t3));
  }
  // Package energy per image over the timed runs (whole detect path, and
  // whatever else the machine did meanwhile).
  if (energy) t.measured_j = o.rapl->joules_between(rapl_start, o.rapl->read()) / o.runs;
  t.total = timing_stats(total);
  t.pre = timing_stats(pre);
  t.net = timing_stats(net);
  t.post = timing_stats(post);
  return t;
}

std::vector<Detector> benchmark_variants(const Detector& loaded, const cv::Mat& image, bool add_int8) {
  std::vector<Detector> variants;
  if (loaded.int8) {
    Detector fp32 = loaded;
    fp32.int8.reset();
    variants = {fp32, loaded};
  } else {
    variants = {loaded};
    if (add_int8) {
      QuantizedGraph q = prepare_for_int8(loaded.graph);
      ImageDetector pre(loaded, NmsOptions{});
      ImageGeometry geometry;
      NullProgress quiet;
      q.spec = calibrate(q.graph, calibration_batches({pre.preprocess(image, geometry)}), ObserverKind::MinMax,
                         CalibrateOptions{}, quiet);
      Detector int8 = loaded;
      int8.graph = q.graph;
      int8.int8 = std::make_shared<const QuantSpec>(q.spec);
      variants.push_back(int8);
    }
  }
  return variants;
}

std::vector<DetectTiming> benchmark_detector(const Detector& loaded, const cv::Mat& image, bool add_int8,
                                             const BenchmarkOptions& options, Progress& progress) {
  const std::vector<Detector> variants = benchmark_variants(loaded, image, add_int8);
  std::vector<DetectTiming> timings;
  const double n = static_cast<double>(variants.size());
  for (size_t k = 0; k < variants.size(); ++k) {
    SubProgress part(progress, k / n, (k + 1) / n);
    timings.push_back(time_detect_path(variants[k], image, options, part));
  }
  return timings;
}

}  // namespace whittle
