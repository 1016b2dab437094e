#pragma once
// Latency measured on this machine: a lookup table of each Conv2d's and
// Linear's batch-1 time at a grid of kept widths, built once per model,
// thread count and CPU and cached, so that a plan can show its measured time
// beside its MACs and a planner can aim at latency (latency_planner.h).
//
// What is measured (at `threads` LibTorch threads, as the fp32 Runner runs in
// inference mode: BatchNorm folded, so every conv that a BN follows has a
// bias; activations channels-last):
// - each Conv2d/Linear alone, the same ATen call the Runner makes, on a
//   random input of the node's batch-1 shape, at every pair (in, out) of its
//   grid: out = round(f * out channels) for each grid fraction f when a
//   prunable group owns its filters (else the full width only), in likewise
//   when a prunable group feeds its input (Linear: in features); a depthwise
//   conv has one axis (in = out = groups). A node whose full-width call takes
//   over `coarse_ms` (a large conv, smooth in its width) uses the coarser
//   `coarse_fractions`.
//   Each point: one warm-up call (oneDNN builds its primitive), then the
//   fastest of at least `min_runs` calls and `min_point_ms` in all (a point
//   slower than `coarse_ms`: the faster of the warm-up and one more call).
//   The fastest, because interruptions only add time. Then every point that
//   is slower than a wider one, or than a narrower one scaled up by the
//   width (25% to spare), is measured again, up to `retries` rounds, after
//   all the others (an interruption that spoilt a stretch of points has
//   likely ended by then). A busy machine still makes a poor table: build it
//   on a quiet one.
// - the whole graph with the Runner: the fastest of `graph_runs` runs before
//   the convs and as many after. rest_ms, the time of everything that is not
//   a conv/linear (activations, pools, concat, L2Norm, memory traffic, the
//   runner's own bookkeeping), is that minus the convs' full-width times (at
//   least 0).
//
// Estimate of a graph (the table's own, or a pruned version of it whose
// convs keep their names with fewer channels): the sum over its Conv2d and
// Linear nodes of the table interpolated bilinearly at their widths (below
// the smallest measured width the smallest point's time: a conv does not get
// faster than its fixed cost), plus the rest: rest_fixed_ms, and the other
// rest_ms - rest_fixed_ms scaled by the activation bytes of the other nodes
// (BatchNorms the Runner folds excluded) over the original's.
//
// Cache: one JSON file per table, <cache dir>/<key>.json, key = a hash of the
// graph's structure (node names, ops, attributes, inputs and outputs, weight
// shapes, not values; batch 1), the thread count, the CPU model, the
// LibTorch version and the grid. Written atomically.
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "graph/graph.h"
#include "prune/channel_groups.h"

namespace whittle {

class Progress;

struct LatencyEntry {
  std::string node;
  Op op = Op::Conv2d;            // Conv2d or Linear
  int64_t in_channels = 0;       // full width: conv input channels (Linear: in features)
  int64_t out_channels = 0;      // full width: filters (Linear: out features)
  bool depthwise = false;        // in == out == groups: one axis (out_points)
  Shape input_shape;             // the batch-1 input at full width (informative)
  std::vector<int64_t> in_points;   // ascending; empty when depthwise
  std::vector<int64_t> out_points;  // ascending
  // ms[i * out_points.size() + j]: time at (in_points[i], out_points[j]);
  // depthwise: ms[j] at out_points[j].
  std::vector<double> ms;

  double full_ms() const;  // at (in_channels, out_channels): the last point
};

struct LatencyTable {
  std::string key;            // latency_cache_key of the graph and options
  std::string cpu;            // cpu_model_name() of the machine it was measured on
  int threads = 0;
  std::string torch_version;
  std::vector<double> fractions;         // the grid
  std::vector<double> coarse_fractions;  // the grid of nodes slower than coarse_ms
  double coarse_ms = 0;
  std::vector<LatencyEntry> entries;  // graph order
  double graph_ms = 0;     // the whole graph with the Runner (fastest run)
  double rest_ms = 0;      // max(0, graph_ms - sum of full_ms())
  // The part of rest_ms that does not shrink with the activations (per-op
  // costs), from a second graph with every prunable group at a quarter of
  // its channels; 0 in tables written before it was measured.
  double rest_fixed_ms = 0;
  int64_t rest_bytes = 0;  // fp32 output bytes of the other nodes (what rest_ms scales with)
  double build_seconds = 0;
  // Not stored: "measured" or "cache"; the cache file read or written ("" :
  // none); why the cache could not be written ("" : it was, or not asked).
  std::string source;
  std::string cache_path;
  std::string cache_error;

