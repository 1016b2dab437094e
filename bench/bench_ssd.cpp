// bench_ssd (issue 4): the SSD detectors of the zoo, batch-1 inference and
// training throughput.
//
// Models (20 classes): SSD300-VGG16 (300), MobileNetV1-SSD width 1 (300),
// MobileNetV2-SSDLite width 1 (320), and the small laptop variant
// MobileNetV2-SSDLite width 0.5 at 192 with a stride-8 first map and prior
// scales 0.05 .. 0.6.
//
// Inference, per model and thread count, batch 1, ms per image:
//   - Whittle's Runner (default options: BN folded, channels-last), raw head
//     outputs;
//   - the same plus Head::decode (softmax, box decoding, NMS); the decode
//     part is also reported alone;
//   - OpenCV DNN on Whittle's ONNX export (to_onnx_bytes), raw outputs.
// Implementations are interleaved round-robin per iteration (the starting one
// rotates) so drift hits all of them alike; threads are set in LibTorch,
// OpenCV and OpenBLAS alike.
// Training, per model at --train-threads: images/s at --train-batch of one
// step = normalisation + forward (Runner, training mode) + MultiBox loss
// (Head::loss) + backward + SGD step, on random images with 1-6 random boxes.
//
// PyTorch eager is measured by bench/pytorch_ssd_reference.py (same models,
// same rows); give its --tsv output to --reference and the report adds its
// rows and the issue's goals (inference <= 1.05x PyTorch and faster than
// OpenCV DNN; training >= PyTorch).
//
//   bench_ssd [--models ssd300_vgg16,ssd_mobilenet_v1,ssdlite_mobilenet_v2,ssdlite_mobilenet_v2_small]
//             [--threads 1,2] [--runs N] [--warmup N] [--train-threads 2]
//             [--train-batch 16] [--train-steps N] [--no-train] [--no-infer]
//             [--reference pytorch.tsv] [--quick] [--params]
// --runs / --train-steps default per model (fewer for VGG16); --quick: warm-up
// 1, 2 runs, 1 training step. --params prints each model's parameter count
// and exits. The Markdown report goes to stdout, progress to stderr.
#include <ATen/ATen.h>

#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <numeric>
#include <sstream>
#include <tuple>
#include <string>
#include <vector>

#include "bench_util.h"
#include "eval/evaluate_detector.h"
#include "io/onnx_export.h"
#include "models/ssd/ssd_head.h"
#include "models/ssd/ssd_zoo.h"
#include "runtime/process_setup.h"
#include "runtime/runner.h"
#include "runtime/threading.h"
#include "train/optimizer.h"
#include "train/trainer.h"

using namespace whittle;
using namespace whittle::bench;

namespace {

// ------------------------------------------------------------- models ----
struct ModelSpec : SsdSpec {
  int train_steps = 5;  // default timed training steps
};

const std::vector<ModelSpec>& all_models() {
  static const std::vector<ModelSpec> m = {
      {{"ssd300_vgg16", "SSD300-VGG16 (300)", "ssd300_vgg16", 1.0, 300, 0, 0, 0, 10}, 3},
      {{"ssd_mobilenet_v1", "MobileNetV1-SSD w1 (300)", "ssd_mobilenet_v1", 1.0, 300, 0, 0, 0, 30}, 5},
      {{"ssdlite_mobilenet_v2", "MobileNetV2-SSDLite w1 (320)", "ssdlite_mobilenet_v2", 1.0, 320, 0, 0, 0, 30}, 5},
      {{"ssdlite_mobilenet_v2_small", "MobileNetV2-SSDLite w0.5 (192, stride 8, scales 0.05-0.6)",
        "ssdlite_mobilenet_v2", 0.5, 192, 8, 0.05, 0.6, 50},
       10},
  };
  return m;
}

int64_t parameter_count(const Graph& g) {
  int64_t n = 0;
  for (const auto& p : named_parameters(g)) n += p.tensor.numel();
  return n;
}

int64_t prior_count(const Detector& d) {
  return static_cast<const SsdHead&>(*d.head).priors().size(0);
}

// --------------------------------------------------------------- args ----
struct Args {
  std::vector<std::string> models;  // empty: all
  std::vector<int> threads = {1, 2};
  int runs = 0;         // 0: per model
  int warmup = 3;
  int train_threads = 2;
  int train_batch = 16;
  int train_steps = -1;  // -1: per model; 0: no training
  bool infer = true;
  bool quick = false;
  bool params_only = false;
  std::string reference;
};

Args parse(int argc, char** argv) {
  const std::string synopsis =
      "[--models a,b,...] [--threads 1,2] [--runs N] [--warmup N]\n"
      "       [--train-threads N] [--train-batch N] [--train-steps N] [--no-train] [--no-infer]\n"
      "       [--reference pytorch.tsv] [--quick] [--params]\n"
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
    } else if (s == "--train-threads") {
      a.train_threads = in.int_value(1);
    } else if (s == "--train-batch") {
      a.train_batch = in.int_value(1);
    } else if (s == "--train-steps") {
      a.train_steps = in.int_value(0);
    } else if (s == "--no-train") {
      a.train_steps = 0;
    } else if (s == "--no-infer") {
      a.infer = false;
    } else if (s == "--reference") {
      a.reference = in.value();
    } else if (s == "--quick") {
      a.quick = true;
    } else if (s == "--params") {
      a.params_only = true;
    } else {
      in.reject();
    }
  }
  if (a.quick) {
    a.warmup = std::min(a.warmup, 1);
    if (a.runs == 0) a.runs = 2;
    if (a.train_steps < 0) a.train_steps = 1;
  }
  return a;
}

