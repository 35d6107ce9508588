// Embedded mode: the test plays the application. It owns a colour image (B8G8R8A8, as a swap
// chain would have), a command pool and buffer, records its own clear and dynamic rendering,
// hands glyphstream the command buffer inside that rendering, and submits it itself with the
// waits and the signal of VulkanFrameSync. The instance and device come from a VulkanContext
// (created with validation, so every message still fails the test); the backend sees only
// the handles in VulkanDeviceDesc, as with any application's device.
#include <vulkan/vulkan.h>

#include <cstring>

#include "gpu/vulkan/vk_test_support.h"
#include "gpu/vulkan/vk_util.h"

namespace glyphstream::gpu::vktest {
namespace {

constexpr VkFormat kAppFormat = VK_FORMAT_B8G8R8A8_UNORM;

class App {
 public:
  explicit App(const VulkanDeviceDesc& d) : desc_(d) {
    dev_.physical = static_cast<VkPhysicalDevice>(d.physical_device);
    dev_.device = static_cast<VkDevice>(d.device);
    vkGetPhysicalDeviceMemoryProperties(dev_.physical, &dev_.memory);
  }
  ~App() {
    if (fence_) vkWaitForFences(dev_.device, 1, &fence_, VK_TRUE, UINT64_MAX);
    vk::destroy_buffer(dev_, &readback_);
    vk::destroy_image(dev_, &image_);
    if (fence_) vkDestroyFence(dev_.device, fence_, nullptr);
    if (pool_) vkDestroyCommandPool(dev_.device, pool_, nullptr);
  }

