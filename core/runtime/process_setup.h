#pragma once
#include <string>
// Process-wide settings every Whittle program makes first thing in main().

namespace whittle {

// 1. libgomp (LibTorch's OpenMP) reads OMP_WAIT_POLICY once, when it is
//    loaded, so unless the caller chose a policy the program re-executes
//    itself with OMP_WAIT_POLICY=PASSIVE (measured on 2 cores: with libgomp's
//    spin-then-sleep default, OpenMP, OpenCV's TBB and OpenBLAS threads starve
//    each other; MobileNetV2 medians of 42-54 ms against minima of 9-14 ms).
//    An empty value keeps libgomp's default. With the policy it sets
//    GOMP_SPINCOUNT=30000 (unless set): a short spin before sleeping. PASSIVE
//    alone (spin 0) wakes the second thread from sleep for every op, so
//    MobileNet-SSDs ran no faster on 2 threads than on 1; with the short spin
//    2 threads run them 1.5x faster and train SSDLite 1.4x faster
//    (BENCHMARKS.md, "OpenMP spin"). On success this does not return to the
//    first image; WHITTLE_SET_WAIT_POLICY=1 tells the new one.
// 2. Keeps freed memory in the process (mallopt): glibc handing large conv
//    buffers back to the OS made conv timings swing 5-28 ms.
// 3. configure_onednn().
void configure_process(char** argv);

// Settings of oneDNN, each unless the caller set it:
// - caps it at AVX-512 VNNI (ONEDNN_MAX_CPU_ISA): the AMX int8 kernels of
//   the oneDNN inside Debian's LibTorch 1.13 (jit_1x1:avx512_core_amx_int8)
//   corrupted the heap here on small 1x1 convs of an int8 SSDLite
//   ("corrupted size vs. prev_size"; clean with the cap, and under valgrind,
//   which hides AMX);
// - keeps 4,096 conv primitives (ONEDNN_PRIMITIVE_CACHE_CAPACITY, default
//   1,024): every fp32 conv of the runner is a oneDNN primitive, and a few
//   100-conv models side by side (a comparison, a benchmark round-robin of
//   13 pruned SSDLites) overflowed the default, re-creating (JIT-compiling)
//   primitives on every run: SSDLite w1 ran 47 ms instead of ~15 ms.
// oneDNN reads both variables once, at its first use: call this before any
// LibTorch op (configure_process and the test mains do).
void configure_onednn();

// Whether configure_process set OMP_WAIT_POLICY (rather than the caller).
bool wait_policy_set_by_whittle();

// The environment variables that change how fast inference runs, as
// "NAME=value" lines in a fixed order (unset ones as "NAME unset"): the
// OpenMP wait policy and spin count, oneDNN's ISA cap and the conv kernels
// tuning may choose (WHITTLE_CONV_KERNELS). A latency table measured under
// one set is not reused under another: with OMP_WAIT_POLICY=PASSIVE set by
// the caller (spin 0) a small MobileNet-SSD ran 3.8 ms where the default
// short spin runs it in 2.3 ms.
std::string timing_environment();

}  // namespace whittle