// -------------------------------------------------------------- stats ----
double ms_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

struct InferRow {
  std::string model_key, model;
  int threads;
  std::string impl;
  int runs;
  double med, min, max;
  bool reference = false;  // from the PyTorch TSV
};

struct TrainRow {
  std::string model_key, model;
  int threads, batch, steps;
  double images_per_s, step_med_ms;
  double fwd_ms, loss_ms, bwd_ms, opt_ms;  // per step, mean
  double final_loss;
};

// PyTorch reference (bench/pytorch_ssd_reference.py --tsv):
//   infer <model> <threads> <impl-key> <runs> <median> <min> <max>
//   train <model> <threads> <batch> <steps> <images/s> <median step ms>
struct Reference {
  struct Infer { int runs; double med, min, max; };
  std::map<std::tuple<std::string, int, std::string>, Infer> infer;  // (model, threads, impl key)
  std::map<std::pair<std::string, int>, std::pair<double, int>> train;  // -> (images/s, batch)
  std::string source;
};

Reference read_reference(const std::string& path) {
  Reference r;
  std::ifstream in(path);
  if (!in) {
    std::cerr << "cannot read the reference file " << path << "\n";
    std::exit(2);
  }
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    std::istringstream f(line);
    std::string kind;
    f >> kind;
    if (kind == "#") {
      std::string rest;
      std::getline(f, rest);
      if (r.source.empty()) r.source = rest.substr(rest.find_first_not_of(' '));
    } else if (kind == "infer") {
      std::string model, impl;
      int threads;
      Reference::Infer v;
      if (f >> model >> threads >> impl >> v.runs >> v.med >> v.min >> v.max)
        r.infer[{model, threads, impl}] = v;
    } else if (kind == "train") {
      std::string model;
      int threads, batch, steps;
      double ips, step_ms;
      if (f >> model >> threads >> batch >> steps >> ips >> step_ms)
        r.train[{model, threads}] = {ips, batch};
    }
  }
  return r;
}

// Random training data: images in [0, 1], 1-6 boxes per image.
struct TrainBatch {
  at::Tensor images;
  std::vector<Target> targets;
};

TrainBatch random_batch(int64_t batch, int64_t size) {
  TrainBatch b;
  b.images = at::rand({batch, 3, size, size});
  b.targets.resize(batch);
  for (auto& t : b.targets) {
    int64_t n = at::randint(1, 7, {1}, at::kLong).item<int64_t>();
    at::Tensor xy = at::rand({n, 2}) * 0.6;
    at::Tensor wh = at::rand({n, 2}) * 0.35 + 0.04;
    t.boxes = at::cat({xy, xy + wh}, 1).clamp(0, 1);
    t.labels = at::randint(0, 20, {n}, at::kLong);
  }
  return b;
}

}  // namespace

