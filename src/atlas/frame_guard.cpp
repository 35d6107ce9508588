#include "atlas/frame_guard.h"

#include <algorithm>

namespace glyphstream::atlas {

bool FrameGuard::begin_frame(uint64_t frame) {
  if (began_ && frame <= current_) return false;  // frames must increase
  began_ = true;
  current_ = frame;
  evicted_bytes_ = 0;
  lifted_ = false;
  return true;
}

bool FrameGuard::set_completed_frame(uint64_t frame) {
  frame = std::min(frame, current_);  // a frame not yet begun cannot have completed
  if (any_completed_ && frame <= completed_) return false;
  completed_ = frame;
  any_completed_ = true;
  return true;
}

void FrameGuard::compact() {
  if (head_ == deferred_.size()) {
    deferred_.clear();
    head_ = 0;
  } else if (head_ > 1024 && head_ * 2 > deferred_.size()) {
    deferred_.erase(deferred_.begin(), deferred_.begin() + long(head_));
    head_ = 0;
  }
}

}  // namespace glyphstream::atlas
