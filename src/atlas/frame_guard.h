// Frame tags: which frame is being built, which have finished on the GPU, and therefore what
// may be reused. A region is safe to reuse only if its newest tag is <= the completed frame and
// is not the current frame: nothing a frame in flight may sample is ever overwritten. Also the
// per-frame eviction allowance and the spans freed while their frame was still in flight.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "atlas/shelf_packer.h"

namespace glyphstream::atlas {

class FrameGuard {
 public:
  explicit FrameGuard(size_t max_evicted_bytes_per_frame)
      : max_evicted_bytes_(max_evicted_bytes_per_frame) {}

  // Returns false (and changes nothing) unless frame is newer than the current one.
  bool begin_frame(uint64_t frame);
  // Returns false (and changes nothing) unless the completed frame advanced.
  bool set_completed_frame(uint64_t frame);
  uint64_t current() const { return current_; }
  bool safe(uint64_t tag) const { return any_completed_ && tag <= completed_ && tag != current_; }

  // Eviction allowance: `bytes` more may go this frame. At least one shelf per frame always
  // goes, so that a shelf larger than the limit cannot make the atlas full forever.
  bool may_evict(size_t bytes) const {
    return lifted_ || evicted_bytes_ == 0 || evicted_bytes_ + bytes <= max_evicted_bytes_;
  }
  // The same test, without the one-shelf exception, for emptying a whole page.
  bool within_limit(size_t bytes) const { return evicted_bytes_ + bytes <= max_evicted_bytes_; }
  void count_evicted(size_t bytes) { evicted_bytes_ += bytes; }
  void lift_limit() { lifted_ = true; }  // until the next begin_frame()

  // A span freed while a frame that may sample it is in flight: reusable once the current
  // frame is safe.
  void defer(const HeldSpan& span) { deferred_.push_back({span, current_}); }
  // Hands every deferred span that has become safe to `release`, oldest first.
  template <typename F>
  void release_safe(F&& release) {
    while (head_ < deferred_.size() && safe(deferred_[head_].frame))
      release(deferred_[head_++].span);
    compact();
  }
  template <typename F>
  void for_each_deferred(F&& each) const {
    for (size_t i = head_; i < deferred_.size(); ++i) each(deferred_[i].span);
  }

 private:
  struct Deferred {
    HeldSpan span;
    uint64_t frame = 0;
  };
  void compact();

  size_t max_evicted_bytes_;
  uint64_t current_ = 0;
  uint64_t completed_ = 0;
  bool any_completed_ = false;
  bool began_ = false;
  size_t evicted_bytes_ = 0;
  bool lifted_ = false;
  std::vector<Deferred> deferred_;  // FIFO by frame (frames only increase)
  size_t head_ = 0;
};

}  // namespace glyphstream::atlas
