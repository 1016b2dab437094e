#pragma once
// What the bench programs share (bench_ssd, bench_prune_latency,
// bench_runner_latency): their command-line reading, the zoo SSDs they time,
// interleaved timing and its statistics, and the machine lines of their
// reports. Header-only: every bench/bench_<name>.cpp is its own program.
#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <dlfcn.h>
#include <torch/version.h>

#include <opencv2/core.hpp>
#include <opencv2/core/utility.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "graph/graph.h"
#include "models/detector.h"
#include "models/ssd/ssd_zoo.h"
#include "runtime/process_setup.h"
#include "runtime/threading.h"

namespace whittle::bench {

using Clock = std::chrono::steady_clock;

// ---------------------------------------------------------- arguments ----

// "a,b,,c" -> {"a", "b", "c"}
inline std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  for (std::string t; std::getline(ss, t, ',');)
    if (!t.empty()) out.push_back(t);
  return out;
}

// Walks argv's "--flag [value]" arguments. A missing or bad value ends the
// program (status 2) with "<argv0>: <why>" and "usage: <argv0> <synopsis>"
// on stderr.
class ArgReader {
 public:
  ArgReader(int argc, char** argv, std::string synopsis) : argc_(argc), argv_(argv), synopsis_(std::move(synopsis)) {}

  // To the next argument; false after the last.
  bool next() {
    if (++i_ >= argc_) return false;
    flag_ = argv_[i_];
    return true;
  }
  const std::string& flag() const { return flag_; }

  [[noreturn]] void fail(const std::string& why) const {
    std::cerr << argv_[0] << ": " << why << "\nusage: " << argv_[0] << " " << synopsis_ << "\n";
    std::exit(2);
  }
  // An argument the program does not take ("help" for -h and --help).
  [[noreturn]] void reject() const { fail(flag_ == "-h" || flag_ == "--help" ? "help" : "unknown argument " + flag_); }
  // The argument after the flag.
  std::string value() {
    if (i_ + 1 >= argc_) fail(flag_ + " needs a value");
    return argv_[++i_];
  }
  // The value as a whole number >= min.
  int int_value(int min) {
    const int n = std::atoi(value().c_str());
    if (n < min) fail(flag_ + " must be >= " + std::to_string(min));
    return n;
  }
  // A comma list of thread counts, each >= 1.
  std::vector<int> thread_counts() {
    std::vector<int> counts;
    for (const auto& t : split_list(value())) counts.push_back(std::atoi(t.c_str()));
    if (counts.empty()) fail(flag_ + " takes a list of positive counts");
    for (int t : counts)
      if (t < 1) fail(flag_ + " takes a list of positive counts");
    return counts;
  }
  // A comma list of keys of `known` (anything with a .key).
  template <typename Spec>
  std::vector<std::string> keys(const std::vector<Spec>& known) {
    std::vector<std::string> picked = split_list(value());
    for (const auto& k : picked)
      if (std::none_of(known.begin(), known.end(), [&](const Spec& s) { return s.key == k; }))
        fail("unknown model " + k);
    return picked;
  }

 private:
  int argc_;
  char** argv_;
  std::string synopsis_;
  int i_ = 0;
  std::string flag_;
};

// ------------------------------------------------------------- models ----

// " a b c": the keys of `specs` (anything with a .key), for a usage line.
template <typename Spec>
std::string key_list(const std::vector<Spec>& specs) {
  std::string s;
  for (const auto& spec : specs) s += " " + spec.key;
  return s;
}

// A zoo SSD at a size, 20 classes.
struct SsdSpec {
  std::string key;    // --models name
  std::string label;  // report row
  std::string zoo;
  double width = 1.0;
  int64_t size = 0;
  int first_stride = 0;
  double min_scale = 0, max_scale = 0;
  int runs = 30;  // default timed runs
};

inline Detector build_ssd(const SsdSpec& s) {
  SsdOptions o;
  o.num_classes = 20;
  o.width = s.width;
  o.input_size = s.size;
  o.first_stride = s.first_stride;
  o.min_scale = s.min_scale;
  o.max_scale = s.max_scale;
  return build_detector_zoo(s.zoo, o);
}

// The specs whose keys are in `keys` (empty: all), in the order of `all`.
template <typename Spec>
std::vector<Spec> selected(const std::vector<Spec>& all, const std::vector<std::string>& keys) {
  std::vector<Spec> out;
  for (const auto& s : all)
    if (keys.empty() || std::find(keys.begin(), keys.end(), s.key) != keys.end()) out.push_back(s);
  return out;
}

