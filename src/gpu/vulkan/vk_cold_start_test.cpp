// A new backend's first pages come from memory reserved at creation (MemoryPool::reserve), so
// that the first frame does not pay a 64 MiB vkAllocateMemory. Validation on, as every Vulkan
// test (the fixture fails on any message).
#include <vulkan/vulkan.h>

#include "gpu/vulkan/vk_memory.h"
#include "gpu/vulkan/vk_util.h"
#include "vk_test_support.h"

namespace glyphstream::gpu::vktest {
namespace {

TEST_F(VulkanTest, ReservedBlockHoldsTheFirstPages) {
  const vk::DeviceRef dev = vk::device_ref(ctx_->device_desc());
  // The memory types an R8 page image may use, as the backend asks before any image exists.
  VkImageCreateInfo info{VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO};
  info.imageType = VK_IMAGE_TYPE_2D;
  info.format = VK_FORMAT_R8_UNORM;
  info.extent = {1024, 256, 1};
  info.mipLevels = info.arrayLayers = 1;
  info.samples = VK_SAMPLE_COUNT_1_BIT;
  info.tiling = VK_IMAGE_TILING_OPTIMAL;
  info.usage = VK_IMAGE_USAGE_SAMPLED_BIT;
  VkDeviceImageMemoryRequirements query{VK_STRUCTURE_TYPE_DEVICE_IMAGE_MEMORY_REQUIREMENTS};
  query.pCreateInfo = &info;
  VkMemoryRequirements2 req{VK_STRUCTURE_TYPE_MEMORY_REQUIREMENTS_2};
  vkGetDeviceImageMemoryRequirements(dev.device, &query, &req);

  vk::MemoryPool pool;
  ASSERT_TRUE(
      pool.reserve(dev, req.memoryRequirements.memoryTypeBits, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT)
          .ok());
  EXPECT_EQ(pool.block_count(), 1u);
  ASSERT_TRUE(
      pool.reserve(dev, req.memoryRequirements.memoryTypeBits, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT)
          .ok());
  EXPECT_EQ(pool.block_count(), 1u);  // a block of that type exists: nothing new

  vk::Image first, second;
  ASSERT_TRUE(vk::create_image(dev, VK_FORMAT_R8_UNORM, 1024, 256, VK_IMAGE_USAGE_SAMPLED_BIT,
                               nullptr, 0, &first, &pool)
                  .ok());
  ASSERT_TRUE(vk::create_image(dev, VK_FORMAT_R8_UNORM, 1024, 512, VK_IMAGE_USAGE_SAMPLED_BIT,
                               nullptr, 0, &second, &pool)
                  .ok());
  EXPECT_EQ(pool.block_count(), 1u);  // both pages in the reserved block
  EXPECT_EQ(first.memory, second.memory);
  EXPECT_EQ(first.offset, 0u);
  vk::destroy_image(dev, &first);
  vk::destroy_image(dev, &second);
  EXPECT_EQ(pool.block_count(), 1u);  // the only empty block stays for the next page
  pool.destroy(dev.device);
  EXPECT_EQ(pool.block_count(), 0u);
}

}  // namespace
}  // namespace glyphstream::gpu::vktest
