#include "cli/bench_command.h"

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/detect_command.h"
#include "cli/detector_source.h"
#include "cli/format.h"
#include "graph/cost_model.h"
#include "graph/energy_model.h"
#include "graph/error.h"
#include "jobs/progress.h"
#include "runtime/rapl.h"
#include "runtime/threading.h"
#include "workflow/benchmark_detector.h"

namespace whittle::cli {
namespace {

struct BenchOptions {
  DetectorSource source;
  int runs = 50;
  int warmup = 5;
  int threads = 0;  // 0: the global --threads
  std::string image = "640x480";
  bool json = false;
  bool energy = false;
  bool int8 = false;
};

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

nlohmann::ordered_json to_json(const TimingStats& s) {
  return {{"median_ms", s.median}, {"min_ms", s.min}, {"max_ms", s.max}};
}

nlohmann::ordered_json timing_json(const DetectTiming& t) {
  nlohmann::ordered_json j;
  j["median_ms"] = t.total.median;
  j["min_ms"] = t.total.min;
  j["max_ms"] = t.total.max;
  j["images_per_second"] = 1000.0 / std::max(t.total.median, 1e-9);
  j["stages"] = {{"preprocess", to_json(t.pre)}, {"network", to_json(t.net)}, {"postprocess", to_json(t.post)}};
  j["detections"] = t.detections;
  return j;
}

nlohmann::ordered_json energy_json(const EnergyEstimate& e) {
  return {{"total_mj", e.total_mj},
          {"compute_mj", e.compute_mj},
          {"weights_mj", e.weights_mj},
          {"activations_mj", e.activations_mj}};
}

void run_bench(const BenchOptions& o) {
  if (!o.source.given()) throw Error("bench: give --model FILE.onnx or --zoo NAME");
  if (o.runs < 1) throw Error("bench: --runs must be >= 1");
  if (o.warmup < 0) throw Error("bench: --warmup must be >= 0");
  if (o.threads > 0) set_threads(o.threads);
  const cv::Size size = parse_image_size(o.image);
  const Detector detector = o.source.load();
  const cv::Mat image = benchmark_image(size);
  const RaplMeter rapl;
  BenchmarkOptions bo;
  bo.runs = o.runs;
  bo.warmup = o.warmup;
  if (o.energy) bo.rapl = &rapl;
  NullProgress quiet;
  const std::vector<DetectTiming> timings = benchmark_detector(detector, image, o.int8, bo, quiet);
  // The model as given comes first in the report's top-level figures.
  const DetectTiming& main = detector.int8 ? timings.back() : timings.front();

  const GraphCost cost = compute_cost(detector.graph);
  const EnergyEstimate e_fp32 = estimate_energy(detector.graph, cost, NumericPrecision::Fp32);
  const EnergyEstimate e_int8 = estimate_energy(detector.graph, cost, NumericPrecision::Int8);
  const auto [peak, peak_source] = peak_memory();
  const int threads = current_threads();

  if (o.json) {
    nlohmann::ordered_json j;
    j["model"] = o.source.describe();
    j["precision"] = main.precision;
    j["input_size"] = detector.preprocess.input_size;
    j["image"] = {{"width", size.width}, {"height", size.height}};
    j["threads"] = threads;
    j["runs"] = o.runs;
    j["warmup"] = o.warmup;
    j.update(timing_json(main));
    j["peak_memory_bytes"] = peak;
    j["peak_memory_source"] = peak_source;
    if (timings.size() > 1) {
      nlohmann::ordered_json by = nlohmann::ordered_json::object();
      for (const DetectTiming& t : timings) by[t.precision] = timing_json(t);
      j["precisions"] = by;
      j["int8_speedup"] = timings[0].total.median / std::max(timings[1].total.median, 1e-9);
    }
    if (o.energy) {
      nlohmann::ordered_json measured = nlohmann::ordered_json::object();
      for (const DetectTiming& t : timings)
        measured[t.precision] = t.measured_j >= 0 ? nlohmann::ordered_json(t.measured_j) : nlohmann::ordered_json(nullptr);
      j["energy"] = {{"estimate_fp32", energy_json(e_fp32)},
                     {"estimate_int8", energy_json(e_int8)},
                     {"assumptions", energy_assumptions()},
                     {"measured_j_per_image", measured},
                     {"measured_source", rapl.available() ? "RAPL " + join(rapl.domain_names(), ",")
                                                          : rapl.why_unavailable()}};
    }
    std::cout << j.dump(2) << '\n';
    return;
  }
  std::cout << "model   " << o.source.describe() << " (" << main.precision << "), input "
            << detector.preprocess.input_size << ", " << detector.classes.size() << " classes\n"
            << "image   " << size.width << "x" << size.height << " synthetic, " << o.runs
            << " runs after " << o.warmup << " warm-up, " << threads << " threads\n\n";
  std::vector<std::string> header = {"stage"};
  for (const DetectTiming& t : timings)
    for (const char* c : {" median ms", " min ms", " max ms"}) header.push_back(t.precision + c);
  std::vector<bool> right(header.size(), true);
  right[0] = false;
  Table table(header, right);
  auto row = [&](const std::string& name, TimingStats DetectTiming::*stage) {
    std::vector<std::string> cells = {name};
    for (const DetectTiming& t : timings)
      for (double v : {(t.*stage).median, (t.*stage).min, (t.*stage).max}) cells.push_back(fixed(v, 2));
    table.add(cells);
  };
  row("preprocess (resize + normalise)", &DetectTiming::pre);
  row("network", &DetectTiming::net);
  row("postprocess (decode + NMS)", &DetectTiming::post);
  row("total", &DetectTiming::total);
  std::cout << table.render() << '\n';
  for (const DetectTiming& t : timings)
    std::cout << t.precision << ": " << fixed(1000.0 / std::max(t.total.median, 1e-9), 2)
              << " images/s (median), " << t.detections << " detections above 0.01 per image\n";
  if (timings.size() > 1)
    std::cout << "int8 speed-up (network): "
              << fixed(timings[0].net.median / std::max(timings[1].net.median, 1e-9), 2) << "x"
              << (detector.int8 ? "" : " (int8 calibrated on the bench image: a speed figure only)") << '\n';
  std::cout << "peak memory " << megabytes(peak) << " (" << peak_source << ")\n";
  if (!o.energy) return;
  std::cout << "\nenergy per image (network only, estimated): fp32 " << fixed(e_fp32.total_mj, 3)
            << " mJ (compute " << fixed(e_fp32.compute_mj, 3) << ", weights " << fixed(e_fp32.weights_mj, 3)
            << ", activations " << fixed(e_fp32.activations_mj, 3) << "); int8 " << fixed(e_int8.total_mj, 3)
            << " mJ (compute " << fixed(e_int8.compute_mj, 3) << ", weights " << fixed(e_int8.weights_mj, 3)
            << ", activations " << fixed(e_int8.activations_mj, 3) << ")\n"
            << "  " << energy_assumptions() << '\n';
  for (const DetectTiming& t : timings) {
    if (t.measured_j >= 0)
      std::cout << "energy per image (measured, " << t.precision << ", RAPL " << join(rapl.domain_names(), ",")
                << ", whole package): " << fixed(t.measured_j * 1000.0, 1) << " mJ\n";
  }
  if (!rapl.available()) std::cout << "energy per image (measured): not available: " << rapl.why_unavailable() << '\n';
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
  cmd->add_flag("--int8", o->int8,
                "also time an int8 version of an fp32 model (calibrated on the bench image: speed only; an "
                "int8 model is always timed next to its fp32 counterpart)");
  cmd->add_flag("--json", o->json, "machine-readable output");
  cmd->callback([o] { run_bench(*o); });
}

}  // namespace whittle::cli
