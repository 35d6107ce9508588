// The draw's instance memory. With ARB_buffer_storage: one persistently mapped buffer used as a
// ring, each draw's region fenced until the GPU has read it, grown (never waited for) when the
// GPU is further behind than the ring is long. Without it: orphan-and-refill (glBufferData
// then glBufferSubData every draw), which the NVIDIA driver answered, once per process, with
// a 1.7-2.1 ms draw some thirty frames in (docs/PERFORMANCE.md, W3 zoom).
#pragma once

#include <epoxy/gl.h>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <span>

#include "gpu/backend.h"
#include "gpu/gl/gl_context.h"

namespace glyphstream::gpu::gl {

class InstanceRing {
 public:
  explicit InstanceRing(bool persistent) : persistent_(persistent) {}
  bool persistent() const { return persistent_; }

  // Copies the instances into the buffer, leaves it bound to GL_ARRAY_BUFFER and returns the
  // byte offset of the first one.
  Result<size_t> write(std::span<const GlyphInstance> instances);
  // After the draws that read the last write(): its region is busy until this fence signals.
  void fence();
  // Deletes the buffer and every fence (the device's context must be current).
  void release();

  size_t capacity() const { return capacity_; }

 private:
  struct Region {
    size_t begin = 0, end = 0;
    GLsync fence = nullptr;
  };
  void retire_signalled();
  bool overlaps_busy(size_t begin, size_t end) const;
  Status grow(size_t needed);
  void free_regions();

  bool persistent_;
  GLuint buffer_ = 0;
  size_t capacity_ = 0;
  uint8_t* mapped_ = nullptr;
  size_t head_ = 0;  // where the next write starts (if it fits before the end)
  size_t written_begin_ = 0, written_end_ = 0;  // the last write, until fence()
  std::deque<Region> busy_;                     // oldest first
};

}  // namespace glyphstream::gpu::gl
