// Device memory for page images: a few large vkAllocateMemory blocks (64 MiB, or one image's
// size if larger) sub-allocated first-fit with coalescing free ranges. No allocation per glyph
// or per frame; page creation and growth take a range, a released image gives it back.
// Only optimal-tiling images live here, so bufferImageGranularity never separates neighbours.
#pragma once

#include <vulkan/vulkan.h>

#include <map>
#include <vector>

#include "glyphstream/status.h"

namespace glyphstream::gpu::vk {

struct DeviceRef;

class MemoryPool {
 public:
  static constexpr VkDeviceSize kBlockBytes = VkDeviceSize(64) << 20;

  Status allocate(const DeviceRef& d, const VkMemoryRequirements& req, VkMemoryPropertyFlags want,
                  VkDeviceMemory* memory, VkDeviceSize* offset);
  // Gives a range back; a block left empty is freed unless it is the only empty one.
  void release(VkDevice device, VkDeviceMemory memory, VkDeviceSize offset);
  // Allocates a first block of the memory type `want` selects from `type_bits` unless one exists:
  // creation pays that vkAllocateMemory (milliseconds for 64 MiB on some drivers, which also
  // clear it), not the first frame that creates a page.
  Status reserve(const DeviceRef& d, uint32_t type_bits, VkMemoryPropertyFlags want);
  void destroy(VkDevice device);
  size_t block_count() const { return blocks_.size(); }

 private:
  struct Block {
    VkDeviceMemory memory = VK_NULL_HANDLE;
    uint32_t type = 0;
    VkDeviceSize size = 0;
    std::map<VkDeviceSize, VkDeviceSize> free;  // offset -> size, no two adjacent
    std::map<VkDeviceSize, VkDeviceSize> used;
  };
  bool carve(Block& b, const VkMemoryRequirements& req, VkDeviceSize* offset);
  Result<Block*> add_block(const DeviceRef& d, uint32_t type, VkDeviceSize size);

  std::vector<Block> blocks_;
};

}  // namespace glyphstream::gpu::vk