// The zoo builds identity BatchNorms (gamma 1, beta 0, mean 0, var 1). Seeded
// non-trivial statistics make an output check also cover BN folding; timing
// is unaffected.
inline void randomize_batch_norm(Graph& g) {
  at::manual_seed(7);
  for (auto& n : g.nodes)
    if (n.op == Op::BatchNorm2d) {
      int64_t c = n.weight("weight").size(0);
      n.weights["weight"] = at::rand({c}) * 0.5 + 0.75;
      n.weights["bias"] = at::randn({c}) * 0.1;
      n.weights["running_mean"] = at::randn({c}) * 0.1;
      n.weights["running_var"] = at::rand({c}) * 0.5 + 0.75;
    }
}

// ------------------------------------------------------------- timing ----

inline double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

inline double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// 0 for no values.
inline double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

struct TimeStats {
  double median = 0, min = 0, max = 0;
};
inline TimeStats time_stats(const std::vector<double>& ms) {
  if (ms.empty()) return {};
  return {median(ms), *std::min_element(ms.begin(), ms.end()), *std::max_element(ms.begin(), ms.end())};
}

// Implementations timed against each other, interleaved so that drift hits
// all of them alike. Call: anything with run() and a std::vector<double> ms.
// `rounds` untimed rounds, every call once, in order.
template <typename Call>
void warm_up(std::vector<Call>& calls, int rounds) {
  for (int i = 0; i < rounds; ++i)
    for (auto& c : calls) c.run();
}
// `runs` timed rounds, every call once, round-robin, each round starting one
// call later; each call's ms get one time per round.
template <typename Call>
void time_round_robin(std::vector<Call>& calls, int runs) {
  const size_t n = calls.size();
  for (int i = 0; i < runs; ++i)
    for (size_t j = 0; j < n; ++j) {
      Call& c = calls[(static_cast<size_t>(i) + j) % n];
      const auto t0 = Clock::now();
      c.run();
      c.ms.push_back(ms_since(t0));
    }
}

// ------------------------------------------------------------ machine ----

inline std::string now_string() {
  std::time_t t = std::time(nullptr);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S %Z", std::localtime(&t));
  return buf;
}

inline std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  return "unknown CPU";
}

inline std::string cpu_flags() {
  std::ifstream in("/proc/cpuinfo");
  std::string out;
  for (std::string line; std::getline(in, line);)
    if (line.rfind("flags", 0) == 0) {
      std::istringstream words(line.substr(line.find(':') + 1));
      std::vector<std::string> flags{std::istream_iterator<std::string>(words), {}};
      for (const char* f : {"avx2", "avx512f", "avx512_vnni", "amx_tile"})
        if (std::find(flags.begin(), flags.end(), f) != flags.end())
          out += (out.empty() ? "" : ", ") + std::string(f);
      break;
    }
  return out.empty() ? "no avx2/avx512" : out;
}

// "TBB (ver ...)" from OpenCV's build information.
inline std::string cv_parallel_framework() {
  std::istringstream info(cv::getBuildInformation());
  for (std::string line; std::getline(info, line);)
    if (auto at = line.find("Parallel framework:"); at != std::string::npos) {
      std::string v = line.substr(at + 19);
      return v.substr(v.find_first_not_of(' '));
    }
  return "unknown";
}

inline std::string blas_name() {
  using BlasConfig = char* (*)();
  auto config = reinterpret_cast<BlasConfig>(dlsym(RTLD_DEFAULT, "openblas_get_config"));
  return config ? std::string(config()) : "reference BLAS (no OpenBLAS symbols)";
}

// LibTorch's intra-op (OpenMP) threads, OpenCV's parallel framework and
// OpenBLAS (Debian's libblas.so.3 alternative, used by LibTorch's Linear and
// 1x1 convs that take the im2col path; it has its own pool, absent with the
// reference BLAS), all at n.
inline void set_all_threads(int n) {
  using SetBlasThreads = void (*)(int);
  set_threads(n);
  cv::setNumThreads(n);
  if (auto f = reinterpret_cast<SetBlasThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))) f(n);
}

// The report's machine lines: date, CPU, LibTorch and BLAS, OpenCV,
// OMP_WAIT_POLICY.
inline void print_machine_report(const std::string& started) {
  std::printf("- date: %s (finished %s)\n", started.c_str(), now_string().c_str());
  std::printf("- machine: %s, %d hardware threads (%s)\n", cpu_model().c_str(), hardware_threads(),
              cpu_flags().c_str());
  std::printf("- LibTorch %s (%s); %s\n", TORCH_VERSION,
              at::get_parallel_info().find("OpenMP") != std::string::npos ? "OpenMP" : "native threads",
              blas_name().c_str());
  std::printf("- OpenCV %s, parallel framework %s\n", CV_VERSION, cv_parallel_framework().c_str());
  const char* policy = std::getenv("OMP_WAIT_POLICY");
  std::printf("- OMP_WAIT_POLICY=%s%s\n", policy ? policy : "(unset)",
              wait_policy_set_by_whittle() ? " (set by whittle::configure_process)" : " (from the environment)");
}

}  // namespace whittle::bench
