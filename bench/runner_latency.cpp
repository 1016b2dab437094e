// bench_runner_latency: batch-1 latency of the zoo's VGG16 and MobileNetV2 at
// 224x224 through
//   - the same network written with torch::nn modules (the reference),
//   - Whittle's Runner, default options (BN folded, channels-last) and with
//     each of those off,
//   - OpenCV DNN on Whittle's ONNX export,
// at 1 and 2 threads. Implementations are interleaved round-robin per
// iteration (the starting one rotates) so drift hits all of them alike.
// Prints a Markdown report on stdout; progress goes to stderr.
//
//   bench_runner_latency [--runs N] [--warmup N] [--quick]
//                        [--net vgg16|mobilenet_v2] [--threads 1,2]
//                        [--impls whittle,fold-nchw,cl,plain,opencv,opencv-clip]
// --impls keeps torch::nn (the reference) and the listed implementations;
// opencv-clip (OpenCV on the export with ReLU6 rewritten to attribute Clips)
// runs only when listed.
#include <ATen/ATen.h>

#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "bench_util.h"
#include "io/onnx_export.h"
#include "models/zoo.h"
#include "runtime/runner.h"
#include "runtime/process_setup.h"
#include "runtime/threading.h"
#include "opencv_onnx_compat.h"
#include "torch_nn_models.h"

using namespace whittle;
using namespace whittle::bench;

namespace {

struct Args {
  int runs = 0;    // 0: per-network default (VGG16 10, MobileNetV2 30)
  int warmup = 5;
  bool quick = false;
  std::vector<std::string> nets = {"vgg16", "mobilenet_v2"};
  std::vector<int> threads = {1, 2};
  // Empty: all but opencv-clip. Keys: torch (always run), whittle, fold-nchw, cl,
  // plain, opencv, opencv-clip (an experiment on the export; only on request).
  std::vector<std::string> impls;
};

Args parse(int argc, char** argv) {
  const std::string synopsis =
      "[--runs N] [--warmup N] [--quick] [--net vgg16|mobilenet_v2] [--threads 1,2]\n"
      "       [--impls whittle,fold-nchw,cl,plain,opencv,opencv-clip]   (torch::nn always runs)";
  Args a;
  for (ArgReader in(argc, argv, synopsis); in.next();) {
    const std::string& s = in.flag();
    if (s == "--runs") {
      a.runs = in.int_value(1);
    } else if (s == "--warmup") {
      a.warmup = in.int_value(0);
    } else if (s == "--quick") {
      a.quick = true;
    } else if (s == "--net") {
      a.nets = {in.value()};
      if (a.nets[0] != "vgg16" && a.nets[0] != "mobilenet_v2") in.fail("unknown net");
    } else if (s == "--threads") {
      a.threads = in.thread_counts();
    } else if (s == "--impls") {
      a.impls = split_list(in.value());
    } else {
      in.reject();
    }
  }
  if (a.quick) {
    a.warmup = std::min(a.warmup, 1);
    if (a.runs == 0) a.runs = 2;
  }
  return a;
}

struct Impl {
  std::string key;
  std::string name;
  std::function<at::Tensor()> run;  // one batch-1 inference, returns the logits
  std::vector<double> ms;
};

struct Row {
  std::string net;
  int threads;
  std::string impl;
  double med, min, max, ratio;
  int runs;
};

}  // namespace

