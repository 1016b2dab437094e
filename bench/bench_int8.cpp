// bench_int8: fp32 Runner vs Int8Runner (LibTorch's quantized engine), batch-1
// ms per image, for the zoo SSDs: MobileNetV1-SSD (300), MobileNetV2-SSDLite
// (320) and SSD300-VGG16, 20 classes, raw head outputs.
//
// Quantization: BN folded, activation parameters from min/max calibration
// (quant/calibrate) over --calib random N(0,1) images (a speed benchmark: the
// ranges need only be plausible), per-channel int8 weights.
// The two runners are interleaved round-robin per iteration (the starting one
// rotates) so drift hits both alike; threads are set in LibTorch, OpenCV and
// OpenBLAS alike. Each model's line reports the engine, how many nodes run
// int8 / fp32 (and which are fp32), and the int8 outputs' relative L2 error
// against fp32 on a held-out random image.
//
//   bench_int8 [--models ssd_mobilenet_v1,ssdlite_mobilenet_v2,ssd300_vgg16]
//              [--threads 1,2] [--runs N] [--warmup N] [--calib N]
//              [--engine auto|onednn|qnnpack|fbgemm|x86] [--quick]
// --runs defaults per model (fewer for VGG16); --quick: warm-up 1, 2 runs,
// 2 calibration images. The Markdown report goes to stdout, progress to stderr.
#include <ATen/ATen.h>

#include <cmath>
#include <cstdio>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

#include "bench_util.h"
#include "jobs/progress.h"
#include "quant/calibrate.h"
#include "quant/int8_runner.h"
#include "runtime/process_setup.h"
#include "runtime/runner.h"

using namespace whittle;
using namespace whittle::bench;

namespace {

const std::vector<SsdSpec>& all_models() {
  static const std::vector<SsdSpec> m = {
      {"ssd_mobilenet_v1", "MobileNetV1-SSD w1 (300)", "ssd_mobilenet_v1", 1.0, 300, 0, 0, 0, 30},
      {"ssdlite_mobilenet_v2", "MobileNetV2-SSDLite w1 (320)", "ssdlite_mobilenet_v2", 1.0, 320, 0, 0, 0, 30},
      {"ssd300_vgg16", "SSD300-VGG16 (300)", "ssd300_vgg16", 1.0, 300, 0, 0, 0, 10},
  };
  return m;
}

struct Args {
  std::vector<std::string> models;  // empty: all
  std::vector<int> threads = {1, 2};
  int runs = 0;  // 0: per model
  int warmup = 3;
  int calib = 4;
  QEngine engine = QEngine::Auto;
};

Args parse(int argc, char** argv) {
  const std::string synopsis =
      "[--models a,b,...] [--threads 1,2] [--runs N] [--warmup N] [--calib N]\n"
      "       [--engine auto|onednn|qnnpack|fbgemm|x86] [--quick]\n"
      "models:" + key_list(all_models());
  Args a;
  for (ArgReader in(argc, argv, synopsis); in.next();) {
    const std::string& s = in.flag();
    if (s == "--models") {
      a.models = in.keys(all_models());
    } else if (s == "--threads") {
      a.threads = in.thread_counts();
    } else if (s == "--runs") {
      a.runs = in.int_value(1);
    } else if (s == "--warmup") {
      a.warmup = in.int_value(0);
    } else if (s == "--calib") {
      a.calib = in.int_value(1);
    } else if (s == "--engine") {
      const std::string e = in.value();
      bool found = false;
      for (QEngine q : {QEngine::Auto, QEngine::OneDnn, QEngine::Qnnpack, QEngine::Fbgemm, QEngine::X86})
        if (qengine_name(q) == e) a.engine = q, found = true;
      if (!found) in.fail("unknown engine " + e);
    } else if (s == "--quick") {
      a.warmup = 1, a.runs = 2, a.calib = 2;
    } else {
      in.reject();
    }
  }
  return a;
}

struct Row {
  std::string label;
  int threads = 0;
  TimeStats fp32, int8;
  int runs = 0;
};

}  // namespace

