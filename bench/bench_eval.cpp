// NMS and evaluation time (issue 3).
//
// NMS: one SSD300 image, 8,732 random SSD-like boxes x 21 score columns
// (background + 20 classes, softmax of random logits), score threshold 0.01,
// IoU 0.45:
//   - postprocess_scores with the SSD defaults (top-k 200 per class, 200 kept);
//   - NMS of every candidate above the threshold (no top-k), the kernel's
//     worst case: Whittle's greedy loop (postprocess_scores with top_k 0),
//     batched_nms on the flattened candidates, and two baselines per class:
//     torchvision's CPU kernel transcribed (scalar, skips suppressed boxes)
//     and IoU rows computed with at:: ops in chunks (the obvious tensor way).
// Evaluation: 5,000 synthetic images (~2.4 objects, 50 detections each,
// 20 classes), voc07, voc12 and coco; plus writing and reading the VOC
// results files of those detections.
//
// Timing as in BENCHMARKS.md: implementations of one task interleaved
// round-robin (start rotating), warm-up first, median/min/max of the timed
// runs. Checks first that the NMS variants keep the same boxes.
#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "eval/voc_ap.h"
#include "eval/voc_results.h"
#include "models/nms.h"

using namespace whittle;

namespace {

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  return "unknown CPU";
}

std::string now_string() {
  std::time_t t = std::time(nullptr);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S %Z", std::gmtime(&t));
  return buf;
}

struct Impl {
  std::string task, name;
  std::function<void()> run;
  std::vector<double> ms;
};

