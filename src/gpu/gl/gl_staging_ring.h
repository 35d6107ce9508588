// The async path's staging memory: a ring of pixel-unpack buffers, each fenced after the copies
// that read it. With ARB_buffer_storage every slot is persistently mapped (written by any
// thread, no GL call); without it a slot is mapped with glMapBufferRange, unsynchronized (the
// fence already says the GPU is done), and unmapped before the copies.
#pragma once

#include <epoxy/gl.h>

#include <cstddef>
#include <cstdint>
#include <vector>

#include "gpu/gl/gl_context.h"

namespace glyphstream::gpu::gl {

class StagingRing {
 public:
  StagingRing(bool persistent, int depth, size_t slot_bytes);

  // Persistent path: allocates, maps and touches every slot now (creating and first-touching a
  // 4 MiB mapped buffer cost ~3 ms each in the first frames that used a slot, on an H200).
  Status prefill();
  int size() const { return int(slots_.size()); }
  bool persistent() const { return persistent_; }

  // Never blocks: true once the copies that last read the slot have executed.
  bool idle(int slot);
  Status wait(int slot);
  // Grows the idle slot to `bytes` if needed, binds it as PIXEL_UNPACK_BUFFER and returns its
  // CPU-visible memory. The binding stays for unmap() and the copies.
  Result<uint8_t*> map(int slot, size_t bytes);
  // Ends the fallback's mapping of the slot map() bound (no-op when persistent); fails if the
  // contents were lost.
  Status unmap();
  // After the copies from the slot: the slot is busy until this fence signals.
  void fence(int slot);
  // Deletes every buffer and fence (the device's context must be current).
  void release();

 private:
  struct Slot {
    GLuint buffer = 0;
    size_t size = 0;
    uint8_t* mapped = nullptr;  // persistent mapping (buffer storage path only)
    GLsync fence = nullptr;     // the GPU may read the slot until this signals
  };
  Status grow(Slot& slot, size_t needed);
  static void free_slot(Slot& slot);

  bool persistent_;
  size_t slot_bytes_;
  std::vector<Slot> slots_;
};

}  // namespace glyphstream::gpu::gl
