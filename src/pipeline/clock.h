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

// Adds the time from its making to its end to *ns (a scope's time).
class ScopeTimer {
 public:
  explicit ScopeTimer(uint64_t* ns) : ns_(ns) {}
  ~ScopeTimer() { *ns_ += ns_since(start_); }
  ScopeTimer(const ScopeTimer&) = delete;
  ScopeTimer& operator=(const ScopeTimer&) = delete;

 private:
  uint64_t* ns_;
  Clock::time_point start_ = Clock::now();
};

}  // namespace glyphstream::pipeline