// Runs the implementations of one task interleaved: warm-up, then `runs`
// rounds, each round starting one implementation later.
void time_interleaved(std::vector<Impl>& impls, int warmup, int runs) {
  for (int w = 0; w < warmup; ++w)
    for (auto& impl : impls) impl.run();
  const size_t n = impls.size();
  for (int r = 0; r < runs; ++r)
    for (size_t k = 0; k < n; ++k) {
      Impl& impl = impls[(r + k) % n];
      const auto t0 = std::chrono::steady_clock::now();
      impl.run();
      impl.ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    }
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

std::string fmt(double v, int decimals = 2) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

// ---------------------------------------------------------------- NMS ----
constexpr int kPriors = 8732, kColumns = 21;

// SSD300-like boxes: centres on the six feature-map grids (38, 19, 10, 5, 3,
// 1 cells) with 4 or 6 shapes each, jittered as a trained regressor's
// outputs are; normalised [0, 1] coordinates.
at::Tensor ssd_like_boxes(std::mt19937& rng) {
  const int grids[] = {38, 19, 10, 5, 3, 1}, shapes[] = {4, 6, 6, 6, 4, 4};
  const float scales[] = {0.1f, 0.2f, 0.375f, 0.55f, 0.725f, 0.9f};
  std::normal_distribution<float> jitter(0, 0.1f);
  std::vector<float> data;
  for (int g = 0; g < 6; ++g)
    for (int y = 0; y < grids[g]; ++y)
      for (int x = 0; x < grids[g]; ++x)
        for (int s = 0; s < shapes[g]; ++s) {
          const float ratio = std::vector<float>{1, 1, 2, 0.5f, 3, 1.f / 3}[s];
          const float cx = (x + 0.5f) / grids[g] + jitter(rng) * 0.1f;
          const float cy = (y + 0.5f) / grids[g] + jitter(rng) * 0.1f;
          const float w = scales[g] * std::sqrt(ratio) * std::exp(jitter(rng));
          const float h = scales[g] / std::sqrt(ratio) * std::exp(jitter(rng));
          data.insert(data.end(), {cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2});
        }
  return at::from_blob(data.data(), {kPriors, 4}, at::kFloat).clone().clamp(0, 1);
}

// Softmax of random logits: background usually dominant, a few confident
// priors per class, most class scores small but many above 0.01.
at::Tensor ssd_like_scores(std::mt19937& rng) {
  std::normal_distribution<float> bg(3, 1.5f), cls(0, 1.0f), hot(5, 1.0f);
  std::uniform_real_distribution<float> u(0, 1);
  std::vector<float> logits(kPriors * kColumns);
  for (int i = 0; i < kPriors; ++i) {
    logits[i * kColumns] = bg(rng);
    for (int c = 1; c < kColumns; ++c) logits[i * kColumns + c] = u(rng) < 0.01f ? hot(rng) : cls(rng);
  }
  return at::from_blob(logits.data(), {kPriors, kColumns}, at::kFloat).clone().softmax(1);
}

// Baseline: IoU rows of 256 boxes at a time with at:: ops, then the greedy
// pass over those rows. Same decisions as the greedy loop (float IoU, > thr).
std::vector<int64_t> nms_iou_rows(const at::Tensor& boxes, const at::Tensor& scores, double thr) {
  float float_thr = static_cast<float>(thr);  // largest float <= thr, as nms.cpp
  if (static_cast<double>(float_thr) > thr) float_thr = std::nextafter(float_thr, -1.0f);
  const at::Tensor order = std::get<1>(at::sort(scores, true, 0, true));
  const at::Tensor b = boxes.index_select(0, order);
  const int64_t n = b.size(0);
  const at::Tensor x1 = b.select(1, 0), y1 = b.select(1, 1), x2 = b.select(1, 2), y2 = b.select(1, 3);
  const at::Tensor area = (x2 - x1) * (y2 - y1);
  std::vector<uint8_t> suppressed(n, 0);
  std::vector<int64_t> keep;
  const int64_t* ord = order.data_ptr<int64_t>();
  for (int64_t i0 = 0; i0 < n; i0 += 256) {
    const int64_t i1 = std::min(n, i0 + 256);
    auto rows = at::indexing::Slice(i0, i1);
    const at::Tensor w = (at::minimum(x2.index({rows}).unsqueeze(1), x2) -
                          at::maximum(x1.index({rows}).unsqueeze(1), x1)).clamp_min(0);
    const at::Tensor h = (at::minimum(y2.index({rows}).unsqueeze(1), y2) -
                          at::maximum(y1.index({rows}).unsqueeze(1), y1)).clamp_min(0);
    const at::Tensor inter = w * h;
    const at::Tensor iou = inter / (area.index({rows}).unsqueeze(1) + area - inter);
    const at::Tensor over = (iou > float_thr).to(at::kByte).contiguous();
    const uint8_t* o = over.data_ptr<uint8_t>();
    for (int64_t i = i0; i < i1; ++i) {
      if (suppressed[i]) continue;
      keep.push_back(ord[i]);
      const uint8_t* row = o + (i - i0) * n;
      for (int64_t j = i + 1; j < n; ++j) suppressed[j] |= row[j];
    }
  }
  return keep;
}

// Baseline: torchvision's CPU kernel (nms_kernel_impl) transcribed: boxes
// read through the sort order, suppressed boxes skipped, scalar loop.
std::vector<int64_t> nms_torchvision_style(const at::Tensor& boxes, const at::Tensor& scores, double thr) {
  const at::Tensor x1_t = boxes.select(1, 0).contiguous(), y1_t = boxes.select(1, 1).contiguous();
  const at::Tensor x2_t = boxes.select(1, 2).contiguous(), y2_t = boxes.select(1, 3).contiguous();
  const at::Tensor areas_t = (x2_t - x1_t) * (y2_t - y1_t);
  const at::Tensor order_t = std::get<1>(at::sort(scores, true, 0, true));
  const int64_t n = boxes.size(0);
  std::vector<uint8_t> suppressed(n, 0);
  std::vector<int64_t> keep;
  const float *x1 = x1_t.data_ptr<float>(), *y1 = y1_t.data_ptr<float>();
  const float *x2 = x2_t.data_ptr<float>(), *y2 = y2_t.data_ptr<float>();
  const float* areas = areas_t.data_ptr<float>();
  const int64_t* order = order_t.data_ptr<int64_t>();
  for (int64_t oi = 0; oi < n; ++oi) {
    const int64_t i = order[oi];
    if (suppressed[i]) continue;
    keep.push_back(i);
    const float ix1 = x1[i], iy1 = y1[i], ix2 = x2[i], iy2 = y2[i], iarea = areas[i];
    for (int64_t oj = oi + 1; oj < n; ++oj) {
      const int64_t j = order[oj];
      if (suppressed[j]) continue;
      const float w = std::max(0.0f, std::min(ix2, x2[j]) - std::max(ix1, x1[j]));
      const float h = std::max(0.0f, std::min(iy2, y2[j]) - std::max(iy1, y1[j]));
      const float inter = w * h;
      const float ovr = inter / (iarea + areas[j] - inter);
      if (ovr > thr) suppressed[j] = 1;
    }
  }
  return keep;
}

// ---------------------------------------------------------- evaluation ----
void synthetic_eval_set(int images, Dataset& gt, std::vector<Detection>& dets) {
  std::mt19937 rng(2345);
  std::uniform_real_distribution<float> u(0, 1);
  std::normal_distribution<float> n01(0, 1);
  gt.classes = voc_class_names();
  const float W = 500, H = 375;
  auto random_box = [&] {
    const float w = 20 + u(rng) * 300, h = 20 + u(rng) * 250;
    const float x = 1 + u(rng) * (W - w), y = 1 + u(rng) * (H - h);
    return Box{x, y, x + w - 1, y + h - 1};
  };
  for (int i = 0; i < images; ++i) {
    ImageRecord r;
    char id[16];
    std::snprintf(id, sizeof id, "%06d", i + 1);
    r.id = id;
    r.width = 500, r.height = 375;
    const int objects = 1 + static_cast<int>(u(rng) * 3.8f);  // 1..4, mean ~2.4
    for (int k = 0; k < objects; ++k) {
      Object o;
      o.label = static_cast<int>(rng() % 20);
      o.name = gt.classes[o.label];
      o.box = random_box();
      o.difficult = u(rng) < 0.1f;
      r.objects.push_back(o);
    }
    // 50 detections: per object 3 near it (right or wrong class), the rest
    // random boxes; scores higher for good boxes.
    int made = 0;
    for (const Object& o : r.objects)
      for (int k = 0; k < 3; ++k, ++made) {
        const float s = 0.1f * (o.box.xmax - o.box.xmin);
        Box b{o.box.xmin + s * n01(rng), o.box.ymin + s * n01(rng), o.box.xmax + s * n01(rng),
              o.box.ymax + s * n01(rng)};
        const int label = u(rng) < 0.8f ? o.label : static_cast<int>(rng() % 20);
        dets.push_back({r.id, label, 0.3f + 0.7f * u(rng), b});
      }
    for (; made < 50; ++made) dets.push_back({r.id, static_cast<int>(rng() % 20), 0.6f * u(rng), random_box()});
    gt.images.push_back(std::move(r));
  }
}

void print_table(const std::vector<Impl>& impls) {
  for (const Impl& impl : impls)
    std::cout << "| " << impl.task << " | " << impl.name << " | " << impl.ms.size() << " | "
              << fmt(median(impl.ms)) << " | " << fmt(*std::min_element(impl.ms.begin(), impl.ms.end()))
              << " | " << fmt(*std::max_element(impl.ms.begin(), impl.ms.end())) << " |\n";
}

}  // namespace

