#include "cli/bench_command.h"

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <opencv2/imgproc.hpp>

#include "cli/detect_command.h"
#include "cli/detector_source.h"
#include "cli/format.h"
#include "graph/cost_model.h"
#include "graph/energy_model.h"
#include "graph/error.h"
#include "runtime/rapl.h"
#include "runtime/threading.h"

namespace whittle::cli {
namespace {

using Clock = std::chrono::steady_clock;

struct BenchOptions {
  DetectorSource source;
  int runs = 50;
  int warmup = 5;
  int threads = 0;  // 0: the global --threads
  std::string image = "640x480";
  bool json = false;
  bool energy = false;
};

struct Stats {
  double median = 0, min = 0, max = 0;
};

Stats stats(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return {n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2, v.front(), v.back()};
}

// Peak resident memory in bytes and where it came from: VmHWM of
// /proc/self/status (this image only), else getrusage's ru_maxrss.
std::pair<int64_t, std::string> peak_memory() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmHWM:", 0) == 0) return {std::stoll(line.substr(6)) * 1024, "VmHWM"};
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return {static_cast<int64_t>(usage.ru_maxrss) * 1024, "ru_maxrss"};
}

cv::Size parse_image_size(const std::string& text) {
  int w = 0, h = 0;
  char x = 0, extra = 0;
  if (std::sscanf(text.c_str(), "%d%c%d%c", &w, &x, &h, &extra) != 3 || x != 'x' || w < 1 || h < 1)
    throw Error("bench: --image '" + text + "' is not a size like 640x480");
  return {w, h};
}

// A fixed, busy picture: noise under a few filled shapes, so decode and NMS
// see the candidates a real image gives.
cv::Mat synthetic_image(cv::Size size) {
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

nlohmann::ordered_json to_json(const Stats& s) {
  return {{"median_ms", s.median}, {"min_ms", s.min}, {"max_ms", s.max}};
}

void run_bench(const BenchOptions& o) {
  if (!o.source.given()) throw Error("bench: give --model FILE.onnx or --zoo NAME");
  if (o.runs < 1) throw Error("bench: --runs must be >= 1");
  if (o.warmup < 0) throw Error("bench: --warmup must be >= 0");
  if (o.threads > 0) set_threads(o.threads);
  const cv::Size size = parse_image_size(o.image);
  const Detector detector = o.source.load();
  ImageDetector run(detector, NmsOptions{});  // evaluation's NMS settings (score > 0.01)
  const cv::Mat image = synthetic_image(size);

  std::vector<double> pre, net, post, total;
  size_t detections = 0;
  const RaplMeter rapl;
  RaplMeter::Reading rapl_start;
  for (int i = 0; i < o.warmup + o.runs; ++i) {
    if (o.energy && rapl.available() && i == o.warmup) rapl_start = rapl.read();
    const Clock::time_point t0 = Clock::now();
    ImageGeometry geometry;
    const at::Tensor input = run.preprocess(image, geometry);
    const Clock::time_point t1 = Clock::now();
    const TensorMap raw = run.forward(input);
    const Clock::time_point t2 = Clock::now();
    detections = run.decode(raw, geometry).size();
    const Clock::time_point t3 = Clock::now();
    if (i < o.warmup) continue;
    auto ms = [](Clock::time_point a, Clock::time_point b) {
      return std::chrono::duration<double, std::milli>(b - a).count();
    };
    pre.push_back(ms(t0, t1));
    net.push_back(ms(t1, t2));
    post.push_back(ms(t2, t3));
    total.push_back(ms(t0, t3));
  }
  // Measured package energy per image over the timed runs (whole detect path,
  // and whatever else the machine did meanwhile).
  const double measured_j =
      o.energy && rapl.available() ? rapl.joules_between(rapl_start, rapl.read()) / o.runs : -1.0;
  const Stats s_total = stats(total), s_pre = stats(pre), s_net = stats(net), s_post = stats(post);
  const GraphCost cost = compute_cost(detector.graph);
  const EnergyEstimate e_fp32 = estimate_energy(detector.graph, cost, NumericPrecision::Fp32);
  const EnergyEstimate e_int8 = estimate_energy(detector.graph, cost, NumericPrecision::Int8);
  const auto [peak, peak_source] = peak_memory();
  const int threads = current_threads();

  if (o.json) {
    nlohmann::ordered_json j;
    j["model"] = o.source.describe();
    j["input_size"] = detector.preprocess.input_size;
    j["image"] = {{"width", size.width}, {"height", size.height}};
    j["threads"] = threads;
    j["runs"] = o.runs;
    j["warmup"] = o.warmup;
    j["median_ms"] = s_total.median;
    j["min_ms"] = s_total.min;
    j["max_ms"] = s_total.max;
    j["images_per_second"] = 1000.0 / std::max(s_total.median, 1e-9);
    j["stages"] = {{"preprocess", to_json(s_pre)}, {"network", to_json(s_net)}, {"postprocess", to_json(s_post)}};
    j["detections"] = detections;
    j["peak_memory_bytes"] = peak;
    j["peak_memory_source"] = peak_source;
    if (o.energy) {
      auto parts = [](const EnergyEstimate& e) {
        return nlohmann::ordered_json{{"total_mj", e.total_mj},
                                      {"compute_mj", e.compute_mj},
                                      {"weights_mj", e.weights_mj},
                                      {"activations_mj", e.activations_mj}};
      };
      j["energy"] = {{"estimate_fp32", parts(e_fp32)},
                     {"estimate_int8", parts(e_int8)},
                     {"assumptions", energy_assumptions()},
                     {"measured_j_per_image", measured_j >= 0 ? nlohmann::ordered_json(measured_j)
                                                               : nlohmann::ordered_json(nullptr)},
                     {"measured_source", rapl.available() ? "RAPL " + join(rapl.domain_names(), ",")
                                                          : rapl.why_unavailable()}};
    }
    std::cout << j.dump(2) << '\n';
    return;
  }
  auto f2 = [](double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", v);
    return std::string(buf);
  };
  std::cout << "model   " << o.source.describe() << ", input " << detector.preprocess.input_size
            << ", " << detector.classes.size() << " classes\n"
            << "image   " << size.width << "x" << size.height << " synthetic, " << o.runs
            << " runs after " << o.warmup << " warm-up, " << threads << " threads\n\n";
  Table table({"stage", "median ms", "min ms", "max ms"}, {false, true, true, true});
  table.add({"preprocess (resize + normalise)", f2(s_pre.median), f2(s_pre.min), f2(s_pre.max)});
  table.add({"network", f2(s_net.median), f2(s_net.min), f2(s_net.max)});
  table.add({"postprocess (decode + NMS)", f2(s_post.median), f2(s_post.min), f2(s_post.max)});
  table.add({"total", f2(s_total.median), f2(s_total.min), f2(s_total.max)});
  std::cout << table.render() << '\n';
  std::cout << f2(1000.0 / std::max(s_total.median, 1e-9)) << " images/s (median), " << detections
            << " detections above 0.01 per image\n"
            << "peak memory " << megabytes(peak) << " (" << peak_source << ")\n";
  if (!o.energy) return;
  std::cout << "\nenergy per image (network only, estimated): fp32 " << fixed(e_fp32.total_mj, 3)
            << " mJ (compute " << fixed(e_fp32.compute_mj, 3) << ", weights " << fixed(e_fp32.weights_mj, 3)
            << ", activations " << fixed(e_fp32.activations_mj, 3) << "); if int8: "
            << fixed(e_int8.total_mj, 3) << " mJ\n"
            << "  " << energy_assumptions() << '\n';
  if (measured_j >= 0)
    std::cout << "energy per image (measured, RAPL " << join(rapl.domain_names(), ",")
              << ", whole package): " << fixed(measured_j * 1000.0, 1) << " mJ\n";
  else
    std::cout << "energy per image (measured): not available: " << rapl.why_unavailable() << '\n';
}

}  // namespace

void add_bench_command(CLI::App& app) {
  auto o = std::make_shared<BenchOptions>();
  CLI::App* cmd = app.add_subcommand("bench", "ms per image of a detector's whole detect path");
  o->source.add_model_option(*cmd);
  o->source.add_zoo_options(*cmd);
  cmd->add_option("--runs", o->runs, "timed runs")->capture_default_str();
  cmd->add_option("--warmup", o->warmup, "untimed runs first")->capture_default_str();
  cmd->add_option("--threads", o->threads, "LibTorch threads (default: the global --threads)");
  cmd->add_option("--image", o->image, "synthetic image size WxH")->capture_default_str();
  cmd->add_flag("--energy", o->energy,
                "energy per image: estimated from MACs and memory traffic, and measured with RAPL where the "
                "machine exposes it");
  cmd->add_flag("--json", o->json, "machine-readable output");
  cmd->callback([o] { run_bench(*o); });
}

}  // namespace whittle::cli
