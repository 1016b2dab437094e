#include "runtime/process_setup.h"

#include <malloc.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

namespace whittle {

void configure_onednn() {
  if (!std::getenv("ONEDNN_MAX_CPU_ISA") && !std::getenv("DNNL_MAX_CPU_ISA"))
    setenv("ONEDNN_MAX_CPU_ISA", "AVX512_CORE_VNNI", 1);
  if (!std::getenv("ONEDNN_PRIMITIVE_CACHE_CAPACITY") && !std::getenv("DNNL_PRIMITIVE_CACHE_CAPACITY"))
    setenv("ONEDNN_PRIMITIVE_CACHE_CAPACITY", "4096", 1);
}

void configure_process(char** argv) {
  configure_onednn();
  if (!std::getenv("OMP_WAIT_POLICY")) {
    setenv("OMP_WAIT_POLICY", "PASSIVE", 1);
    // A short spin before sleeping: threads stay awake across the microsecond
    // gaps between a network's ops but not for long after (libgomp's default
    // is 300000; PASSIVE alone is 0).
    if (!std::getenv("GOMP_SPINCOUNT")) setenv("GOMP_SPINCOUNT", "30000", 1);
    setenv("WHITTLE_SET_WAIT_POLICY", "1", 1);
    execv("/proc/self/exe", argv);
    std::perror("whittle: re-exec with OMP_WAIT_POLICY=PASSIVE failed; continuing");
    unsetenv("WHITTLE_SET_WAIT_POLICY");
  }
  mallopt(M_MMAP_THRESHOLD, 32 << 20);  // the largest threshold glibc accepts
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  mallopt(M_TOP_PAD, 64 << 20);
}

bool wait_policy_set_by_whittle() { return std::getenv("WHITTLE_SET_WAIT_POLICY") != nullptr; }

std::string timing_environment() {
  std::string s;
  for (const char* name : {"OMP_WAIT_POLICY", "GOMP_SPINCOUNT", "ONEDNN_MAX_CPU_ISA", "DNNL_MAX_CPU_ISA",
                           "WHITTLE_CONV_KERNELS"}) {
    const char* v = std::getenv(name);
    s += v ? std::string(name) + "=" + v + "\n" : std::string(name) + " unset\n";
  }
  return s;
}

}  // namespace whittle