int main(int argc, char** argv) {
  whittle::configure_process(argv);  // OMP_WAIT_POLICY=PASSIVE unless set; mallopt

  Args args = parse(argc, argv);
  const std::vector<ModelSpec> models = selected(all_models(), args.models);

  if (args.params_only) {
    for (const auto& m : models) {
      Detector d = build_ssd(m);
      std::printf("%s %lld params, %lld priors\n", m.key.c_str(),
                  static_cast<long long>(parameter_count(d.graph)),
                  static_cast<long long>(prior_count(d)));
    }
    return 0;
  }

  Reference ref;
  if (!args.reference.empty()) ref = read_reference(args.reference);
  const std::string started = now_string();
  std::vector<InferRow> infer_rows;
  std::vector<TrainRow> train_rows;
  std::vector<std::string> model_lines, checks;
  bool ok = true;
  const NmsOptions nms;  // score > 0.01, IoU 0.45, top 200 per class, 200 per image

  for (const ModelSpec& spec : models) {
    Detector d = build_ssd(spec);
    {
      char buf[256];
      std::snprintf(buf, sizeof buf, "- %s: %lld parameters, %lld priors, %zu feature maps",
                    spec.label.c_str(), static_cast<long long>(parameter_count(d.graph)),
                    static_cast<long long>(prior_count(d)), d.head->output_names().size() / 2);
      model_lines.push_back(buf);
    }

    // ------------------------------------------------------ inference ----
    if (args.infer) {
      const int runs = args.runs > 0 ? args.runs : spec.runs;
      std::cerr << "[" << spec.key << "] building the runner and the OpenCV net\n";
      randomize_batch_norm(d.graph);
      Runner runner(d.graph);  // default inference options
      const std::string in = d.graph.inputs[0].name;
      const std::vector<std::string> outs = d.head->output_names();

      std::string onnx = to_onnx_bytes(d.graph);
      cv::dnn::Net cvnet = cv::dnn::readNetFromONNX(onnx.data(), onnx.size());
      cvnet.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
      cvnet.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
      std::vector<cv::String> cv_names(outs.begin(), outs.end());

      at::manual_seed(1);
      at::Tensor x = at::randn({1, 3, spec.size, spec.size}).contiguous();
      int sizes[] = {1, 3, static_cast<int>(spec.size), static_cast<int>(spec.size)};
      cv::Mat blob(4, sizes, CV_32F, x.data_ptr<float>());

      auto run_whittle = [&] { return runner.run({{in, x}}); };
      auto run_opencv = [&] {
        cvnet.setInput(blob);
        std::vector<cv::Mat> mats;
        cvnet.forward(mats, cv_names);
        return mats;
      };

      // Same function? Checked at the first thread count.
      set_all_threads(args.threads.front());
      {
        TensorMap w = run_whittle();
        std::vector<cv::Mat> c = run_opencv();
        double scale = 0, diff = 0;
        bool shapes = c.size() == outs.size();
        for (size_t k = 0; shapes && k < outs.size(); ++k) {
          const at::Tensor& a = w.at(outs[k]);
          std::vector<int64_t> shape(c[k].size.p, c[k].size.p + c[k].dims);
          if (!a.sizes().equals(shape)) {
            shapes = false;
            break;
          }
          at::Tensor b = at::from_blob(c[k].ptr<float>(), shape);
          scale = std::max(scale, a.abs().max().item<double>());
          diff = std::max(diff, (a - b).abs().max().item<double>());
        }
        bool good = shapes && diff <= 1e-3 * std::max(scale, 1e-6);
        ok = ok && good;
        size_t kept = d.head->decode(w, nms).at(0).size();
        char buf[320];
        std::snprintf(buf, sizeof buf,
                      "- %s: %zu head outputs, max |output| %.3g; OpenCV DNN vs Whittle max abs "
                      "diff %s%.2e (%.1e rel)%s; decode keeps %zu boxes",
                      spec.label.c_str(), outs.size(), scale, shapes ? "" : "(SHAPES DIFFER) ",
                      diff, diff / std::max(scale, 1e-12), good ? "" : " FAIL", kept);
        checks.push_back(buf);
        if (!good) {
          std::cerr << buf << "\noutputs disagree: not timing " << spec.key << "\n";
          continue;
        }
      }

      // Implementations, interleaved round-robin. The decode part of
      // "Runner + decode" is recorded into decode_ms.
      struct Impl {
        std::string key, name;
        std::function<void()> run;
        std::vector<double> ms;
      };
      std::vector<double> decode_ms;
      std::vector<Impl> impls;
      impls.push_back({"whittle", "Whittle Runner (raw outputs)", [&] { run_whittle(); }, {}});
      impls.push_back({"whittle+decode", "Whittle Runner + decode/NMS", [&] {
                         TensorMap raw = run_whittle();
                         auto t0 = Clock::now();
                         auto dets = d.head->decode(raw, nms);
                         decode_ms.push_back(ms_since(t0));
                       }, {}});
      impls.push_back({"opencv", "OpenCV DNN (raw outputs)", [&] { run_opencv(); }, {}});

      for (int t : args.threads) {
        set_all_threads(t);
        std::cerr << "[" << spec.key << "] " << t << " thread(s): warm-up " << args.warmup
                  << ", timed " << runs << " x " << impls.size() << " implementations\n";
        for (auto& im : impls) im.ms.clear();
        warm_up(impls, args.warmup);
        decode_ms.clear();
        time_round_robin(impls, runs);
        auto add = [&](const std::string& name, const std::vector<double>& ms) {
          const TimeStats st = time_stats(ms);
          infer_rows.push_back({spec.key, spec.label, t, name, static_cast<int>(ms.size()), st.median, st.min, st.max});
        };
        add(impls[0].name, impls[0].ms);
        add(impls[1].name, impls[1].ms);
        add("decode/NMS alone (within the row above)", decode_ms);
        add(impls[2].name, impls[2].ms);
        for (const char* key : {"raw", "decode", "decode-only"}) {
          auto it = ref.infer.find({spec.key, t, key});
          if (it == ref.infer.end()) continue;
          const auto& v = it->second;
          std::string name = std::string(key) == "raw"      ? "PyTorch eager (raw outputs)"
                             : std::string(key) == "decode" ? "PyTorch eager + postprocess_detections"
                                                            : "postprocess_detections alone";
          infer_rows.push_back({spec.key, spec.label, t, name, v.runs, v.med, v.min, v.max, true});
        }
      }
    }

    // ------------------------------------------------------- training ----
    const int steps = args.train_steps >= 0 ? args.train_steps : spec.train_steps;
    if (steps > 0) {
      const int warm = args.quick ? 1 : 2;
      std::cerr << "[" << spec.key << "] training: batch " << args.train_batch << ", "
                << args.train_threads << " thread(s), warm-up " << warm << ", timed " << steps
                << " steps\n";
      set_all_threads(args.train_threads);
      Detector td = build_ssd(spec);  // fresh weights (the inference graph's BN was randomised)
      std::vector<NamedParameter> params = named_parameters(td.graph);
      Runner runner(td.graph, RunnerOptions{RunMode::Training});
      Optimizer opt(params, OptimizerOptions{});  // SGD, momentum 0.9
      const std::string in = td.graph.inputs[0].name;
      const std::vector<std::string> outs = td.head->output_names();
      at::manual_seed(3);
      std::vector<TrainBatch> batches;
      for (int s = 0; s < warm + steps; ++s) batches.push_back(random_batch(args.train_batch, spec.size));

      std::vector<double> step_ms;
      double fwd = 0, loss_ms = 0, bwd = 0, opt_ms = 0, last_loss = 0;
      for (int s = 0; s < warm + steps; ++s) {
        const TrainBatch& b = batches[s];
        auto t0 = Clock::now();
        TensorMap raw = runner.run({{in, normalize_images(b.images, td.preprocess)}});
        TensorMap head_in;
        for (const auto& n : outs) head_in[n] = raw.at(n);
        auto t1 = Clock::now();
        HeadLoss loss = td.head->loss(head_in, b.targets);
        auto t2 = Clock::now();
        opt.zero_grad();
        loss.total.backward();
        auto t3 = Clock::now();
        opt.step(1e-3);
        auto t4 = Clock::now();
        last_loss = loss.total.item<double>();
        if (s < warm) continue;
        step_ms.push_back(ms_between(t0, t4));
        fwd += ms_between(t0, t1), loss_ms += ms_between(t1, t2);
        bwd += ms_between(t2, t3), opt_ms += ms_between(t3, t4);
      }
      const double total = std::accumulate(step_ms.begin(), step_ms.end(), 0.0);
      train_rows.push_back({spec.key, spec.label, args.train_threads, args.train_batch, steps,
                            1000.0 * args.train_batch * steps / total, median(step_ms),
                            fwd / steps, loss_ms / steps, bwd / steps, opt_ms / steps, last_loss});
    }
  }

  // ------------------------------------------------------------- report ----
  std::printf("## bench_ssd\n\n");
  print_machine_report(started);
  std::printf("- inference: batch 1, fp32, random N(0,1) input, warm-up %d per implementation, timed "
              "runs interleaved round-robin (start rotates); threads set in LibTorch, OpenCV and "
              "OpenBLAS alike. Decode: NmsOptions defaults (score > %.2f, IoU %.2f, top %d per "
              "class, %d per image) on random weights, so nearly every prior clears the score "
              "threshold: a worst case for NMS\n",
              args.warmup, nms.score_threshold, nms.iou_threshold, nms.top_k_per_class,
              nms.max_per_image);
  std::printf("- training: random images, 1-6 random boxes each; step = normalisation + forward + "
              "MultiBox loss + backward + SGD (momentum 0.9) step; %s warm-up step(s) untimed\n",
              args.quick ? "1" : "2");
  if (!ref.source.empty() || !args.reference.empty())
    std::printf("- PyTorch reference: %s (%s), run separately (not interleaved)\n",
                args.reference.c_str(), ref.source.empty() ? "no header" : ref.source.c_str());
  std::printf("\n");
  for (const auto& l : model_lines) std::printf("%s\n", l.c_str());
  for (const auto& c : checks) std::printf("%s\n", c.c_str());

  if (!infer_rows.empty()) {
    std::printf("\n### Inference, ms per image (batch 1)\n\n");
    std::printf("| model | threads | implementation | runs | median ms | min ms | max ms | median vs Whittle raw |\n");
    std::printf("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |\n");
    for (const auto& r : infer_rows) {
      double base = 0;
      for (const auto& o : infer_rows)
        if (o.model_key == r.model_key && o.threads == r.threads && o.impl == "Whittle Runner (raw outputs)")
          base = o.med;
      std::printf("| %s | %d | %s%s | %d | %.2f | %.2f | %.2f | %.3f× |\n", r.model.c_str(), r.threads,
                  r.impl.c_str(), r.reference ? " †" : "", r.runs, r.med, r.min, r.max,
                  base > 0 ? r.med / base : 0.0);
    }
    if (!ref.infer.empty()) std::printf("\n† from the PyTorch reference file, a separate run.\n");
  }
  if (!train_rows.empty()) {
    std::printf("\n### Training throughput\n\n");
    std::printf("| model | threads | batch | steps | images/s | median ms/step | forward | loss | backward | optimizer | last loss |\n");
    std::printf("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    for (const auto& r : train_rows)
      std::printf("| %s | %d | %d | %d | %.2f | %.0f | %.0f | %.0f | %.0f | %.0f | %.3f |\n",
                  r.model.c_str(), r.threads, r.batch, r.steps, r.images_per_s, r.step_med_ms,
                  r.fwd_ms, r.loss_ms, r.bwd_ms, r.opt_ms, r.final_loss);
  }

  // Goals of issue 4, when the reference is there.
  if (!ref.infer.empty() || !ref.train.empty()) {
    std::printf("\n### Goals (issue 4)\n\n");
    std::printf("| model | threads | Whittle raw median ms | PyTorch raw median ms | Whittle / PyTorch (goal ≤ 1.05) | OpenCV median ms | Whittle / OpenCV (goal < 1) |\n");
    std::printf("| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    for (const auto& r : infer_rows) {
      if (r.impl != "Whittle Runner (raw outputs)") continue;
      double cvm = 0;
      for (const auto& o : infer_rows)
        if (o.model_key == r.model_key && o.threads == r.threads && o.impl == "OpenCV DNN (raw outputs)")
          cvm = o.med;
      auto it = ref.infer.find({r.model_key, r.threads, "raw"});
      if (it == ref.infer.end()) {
        std::printf("| %s | %d | %.2f | — | — | %.2f | %.3f %s |\n", r.model.c_str(), r.threads,
                    r.med, cvm, r.med / cvm, r.med < cvm ? "✓" : "✗");
        continue;
      }
      double pt = it->second.med;
      std::printf("| %s | %d | %.2f | %.2f | %.3f %s | %.2f | %.3f %s |\n", r.model.c_str(),
                  r.threads, r.med, pt, r.med / pt, r.med <= 1.05 * pt ? "✓" : "✗", cvm,
                  r.med / cvm, r.med < cvm ? "✓" : "✗");
    }
    if (!train_rows.empty()) {
      std::printf("\n| model | threads | batch | Whittle images/s | PyTorch images/s | Whittle / PyTorch (goal ≥ 1) |\n");
      std::printf("| --- | ---: | ---: | ---: | ---: | ---: |\n");
      for (const auto& r : train_rows) {
        auto it = ref.train.find({r.model_key, r.threads});
        if (it == ref.train.end()) {
          std::printf("| %s | %d | %d | %.2f | — | — |\n", r.model.c_str(), r.threads, r.batch,
                      r.images_per_s);
          continue;
        }
        double pt = it->second.first;
        std::printf("| %s | %d | %d | %.2f | %.2f (batch %d) | %.3f %s |\n", r.model.c_str(),
                    r.threads, r.batch, r.images_per_s, pt, it->second.second, r.images_per_s / pt,
                    r.images_per_s >= pt ? "✓" : "✗");
      }
    }
  }
  if (!ok) {
    std::printf("\nOUTPUTS DISAGREE: see the check lines above; those models were not timed.\n");
    return 1;
  }
  return 0;
}
