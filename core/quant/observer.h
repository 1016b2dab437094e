#pragma once
// Observers: from the values an activation takes on calibration images, the
// range [lo, hi] that its uint8 affine parameters cover (affine_uint8 then
// widens it to contain 0).
//
//   kind        range
//   minmax      the global min and max
//   ema         per-batch min and max, averaged as torch's
//               MovingAverageMinMaxObserver does: the first batch sets the
//               range, each later one moves it by 0.01 of the difference
//   percentile  the (100 - p) % and p % percentiles, p = 99.99 by default
//   entropy     the window of the histogram whose 255-level quantization has
//               the least KL divergence from the histogram (TensorRT's
//               calibrator, as in NVIDIA's pytorch-quantization; see
//               entropy_range for signs and smoothing)
//   mse         the window with the least expected squared error: rounding
//               inside it plus clipping outside it. Squared error weighs
//               huge outliers heavily: mse clips them less than entropy does
//
// Two passes. minmax and ema need only each batch's min and max (pass 1).
// The histogram kinds (percentile, entropy, mse) use pass 1's global range
// to fix a histogram of `histogram_bins` equal bins over [min(lo, 0),
// max(hi, 0)], then see every batch a second time (pass 2) to fill it; the
// calibration data must replay the same batches. Fixed bins keep the
// histogram exact (no re-binning as the range grows, unlike torch's
// HistogramObserver) at the cost of a second run of the images.
//
// Histogram resolution: a value whose range is dominated by a few outliers
// puts its bulk in the first few bins; the histogram kinds then clip at bin
// resolution (entropy never below 128 bins). More bins sharpen that.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "quant/quant_params.h"

namespace whittle {

enum class ObserverKind { MinMax, MovingAverage, Percentile, Entropy, Mse };

// "minmax" | "ema" | "percentile" | "entropy" | "mse"; throws whittle::Error
// listing the names otherwise.
ObserverKind parse_observer_kind(const std::string& text);
std::string observer_name(ObserverKind kind);
// Whether the kind fills a histogram in a second pass over the batches.
bool observer_needs_second_pass(ObserverKind kind);

struct ObserverOptions {
  double ema_constant = 0.01;     // ema: weight of each new batch
  double percentile = 99.99;      // percentile: hi at p %, lo at (100 - p) %; in (50, 100]
  int64_t histogram_bins = 2048;  // percentile, entropy, mse; at least 256
};

// Counts of a value's elements in `counts.size()` equal bins over [lo, hi].
// `zeros`: how many of them are exactly 0 (mse: a ReLU's zeros are
// represented exactly, they add no rounding error).
struct Histogram {
  float lo = 0, hi = 0;
  std::vector<double> counts;
  double zeros = 0;

  double bin_width() const { return (static_cast<double>(hi) - lo) / counts.size(); }
  double edge(int64_t i) const { return lo + bin_width() * i; }
  // The bin holding 0 (lo <= 0 <= hi): the one every window must keep.
  int64_t zero_bin() const;
  double total() const;
};

// The range of one activation, fed batch by batch.
class Observer {
 public:
  explicit Observer(ObserverKind kind, ObserverOptions options = {});

  ObserverKind kind() const { return kind_; }
  bool needs_second_pass() const { return observer_needs_second_pass(kind_); }

  // Pass 1: one batch (any shape). Throws whittle::Error when it holds NaN or
  // infinity. observe_range is the same given the batch's min and max (the
  // caller computed them already).
  void observe(const at::Tensor& batch);
  void observe_range(float batch_min, float batch_max);

  // Pass 2 (histogram kinds only): the same batches again, in any order.
  // Throws when a batch has values outside pass 1's range (the data did not
  // replay the same batches).
  void observe_again(const at::Tensor& batch);

  // After the last pass: the range to quantize. Throws when nothing was
  // observed.
  std::pair<float, float> range() const;
  ActivationQuant quant() const;

  // Pass 1's global range and pass 2's histogram (empty before pass 2).
  float min() const { return min_; }
  float max() const { return max_; }
  const Histogram& histogram() const { return histogram_; }

 private:
  void start_histogram();

  ObserverKind kind_;
  ObserverOptions options_;
  int64_t batches_ = 0;
  float min_ = 0, max_ = 0;          // global (minmax, histogram range)
  float ema_min_ = 0, ema_max_ = 0;  // moving average
  Histogram histogram_;
};

// The range each histogram kind chooses; for direct use and tests.
//
// percentile_range: linear interpolation inside the bin where the cumulative
// count reaches the percentile (affine_uint8 then widens it to contain 0).
std::pair<float, float> percentile_range(const Histogram& h, double percentile);
// entropy_range: windows of bins that keep the zero bin and are at least 128
// bins wide. A one-signed histogram (lo = 0 or hi = 0) searches its far end
// from 128 bins out to the whole histogram, as TensorRT does with |x|. A
// two-signed one alternates: the best hi for the current lo (starting at the
// minimum), then the best lo for that hi, until neither moves (at most 8
// rounds): each side is clipped by its own tail, and a side without outliers
// keeps its whole range. Before the search the zero bin's count is replaced
// by its neighbours' (NVIDIA's fix: else a ReLU's zeros dominate both
// distributions and every window looks alike). 255 levels: the steps of the
// uint8 grid (scale = width / 255). Ties go to the wider window.
std::pair<float, float> entropy_range(const Histogram& h);
// mse_range: every window of bin edges that keeps the zero bin, with the error of
// an element inside = step^2 / 12 (step = width / 255; exact zeros: none), of
// a clipped one = its distance to the window (from its bin centre) squared +
// bin width^2 / 12. Exhaustive via prefix sums.
std::pair<float, float> mse_range(const Histogram& h);

// KL(P || Q) of the window of bins [first, end) (the quantity entropy_range
// minimises): P = the counts with those left of the window added to its first
// bin and those right of it to its last; Q = the window's counts merged into
// `levels` equal groups, each group's mass spread evenly over its non-empty
// bins, then smoothed: (1 - 1e-4) Q + 1e-4 spread evenly over the window.
// Without smoothing, clipped mass that lands on an empty end bin makes the
// divergence infinite however small it is (NVIDIA's calibrator then rejects
// the window, ncnn and MNN add a fixed 1), so a few isolated outliers could
// never be clipped; smoothed, it costs in proportion to its mass (MXNet and
// TVM smooth likewise). Exposed for tests.
double window_kl_divergence(const std::vector<double>& counts, int64_t first, int64_t end,
                            int levels);

}  // namespace whittle