  // The entry for `node`, or nullptr.
  const LatencyEntry* find(const std::string& node) const;
  // Sum of every entry at full width + rest_ms: the estimate of the graph
  // the table was built for.
  double full_width_ms() const;
};

struct LatencyTableOptions {
  int threads = 2;  // LibTorch threads while measuring (restored afterwards)
  // Kept-width fractions of each prunable axis (1 is always added); nodes
  // whose full width takes over coarse_ms use coarse_fractions.
  std::vector<double> fractions = {0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 0.875, 1.0};
  std::vector<double> coarse_fractions = {0.125, 0.25, 0.5, 0.75, 1.0};
  double coarse_ms = 20;
  int min_runs = 3;           // timed calls per point, at least
  double min_point_ms = 1.0;  // and at least this long in all (small convs repeat more)
  int max_runs = 50;
  int retries = 3;            // rounds of measuring implausible points again
  int graph_runs = 3;         // timed whole-graph runs before the convs and after (one warm-up each)
  std::string cache_dir;      // "" : default_latency_cache_dir()
  bool read_cache = true;     // false: measure even when a cached table exists
  bool write_cache = true;
};

// $WHITTLE_LATENCY_CACHE, else $XDG_CACHE_HOME/whittle/latency, else
// $HOME/.cache/whittle/latency.
std::string default_latency_cache_dir();
// "model name" of /proc/cpuinfo ("unknown CPU" when absent).
std::string cpu_model_name();
// Hex hash of the graph's structure, the thread count, the CPU, the LibTorch
// version, the grid (see the top of this file) and the timing environment
// (runtime/process_setup.h: OpenMP wait policy and spin, oneDNN ISA cap,
// allowed conv kernels).
std::string latency_cache_key(const Graph& graph, const LatencyTableOptions& options,
                              const std::string& cpu);
// <cache dir>/<key>.json
std::string latency_cache_path(const Graph& graph, const LatencyTableOptions& options);

// Measures a new table (no cache). Progress: one report per entry; cancel
// stops at the next entry (Cancelled).
LatencyTable measure_latency_table(const Graph& graph, const LatencyTableOptions& options = {},
                                   Progress* progress = nullptr);
// The cached table when there is one for this graph, threads, CPU and grid
// (and read_cache), else measure_latency_table and, with write_cache, store it
// (a failed write is noted in cache_error, not thrown).
LatencyTable latency_table(const Graph& graph, const LatencyTableOptions& options = {},
                           Progress* progress = nullptr);

// "whittle.latency/1": the tag of the table's JSON (and of its cache key).
const char* latency_table_format();
std::string latency_table_to_json(const LatencyTable& table);
// Throws whittle::Error naming `source` on malformed JSON or an inconsistent
// table (point and time counts that do not match).
LatencyTable latency_table_from_json(const std::string& text, const std::string& source = "latency table");
void save_latency_table(const LatencyTable& table, const std::string& path);  // atomic
LatencyTable load_latency_table(const std::string& path);

// The entry's time at (in, out) channels, bilinear between grid points,
// clamped to the grid's ends (an axis with one point is constant).
// Depthwise entries read `out` only.
double interpolate_ms(const LatencyEntry& entry, int64_t in, int64_t out);

// Estimate of `graph`: the table's graph or a pruned version of it. Throws
// whittle::Error naming the node when a Conv2d/Linear is missing from the
// table or wider than the table's full width.
double estimate_latency_ms(const LatencyTable& table, const Graph& graph);

// The estimate as a function of the channels each group loses, without
// surgery (planners): `graph` and `groups` are the table's graph and its
// channel groups; removed[g] counts group g's removed channels (indexed like
// groups.groups). reset() and update() return the estimate in ms.
// The table must outlive the model.
class LatencyModel {
 public:
  LatencyModel(const LatencyTable& table, const Graph& graph, const ChannelGroups& groups);
  double reset(const std::vector<int64_t>& removed);
  // After removed[group] changed: updates the nodes the group touches.
  double update(const std::vector<int64_t>& removed, int group);

 private:
  // A term: (group index, node channels per group channel).
  using Terms = std::vector<std::pair<int, int64_t>>;
  struct ConvTerm {
    const LatencyEntry* entry = nullptr;
    Terms in_terms, out_terms;
  };
  struct RestTerm {  // a node that is neither conv nor linear (nor a folded BN)
    int64_t bytes = 0, slots = 0;  // at full width; bytes scale with the kept slots
    Terms terms;
  };
  double total() const;
  double conv_ms(size_t i, const std::vector<int64_t>& removed) const;
  int64_t rest_bytes(size_t i, const std::vector<int64_t>& removed) const;

  const LatencyTable* table_;
  std::vector<ConvTerm> convs_;
  std::vector<RestTerm> rests_;
  std::vector<std::vector<size_t>> group_convs_, group_rests_;
  std::vector<double> conv_cache_;
  std::vector<int64_t> rest_cache_;
  double conv_total_ = 0;
  int64_t rest_total_ = 0;
};

// The estimate of the table's graph with `kept` channels per group (group
// name -> kept count; absent groups keep every channel), through
// LatencyModel, without surgery. Throws whittle::Error naming a group that
// is unknown, not prunable (with fewer channels) or kept outside 1..channels.
double estimate_latency_ms(const LatencyTable& table, const Graph& graph, const ChannelGroups& groups,
                           const std::map<std::string, int64_t>& kept);

}  // namespace whittle
