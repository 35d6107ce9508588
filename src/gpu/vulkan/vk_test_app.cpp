#include "gpu/vulkan/vk_test_app.h"

#include <vulkan/vulkan.h>

#include <utility>

#include "gpu/vulkan/vk_util.h"

namespace glyphstream::gpu::vktest {
namespace {

constexpr VkFormat kAppFormat = VK_FORMAT_B8G8R8A8_UNORM;

class App final : public EmbeddedApp {
 public:
  explicit App(const VulkanDeviceDesc& d) : desc_(d), dev_(vk::device_ref(d)) {}
  ~App() override {
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

  Status begin_frame(const Color& clear_color) override {
    GS_TRY(vk::check(vkWaitForFences(dev_.device, 1, &fence_, VK_TRUE, UINT64_MAX), "wait"));
    GS_TRY(vk::check(vkResetCommandBuffer(cmd_, 0), "reset"));
    GS_TRY(vk::begin_one_time(cmd_));
    if (first_frame_) {
      first_frame_ = false;
      vk::image_to_general(cmd_, image_.image, VK_PIPELINE_STAGE_2_CLEAR_BIT,
                           VK_ACCESS_2_TRANSFER_WRITE_BIT);
    }
    vk::memory_barrier(cmd_, VK_PIPELINE_STAGE_2_COPY_BIT, VK_ACCESS_2_TRANSFER_READ_BIT,
                       VK_PIPELINE_STAGE_2_CLEAR_BIT, VK_ACCESS_2_TRANSFER_WRITE_BIT);
    const VkClearColorValue clear{{clear_color.r, clear_color.g, clear_color.b, clear_color.a}};
    const VkImageSubresourceRange range{VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
    vkCmdClearColorImage(cmd_, image_.image, VK_IMAGE_LAYOUT_GENERAL, &clear, 1, &range);
    vk::memory_barrier(
        cmd_, VK_PIPELINE_STAGE_2_CLEAR_BIT, VK_ACCESS_2_TRANSFER_WRITE_BIT,
        VK_PIPELINE_STAGE_2_COLOR_ATTACHMENT_OUTPUT_BIT,
        VK_ACCESS_2_COLOR_ATTACHMENT_READ_BIT | VK_ACCESS_2_COLOR_ATTACHMENT_WRITE_BIT);
    vk::begin_rendering(cmd_, image_, VK_ATTACHMENT_LOAD_OP_LOAD);
    return {};
  }
  VulkanFrameTarget target() const override {
    return {cmd_, uint32_t(kAppFormat), image_.width, image_.height};
  }
  Status submit(const VulkanFrameSync& sync) override {
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
  // The image is BGRA: swapped to RGBA.
  Status pixels(std::vector<uint8_t>* rgba) override {
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
  bool first_frame_ = true;  // the image still has to leave VK_IMAGE_LAYOUT_UNDEFINED
};

}  // namespace

Result<std::unique_ptr<EmbeddedApp>> EmbeddedApp::create(const VulkanDeviceDesc& device, int width,
                                                         int height) {
  auto app = std::make_unique<App>(device);
  GS_TRY(app->init(width, height));
  return std::unique_ptr<EmbeddedApp>(std::move(app));
}

}  // namespace glyphstream::gpu::vktest
