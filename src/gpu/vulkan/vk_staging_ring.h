// The async path's staging memory on Vulkan: a ring of host-visible, persistently mapped
// buffers, each guarded by the submission that last read it; and the client buffer that the
// sync and whole-page copies go through.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "gpu/vulkan/vk_util.h"

namespace glyphstream::gpu::vk {

class StagingRing {
 public:
  StagingRing() = default;
  ~StagingRing();  // the owner has waited for every submission that reads a buffer
  StagingRing(const StagingRing&) = delete;
  StagingRing& operator=(const StagingRing&) = delete;

  // Creates and touches every slot now: first use in a frame would cost a stall.
  Status init(const DeviceRef& dev, int depth, size_t slot_bytes);
  int size() const { return int(slots_.size()); }
  bool valid(int slot) const { return slot >= 0 && size_t(slot) < slots_.size(); }

  // Never blocks: true once the submission that last read the slot has completed.
  bool idle(int slot) const;
  Status wait(int slot) const;
  // Grows the (idle) slot to `bytes` if needed and returns its mapped memory.
  Result<uint8_t*> map(int slot, size_t bytes);
  VkBuffer buffer(int slot) const { return slots_[size_t(slot)].buffer.buffer; }
  // The submission that reads the slot: busy until it completes.
  void set_guard(int slot, const Guard& g) { slots_[size_t(slot)].guard = g; }

  // The client buffer, at least `bytes` large, once the pass that last used it has completed.
  Result<Buffer*> client_buffer(size_t bytes);
  void set_client_guard(const Guard& g) { client_guard_ = g; }

 private:
  struct Slot {
    Buffer buffer;
    Guard guard;
  };

  DeviceRef dev_;
  size_t slot_bytes_ = 0;
  std::vector<Slot> slots_;
  Buffer client_;  // sync and whole-page copies: client bytes go through it
  Guard client_guard_;
};

}  // namespace glyphstream::gpu::vk
