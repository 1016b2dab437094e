#pragma once
// A stable text form of a graph, one line per node, for golden tests and
// debugging:  conv1 = Conv(input) groups=1 ... {bias[8] weight[8,3,3,3]} -> [1,8,32,32]
#include <string>

#include "graph/graph.h"

namespace whittle {

// Shapes are printed when inference succeeds; weights are listed with their
// shapes, never their values.
std::string dump_graph(const Graph& graph);

}  // namespace whittle
