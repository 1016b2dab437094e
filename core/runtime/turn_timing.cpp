#include "runtime/turn_timing.h"

#include <algorithm>
#include <chrono>

#include "graph/error.h"

namespace whittle {

std::vector<double> median_ms_in_turns(const std::vector<std::function<void()>>& calls, const TurnTiming& timing) {
  if (timing.runs < 1 || timing.block < 1 || timing.warm < 0)
    throw Error("turn timing: runs and block must be at least 1 and warm at least 0");
  const size_t n = calls.size();
  std::vector<std::vector<double>> ms(n);
  for (int round = 0, done = 0; done < timing.runs; ++round, done += timing.block) {
    const int timed = std::min(timing.block, timing.runs - done);
    for (size_t j = 0; j < n; ++j) {
      const size_t k = (static_cast<size_t>(round) + j) % n;
      for (int w = 0; w < timing.warm; ++w) calls[k]();
      for (int t = 0; t < timed; ++t) {
        const auto start = std::chrono::steady_clock::now();
        calls[k]();
        ms[k].push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
      }
    }
  }
  std::vector<double> medians;
  for (auto& v : ms) {
    std::sort(v.begin(), v.end());
    const size_t m = v.size();
    medians.push_back(m % 2 ? v[m / 2] : 0.5 * (v[m / 2 - 1] + v[m / 2]));
  }
  return medians;
}

}  // namespace whittle
