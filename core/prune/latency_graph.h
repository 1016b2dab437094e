#pragma once
// How the latency table sees a graph (latency_table.cpp builds tables,
// latency_estimate.cpp prices graphs with them): which nodes are timed and
// at what widths, what the Runner's BatchNorm folding leaves, which nodes
// make up the "rest" and its bytes. Internal to core/prune.
#include <cstdint>
#include <utility>
#include <vector>

#include "graph/graph.h"
#include "graph/shape_inference.h"
#include "prune/latency_table.h"

namespace whittle::latency_graph {

// The graph's inputs at batch 1.
ShapeMap batch1_inputs(const Graph& graph);

// What the Runner's fold_batch_norm does to the graph, by node index:
// BatchNorms folded into the conv before them, and convs that gain a bias.
struct Folding {
  std::vector<bool> folded_bn;
  std::vector<bool> conv_bias;
};
Folding runner_folding(const Graph& graph);

// Conv2d and Linear: the nodes a table times.
bool is_timed(Op op);
bool is_depthwise(const Node& n);
// The table's entry for a Conv2d/Linear node of its graph (or a pruned
// version of it); throws naming the node when the table has none.
const LatencyEntry& table_entry(const LatencyTable& table, const Node& n);
// (in, out) of a Conv2d or Linear node at its current width.
std::pair<int64_t, int64_t> widths(const Node& n);
// Whether node i is part of the "rest": neither Conv2d/Linear nor a
// BatchNorm the Runner folds. Its fp32 output bytes are what the rest
// scales with.
bool is_rest(const Graph& graph, const Folding& folding, size_t i);

// The rest's time at `bytes` of rest activations: the fixed part plus the
// rest in proportion to the bytes.
double scaled_rest(const LatencyTable& table, int64_t bytes);

// The table's convs at `graph`'s widths (throws for a conv wider than the
// table's), and the activation bytes of its rest.
struct GraphParts {
  double convs_ms = 0;
  int64_t rest_bytes = 0;
};
GraphParts graph_parts(const LatencyTable& table, const Graph& graph);

}  // namespace whittle::latency_graph
