#include "gpu/gl/gl_instance_ring.h"

#include <algorithm>
#include <cstring>

namespace glyphstream::gpu::gl {
namespace {

constexpr size_t kInitialBytes = 256 * 1024;  // 8k instances: a screen of text

}  // namespace

void InstanceRing::retire_signalled() {
  while (!busy_.empty()) {
    const GLenum r = glClientWaitSync(busy_.front().fence, 0, 0);
    if (r != GL_ALREADY_SIGNALED && r != GL_CONDITION_SATISFIED) return;
    glDeleteSync(busy_.front().fence);
    busy_.pop_front();
  }
}

bool InstanceRing::overlaps_busy(size_t begin, size_t end) const {
  return std::any_of(busy_.begin(), busy_.end(),
                     [&](const Region& r) { return begin < r.end && r.begin < end; });
}

void InstanceRing::free_regions() {
  for (Region& r : busy_) glDeleteSync(r.fence);
  busy_.clear();
}

Status InstanceRing::grow(size_t needed) {
  size_t size = std::max(kInitialBytes, capacity_ * 2);
  while (size < needed * 2) size *= 2;
  // The old buffer's draws still read it: GL deletes its storage once they are done, so its
  // regions need no more tracking.
  free_regions();
  if (buffer_) glDeleteBuffers(1, &buffer_);
  buffer_ = 0;
  mapped_ = nullptr;
  capacity_ = 0;
  head_ = 0;
  glGenBuffers(1, &buffer_);
  glBindBuffer(GL_ARRAY_BUFFER, buffer_);
  const GLbitfield flags = GL_MAP_WRITE_BIT | GL_MAP_PERSISTENT_BIT | GL_MAP_COHERENT_BIT;
  glBufferStorage(GL_ARRAY_BUFFER, GLsizeiptr(size), nullptr, flags);
  mapped_ = static_cast<uint8_t*>(glMapBufferRange(GL_ARRAY_BUFFER, 0, GLsizeiptr(size), flags));
  if (!mapped_) {
    Status s = check_gl("draw: mapping the instance buffer");
    glDeleteBuffers(1, &buffer_);
    buffer_ = 0;
    return s.ok() ? Status(ErrorCode::kOutOfMemory, "draw: instance buffer map failed") : s;
  }
  capacity_ = size;
  return {};
}

Result<size_t> InstanceRing::write(std::span<const GlyphInstance> instances) {
  const size_t bytes = instances.size_bytes();
  if (!persistent_) {
    if (!buffer_) glGenBuffers(1, &buffer_);
    glBindBuffer(GL_ARRAY_BUFFER, buffer_);
    if (capacity_ < bytes) capacity_ = std::max({bytes, capacity_ * 2, size_t(64 * 1024)});
    glBufferData(GL_ARRAY_BUFFER, GLsizeiptr(capacity_), nullptr, GL_STREAM_DRAW);
    glBufferSubData(GL_ARRAY_BUFFER, 0, GLsizeiptr(bytes), instances.data());
    return size_t(0);
  }
  retire_signalled();
  if (!buffer_ || bytes > capacity_) GS_TRY(grow(bytes));
  size_t begin = head_ + bytes <= capacity_ ? head_ : 0;
  if (overlaps_busy(begin, begin + bytes)) {
    // The GPU is further behind than the ring is long: a larger ring, not a wait.
    GS_TRY(grow(bytes));
    begin = 0;
  }
  glBindBuffer(GL_ARRAY_BUFFER, buffer_);
  if (bytes) std::memcpy(mapped_ + begin, instances.data(), bytes);
  written_begin_ = begin;
  written_end_ = begin + bytes;
  head_ = written_end_;
  return begin;
}

void InstanceRing::fence() {
  if (!persistent_ || written_end_ == written_begin_) return;
  GLsync sync = glFenceSync(GL_SYNC_GPU_COMMANDS_COMPLETE, 0);
  if (!sync) {
    // Without a fence the region can never be known free: start over in a new buffer.
    capacity_ = 0;
    return;
  }
  busy_.push_back({written_begin_, written_end_, sync});
  written_begin_ = written_end_ = 0;
}

void InstanceRing::release() {
  free_regions();
  if (buffer_) glDeleteBuffers(1, &buffer_);  // also ends a persistent mapping
  buffer_ = 0;
  mapped_ = nullptr;
  capacity_ = 0;
  head_ = 0;
}

}  // namespace glyphstream::gpu::gl
