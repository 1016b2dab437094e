#pragma once
// Timing calls against each other (an original model and its pruned plans)
// so that a machine's drift hits all of them alike, without one call paying
// for another's memory traffic: the calls take turns, each turn starting with
// untimed calls that bring that call's weights and buffers back into the
// caches the others evicted, then a block of timed ones.
//
// Why turns rather than call-for-call alternation: alternated, a pruned
// MobileNetV1-SSD (w0.5 at 192, -70 % MACs) ran 1.60-1.70 ms after each run
// of its original and 1.20-1.23 ms on its own, while the original changed by
// -2 to +14 % (BENCHMARKS.md, "Direct oneDNN primitives"): alternation charged
// the small model for the large one's cache footprint. A detector serving a
// stream of images runs like a turn.
#include <functional>
#include <vector>

namespace whittle {

struct TurnTiming {
  int runs = 100;  // timed calls of each
  int block = 10;  // timed calls per turn
  int warm = 2;    // untimed calls at the start of each turn
};

// Median ms of each call, in the order given. Rounds of turns go round the
// calls, the first turn of each round one call later. Throws whittle::Error
// for runs or block < 1 or warm < 0.
std::vector<double> median_ms_in_turns(const std::vector<std::function<void()>>& calls,
                                       const TurnTiming& timing = {});

}  // namespace whittle
