#pragma once
// LibTorch starts with one intra-op thread on these machines: every entry
// point calls set_threads explicitly.

namespace whittle {

// Number of hardware threads (at least 1).
int hardware_threads();
// Sets LibTorch's intra-op threads; n <= 0 means hardware_threads().
// Returns the count in effect.
int set_threads(int n);
int current_threads();

}  // namespace whittle
