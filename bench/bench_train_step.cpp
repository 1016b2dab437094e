// Training-step anatomy of a zoo detector: where a step's time goes
// (forward, loss, backward, optimizer) on random images with random boxes.
//
//   bench_train_step [--zoo ssdlite_mobilenet_v2] [--width 0.5] [--input 192]
//                    [--batch 16] [--threads 2] [--steps 10]
#include <ATen/ATen.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "eval/evaluate_detector.h"
#include "models/ssd/ssd_zoo.h"
#include "runtime/runner.h"
#include "runtime/threading.h"
#include "train/optimizer.h"
#include "train/trainer.h"

using namespace whittle;
using Clock = std::chrono::steady_clock;

static double ms_since(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

int main(int argc, char** argv) {
  std::string zoo = "ssdlite_mobilenet_v2";
  double width = 0.5;
  int input = 192, batch = 16, threads = 2, steps = 10;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--zoo") zoo = v;
    else if (k == "--width") width = std::atof(v.c_str());
    else if (k == "--input") input = std::atoi(v.c_str());
    else if (k == "--batch") batch = std::atoi(v.c_str());
    else if (k == "--threads") threads = std::atoi(v.c_str());
    else if (k == "--steps") steps = std::atoi(v.c_str());
    else { std::fprintf(stderr, "unknown option %s\n", k.c_str()); return 2; }
  }
  set_threads(threads);
  Detector d = build_detector_zoo(zoo, 20, width, input, 1);
  std::vector<NamedParameter> params = named_parameters(d.graph);
  Runner runner(d.graph, RunnerOptions{RunMode::Training});
  Optimizer opt(params, OptimizerOptions{});
  const std::string in = d.graph.inputs[0].name;
  const auto outs = d.head->output_names();
  at::manual_seed(1);
  double fwd = 0, loss_ms = 0, bwd = 0, step_ms = 0;
  for (int s = 0; s < steps + 2; ++s) {
    at::Tensor images = at::rand({batch, 3, input, input}) * 255;
    std::vector<Target> targets(batch);
    for (auto& t : targets) {
      at::Tensor xy = at::rand({4, 2}) * 0.6;
      at::Tensor wh = at::rand({4, 2}) * 0.35 + 0.04;
      t.boxes = at::cat({xy, xy + wh}, 1).clamp(0, 1);
      t.labels = at::randint(0, 20, {4}, at::kLong);
    }
    auto t0 = Clock::now();
    TensorMap raw = runner.run({{in, normalize_images(images, d.preprocess)}});
    TensorMap head_in;
    for (const auto& n : outs) head_in[n] = raw.at(n);
    const double f = ms_since(t0);
    t0 = Clock::now();
    HeadLoss loss = d.head->loss(head_in, targets);
    const double l = ms_since(t0);
    t0 = Clock::now();
    opt.zero_grad();
    loss.total.backward();
    const double b = ms_since(t0);
    t0 = Clock::now();
    opt.step(0.01);
    const double o = ms_since(t0);
    if (s >= 2) fwd += f, loss_ms += l, bwd += b, step_ms += o;
  }
  const double total = fwd + loss_ms + bwd + step_ms;
  std::printf("%s width %.2f input %d batch %d threads %d: %.1f ms/step (%.1f img/s)\n",
              zoo.c_str(), width, input, batch, threads, total / steps,
              1000.0 * batch * steps / total);
  std::printf("  forward %.1f  loss %.1f  backward %.1f  optimizer %.1f (ms/step)\n", fwd / steps,
              loss_ms / steps, bwd / steps, step_ms / steps);
  return 0;
}
