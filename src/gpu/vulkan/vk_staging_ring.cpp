#include "gpu/vulkan/vk_staging_ring.h"

#include <algorithm>
#include <string>

namespace glyphstream::gpu::vk {

Status StagingRing::init(const DeviceRef& dev, int depth, size_t slot_bytes) {
  dev_ = dev;
  slot_bytes_ = slot_bytes;
  slots_.resize(size_t(depth));
  for (Slot& slot : slots_) {
    GS_TRY(create_host_buffer(dev_, slot_bytes_, VK_BUFFER_USAGE_TRANSFER_SRC_BIT, &slot.buffer));
    std::fill(slot.buffer.mapped, slot.buffer.mapped + slot.buffer.size, uint8_t(0));
  }
  return {};
}

StagingRing::~StagingRing() {
  if (!dev_.device) return;
  for (Slot& s : slots_) destroy_buffer(dev_, &s.buffer);
  destroy_buffer(dev_, &client_);
}

bool StagingRing::idle(int slot) const {
  return valid(slot) && reached(dev_.device, slots_[size_t(slot)].guard);
}

Status StagingRing::wait(int slot) const {
  return vk::wait(dev_.device, slots_[size_t(slot)].guard, "wait_staging_slot");
}

Result<uint8_t*> StagingRing::map(int slot, size_t bytes) {
  Slot& s = slots_[size_t(slot)];
  if (s.buffer.size < bytes) {
    size_t size = std::max(slot_bytes_, s.buffer.size);
    while (size < bytes) size *= 2;
    destroy_buffer(dev_, &s.buffer);
    GS_TRY(create_host_buffer(dev_, size, VK_BUFFER_USAGE_TRANSFER_SRC_BIT, &s.buffer));
  }
  return s.buffer.mapped;
}

Result<Buffer*> StagingRing::client_buffer(size_t bytes) {
  GS_TRY(vk::wait(dev_.device, client_guard_, "copy_from_client"));  // the previous pass waited
  if (client_.size >= bytes) return &client_;
  destroy_buffer(dev_, &client_);
  size_t size = std::max(slot_bytes_, client_.size);
  while (size < bytes) size *= 2;
  GS_TRY(create_host_buffer(dev_, size, VK_BUFFER_USAGE_TRANSFER_SRC_BIT, &client_));
  return &client_;
}

}  // namespace glyphstream::gpu::vk
