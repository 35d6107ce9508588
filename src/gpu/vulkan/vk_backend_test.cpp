// The Vulkan backend on a real device (lavapipe here, NVIDIA on the GPU machine), with the
// validation layer and synchronization validation on: any message fails the test. What every
// backend must do is the conformance suite (../device_conformance_test.cpp), instantiated here
// once per async path; this file adds what only Vulkan has: queues, the validation layer
// itself, the backend's own checks inside an upload pass, and its memory blocks. No mocks.
#include <vulkan/vulkan.h>

#include <cstdio>

#include "gpu/vulkan/vk_memory.h"
#include "gpu/vulkan/vk_util.h"
#include "vk_test_support.h"

namespace glyphstream::gpu::vktest {
namespace {

// Async copies recorded into the graphics queue's submission, and in their own submission that
// signals a timeline value the draws wait for (the transfer-queue logic, on lavapipe's one
// queue too).
INSTANTIATE_TEST_SUITE_P(
    Vulkan, BackendConformance,
    ::testing::Values(vulkan_variant("GraphicsStream", VulkanUploadPath::kGraphicsStream),
                      vulkan_variant("SeparateSubmission", VulkanUploadPath::kSeparateSubmission)),
    variant_name);

TEST_F(VulkanTest, ContextReportsDeviceAndQueues) {
  EXPECT_FALSE(ctx_->renderer().empty());
  auto dev = make_device();
  ASSERT_TRUE(dev);
  EXPECT_EQ(dev->backend_name(), "vulkan");
  EXPECT_GE(dev->backend().max_texture_size(), 4096);
  EXPECT_EQ(dev->uses_transfer_queue(), ctx_->has_transfer_queue());
  std::printf("%s; transfer queue: %s; async path: %s\n", ctx_->renderer().c_str(),
              ctx_->has_transfer_queue() ? "yes" : "no", dev->async_path().c_str());
}

// An application may create and destroy many contexts in one process (a test suite does).
// The NVIDIA driver used to run out of static TLS after about 30 (vkCreateInstance then found
// no driver, and the conformance suite skipped half its tests on the H100); the context keeps
// the drivers loaded (vk_context.cpp). Lavapipe passes either way: this checks it on NVIDIA.
TEST(VulkanContexts, SixtyFourInOneProcess) {
  for (int i = 0; i < 64; ++i) {
    VulkanContextDesc desc;
    desc.width = 16;
    desc.height = 16;
    auto ctx = VulkanContext::create(desc);
    ASSERT_TRUE(ctx.ok()) << "context " << i << ": " << ctx.status().to_string();
  }
}

// The messenger really reports: a deliberately invalid call produces a message (so that "no
// message" in the other tests means something).
TEST_F(VulkanTest, ValidationReportsInvalidUse) {
  const VulkanDeviceDesc d = ctx_->device_desc();
  VkBufferCreateInfo info{VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
  info.size = 0;  // invalid: VUID-VkBufferCreateInfo-size-00912
  info.usage = VK_BUFFER_USAGE_TRANSFER_SRC_BIT;
  VkBuffer buffer = VK_NULL_HANDLE;
  vkCreateBuffer(static_cast<VkDevice>(d.device), &info, nullptr, &buffer);
  if (buffer) vkDestroyBuffer(static_cast<VkDevice>(d.device), buffer, nullptr);
  const std::vector<std::string> messages = ctx_->take_validation_messages();
  ASSERT_FALSE(messages.empty());
  EXPECT_NE(messages[0].find("00912"), std::string::npos) << messages[0];
}

// The backend's own checks, for calls GpuDevice never makes (it validates first): a batch on
// no page or past the instances, an unknown page, a copy to an unknown page, a frame ended
// inside the pass, a busy slot waited for in the pass that fills it, and a frame target on a
// headless device.
TEST_F(VulkanTest, BackendRefusesMisuseWithinAPass) {
  auto dev = make_device();
  ASSERT_TRUE(dev);
  Backend& backend = dev->backend();
  std::vector<GlyphInstance> g(1);
  std::vector<DrawBatch> b = {{7, 0, 1}};
  EXPECT_EQ(backend.draw({g, b, kWidth, kHeight}).code(), ErrorCode::kInvalidArgument);
  std::vector<SimPage> pages;
  pages.emplace_back(0, PixelFormat::kCoverage8, 32, 32);
  ASSERT_TRUE(upload_pages(*dev, pages, UploadMode::kAsync, nullptr).ok());
  b = {{0, 0, 2}};
  EXPECT_EQ(backend.draw({g, b, kWidth, kHeight}).code(), ErrorCode::kInvalidArgument);
  std::vector<uint8_t> px;
  EXPECT_EQ(backend.read_texture(3, &px, nullptr, nullptr).code(), ErrorCode::kInvalidArgument);
  ASSERT_TRUE(backend.begin_upload(UploadMode::kAsync).ok());
  bool whole = false;
  UploadStats st;
  EXPECT_EQ(backend.ensure_page({1, PixelFormat::kCoverage8, 0, 16}, &whole, &st).code(),
            ErrorCode::kInvalidArgument);
  const StagingCopy bad{9, PixelFormat::kCoverage8, {0, 0, 4, 4}, 0};
  EXPECT_EQ(backend.copy_from_staging(0, {&bad, 1}).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(backend.end_frame(1).code(), ErrorCode::kInvalidArgument);  // inside the pass
  // A slot whose copies are recorded but not yet submitted is busy, and waiting for it in the
  // same pass would never end: an error instead.
  ASSERT_TRUE(backend.map_staging_slot(0, 16).ok());
  const StagingCopy good{0, PixelFormat::kCoverage8, {0, 0, 4, 4}, 0};
  ASSERT_TRUE(backend.copy_from_staging(0, {&good, 1}).ok());
  EXPECT_FALSE(backend.staging_slot_idle(0));
  EXPECT_EQ(backend.wait_staging_slot(0).code(), ErrorCode::kInvalidArgument);
  EXPECT_FALSE(backend.map_staging_slot(0, 16).ok());
  ASSERT_TRUE(backend.end_upload().ok());
  const VulkanFrameTarget target{};
  EXPECT_EQ(backend.set_frame_target(target).code(), ErrorCode::kInvalidArgument);  // headless
  ASSERT_TRUE(dev->finish().ok());
}

// Page images share a few large blocks: ranges never overlap, freed ranges are reused, and an
// emptied block is given back unless it is the only empty one.
TEST_F(VulkanTest, PageMemoryComesFromFewBlocks) {
  const vk::DeviceRef dev = vk::device_ref(ctx_->device_desc());
  vk::MemoryPool pool;
  std::vector<vk::Image> images(12);
  for (size_t i = 0; i < images.size(); ++i) {
    const int side = 256 << (i % 3);  // 64 KiB .. 1 MiB of R8
    ASSERT_TRUE(vk::create_image(dev, VK_FORMAT_R8_UNORM, side, side, VK_IMAGE_USAGE_SAMPLED_BIT,
                                 nullptr, 0, &images[i], &pool)
                    .ok());
  }
  EXPECT_EQ(pool.block_count(), 1u);
  for (size_t i = 0; i < images.size(); ++i) {
    for (size_t j = i + 1; j < images.size(); ++j) {
      VkMemoryRequirements ri, rj;
      vkGetImageMemoryRequirements(dev.device, images[i].image, &ri);
      vkGetImageMemoryRequirements(dev.device, images[j].image, &rj);
      const bool apart = images[i].offset + ri.size <= images[j].offset ||
                         images[j].offset + rj.size <= images[i].offset;
      EXPECT_TRUE(images[i].memory != images[j].memory || apart) << i << " and " << j;
    }
  }
  vk::Image big;  // larger than a block: a block of its own
  ASSERT_TRUE(vk::create_image(dev, VK_FORMAT_R8G8B8A8_UNORM, 8192, 4096,
                               VK_IMAGE_USAGE_SAMPLED_BIT, nullptr, 0, &big, &pool)
                  .ok());
  EXPECT_EQ(pool.block_count(), 2u);
  const VkDeviceSize first_offset = images[0].offset;
  vk::destroy_image(dev, &images[0]);
  ASSERT_TRUE(vk::create_image(dev, VK_FORMAT_R8_UNORM, 256, 256, VK_IMAGE_USAGE_SAMPLED_BIT,
                               nullptr, 0, &images[0], &pool)
                  .ok());
  EXPECT_EQ(images[0].offset, first_offset);  // first fit: the freed range again
  for (vk::Image& img : images) vk::destroy_image(dev, &img);
  EXPECT_EQ(pool.block_count(), 2u);  // the emptied block is the only empty one: kept
  vk::destroy_image(dev, &big);
  EXPECT_EQ(pool.block_count(), 1u);
  pool.destroy(dev.device);
  EXPECT_EQ(pool.block_count(), 0u);
}

}  // namespace
}  // namespace glyphstream::gpu::vktest
