#pragma once
// The latency table a command plans or reports with (prune, sensitivity):
// from the cache, or measured with a progress bar and cached, at the
// current thread count; one line on `log` says which.
#include <ostream>
#include <string>

#include "graph/graph.h"
#include "prune/latency_table.h"

namespace whittle::cli {

// cache_dir "" : the default (default_latency_cache_dir()).
LatencyTable read_latency_table(const Graph& graph, const std::string& cache_dir, std::ostream& log);

}  // namespace whittle::cli
