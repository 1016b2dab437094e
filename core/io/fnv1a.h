#pragma once
// FNV-1a, 64 bit: a fast, stable hash of bytes (not cryptographic). The
// training sidecar ties itself to its model file with it; the latency cache
// keys its tables with it.
#include <cstdint>
#include <string>

namespace whittle {

uint64_t fnv1a64(const std::string& bytes);

}  // namespace whittle