int main(int argc, char** argv) {
  whittle::configure_process(argv);  // OMP_WAIT_POLICY=PASSIVE unless set; mallopt
  Args args = parse(argc, argv);
  const std::string started = now_string();
  std::vector<Row> rows;
  std::vector<std::string> model_lines;

  for (const SsdSpec& spec : selected(all_models(), args.models)) {
    const int runs = args.runs > 0 ? args.runs : spec.runs;
    Detector d = build_ssd(spec);
    randomize_batch_norm(d.graph);
    set_all_threads(args.threads.back());
    std::cerr << "[" << spec.key << "] calibrating on " << args.calib << " random images\n";
    at::manual_seed(11);
    std::vector<at::Tensor> images;
    for (int i = 0; i < args.calib; ++i) images.push_back(at::randn({1, 3, spec.size, spec.size}));
    QuantizedGraph model = prepare_for_int8(d.graph);
    NullProgress quiet;
    model.spec = calibrate(model.graph, calibration_batches(images), ObserverKind::MinMax, {}, quiet);

    Runner fp32(d.graph);  // default inference options: BN folded, channels-last
    Int8RunnerOptions options;
    options.engine = args.engine;
    Int8Runner int8(model, options);

    at::manual_seed(1);
    const at::Tensor x = at::randn({1, 3, spec.size, spec.size});
    const std::string in = d.graph.inputs[0].name;
    {
      // Accuracy on a held-out image, all head outputs together.
      TensorMap a = int8.run({{in, x}}), r = fp32.run({{in, x}});
      double num = 0, den = 0;
      for (const auto& out : d.graph.outputs) {
        num += (a.at(out) - r.at(out)).pow(2).sum().item<double>();
        den += r.at(out).pow(2).sum().item<double>();
      }
      std::string fp32_nodes;
      for (const auto& p : int8.node_precisions())
        if (p.precision == Precision::Fp32) fp32_nodes += (fp32_nodes.empty() ? "" : ", ") + p.node;
      char buf[512];
      std::snprintf(buf, sizeof buf,
                    "- %s: engine %s; %d nodes int8, %d fp32%s%s%s; int8 vs fp32 relative L2 error of "
                    "the head outputs %.3f",
                    spec.label.c_str(), std::string(qengine_name(int8.engine())).c_str(),
                    int8.plan().count(Precision::Int8), int8.plan().count(Precision::Fp32),
                    fp32_nodes.empty() ? "" : " (", fp32_nodes.c_str(), fp32_nodes.empty() ? "" : ")",
                    std::sqrt(num / std::max(den, 1e-30)));
      model_lines.push_back(buf);
    }

    struct Call {
      std::function<void()> run;
      std::vector<double> ms;
    };
    std::vector<Call> calls = {{[&] { fp32.run({{in, x}}); }, {}}, {[&] { int8.run({{in, x}}); }, {}}};
    for (int t : args.threads) {
      set_all_threads(t);
      std::cerr << "[" << spec.key << "] " << t << " thread(s): warm-up " << args.warmup << ", timed "
                << runs << " x 2\n";
      for (auto& c : calls) c.ms.clear();
      warm_up(calls, args.warmup);
      time_round_robin(calls, runs);
      rows.push_back({spec.label, t, time_stats(calls[0].ms), time_stats(calls[1].ms), runs});
    }
  }

  std::printf("## bench_int8\n\n");
  print_machine_report(started);
  std::printf("- batch 1, random N(0,1) input, raw head outputs; min/max calibration on %d random "
              "images; warm-up %d per runner, timed runs interleaved round-robin\n\n",
              args.calib, args.warmup);
  for (const auto& l : model_lines) std::printf("%s\n", l.c_str());
  std::printf("\n| model | threads | runs | fp32 median ms | int8 median ms | int8 min–max ms | int8 / fp32 speedup |\n");
  std::printf("| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
  for (const auto& r : rows)
    std::printf("| %s | %d | %d | %.2f | %.2f | %.2f–%.2f | %.2f× |\n", r.label.c_str(), r.threads, r.runs,
                r.fp32.median, r.int8.median, r.int8.min, r.int8.max, r.fp32.median / r.int8.median);
  return 0;
}
