#include "gpu/gl/gl_staging_ring.h"

#include <algorithm>
#include <cstring>

#include "gpu/gl/gl_state.h"

namespace glyphstream::gpu::gl {

StagingRing::StagingRing(bool persistent, int depth, size_t slot_bytes)
    : persistent_(persistent), slot_bytes_(slot_bytes), slots_(size_t(std::max(depth, 1))) {}

Status StagingRing::prefill() {
  if (!persistent_) return {};
  GlStateGuard unpack_guard(kStateUnpack);
  for (Slot& slot : slots_) {
    GS_TRY(grow(slot, slot_bytes_));
    std::memset(slot.mapped, 0, slot.size);
  }
  return {};
}

void StagingRing::free_slot(Slot& slot) {
  if (slot.fence) glDeleteSync(slot.fence);
  if (slot.buffer) glDeleteBuffers(1, &slot.buffer);  // also unmaps a persistent mapping
  slot = {};
}

bool StagingRing::idle(int index) {
  Slot& slot = slots_[size_t(index)];
  if (!slot.fence) return true;
  const GLenum r = glClientWaitSync(slot.fence, GL_SYNC_FLUSH_COMMANDS_BIT, 0);
  if (r != GL_ALREADY_SIGNALED && r != GL_CONDITION_SATISFIED) return false;
  glDeleteSync(slot.fence);
  slot.fence = nullptr;
  return true;
}

Status StagingRing::wait(int index) {
  Slot& slot = slots_[size_t(index)];
  if (!slot.fence) return {};
  GLenum r = GL_TIMEOUT_EXPIRED;
  while (r == GL_TIMEOUT_EXPIRED) {
    r = glClientWaitSync(slot.fence, GL_SYNC_FLUSH_COMMANDS_BIT, 1'000'000'000);
  }
  glDeleteSync(slot.fence);
  slot.fence = nullptr;
  if (r != GL_WAIT_FAILED) return {};
  Status s = check_gl("upload: glClientWaitSync on a staging slot");
  return s.ok() ? Status(ErrorCode::kGpuError, "upload: glClientWaitSync on a staging slot failed")
                : s;
}

Status StagingRing::grow(Slot& slot, size_t needed) {
  size_t size = std::max(slot_bytes_, slot.size);
  while (size < needed) size *= 2;
  free_slot(slot);
  glGenBuffers(1, &slot.buffer);
  glBindBuffer(GL_PIXEL_UNPACK_BUFFER, slot.buffer);
  if (persistent_) {
    const GLbitfield flags = GL_MAP_WRITE_BIT | GL_MAP_PERSISTENT_BIT | GL_MAP_COHERENT_BIT;
    glBufferStorage(GL_PIXEL_UNPACK_BUFFER, GLsizeiptr(size), nullptr, flags);
    slot.mapped =
        static_cast<uint8_t*>(glMapBufferRange(GL_PIXEL_UNPACK_BUFFER, 0, GLsizeiptr(size), flags));
    if (!slot.mapped) {
      Status s = check_gl("upload: mapping a persistent staging buffer");
      free_slot(slot);
      return s.ok() ? Status(ErrorCode::kOutOfMemory, "upload: staging buffer map failed") : s;
    }
  } else {
    glBufferData(GL_PIXEL_UNPACK_BUFFER, GLsizeiptr(size), nullptr, GL_STREAM_DRAW);
  }
  slot.size = size;
  Status s = check_gl("upload: allocating a staging buffer");
  if (!s.ok()) free_slot(slot);
  return s;
}

Result<uint8_t*> StagingRing::map(int index, size_t bytes) {
  Slot& slot = slots_[size_t(index)];
  if (!slot.buffer || slot.size < bytes) GS_TRY(grow(slot, bytes));
  glBindBuffer(GL_PIXEL_UNPACK_BUFFER, slot.buffer);
  if (persistent_) return slot.mapped;
  // The slot's fence already guarantees the GPU is done with it: no driver sync needed.
  auto* base = static_cast<uint8_t*>(
      glMapBufferRange(GL_PIXEL_UNPACK_BUFFER, 0, GLsizeiptr(bytes),
                       GL_MAP_WRITE_BIT | GL_MAP_INVALIDATE_RANGE_BIT | GL_MAP_UNSYNCHRONIZED_BIT));
  if (!base) {
    Status s = check_gl("upload: glMapBufferRange on a staging buffer");
    return s.ok() ? Status(ErrorCode::kGpuError, "upload: glMapBufferRange returned null") : s;
  }
  return base;
}

Status StagingRing::unmap() {
  if (persistent_) return {};
  // Still bound by map(): nothing calls GL between the two.
  if (!glUnmapBuffer(GL_PIXEL_UNPACK_BUFFER)) {
    // The mapping was lost (rare, e.g. a mode switch): the texture would get garbage.
    return {ErrorCode::kGpuError, "upload: glUnmapBuffer reported lost staging contents"};
  }
  return {};
}

void StagingRing::fence(int index) {
  slots_[size_t(index)].fence = glFenceSync(GL_SYNC_GPU_COMMANDS_COMPLETE, 0);
}

void StagingRing::release() {
  for (Slot& slot : slots_) free_slot(slot);
}

}  // namespace glyphstream::gpu::gl