int main(int argc, char** argv) {
  int runs = 20, eval_runs = 10, images = 5000;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--quick") runs = 3, eval_runs = 2, images = 500;
    else if (a == "--runs" && i + 1 < argc) runs = std::stoi(argv[++i]);
    else {
      std::cerr << "usage: " << argv[0] << " [--quick] [--runs N]\n";
      return 2;
    }
  }
  at::set_num_threads(1);  // NMS and evaluation are single-threaded; keep at:: ops alike
  std::cout << "- date: " << now_string() << "\n- machine: " << cpu_model() << ", "
            << sysconf(_SC_NPROCESSORS_ONLN) << " hardware threads; at:: threads 1\n";

  // NMS ------------------------------------------------------------------
  std::mt19937 rng(2345);
  const at::Tensor boxes = ssd_like_boxes(rng);
  const at::Tensor scores = ssd_like_scores(rng);
  NmsOptions ssd;  // 0.01, 0.45, top-k 200, 200 kept
  NmsOptions all = ssd;
  all.top_k_per_class = 0;
  all.max_per_image = 0;
  // Flattened candidates above the threshold, for batched_nms and the baseline.
  const at::Tensor cls_scores = scores.slice(1, 1);  // [N, 20]
  const at::Tensor mask = cls_scores > ssd.score_threshold;
  const at::Tensor where = mask.nonzero();  // [M, 2] (prior, class)
  const at::Tensor cand_boxes = boxes.index_select(0, where.select(1, 0)).contiguous();
  const at::Tensor cand_scores = cls_scores.index({mask}).contiguous();
  const at::Tensor cand_labels = where.select(1, 1).contiguous();
  std::vector<at::Tensor> per_class_boxes, per_class_scores;
  for (int c = 0; c < 20; ++c) {
    const at::Tensor m = cand_labels == c;
    per_class_boxes.push_back(cand_boxes.index({m}).contiguous());
    per_class_scores.push_back(cand_scores.index({m}).contiguous());
  }
  std::cout << "- NMS input: " << kPriors << " boxes x " << kColumns - 1 << " classes; "
            << cand_scores.numel() << " (box, class) scores > " << ssd.score_threshold
            << " (mean " << cand_scores.numel() / 20 << " per class)\n";

  // Check: the three full-NMS variants keep the same boxes.
  {
    std::vector<ScoredBox> a = postprocess_scores(boxes, scores, all);
    const at::Tensor kept = batched_nms(cand_boxes, cand_scores, cand_labels, all.iou_threshold);
    size_t baseline = 0;
    bool same_per_class = true;
    for (int c = 0; c < 20; ++c) {
      const auto k = nms_iou_rows(per_class_boxes[c], per_class_scores[c], all.iou_threshold);
      const auto tv = nms_torchvision_style(per_class_boxes[c], per_class_scores[c], all.iou_threshold);
      const at::Tensor g = nms(per_class_boxes[c], per_class_scores[c], all.iou_threshold);
      same_per_class &= static_cast<int64_t>(k.size()) == g.numel() &&
                        std::equal(k.begin(), k.end(), g.data_ptr<int64_t>()) && tv == k;
      baseline += k.size();
    }
    std::cout << "- check: kept " << a.size() << " (postprocess, no top-k), " << kept.numel()
              << " (batched_nms), " << baseline << " (baselines); per-class nms == both baselines: "
              << (same_per_class ? "yes" : "NO") << '\n';
    if (!same_per_class || a.size() != static_cast<size_t>(kept.numel()) || baseline != a.size()) {
      std::cerr << "NMS variants disagree\n";
      return 1;
    }
    std::cout << "- postprocess_scores with SSD defaults keeps "
              << postprocess_scores(boxes, scores, ssd).size() << " boxes\n";
  }
  std::vector<Impl> nms_impls;
  nms_impls.push_back({"NMS, SSD defaults", "postprocess_scores (top-k 200, keep 200)",
                       [&] { postprocess_scores(boxes, scores, ssd); }, {}});
  std::vector<Impl> full;
  full.push_back({"NMS, all candidates", "postprocess_scores (greedy loop, no top-k)",
                  [&] { postprocess_scores(boxes, scores, all); }, {}});
  full.push_back({"NMS, all candidates", "batched_nms on flattened candidates",
                  [&] { batched_nms(cand_boxes, cand_scores, cand_labels, all.iou_threshold); }, {}});
  full.push_back({"NMS, all candidates", "baseline: torchvision's CPU kernel transcribed, per class",
                  [&] {
                    for (int c = 0; c < 20; ++c)
                      nms_torchvision_style(per_class_boxes[c], per_class_scores[c], all.iou_threshold);
                  },
                  {}});
  // The IoU-rows baseline is ~100x slower: timed on its own, fewer runs.
  std::vector<Impl> slow;
  slow.push_back({"NMS, all candidates", "baseline: IoU rows with at:: ops, per class",
                  [&] {
                    for (int c = 0; c < 20; ++c)
                      nms_iou_rows(per_class_boxes[c], per_class_scores[c], all.iou_threshold);
                  },
                  {}});
  time_interleaved(nms_impls, 3, runs);
  time_interleaved(full, 2, runs);
  time_interleaved(slow, 1, std::max(1, runs / 4));

  // Evaluation -----------------------------------------------------------
  Dataset gt;
  std::vector<Detection> dets;
  synthetic_eval_set(images, gt, dets);
  size_t objects = 0;
  for (const auto& r : gt.images) objects += r.objects.size();
  std::cout << "- evaluation input: " << gt.images.size() << " images, " << objects << " objects ("
            << fmt(double(objects) / gt.images.size(), 2) << "/image), " << dets.size() << " detections, "
            << gt.classes.size() << " classes\n";
  std::vector<Impl> eval;
  double maps[3] = {0, 0, 0};
  const ApMetric metrics[3] = {ApMetric::Voc07, ApMetric::Voc12, ApMetric::Coco};
  for (int m = 0; m < 3; ++m)
    eval.push_back({"evaluation", "evaluate_detections " + ap_metric_name(metrics[m]),
                    [&, m] { maps[m] = evaluate_detections(gt, dets, metrics[m]).map; }, {}});
  const std::string dir = (std::filesystem::temp_directory_path() /
                           ("whittle_bench_eval_" + std::to_string(getpid()))).string();
  std::filesystem::create_directories(dir);
  const std::string prefix = dir + "/comp4_det_test_";
  size_t read_back = 0;
  eval.push_back({"results files", "write_voc_results (20 files)",
                  [&] { write_voc_results(prefix, gt.classes, dets); }, {}});
  eval.push_back({"results files", "read_voc_results (20 files)",
                  [&] { read_back = read_voc_results(prefix, gt).size(); }, {}});
  write_voc_results(prefix, gt.classes, dets);
  time_interleaved(eval, 1, eval_runs);
  std::filesystem::remove_all(dir);
  std::cout << "- mAP of the synthetic detections: voc07 " << fmt(maps[0], 4) << ", voc12 "
            << fmt(maps[1], 4) << ", coco " << fmt(maps[2], 4) << "; read back " << read_back
            << " detections\n\n";

  std::cout << "| task | implementation | runs | median ms | min ms | max ms |\n"
            << "| --- | --- | ---: | ---: | ---: | ---: |\n";
  print_table(nms_impls);
  print_table(full);
  print_table(slow);
  print_table(eval);
  return 0;
}
