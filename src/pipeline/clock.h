// The pipeline's one clock for CPU-time statistics.
#pragma once

#include <chrono>
#include <cstdint>

namespace glyphstream::pipeline {

using Clock = std::chrono::steady_clock;

inline uint64_t ns_since(Clock::time_point start) {
  return uint64_t(
      std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start).count());
}

}  // namespace glyphstream::pipeline
