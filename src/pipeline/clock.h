// The pipeline's one clock for CPU-time statistics.
#pragma once

#include <chrono>
#include <cstdint>

namespace glyphstream::pipeline {

using Clock = std::chrono::steady_clock;

inline uint64_t ns_between(Clock::time_point start, Clock::time_point end) {
  return uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(end - start).count());
}

inline uint64_t ns_since(Clock::time_point start) { return ns_between(start, Clock::now()); }

}  // namespace glyphstream::pipeline