int main(int argc, char** argv) {
  whittle::configure_process(argv);  // OMP_WAIT_POLICY=PASSIVE unless set; mallopt

  Args args = parse(argc, argv);
  std::string started = now_string();

  std::vector<Row> rows;
  std::vector<std::string> checks;
  std::vector<std::string> notes;
  bool ok = true;

  for (const std::string& net : args.nets) {
    int runs = args.runs > 0 ? args.runs : (net == "vgg16" ? 10 : 30);
    std::cerr << "[" << net << "] building graph, torch::nn model, runners, OpenCV net\n";
    BackboneOptions bo;
    bo.input_size = 224;
    Graph graph = build_zoo(net, bo);
    randomize_batch_norm(graph);

    auto torch_nn = bench::make_torch_nn_model(net, graph);
    auto runner = [&](bool fold, bool cl) {
      RunnerOptions o;
      o.fold_batch_norm = fold;
      o.channels_last = cl;
      return std::make_shared<Runner>(graph, o);
    };
    auto w_default = runner(true, true);
    auto w_plain = runner(false, false);
    auto w_fold = runner(true, false);
    auto w_cl = runner(false, true);

    std::string onnx = to_onnx_bytes(graph);
    cv::dnn::Net cvnet = cv::dnn::readNetFromONNX(onnx.data(), onnx.size());
    cvnet.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
    cvnet.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
    // Only on request (--impls ...,opencv-clip): the export with ReLU6 turned
    // back into attribute Clips (see opencv_onnx_compat.h).
    bool want_clip = std::find(args.impls.begin(), args.impls.end(), "opencv-clip") != args.impls.end();
    cv::dnn::Net cvclip;
    if (want_clip) {
      int n = 0;
      std::string clip = bench::relu6_as_attribute_clip(onnx, &n);
      cvclip = cv::dnn::readNetFromONNX(clip.data(), clip.size());
      cvclip.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
      cvclip.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
      notes.push_back("- " + net + ": \"OpenCV DNN, ReLU6 as attribute Clip\" runs the export with " +
                      std::to_string(n) + " HardSigmoid+Mul pairs rewritten to one-input Clip(0, 6).");
    }

    at::manual_seed(1);
    at::Tensor x = at::randn({1, 3, 224, 224}).contiguous();
    int sizes[] = {1, 3, 224, 224};
    cv::Mat blob(4, sizes, CV_32F, x.data_ptr<float>());

    std::vector<Impl> impls;
    impls.push_back({"torch", "torch::nn (eval, NCHW, BN unfolded)", [&] { return torch_nn->forward(x); }});
    impls.push_back({"whittle", "Whittle default (BN folded, channels-last)",
                     [&] { return w_default->forward(x)[0]; }});
    impls.push_back({"fold-nchw", "Whittle BN folded, NCHW", [&] { return w_fold->forward(x)[0]; }});
    impls.push_back({"cl", "Whittle BN unfolded, channels-last", [&] { return w_cl->forward(x)[0]; }});
    impls.push_back({"plain", "Whittle BN unfolded, NCHW", [&] { return w_plain->forward(x)[0]; }});
    impls.push_back({"opencv", "OpenCV DNN (ONNX export)", [&] {
                       cvnet.setInput(blob);
                       cv::Mat out = cvnet.forward();
                       return at::from_blob(out.ptr<float>(), {1, static_cast<int64_t>(out.total())})
                           .clone();
                     }});

    if (want_clip)
      impls.push_back({"opencv-clip", "OpenCV DNN, ReLU6 as attribute Clip", [&] {
                         cvclip.setInput(blob);
                         cv::Mat out = cvclip.forward();
                         return at::from_blob(out.ptr<float>(), {1, static_cast<int64_t>(out.total())})
                             .clone();
                       }});
    if (!args.impls.empty())
      impls.erase(std::remove_if(impls.begin() + 1, impls.end(),
                                 [&](const Impl& im) {
                                   return std::find(args.impls.begin(), args.impls.end(),
                                                    im.key) == args.impls.end();
                                 }),
                  impls.end());

    // Same function? Checked at the thread count of the first timed block.
    set_all_threads(args.threads.front());
    at::Tensor ref = impls[0].run();
    double scale = ref.abs().max().item<double>();
    std::ostringstream check;
    check << "- " << net << ": torch::nn copied " << torch_nn->copied_tensors()
          << " tensors from the graph; output [1, " << ref.size(1) << "], max |logit| "
          << scale << ". Max abs diff vs torch::nn:";
    for (size_t k = 1; k < impls.size(); ++k) {
      at::Tensor out = impls[k].run();
      double diff = out.sizes() == ref.sizes() ? (out - ref).abs().max().item<double>() : 1e30;
      bool good = diff < 1e-3 * scale;
      ok = ok && good;
      char buf[64];
      std::snprintf(buf, sizeof buf, " %.2e (%.1e rel)%s", diff, diff / scale, good ? "" : " FAIL");
      check << (k == 1 ? "" : ";") << " " << impls[k].name << buf;
    }
    checks.push_back(check.str());
    if (!ok) {
      std::cerr << check.str() << "\noutputs disagree: not timing\n";
      break;
    }

    for (int t : args.threads) {
      set_all_threads(t);
      std::cerr << "[" << net << "] " << t << " thread(s): warm-up " << args.warmup << ", timed "
                << runs << " x " << impls.size() << " implementations\n";
      for (auto& im : impls) im.ms.clear();
      warm_up(impls, args.warmup);
      time_round_robin(impls, runs);
      double ref_med = median(impls[0].ms);
      for (auto& im : impls) {
        const TimeStats st = time_stats(im.ms);
        rows.push_back({net == "vgg16" ? "VGG16" : "MobileNetV2", t, im.name, st.median, st.min, st.max,
                        st.median / ref_med, runs});
      }
    }
  }

  // ------------------------------------------------------------- report ----
  std::printf("## bench_runner_latency\n\n");
  print_machine_report(started);
  std::printf("- input 1x3x224x224 fp32, batch 1; warm-up %d per implementation; timed runs "
              "interleaved round-robin (start rotates); threads set in LibTorch, OpenCV and "
              "OpenBLAS alike\n\n", args.warmup);
  for (const auto& c : checks) std::printf("%s\n", c.c_str());
  for (const auto& c : notes) std::printf("%s\n", c.c_str());
  std::printf("\n| network | threads | implementation | runs | median ms | min ms | max ms | median vs torch::nn |\n");
  std::printf("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |\n");
  for (const auto& r : rows)
    std::printf("| %s | %d | %s | %d | %.2f | %.2f | %.2f | %.3f× |\n", r.net.c_str(), r.threads,
                r.impl.c_str(), r.runs, r.med, r.min, r.max, r.ratio);
  if (!ok) {
    std::printf("\nOUTPUTS DISAGREE: see the check lines above; nothing was timed after the failure.\n");
    return 1;
  }
  return 0;
}
