#include "prune/latency_table.h"

#include <ATen/ATen.h>
#include <torch/version.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <set>
#include <sstream>
#include <tuple>

#include "graph/error.h"
#include "graph/shape_inference.h"
#include "io/atomic_file.h"
#include "io/fnv1a.h"
#include "jobs/progress.h"
#include "prune/importance.h"
#include "prune/latency_graph.h"
#include "prune/number_text.h"
#include "prune/planners.h"
#include "prune/surgery.h"
#include "runtime/inference_conv.h"
#include "runtime/process_setup.h"
#include "runtime/runner.h"
#include "runtime/threading.h"

namespace whittle {
namespace fs = std::filesystem;
using namespace latency_graph;

namespace {

using Clock = std::chrono::steady_clock;
constexpr const char* kFormat = "whittle.latency/1";

int resolved_threads(int threads) { return threads <= 0 ? hardware_threads() : threads; }

// The grid as measured: sorted, unique, with 1. Throws for a fraction
// outside (0, 1].
std::vector<double> grid(const std::vector<double>& fractions) {
  std::vector<double> g;
  for (double f : fractions) {
    if (!(f > 0 && f <= 1)) throw Error("latency table: width fraction " + number_text(f) + " must be > 0 and <= 1");
    g.push_back(f);
  }
  g.push_back(1.0);
  std::sort(g.begin(), g.end());
  g.erase(std::unique(g.begin(), g.end()), g.end());
  return g;
}

std::vector<int64_t> axis_points(int64_t channels, const std::vector<double>& fractions, bool varies) {
  if (!varies) return {channels};
  std::set<int64_t> points;
  for (double f : fractions)
    points.insert(std::clamp<int64_t>(std::llround(f * static_cast<double>(channels)), 1, channels));
  points.insert(channels);
  return {points.begin(), points.end()};
}

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// One warm-up call, then the fastest of at least min_runs calls (of the
// warm-up and one more when the warm-up took over coarse_ms) and at least
// min_point_ms in all (at most max_runs): interruptions (another process, a
// worker thread descheduled at a barrier) only ever add time, and a median of
// a few consecutive calls does not escape one that lasts a scheduler slice.
double time_call(const std::function<void()>& call, const LatencyTableOptions& o) {
  const auto first = Clock::now();
  call();
  const double warm_up = ms_since(first);
  // A call slower than coarse_ms is long enough to time well: the warm-up
  // counts (oneDNN's set-up is small beside it) and one more call.
  const bool slow = warm_up > o.coarse_ms;
  const int least = slow ? 1 : o.min_runs;
  std::vector<double> times;
  double total = 0;
  const int most = std::max(o.max_runs, least);
  while (static_cast<int>(times.size()) < least ||
         (total < o.min_point_ms && static_cast<int>(times.size()) < most)) {
    const auto start = Clock::now();
    call();
    times.push_back(ms_since(start));
    total += times.back();
  }
  const double fastest = *std::min_element(times.begin(), times.end());
  return slow ? std::min(fastest, warm_up) : fastest;
}

// Points of an entry whose time looks like an interruption rather than the
// conv: slower than a point at least as wide on both axes, or slower than a
// narrower point on the same axis scaled up by the width (with 25% and 5 us
// to spare). They are measured again (the fastest time kept).
std::vector<size_t> implausible_points(const LatencyEntry& e) {
  const size_t cols = e.out_points.size();
  const size_t rows = e.depthwise ? 1 : e.in_points.size();
  auto ms = [&](size_t r, size_t c) { return e.ms[r * cols + c]; };
  auto too_slow = [](double t, double reference) { return t > 1.25 * reference + 0.005; };
  std::vector<size_t> out;
  for (size_t r = 0; r < rows; ++r)
    for (size_t c = 0; c < cols; ++c) {
      const double t = ms(r, c);
      bool bad = false;
      for (size_t r2 = r; r2 < rows && !bad; ++r2)
        for (size_t c2 = c; c2 < cols && !bad; ++c2)
          if ((r2 != r || c2 != c) && too_slow(t, ms(r2, c2))) bad = true;
      for (size_t c2 = 0; c2 < c && !bad; ++c2)
        bad = too_slow(t, ms(r, c2) * static_cast<double>(e.out_points[c]) / static_cast<double>(e.out_points[c2]));
      for (size_t r2 = 0; r2 < r && !bad; ++r2)
        bad = too_slow(t, ms(r2, c) * static_cast<double>(e.in_points[r]) / static_cast<double>(e.in_points[r2]));
      if (bad) out.push_back(r * cols + c);
    }
  return out;
}

class ThreadScope {
 public:
  explicit ThreadScope(int n) : previous_(current_threads()) { set_threads(n); }
  ~ThreadScope() { set_threads(previous_); }

