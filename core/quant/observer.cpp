#include "quant/observer.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <mutex>
#include <numeric>

#include "graph/error.h"

namespace whittle {
namespace {

constexpr int kLevels = 255;             // steps of the uint8 grid
constexpr int64_t kMinWindowBins = 128;  // entropy: narrowest window searched
// Mass of Q spread evenly over the window (see window_kl_divergence).
constexpr double kKlSmoothing = 1e-4;

std::string range_text(double lo, double hi) {
  return "[" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
}

struct BinCounts {
  std::vector<int64_t> counts;
  int64_t zeros = 0;    // values exactly 0
  int64_t outside = 0;  // values outside [lo, hi] (or NaN), not binned
};

// One pass over the values, threads splitting the tensor, each with its own
// counts. (at::histc is about as fast but counts in float, which stops at
// 2^24 per bin, and counting zeros apart would cost a second pass.)
BinCounts bin_counts(const at::Tensor& x, float lo, float hi, int64_t bins) {
  const at::Tensor values = x.detach().to(at::kFloat).contiguous();
  const float* data = values.data_ptr<float>();
  // Double: a range as narrow as a few float steps still has finite positions.
  const double per_unit = bins / (static_cast<double>(hi) - lo);
  BinCounts total;
  total.counts.assign(bins, 0);
  std::mutex mutex;
  at::parallel_for(0, values.numel(), int64_t{1} << 18, [&](int64_t begin, int64_t end) {
    BinCounts local;
    local.counts.assign(bins, 0);
    for (int64_t i = begin; i < end; ++i) {
      const float v = data[i];
      if (!(v >= lo && v <= hi)) {
        ++local.outside;
        continue;
      }
      local.zeros += v == 0;
      const double position = (static_cast<double>(v) - lo) * per_unit;  // hi itself: bin `bins`
      ++local.counts[position < bins ? static_cast<int64_t>(position) : bins - 1];
    }
    std::lock_guard<std::mutex> lock(mutex);
    for (int64_t b = 0; b < bins; ++b) total.counts[b] += local.counts[b];
    total.zeros += local.zeros;
    total.outside += local.outside;
  });
  return total;
}

// Prefix sums of a histogram that make a window's KL divergence cost one
// pass over the levels instead of one over the bins.
struct KlTable {
  const std::vector<double>& h;
  std::vector<double> mass, hlogh, nonzero;  // sums over bins [0, i)
  double total = 0;

  explicit KlTable(const std::vector<double>& counts) : h(counts) {
    const size_t n = h.size();
    mass.assign(n + 1, 0);
    hlogh.assign(n + 1, 0);
    nonzero.assign(n + 1, 0);
    for (size_t i = 0; i < n; ++i) {
      mass[i + 1] = mass[i] + h[i];
      hlogh[i + 1] = hlogh[i] + (h[i] > 0 ? h[i] * std::log(h[i]) : 0.0);
      nonzero[i + 1] = nonzero[i] + (h[i] > 0 ? 1 : 0);
    }
    total = mass[n];
  }

