#include "gpu/vulkan/vk_memory.h"

#include <algorithm>

#include "gpu/vulkan/vk_util.h"

namespace glyphstream::gpu::vk {

bool MemoryPool::carve(Block& b, const VkMemoryRequirements& req, VkDeviceSize* offset) {
  const VkDeviceSize align = std::max<VkDeviceSize>(req.alignment, 1);
  for (auto it = b.free.begin(); it != b.free.end(); ++it) {
    const VkDeviceSize start = it->first, end = it->first + it->second;
    const VkDeviceSize at = (start + align - 1) / align * align;
    if (at + req.size > end) continue;
    b.free.erase(it);
    if (at > start) b.free[start] = at - start;
    if (at + req.size < end) b.free[at + req.size] = end - (at + req.size);
    b.used[at] = req.size;
    *offset = at;
    return true;
  }
  return false;
}

Status MemoryPool::allocate(const DeviceRef& d, const VkMemoryRequirements& req,
                            VkMemoryPropertyFlags want, VkDeviceMemory* memory,
                            VkDeviceSize* offset) {
  GS_ASSIGN_OR_RETURN(const uint32_t type, find_memory_type(d, req.memoryTypeBits, want));
  for (Block& b : blocks_) {
    if (b.type == type && carve(b, req, offset)) {
      *memory = b.memory;
      return {};
    }
  }
  GS_ASSIGN_OR_RETURN(Block * b, add_block(d, type, std::max(kBlockBytes, req.size)));
  carve(*b, req, offset);  // fits: the block is at least req.size and offset 0 is aligned
  *memory = b->memory;
  return {};
}

Status MemoryPool::reserve(const DeviceRef& d, uint32_t type_bits, VkMemoryPropertyFlags want) {
  GS_ASSIGN_OR_RETURN(const uint32_t type, find_memory_type(d, type_bits, want));
  for (const Block& b : blocks_) {
    if (b.type == type) return {};
  }
  return add_block(d, type, kBlockBytes).status();
}

Result<MemoryPool::Block*> MemoryPool::add_block(const DeviceRef& d, uint32_t type,
                                                 VkDeviceSize size) {
  Block b;
  b.type = type;
  b.size = size;
  VkMemoryAllocateInfo info{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
  info.allocationSize = b.size;
  info.memoryTypeIndex = type;
  GS_TRY(check(vkAllocateMemory(d.device, &info, nullptr, &b.memory),
               "vkAllocateMemory (page memory block)"));
  b.free[0] = b.size;
  blocks_.push_back(std::move(b));
  return &blocks_.back();
}

void MemoryPool::release(VkDevice device, VkDeviceMemory memory, VkDeviceSize offset) {
  auto block = std::find_if(blocks_.begin(), blocks_.end(),
                            [&](const Block& b) { return b.memory == memory; });
  if (block == blocks_.end()) return;
  auto used = block->used.find(offset);
  if (used == block->used.end()) return;
  VkDeviceSize start = offset, size = used->second;
  block->used.erase(used);
  // Coalesce with the free neighbours.
  auto next = block->free.lower_bound(start);
  if (next != block->free.end() && next->first == start + size) {
    size += next->second;
    next = block->free.erase(next);
  }
  if (next != block->free.begin()) {
    auto prev = std::prev(next);
    if (prev->first + prev->second == start) {
      start = prev->first;
      size += prev->second;
      block->free.erase(prev);
    }
  }
  block->free[start] = size;
  if (!block->used.empty()) return;
  const auto empty =
      std::count_if(blocks_.begin(), blocks_.end(), [](const Block& b) { return b.used.empty(); });
  if (empty > 1) {  // one empty block stays for the next growth
    vkFreeMemory(device, block->memory, nullptr);
    blocks_.erase(block);
  }
}

void MemoryPool::destroy(VkDevice device) {
  for (Block& b : blocks_) vkFreeMemory(device, b.memory, nullptr);
  blocks_.clear();
}

}  // namespace glyphstream::gpu::vk