 private:
  int previous_;
};

}  // namespace

const char* latency_table_format() { return kFormat; }

double LatencyEntry::full_ms() const { return ms.empty() ? 0.0 : ms.back(); }

const LatencyEntry* LatencyTable::find(const std::string& node) const {
  for (const auto& e : entries)
    if (e.node == node) return &e;
  return nullptr;
}

double LatencyTable::full_width_ms() const {
  double sum = 0;
  for (const auto& e : entries) sum += e.full_ms();
  return sum + rest_ms;
}

std::string default_latency_cache_dir() {
  if (const char* dir = std::getenv("WHITTLE_LATENCY_CACHE"); dir && *dir) return dir;
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg)
    return (fs::path(xdg) / "whittle" / "latency").string();
  const char* home = std::getenv("HOME");
  return (fs::path(home && *home ? home : ".") / ".cache" / "whittle" / "latency").string();
}

std::string cpu_model_name() {
  std::ifstream in("/proc/cpuinfo");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("model name", 0) == 0) {
      const auto colon = line.find(':');
      if (colon == std::string::npos) break;
      const auto start = line.find_first_not_of(' ', colon + 1);
      return start == std::string::npos ? "unknown CPU" : line.substr(start);
    }
  return "unknown CPU";
}

// Which kernels the runner calls: a table measured with others is not reused.
// 2: every channels-last fp32 conv on oneDNN, weights stored channels-last
// (runtime/node_ops.cpp, runner.cpp). 3: each conv on the fastest of oneDNN,
// GEMM and a direct depthwise loop, by timing (runtime/inference_conv.h),
// ReLU/ReLU6 fused into their conv. 4: the rest's fixed part measured.
constexpr int kRunnerKernels = 4;

std::string latency_cache_key(const Graph& graph, const LatencyTableOptions& options, const std::string& cpu) {
  std::ostringstream s;
  s << kFormat << " runner kernels " << kRunnerKernels << '\n'
    << TORCH_VERSION << '\n' << cpu << '\n' << resolved_threads(options.threads) << '\n'
    << timing_environment();
  for (double f : grid(options.fractions)) s << number_text(f) << ' ';
  s << "/ coarse above " << number_text(options.coarse_ms) << " ms:";
  for (double f : grid(options.coarse_fractions)) s << ' ' << number_text(f);
  s << '\n';
  const ShapeMap inputs = batch1_inputs(graph);
  for (const auto& in : graph.inputs) s << "input " << in.name << ' ' << format_shape(inputs.at(in.name)) << '\n';
  for (const auto& n : graph.nodes) {
    s << op_name(n.op) << ' ' << n.name << " (";
    for (const auto& in : n.inputs) s << in << ',';
    s << ") -> " << n.output;
    for (const auto& [key, value] : n.attrs.all()) s << ' ' << key << '=' << format_attr(value);
    for (const auto& [key, tensor] : n.weights) s << ' ' << key << format_shape(tensor);
    s << '\n';
  }
  for (const auto& out : graph.outputs) s << "output " << out << '\n';
  char buf[24];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(fnv1a64(s.str())));
  return buf;
}

std::string latency_cache_path(const Graph& graph, const LatencyTableOptions& options) {
  const std::string dir = options.cache_dir.empty() ? default_latency_cache_dir() : options.cache_dir;
  return (fs::path(dir) / (latency_cache_key(graph, options, cpu_model_name()) + ".json")).string();
}

