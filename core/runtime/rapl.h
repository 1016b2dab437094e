#pragma once
// Measured energy from Intel RAPL through Linux powercap
// (/sys/class/powercap/intel-rapl:N/energy_uj: the CPU package's cumulative
// energy counter in microjoules, wrapping at max_energy_range_uj). Virtual
// machines and non-Intel CPUs often do not expose it, and reading it may need
// root since Linux 5.10; then available() is false and why_unavailable() says
// why — callers report the estimate (graph/energy_model.h) alone.
//
// The counter covers the whole package: other processes' work is counted
// too, so measure on a quiet machine over many images.
#include <cstdint>
#include <string>
#include <vector>

namespace whittle {

class RaplMeter {
 public:
  struct Reading {
    std::vector<int64_t> energy_uj;  // one per package domain
  };

  // Scans `root` for package domains (intel-rapl:N, not their subdomains).
  explicit RaplMeter(std::string root = "/sys/class/powercap");

  bool available() const { return !domains_.empty(); }
  const std::string& why_unavailable() const { return why_; }
  std::vector<std::string> domain_names() const;  // "package-0", ...

  // Throws whittle::Error naming the file when a counter cannot be read.
  Reading read() const;
  // Joules from `start` to `end`, summed over the packages, one wrap of each
  // counter allowed for.
  double joules_between(const Reading& start, const Reading& end) const;

 private:
  struct Domain {
    std::string name, energy_file;
    int64_t max_range_uj = 0;
  };
  std::vector<Domain> domains_;
  std::string why_;
};

}  // namespace whittle
