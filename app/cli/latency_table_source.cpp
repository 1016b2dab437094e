#include "cli/latency_table_source.h"

#include "cli/format.h"
#include "cli/progress_bar.h"
#include "runtime/threading.h"

namespace whittle::cli {

LatencyTable read_latency_table(const Graph& graph, const std::string& cache_dir, std::ostream& log) {
  LatencyTableOptions options;
  options.threads = current_threads();
  options.cache_dir = cache_dir;
  ProgressBar bar("latency table", log);
  LatencyTable table = latency_table(graph, options, &bar);
  bar.clear();
  if (table.source == "cache") {
    log << "latency table: " << table.cache_path << " (" << table.threads << " threads)\n";
  } else {
    log << "latency table: measured " << table.entries.size() << " conv/linear layers in "
        << fixed(table.build_seconds, 1) << " s at " << table.threads << " threads"
        << (table.cache_path.empty() ? " (not cached: " + table.cache_error + ")" : ", cached in " + table.cache_path)
        << '\n';
  }
  return table;
}

}  // namespace whittle::cli