// The rest's fixed part (rest_fixed_ms): the graph once more with every
// prunable group narrowed to a quarter (kNarrowRatio removed), timed the
// same way; its rest (time minus the table's convs at its widths) against
// its activation bytes gives rest = fixed + per-byte x bytes through the
// two points. Much of the rest is per-op cost (each op's call, its threads'
// wake-up) that pruning does not shrink; scaling it all with the bytes made
// deep cuts look up to ~20 % faster than measured. No prunable group, or a
// narrow graph with as many bytes: the rest stays proportional (fixed 0).
void split_rest(LatencyTable& table, const Graph& graph, const ChannelGroups& groups,
                const LatencyTableOptions& options) {
  constexpr double kNarrowRatio = 0.75;
  table.rest_fixed_ms = 0;
  if (table.rest_ms <= 0 || table.rest_bytes <= 0) return;
  if (std::none_of(groups.groups.begin(), groups.groups.end(), [](const ChannelGroup& g) { return g.prunable; }))
    return;
  ImportanceOptions l1;
  l1.criterion = Criterion::L1;
  const Graph narrow = apply_pruning(graph, groups, plan_uniform(groups, channel_importance(graph, groups, l1), kNarrowRatio));
  const GraphParts parts = graph_parts(table, narrow);
  const double convs = parts.convs_ms;
  const int64_t bytes = parts.rest_bytes;
  if (bytes >= table.rest_bytes) return;
  Runner runner(narrow);
  TensorMap inputs;
  for (const auto& [name, shape] : batch1_inputs(narrow)) inputs[name] = at::randn(shape);
  double graph_ms = std::numeric_limits<double>::infinity();
  for (int pass = 0; pass < 2; ++pass) {
    runner.run(inputs);
    for (int r = 0; r < options.graph_runs; ++r) {
      const auto t0 = Clock::now();
      runner.run(inputs);
      graph_ms = std::min(graph_ms, ms_since(t0));
    }
  }
  const double rest = std::max(0.0, graph_ms - convs);
  const double per_byte = std::max(0.0, (table.rest_ms - rest) / static_cast<double>(table.rest_bytes - bytes));
  table.rest_fixed_ms = std::clamp(table.rest_ms - per_byte * static_cast<double>(table.rest_bytes), 0.0, table.rest_ms);
}