  // See window_kl_divergence. With p_i = h'_i / H and, on a non-empty bin of
  // group g, q_g = (1 - s) (m_g / k_g) / Q + s / W (m_g, k_g: the group's
  // mass and non-empty bins, Q: the window's mass, W: its bins, s: the
  // smoothing), the terms of the bins that keep their own count sum to
  //   (1/H) [sum h log h - Q log H] - sum_g (m_g / H) log q_g;
  // the window's end bins, which also take the clipped mass, are corrected.
  double kl(int64_t first, int64_t end, int levels) const {
    const int64_t n = static_cast<int64_t>(h.size());
    if (first < 0 || end > n || first >= end || levels < 1)
      throw Error("window_kl_divergence: bad window [" + std::to_string(first) + ", " +
                  std::to_string(end) + ") of " + std::to_string(n) + " bins");
    const double H = total;
    if (H <= 0) return 0;
    const double Q = mass[end] - mass[first];
    const double left = mass[first], right = H - mass[end];
    const int64_t width = end - first;
    const double uniform = kKlSmoothing / width;  // q of an empty bin

    double kl = (hlogh[end] - hlogh[first] - Q * std::log(H)) / H;
    // The q of each end bin (for the correction below).
    double q_first = uniform, q_last = uniform;
    for (int g = 0; g < levels; ++g) {
      const int64_t b0 = first + (g * width + levels - 1) / levels;
      const int64_t b1 = first + ((g + 1) * width + levels - 1) / levels;
      const double m = b1 > b0 ? mass[b1] - mass[b0] : 0.0;
      if (m <= 0) continue;
      const double q = (1 - kKlSmoothing) * m / (nonzero[b1] - nonzero[b0]) / Q + uniform;
      kl -= m / H * std::log(q);
      if (b0 <= first && first < b1 && h[first] > 0) q_first = q;
      if (b0 <= end - 1 && end - 1 < b1 && h[end - 1] > 0) q_last = q;
    }
    // End bins: swap the term of their own count for that of count + clipped.
    auto term = [&](double count, double q) {
      return count > 0 ? count / H * std::log(count / H / q) : 0.0;
    };
    auto correct = [&](int64_t bin, double added, double q) {
      if (added > 0) kl += term(h[bin] + added, q) - term(h[bin], q);
    };
    if (first == end - 1) {
      correct(first, left + right, q_first);
    } else {
      correct(first, left, q_first);
      correct(end - 1, right, q_last);
    }
    return std::max(kl, 0.0);
  }
};

// The window end (first fixed) with the least divergence; ties: the wider.
int64_t best_end(const KlTable& t, int64_t first, int64_t zero, int64_t n) {
  const int64_t lowest = std::min(n, std::max(first + kMinWindowBins, zero + 1));
  int64_t best = n;
  double best_kl = std::numeric_limits<double>::infinity();
  for (int64_t end = n; end >= lowest; --end) {
    const double kl = t.kl(first, end, kLevels);
    if (kl < best_kl) best_kl = kl, best = end;
  }
  return best;
}

// The window start (end fixed) with the least divergence; ties: the wider.
int64_t best_first(const KlTable& t, int64_t end, int64_t zero) {
  const int64_t highest = std::max<int64_t>(0, std::min(end - kMinWindowBins, zero));
  int64_t best = 0;
  double best_kl = std::numeric_limits<double>::infinity();
  for (int64_t first = 0; first <= highest; ++first) {
    const double kl = t.kl(first, end, kLevels);
    if (kl < best_kl) best_kl = kl, best = first;
  }
  return best;
}

void check_histogram(const Histogram& h, const char* who) {
  if (h.counts.empty() || !(h.hi > h.lo))
    throw Error(std::string(who) + ": empty histogram " + range_text(h.lo, h.hi));
  if (h.total() <= 0) throw Error(std::string(who) + ": the histogram holds no values");
}

}  // namespace

ObserverKind parse_observer_kind(const std::string& text) {
  if (text == "minmax") return ObserverKind::MinMax;
  if (text == "ema") return ObserverKind::MovingAverage;
  if (text == "percentile") return ObserverKind::Percentile;
  if (text == "entropy") return ObserverKind::Entropy;
  if (text == "mse") return ObserverKind::Mse;
  throw Error("unknown observer '" + text + "' (choose minmax, ema, percentile, entropy or mse)");
}

std::string observer_name(ObserverKind kind) {
  switch (kind) {
    case ObserverKind::MinMax:
      return "minmax";
    case ObserverKind::MovingAverage:
      return "ema";
    case ObserverKind::Percentile:
      return "percentile";
    case ObserverKind::Entropy:
      return "entropy";
    case ObserverKind::Mse:
      return "mse";
  }
  return "?";
}

bool observer_needs_second_pass(ObserverKind kind) {
  return kind == ObserverKind::Percentile || kind == ObserverKind::Entropy ||
         kind == ObserverKind::Mse;
}

int64_t Histogram::zero_bin() const {
  const int64_t n = static_cast<int64_t>(counts.size());
  if (n == 0 || !(hi > lo)) return 0;
  return std::clamp<int64_t>(static_cast<int64_t>(std::floor(-lo / bin_width())), 0, n - 1);
}

double Histogram::total() const { return std::accumulate(counts.begin(), counts.end(), 0.0); }

Observer::Observer(ObserverKind kind, ObserverOptions options) : kind_(kind), options_(options) {
  if (!(options_.ema_constant > 0 && options_.ema_constant <= 1))
    throw Error("observer: ema constant " + std::to_string(options_.ema_constant) +
                " is not in (0, 1]");
  if (!(options_.percentile > 50 && options_.percentile <= 100))
    throw Error("observer: percentile " + std::to_string(options_.percentile) +
                " is not in (50, 100]");
  if (options_.histogram_bins < 256)
    throw Error("observer: " + std::to_string(options_.histogram_bins) +
                " histogram bins are too few (at least 256)");
}

void Observer::observe(const at::Tensor& batch) {
  if (batch.numel() == 0) return;
  auto [lo, hi] = at::aminmax(batch.detach());
  observe_range(lo.item<float>(), hi.item<float>());
}

void Observer::observe_range(float batch_min, float batch_max) {
  if (!std::isfinite(batch_min) || !std::isfinite(batch_max))
    throw Error("values are not finite (min " + std::to_string(batch_min) + ", max " +
                std::to_string(batch_max) + ")");
  if (batch_min > batch_max)
    throw Error("observer: batch min > max " + range_text(batch_min, batch_max));
  if (!histogram_.counts.empty())
    throw Error("observer: a first-pass batch after the second pass began");
  if (batches_ == 0) {
    min_ = ema_min_ = batch_min;
    max_ = ema_max_ = batch_max;
  } else {
    min_ = std::min(min_, batch_min);
    max_ = std::max(max_, batch_max);
    // torch's MovingAverageMinMaxObserver: x += c * (batch - x).
    const double c = options_.ema_constant;
    ema_min_ = static_cast<float>(ema_min_ + c * (static_cast<double>(batch_min) - ema_min_));
    ema_max_ = static_cast<float>(ema_max_ + c * (static_cast<double>(batch_max) - ema_max_));
  }
  ++batches_;
}

void Observer::start_histogram() {
  histogram_.lo = std::min(min_, 0.0f);
  histogram_.hi = std::max(max_, 0.0f);
  histogram_.counts.assign(options_.histogram_bins, 0.0);
  histogram_.zeros = 0;
}

void Observer::observe_again(const at::Tensor& batch) {
  if (!needs_second_pass())
    throw Error("observer '" + observer_name(kind_) + "' has no second pass");
  if (batches_ == 0) throw Error("observer: a second-pass batch before any first-pass batch");
  if (histogram_.counts.empty()) start_histogram();
  if (batch.numel() == 0 || !(histogram_.hi > histogram_.lo)) return;  // all zeros: nothing to bin

  const BinCounts counts = bin_counts(batch, histogram_.lo, histogram_.hi, options_.histogram_bins);
  if (counts.outside > 0)
    throw Error(
        "observer: " + std::to_string(counts.outside) + " values outside the first pass's range " +
        range_text(histogram_.lo, histogram_.hi) + " (the second pass must see the same batches)");
  for (size_t i = 0; i < counts.counts.size(); ++i) histogram_.counts[i] += counts.counts[i];
  histogram_.zeros += counts.zeros;
}

std::pair<float, float> Observer::range() const {
  if (batches_ == 0) throw Error("observer: no batch was observed");
  switch (kind_) {
    case ObserverKind::MinMax:
      return {min_, max_};
    case ObserverKind::MovingAverage:
      return {ema_min_, ema_max_};
    default:
      break;
  }
  if (!(std::max(max_, 0.0f) > std::min(min_, 0.0f))) return {min_, max_};  // only zeros seen
  if (histogram_.counts.empty())
    throw Error("observer '" + observer_name(kind_) + "': the second pass has not run");
  switch (kind_) {
    case ObserverKind::Percentile:
      return percentile_range(histogram_, options_.percentile);
    case ObserverKind::Entropy:
      return entropy_range(histogram_);
    default:
      return mse_range(histogram_);
  }
}

ActivationQuant Observer::quant() const {
  auto [lo, hi] = range();
  return affine_uint8(lo, hi);
}

std::pair<float, float> percentile_range(const Histogram& h, double percentile) {
  check_histogram(h, "percentile_range");
  const double total = h.total();
  const double w = h.bin_width();
  // The value below which `target` of the counts lie, linear inside a bin.
  auto at_count = [&](double target) {
    double below = 0;
    for (size_t i = 0; i < h.counts.size(); ++i) {
      const double c = h.counts[i];
      if (c > 0 && below + c >= target)
        return static_cast<float>(h.edge(i) + w * std::clamp((target - below) / c, 0.0, 1.0));
      below += c;
    }
    return h.hi;
  };
  const double tail = (100.0 - percentile) / 100.0 * total;
  return {at_count(tail), at_count(total - tail)};
}

double window_kl_divergence(const std::vector<double>& counts, int64_t first, int64_t end,
                            int levels) {
  return KlTable(counts).kl(first, end, levels);
}

std::pair<float, float> entropy_range(const Histogram& h) {
  check_histogram(h, "entropy_range");
  const int64_t n = static_cast<int64_t>(h.counts.size());
  const int64_t zero = h.zero_bin();
  std::vector<double> counts = h.counts;
  if (zero == 0)
    counts[0] = counts[1];
  else if (zero == n - 1)
    counts[n - 1] = counts[n - 2];
  else
    counts[zero] = (counts[zero - 1] + counts[zero + 1]) / 2;
  const KlTable table(counts);

  int64_t first = 0, end = n;
  for (int round = 0; round < 8; ++round) {
    const int64_t new_end = best_end(table, first, zero, n);
    const int64_t new_first = best_first(table, new_end, zero);
    const bool moved = new_end != end || new_first != first;
    first = new_first, end = new_end;
    if (!moved) break;
  }
  // Exact ends where the window reaches them (edge() may round off a hair).
  return {first == 0 ? h.lo : static_cast<float>(h.edge(first)),
          end == n ? h.hi : static_cast<float>(h.edge(end))};
}

std::pair<float, float> mse_range(const Histogram& h) {
  check_histogram(h, "mse_range");
  const int64_t n = static_cast<int64_t>(h.counts.size());
  const int64_t zero = h.zero_bin();
  const double w = h.bin_width();
  // Prefix sums of count, count * centre, count * centre^2 over bins [0, i).
  std::vector<double> s0(n + 1, 0), s1(n + 1, 0), s2(n + 1, 0);
  for (int64_t i = 0; i < n; ++i) {
    const double c = h.edge(i) + w / 2, m = h.counts[i];
    s0[i + 1] = s0[i] + m;
    s1[i + 1] = s1[i] + m * c;
    s2[i + 1] = s2[i] + m * c * c;
  }
  const double in_bin = w * w / 12;  // spread of a clipped element around its bin centre
  // Squared distance of the bins [i, j) to the point x.
  auto clipped = [&](int64_t i, int64_t j, double x) {
    const double m = s0[j] - s0[i];
    return std::max(0.0, (s2[j] - s2[i]) - 2 * x * (s1[j] - s1[i]) + x * x * m) + m * in_bin;
  };
  int64_t best_first = 0, best_end = n;
  double best = std::numeric_limits<double>::infinity();
  for (int64_t first = 0; first <= zero; ++first) {
    const double lo = h.edge(first);
    const double below = clipped(0, first, lo);
    for (int64_t end = n; end > zero; --end) {
      const double hi = h.edge(end);
      const double step = (hi - lo) / kLevels;
      const double inside = std::max(0.0, s0[end] - s0[first] - h.zeros) * step * step / 12;
      const double error = below + inside + clipped(end, n, hi);
      if (error < best) best = error, best_first = first, best_end = end;
    }
  }
  return {best_first == 0 ? h.lo : static_cast<float>(h.edge(best_first)),
          best_end == n ? h.hi : static_cast<float>(h.edge(best_end))};
}

}  // namespace whittle