  Status init(int w, int h) {
    VkCommandPoolCreateInfo pool{VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
    pool.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;
    pool.queueFamilyIndex = desc_.graphics_family;
    GS_TRY(vk::check(vkCreateCommandPool(dev_.device, &pool, nullptr, &pool_), "pool"));
    VkCommandBufferAllocateInfo alloc{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
    alloc.commandPool = pool_;
    alloc.commandBufferCount = 1;
    GS_TRY(vk::check(vkAllocateCommandBuffers(dev_.device, &alloc, &cmd_), "cmd"));
    VkFenceCreateInfo fence{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
    fence.flags = VK_FENCE_CREATE_SIGNALED_BIT;
    GS_TRY(vk::check(vkCreateFence(dev_.device, &fence, nullptr, &fence_), "fence"));
    GS_TRY(vk::create_image(dev_, kAppFormat, w, h,
                            VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT |
                                VK_IMAGE_USAGE_TRANSFER_DST_BIT,
                            nullptr, 0, &image_));
    return vk::create_host_buffer(dev_, size_t(w) * size_t(h) * 4, VK_BUFFER_USAGE_TRANSFER_DST_BIT,
                                  &readback_);
  }

  // Starts the frame: clear, then the application's dynamic rendering, open for glyphstream.
  Status begin_frame(bool first) {
    GS_TRY(vk::check(vkWaitForFences(dev_.device, 1, &fence_, VK_TRUE, UINT64_MAX), "wait"));
    GS_TRY(vk::check(vkResetCommandBuffer(cmd_, 0), "reset"));
    GS_TRY(vk::begin_one_time(cmd_));
    if (first) {
      vk::image_to_general(cmd_, image_.image, VK_PIPELINE_STAGE_2_CLEAR_BIT,
                           VK_ACCESS_2_TRANSFER_WRITE_BIT);
    }
    vk::memory_barrier(cmd_, VK_PIPELINE_STAGE_2_COPY_BIT, VK_ACCESS_2_TRANSFER_READ_BIT,
                       VK_PIPELINE_STAGE_2_CLEAR_BIT, VK_ACCESS_2_TRANSFER_WRITE_BIT);
    const VkClearColorValue clear{{0.f, 0.f, 0.f, 1.f}};
    const VkImageSubresourceRange range{VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
    vkCmdClearColorImage(cmd_, image_.image, VK_IMAGE_LAYOUT_GENERAL, &clear, 1, &range);
    vk::memory_barrier(
        cmd_, VK_PIPELINE_STAGE_2_CLEAR_BIT, VK_ACCESS_2_TRANSFER_WRITE_BIT,
        VK_PIPELINE_STAGE_2_COLOR_ATTACHMENT_OUTPUT_BIT,
        VK_ACCESS_2_COLOR_ATTACHMENT_READ_BIT | VK_ACCESS_2_COLOR_ATTACHMENT_WRITE_BIT);
    VkRenderingAttachmentInfo color{VK_STRUCTURE_TYPE_RENDERING_ATTACHMENT_INFO};
    color.imageView = image_.view;
    color.imageLayout = VK_IMAGE_LAYOUT_GENERAL;
    color.loadOp = VK_ATTACHMENT_LOAD_OP_LOAD;
    color.storeOp = VK_ATTACHMENT_STORE_OP_STORE;
    VkRenderingInfo rendering{VK_STRUCTURE_TYPE_RENDERING_INFO};
    rendering.renderArea = {{0, 0}, {uint32_t(image_.width), uint32_t(image_.height)}};
    rendering.layerCount = 1;
    rendering.colorAttachmentCount = 1;
    rendering.pColorAttachments = &color;
    vkCmdBeginRendering(cmd_, &rendering);
    return {};
  }
  VulkanFrameTarget target() const {
    return {cmd_, uint32_t(kAppFormat), image_.width, image_.height};
  }
  // Ends the rendering, copies the image out and submits with glyphstream's waits and signal.
  Status submit(const VulkanFrameSync& sync) {
    vkCmdEndRendering(cmd_);
    vk::memory_barrier(cmd_, VK_PIPELINE_STAGE_2_COLOR_ATTACHMENT_OUTPUT_BIT,
                       VK_ACCESS_2_COLOR_ATTACHMENT_WRITE_BIT, VK_PIPELINE_STAGE_2_COPY_BIT,
                       VK_ACCESS_2_TRANSFER_READ_BIT);
    VkBufferImageCopy region{};
    region.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1};
    region.imageExtent = {uint32_t(image_.width), uint32_t(image_.height), 1};
    vkCmdCopyImageToBuffer(cmd_, image_.image, VK_IMAGE_LAYOUT_GENERAL, readback_.buffer, 1,
                           &region);
    vk::memory_barrier(cmd_, VK_PIPELINE_STAGE_2_COPY_BIT, VK_ACCESS_2_TRANSFER_WRITE_BIT,
                       VK_PIPELINE_STAGE_2_HOST_BIT, VK_ACCESS_2_HOST_READ_BIT);
    GS_TRY(vk::check(vkEndCommandBuffer(cmd_), "end"));
    VkSemaphoreSubmitInfo waits[2];
    for (uint32_t i = 0; i < sync.wait_count; ++i) {
      waits[i] = {VK_STRUCTURE_TYPE_SEMAPHORE_SUBMIT_INFO};
      waits[i].semaphore = reinterpret_cast<VkSemaphore>(sync.waits[i].semaphore);
      waits[i].value = sync.waits[i].value;
      waits[i].stageMask = sync.waits[i].stage_mask;
    }
    VkSemaphoreSubmitInfo signal{VK_STRUCTURE_TYPE_SEMAPHORE_SUBMIT_INFO};
    signal.semaphore = reinterpret_cast<VkSemaphore>(sync.signal_semaphore);
    signal.value = sync.signal_value;
    signal.stageMask = VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT;
    VkCommandBufferSubmitInfo cb{VK_STRUCTURE_TYPE_COMMAND_BUFFER_SUBMIT_INFO};
    cb.commandBuffer = cmd_;
    VkSubmitInfo2 info{VK_STRUCTURE_TYPE_SUBMIT_INFO_2};
    info.waitSemaphoreInfoCount = sync.wait_count;
    info.pWaitSemaphoreInfos = waits;
    info.commandBufferInfoCount = 1;
    info.pCommandBufferInfos = &cb;
    info.signalSemaphoreInfoCount = 1;
    info.pSignalSemaphoreInfos = &signal;
    GS_TRY(vk::check(vkResetFences(dev_.device, 1, &fence_), "reset fence"));
    return vk::check(vkQueueSubmit2(static_cast<VkQueue>(desc_.graphics_queue), 1, &info, fence_),
                     "submit");
  }
  // The frame as RGBA (the image is BGRA), after the application's own fence.
  Status pixels(std::vector<uint8_t>* rgba) {
    GS_TRY(vk::check(vkWaitForFences(dev_.device, 1, &fence_, VK_TRUE, UINT64_MAX), "wait"));
    rgba->assign(readback_.mapped, readback_.mapped + readback_.size);
    for (size_t i = 0; i + 3 < rgba->size(); i += 4) std::swap((*rgba)[i], (*rgba)[i + 2]);
    return {};
  }

 private:
  VulkanDeviceDesc desc_;
  vk::DeviceRef dev_;
  VkCommandPool pool_ = VK_NULL_HANDLE;
  VkCommandBuffer cmd_ = VK_NULL_HANDLE;
  VkFence fence_ = VK_NULL_HANDLE;
  vk::Image image_;
  vk::Buffer readback_;
};

// New glyphs every frame, uploaded by glyphstream on its own submissions and drawn into the
// application's command buffer in the same frame: the application's submission waits for
// them on the GPU; frame tokens come back through the application's signal.
TEST_F(VulkanTest, EmbeddedDrawsIntoApplicationCommandBuffer) {
  for (VulkanUploadPath path :
       {VulkanUploadPath::kGraphicsStream, VulkanUploadPath::kSeparateSubmission}) {
    App app(ctx_->device_desc());
    ASSERT_TRUE(app.init(kWidth, kHeight).ok());
    auto backend = create_vulkan_backend(ctx_->device_desc(), {.upload_path = path});
    ASSERT_TRUE(backend.ok()) << backend.status().to_string();
    VulkanBackend& dev = **backend;
    std::mt19937 rng(77);
    std::vector<SimPage> pages;
    pages.emplace_back(0, PixelFormat::kCoverage8, 128, 128);
    pages.emplace_back(1, PixelFormat::kColor32, 64, 64);
    std::vector<GlyphInstance> glyphs;
    std::vector<DrawBatch> batches;
    for (int f = 1; f <= 12; ++f) {
      SimPage& p = pages[size_t(f % 2)];
      const Rect cell{(f * 16) % (p.width - 15), (f / 8) * 16, 15, 15};
      p.write(cell, rng);
      ASSERT_TRUE(upload_pages(dev, pages, UploadMode::kAsync, nullptr).ok());
      GlyphInstance g;
      g.x = int16_t(f * 18), g.y = int16_t(f * 9), g.w = 15, g.h = 15;
      g.u = uint16_t(cell.x), g.v = uint16_t(cell.y);
      g.color = 0xff8040c0u | uint32_t(f);
      batches.push_back({p.id, uint32_t(glyphs.size()), 1});
      glyphs.push_back(g);
      ASSERT_TRUE(app.begin_frame(f == 1).ok());
      ASSERT_TRUE(dev.set_frame_target(app.target()).ok());
      ASSERT_TRUE(dev.draw({glyphs, batches, kWidth, kHeight}).ok());
      ASSERT_TRUE(dev.end_frame(uint64_t(f)).ok());
      const VulkanFrameSync sync = dev.frame_sync();
      EXPECT_EQ(sync.signal_value, uint64_t(f));
      ASSERT_TRUE(app.submit(sync).ok());
      std::vector<uint8_t> got, want(size_t(kWidth) * kHeight * 4, 0);
      for (size_t i = 3; i < want.size(); i += 4) want[i] = 255;
      reference_composite(glyphs.data(), glyphs.size(), batches.data(), batches.size(),
                          {pages[0].ref(), pages[1].ref()}, kWidth, kHeight, &want);
      ASSERT_TRUE(app.pixels(&got).ok());
      int diff = 0;
      EXPECT_TRUE(reference_compare(got, want, kWidth, kHeight, 1, nullptr, &diff))
          << "frame " << f << " max diff " << diff;
      // The token comes back through the application's signal (lavapipe may signal the
      // application's fence a moment before the timeline value: wait on the token itself).
      ASSERT_TRUE(dev.wait_frame(uint64_t(f)).ok());
      EXPECT_EQ(dev.completed_frame(), uint64_t(f));
    }
    ASSERT_TRUE(dev.finish().ok());
  }
}

}  // namespace
}  // namespace glyphstream::gpu::vktest