LatencyTable measure_latency_table(const Graph& graph, const LatencyTableOptions& options, Progress* progress) {
  if (options.min_runs < 1) throw Error("latency table: min_runs must be >= 1");
  if (options.graph_runs < 1) throw Error("latency table: graph_runs must be >= 1");
  const auto start = Clock::now();
  const ShapeMap shapes = validate(graph, batch1_inputs(graph));
  const Folding folding = runner_folding(graph);
  const ChannelGroups groups = channel_groups(graph);

  LatencyTable table;
  table.cpu = cpu_model_name();
  table.key = latency_cache_key(graph, options, table.cpu);
  table.torch_version = TORCH_VERSION;
  table.fractions = grid(options.fractions);
  table.coarse_fractions = grid(options.coarse_fractions);
  table.coarse_ms = options.coarse_ms;

  // Which axes of which node a prunable group can narrow.
  std::set<std::string> out_varies, in_varies;
  for (const auto& g : groups.groups) {
    if (!g.prunable) continue;
    for (const auto& m : g.members) {
      const WidthEffect e = width_effect(m);
      if (e.axis == WidthEffect::Out) out_varies.insert(m.node);
      if (e.axis == WidthEffect::In) in_varies.insert(m.node);
    }
  }

  ThreadScope thread_scope(options.threads);
  table.threads = current_threads();
  at::NoGradGuard no_grad;
  std::vector<size_t> timed;  // node index of each entry
  for (size_t i = 0; i < graph.nodes.size(); ++i)
    if (is_timed(graph.nodes[i].op)) timed.push_back(i);

  // The whole graph, as the Runner runs it: fastest of graph_runs, at the
  // start and again at the end (a busy spell rarely covers both).
  Runner runner(graph);
  TensorMap inputs;
  for (const auto& in : graph.inputs) inputs[in.name] = at::randn(shapes.at(in.name));
  table.graph_ms = std::numeric_limits<double>::infinity();
  auto time_graph = [&] {
    runner.run(inputs);
    for (int r = 0; r < options.graph_runs; ++r) {
      const auto t0 = Clock::now();
      runner.run(inputs);
      table.graph_ms = std::min(table.graph_ms, ms_since(t0));
    }
  };
  time_graph();

  // Point p of entry k (row-major by in; depthwise: one row).
  auto measure = [&](size_t k, int64_t in, int64_t out) -> double {
    const Node& n = graph.nodes[timed[k]];
    const LatencyEntry& e = table.entries[k];
    const bool bias = n.op == Op::Conv2d ? folding.conv_bias[timed[k]] : n.has_weight("bias");
    Shape x_shape = e.input_shape;
    x_shape[1] = in;  // conv: channels; linear: features
    at::Tensor x = at::randn(x_shape);
    at::Tensor b = bias ? at::randn({out}) : at::Tensor();
    if (n.op == Op::Linear) {
      at::Tensor w = at::randn({out, in}) * 0.01;
      return time_call([&] { at::linear(x, w, b); }, options);
    }
    x = x.contiguous(at::MemoryFormat::ChannelsLast);
    const int64_t conv_groups = e.depthwise ? out : n.attrs.get_int("groups", 1);
    const at::Tensor& weight = n.weight("weight");
    // Channels-last weights, as the runner stores them.
    at::Tensor w = (at::randn({out, in / conv_groups, weight.size(2), weight.size(3)}) * 0.01)
                       .contiguous(at::MemoryFormat::ChannelsLast);
    const auto stride = n.attrs.get_pair("stride", 1), padding = n.attrs.get_pair("padding", 0),
               dilation = n.attrs.get_pair("dilation", 1);
    // As the Runner runs it: the kernel chosen by timing on this shape first.
    InferenceConv conv(w, b, stride, padding, dilation, conv_groups);
    conv.run(x);
    return time_call([&] { conv.run(x); }, options);
  };
  auto point = [](const LatencyEntry& e, size_t p) {
    const int64_t out = e.out_points[p % e.out_points.size()];
    return std::make_pair(e.depthwise ? out : e.in_points[p / e.out_points.size()], out);
  };

  for (size_t k = 0; k < timed.size(); ++k) {
    const Node& n = graph.nodes[timed[k]];
    if (progress) {
      progress->check_cancelled();
      progress->report(static_cast<double>(k) / static_cast<double>(timed.size() + 1),
                       "layer " + std::to_string(k + 1) + "/" + std::to_string(timed.size()) + " " + n.name);
    }
    LatencyEntry& e = table.entries.emplace_back();
    e.node = n.name;
    e.op = n.op;
    std::tie(e.in_channels, e.out_channels) = widths(n);
    e.depthwise = is_depthwise(n);
    e.input_shape = shapes.at(n.inputs[0]);
    // Full width first: a slow (large) conv times smoothly and gets the
    // coarse grid.
    const double full = measure(k, e.depthwise ? e.out_channels : e.in_channels, e.out_channels);
    const std::vector<double>& fractions = full > options.coarse_ms ? table.coarse_fractions : table.fractions;
    e.out_points = axis_points(e.out_channels, fractions, out_varies.count(n.name) > 0);
    if (!e.depthwise) e.in_points = axis_points(e.in_channels, fractions, in_varies.count(n.name) > 0);
    const size_t count = e.out_points.size() * (e.depthwise ? 1 : e.in_points.size());
    for (size_t p = 0; p + 1 < count; ++p) {
      const auto [in, out] = point(e, p);
      e.ms.push_back(measure(k, in, out));
    }
    e.ms.push_back(full);  // the last point
  }

  // Implausible points again, after every entry: an interruption that spoilt
  // a stretch of points has likely ended by then.
  if (progress) {
    progress->check_cancelled();
    progress->report(static_cast<double>(timed.size()) / static_cast<double>(timed.size() + 1),
                     "implausible points again, the whole graph again");
  }
  for (int round = 0; round < options.retries; ++round) {
    bool any = false;
    for (size_t k = 0; k < table.entries.size(); ++k)
      for (size_t p : implausible_points(table.entries[k])) {
        const auto [in, out] = point(table.entries[k], p);
        double& ms = table.entries[k].ms[p];
        ms = std::min(ms, measure(k, in, out));
        any = true;
      }
    if (!any) break;
  }
  time_graph();

  double convs = 0;
  for (const auto& e : table.entries) convs += e.full_ms();
  table.rest_ms = std::max(0.0, table.graph_ms - convs);
  table.rest_bytes = graph_parts(table, graph).rest_bytes;
  split_rest(table, graph, groups, options);
  table.build_seconds = ms_since(start) / 1000.0;
  table.source = "measured";
  if (progress) progress->report(1.0, "done");
  return table;
}

LatencyTable latency_table(const Graph& graph, const LatencyTableOptions& options, Progress* progress) {
  const std::string path = latency_cache_path(graph, options);
  const std::string key = fs::path(path).stem().string();
  if (options.read_cache && fs::is_regular_file(path)) {
    try {
      LatencyTable t = load_latency_table(path);
      if (t.key == key) {
        t.source = "cache";
        t.cache_path = path;
        return t;
      }
    } catch (const Error&) {
      // a damaged cache file is measured again and replaced
    }
  }
  LatencyTable t = measure_latency_table(graph, options, progress);
  if (options.write_cache) {
    try {
      fs::create_directories(fs::path(path).parent_path());
      save_latency_table(t, path);
      t.cache_path = path;
    } catch (const std::exception& e) {
      t.cache_error = e.what();
    }
  }
  return t;
}

}  // namespace whittle
