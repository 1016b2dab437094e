#include "runtime/rapl.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>

#include "graph/error.h"

namespace whittle {
namespace {

namespace fs = std::filesystem;

bool read_line(const fs::path& file, std::string& out) {
  std::ifstream in(file);
  return static_cast<bool>(std::getline(in, out));
}

bool read_int(const fs::path& file, int64_t& out) {
  std::string line;
  if (!read_line(file, line)) return false;
  try {
    size_t used = 0;
    out = std::stoll(line, &used);
    return used > 0;
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace

RaplMeter::RaplMeter(std::string root) {
  std::error_code ec;
  if (!fs::is_directory(root, ec)) {
    why_ = root + " does not exist (no powercap/RAPL on this machine, e.g. a virtual machine)";
    return;
  }
  const std::regex package(R"(intel-rapl:\d+)");
  std::vector<fs::path> dirs;
  for (const auto& e : fs::directory_iterator(root, ec))
    if (std::regex_match(e.path().filename().string(), package)) dirs.push_back(e.path());
  std::sort(dirs.begin(), dirs.end());
  if (dirs.empty()) {
    why_ = root + " has no intel-rapl package domain";
    return;
  }
  for (const fs::path& dir : dirs) {
    Domain d;
    if (!read_line(dir / "name", d.name)) d.name = dir.filename().string();
    d.energy_file = (dir / "energy_uj").string();
    int64_t probe = 0;
    if (!read_int(d.energy_file, probe)) {
      domains_.clear();
      why_ = d.energy_file + " is not readable (Linux 5.10+ lets only root read RAPL counters)";
      return;
    }
    if (!read_int(dir / "max_energy_range_uj", d.max_range_uj)) d.max_range_uj = 0;
    domains_.push_back(d);
  }
}

std::vector<std::string> RaplMeter::domain_names() const {
  std::vector<std::string> names;
  for (const Domain& d : domains_) names.push_back(d.name);
  return names;
}

RaplMeter::Reading RaplMeter::read() const {
  Reading r;
  for (const Domain& d : domains_) {
    int64_t v = 0;
    if (!read_int(d.energy_file, v)) throw Error(d.energy_file + ": cannot read the RAPL energy counter");
    r.energy_uj.push_back(v);
  }
  return r;
}

double RaplMeter::joules_between(const Reading& start, const Reading& end) const {
  if (start.energy_uj.size() != domains_.size() || end.energy_uj.size() != domains_.size())
    throw Error("RAPL: readings do not match the meter's " + std::to_string(domains_.size()) + " domains");
  double uj = 0;
  for (size_t i = 0; i < domains_.size(); ++i) {
    int64_t delta = end.energy_uj[i] - start.energy_uj[i];
    if (delta < 0) delta += domains_[i].max_range_uj;  // the counter wrapped once
    uj += static_cast<double>(std::max<int64_t>(delta, 0));
  }
  return uj * 1e-6;
}

}  // namespace whittle
