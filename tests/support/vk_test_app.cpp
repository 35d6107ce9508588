#include "vk_test_app.h"

#include <vulkan/vulkan.h>

#include <utility>

#include "glyphstream/vulkan_submit.h"
#include "gpu/vulkan/vk_util.h"

namespace glyphstream::gpu::vktest {
namespace {

static_assert(VkFormat(AppPass::kColorFormat) == VK_FORMAT_B8G8R8A8_UNORM);
static_assert(VkFormat(AppPass::kSrgbColorFormat) == VK_FORMAT_B8G8R8A8_SRGB);

// An attachment only the rendering uses (multisampled colour, depth/stencil): its own memory.
struct Attachment {
  VkImage image = VK_NULL_HANDLE;
  VkDeviceMemory memory = VK_NULL_HANDLE;
  VkImageView view = VK_NULL_HANDLE;
  VkImageAspectFlags aspects = 0;
};

Status create_attachment(const vk::DeviceRef& d, VkFormat format, VkSampleCountFlagBits samples,
                         VkImageUsageFlags usage, VkImageAspectFlags aspects, int w, int h,
                         Attachment* out) {
  VkImageCreateInfo info{VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO};
  info.imageType = VK_IMAGE_TYPE_2D;
  info.format = format;
  info.extent = {uint32_t(w), uint32_t(h), 1};
  info.mipLevels = info.arrayLayers = 1;
  info.samples = samples;
  info.tiling = VK_IMAGE_TILING_OPTIMAL;
  info.usage = usage;
  GS_TRY(vk::check(vkCreateImage(d.device, &info, nullptr, &out->image), "attachment"));
  VkMemoryRequirements req;
  vkGetImageMemoryRequirements(d.device, out->image, &req);
  GS_ASSIGN_OR_RETURN(
      const uint32_t type,
      vk::find_memory_type(d, req.memoryTypeBits, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT));
  VkMemoryAllocateInfo alloc{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
  alloc.allocationSize = req.size;
  alloc.memoryTypeIndex = type;
  GS_TRY(vk::check(vkAllocateMemory(d.device, &alloc, nullptr, &out->memory), "memory"));
  GS_TRY(vk::check(vkBindImageMemory(d.device, out->image, out->memory, 0), "bind"));
  VkImageViewCreateInfo v{VK_STRUCTURE_TYPE_IMAGE_VIEW_CREATE_INFO};
  v.image = out->image;
  v.viewType = VK_IMAGE_VIEW_TYPE_2D;
  v.format = format;
  v.subresourceRange = {aspects, 0, 1, 0, 1};
  out->aspects = aspects;
  return vk::check(vkCreateImageView(d.device, &v, nullptr, &out->view), "view");
}

void destroy_attachment(const vk::DeviceRef& d, Attachment* a) {
  if (a->view) vkDestroyImageView(d.device, a->view, nullptr);
  if (a->image) vkDestroyImage(d.device, a->image, nullptr);
  if (a->memory) vkFreeMemory(d.device, a->memory, nullptr);
  *a = {};
}

void to_general(VkCommandBuffer cmd, const Attachment& a) {
  VkImageMemoryBarrier2 b{VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER_2};
  b.dstStageMask = VK_PIPELINE_STAGE_2_COLOR_ATTACHMENT_OUTPUT_BIT |
                   VK_PIPELINE_STAGE_2_EARLY_FRAGMENT_TESTS_BIT |
                   VK_PIPELINE_STAGE_2_LATE_FRAGMENT_TESTS_BIT;
  b.dstAccessMask = VK_ACCESS_2_COLOR_ATTACHMENT_WRITE_BIT |
                    VK_ACCESS_2_DEPTH_STENCIL_ATTACHMENT_READ_BIT |
                    VK_ACCESS_2_DEPTH_STENCIL_ATTACHMENT_WRITE_BIT;
  b.oldLayout = VK_IMAGE_LAYOUT_UNDEFINED;
  b.newLayout = VK_IMAGE_LAYOUT_GENERAL;
  b.srcQueueFamilyIndex = b.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
  b.image = a.image;
  b.subresourceRange = {a.aspects, 0, 1, 0, 1};
  VkDependencyInfo dep{VK_STRUCTURE_TYPE_DEPENDENCY_INFO};
  dep.imageMemoryBarrierCount = 1;
  dep.pImageMemoryBarriers = &b;
  vkCmdPipelineBarrier2(cmd, &dep);
}

constexpr VkPipelineStageFlags2 kAttachmentStages =
    VK_PIPELINE_STAGE_2_COLOR_ATTACHMENT_OUTPUT_BIT | VK_PIPELINE_STAGE_2_EARLY_FRAGMENT_TESTS_BIT |
    VK_PIPELINE_STAGE_2_LATE_FRAGMENT_TESTS_BIT;

class App final : public EmbeddedApp {
 public:
  App(const VulkanDeviceDesc& d, const AppPass& pass)
      : desc_(d), pass_(pass), dev_(vk::device_ref(d)) {}
  ~App() override {
    if (fence_) vkWaitForFences(dev_.device, 1, &fence_, VK_TRUE, UINT64_MAX);
    vk::destroy_buffer(dev_, &readback_);
    vk::destroy_image(dev_, &image_);
    destroy_attachment(dev_, &msaa_);
    destroy_attachment(dev_, &depth_);
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
    const VkFormat format = VkFormat(pass_.color_format());
    GS_TRY(vk::create_image(dev_, format, w, h,
                            VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT |
                                VK_IMAGE_USAGE_TRANSFER_DST_BIT,
                            nullptr, 0, &image_));
    const VkSampleCountFlagBits samples = VkSampleCountFlagBits(pass_.samples);
    if (pass_.samples > 1) {
      GS_TRY(create_attachment(dev_, format, samples, VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT,
                               VK_IMAGE_ASPECT_COLOR_BIT, w, h, &msaa_));
    }
    if (pass_.depth_stencil_format != 0) {
      const VkFormat f = VkFormat(pass_.depth_stencil_format);
      GS_TRY(create_attachment(dev_, f, samples, VK_IMAGE_USAGE_DEPTH_STENCIL_ATTACHMENT_BIT,
                               vk::depth_stencil_aspects(f), w, h, &depth_));
    }
    return vk::create_host_buffer(dev_, size_t(w) * size_t(h) * 4, VK_BUFFER_USAGE_TRANSFER_DST_BIT,
                                  &readback_);
  }

  void declare_formats(VulkanDeviceDesc* device) const override {
    device->color_format = pass_.color_format();
    device->depth_stencil_format = pass_.depth_stencil_format;
    device->samples = pass_.samples;
  }

  Status begin_frame(const Color& clear_color) override {
    GS_TRY(vk::check(vkWaitForFences(dev_.device, 1, &fence_, VK_TRUE, UINT64_MAX), "wait"));
    GS_TRY(vk::check(vkResetCommandBuffer(cmd_, 0), "reset"));
    GS_TRY(vk::begin_one_time(cmd_));
    if (first_frame_) {
      first_frame_ = false;
      // Before its clear, or (multisampled) the resolve into it.
      vk::image_to_general(
          cmd_, image_.image,
          VK_PIPELINE_STAGE_2_CLEAR_BIT | VK_PIPELINE_STAGE_2_COLOR_ATTACHMENT_OUTPUT_BIT,
          VK_ACCESS_2_TRANSFER_WRITE_BIT | VK_ACCESS_2_COLOR_ATTACHMENT_WRITE_BIT);
      for (const Attachment* a : {&msaa_, &depth_}) {
        if (a->image) to_general(cmd_, *a);
      }
    }
    // The previous frame's copy out and attachment writes come before this frame's writes.
    vk::memory_barrier(cmd_, VK_PIPELINE_STAGE_2_COPY_BIT | kAttachmentStages,
                       VK_ACCESS_2_TRANSFER_READ_BIT | VK_ACCESS_2_COLOR_ATTACHMENT_WRITE_BIT |
                           VK_ACCESS_2_DEPTH_STENCIL_ATTACHMENT_WRITE_BIT,
                       VK_PIPELINE_STAGE_2_CLEAR_BIT | kAttachmentStages,
                       VK_ACCESS_2_TRANSFER_WRITE_BIT | VK_ACCESS_2_COLOR_ATTACHMENT_READ_BIT |
                           VK_ACCESS_2_COLOR_ATTACHMENT_WRITE_BIT |
                           VK_ACCESS_2_DEPTH_STENCIL_ATTACHMENT_READ_BIT |
                           VK_ACCESS_2_DEPTH_STENCIL_ATTACHMENT_WRITE_BIT);
    const VkClearColorValue clear{{clear_color.r, clear_color.g, clear_color.b, clear_color.a}};
    if (!msaa_.image) {
      const VkImageSubresourceRange range{VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
      vkCmdClearColorImage(cmd_, image_.image, VK_IMAGE_LAYOUT_GENERAL, &clear, 1, &range);
      vk::memory_barrier(
          cmd_, VK_PIPELINE_STAGE_2_CLEAR_BIT, VK_ACCESS_2_TRANSFER_WRITE_BIT,
          VK_PIPELINE_STAGE_2_COLOR_ATTACHMENT_OUTPUT_BIT,
          VK_ACCESS_2_COLOR_ATTACHMENT_READ_BIT | VK_ACCESS_2_COLOR_ATTACHMENT_WRITE_BIT);
    }
    begin_rendering(clear);
    return {};
  }

  VulkanFrameTarget target() const override {
    VulkanFrameTarget t;
    t.command_buffer = cmd_;
    t.color_format = pass_.color_format();
    t.width = image_.width;
    t.height = image_.height;
    t.depth_stencil_format = pass_.depth_stencil_format;
    t.samples = pass_.samples;
    return t;
  }

  Status submit(const VulkanFrameSync& sync) override { return end_and_submit(sync, true); }
  Status submit_without_signal(const VulkanFrameSync& sync) override {
    return end_and_submit(sync, false);
  }

  // The image is BGRA: swapped to RGBA.
  Status pixels(std::vector<uint8_t>* rgba) override {
    GS_TRY(vk::check(vkWaitForFences(dev_.device, 1, &fence_, VK_TRUE, UINT64_MAX), "wait"));
    rgba->assign(readback_.mapped, readback_.mapped + readback_.size);
    for (size_t i = 0; i + 3 < rgba->size(); i += 4) std::swap((*rgba)[i], (*rgba)[i + 2]);
    return {};
  }

 private:
  // The application's rendering: the colour attachment (multisampled and resolved, or the
  // image itself, cleared above) and the depth/stencil attachment, which the application
  // fills with the nearest depth and leaves depth testing on (or off) for whatever draws next.
  void begin_rendering(const VkClearColorValue& clear) {
    VkRenderingAttachmentInfo color{VK_STRUCTURE_TYPE_RENDERING_ATTACHMENT_INFO};
    color.imageLayout = VK_IMAGE_LAYOUT_GENERAL;
    color.storeOp = VK_ATTACHMENT_STORE_OP_STORE;
    if (msaa_.image) {
      color.imageView = msaa_.view;
      color.loadOp = VK_ATTACHMENT_LOAD_OP_CLEAR;
      color.clearValue.color = clear;
      color.storeOp = VK_ATTACHMENT_STORE_OP_DONT_CARE;
      color.resolveMode = VK_RESOLVE_MODE_AVERAGE_BIT;
      color.resolveImageView = image_.view;
      color.resolveImageLayout = VK_IMAGE_LAYOUT_GENERAL;
    } else {
      color.imageView = image_.view;
      color.loadOp = VK_ATTACHMENT_LOAD_OP_LOAD;
    }
    VkRenderingAttachmentInfo depth{VK_STRUCTURE_TYPE_RENDERING_ATTACHMENT_INFO};
    depth.imageView = depth_.view;
    depth.imageLayout = VK_IMAGE_LAYOUT_GENERAL;
    depth.loadOp = VK_ATTACHMENT_LOAD_OP_CLEAR;
    depth.storeOp = VK_ATTACHMENT_STORE_OP_DONT_CARE;
    depth.clearValue.depthStencil = {1.0f, 0};
    VkRenderingInfo info{VK_STRUCTURE_TYPE_RENDERING_INFO};
    info.renderArea = {{0, 0}, {uint32_t(image_.width), uint32_t(image_.height)}};
    info.layerCount = 1;
    info.colorAttachmentCount = 1;
    info.pColorAttachments = &color;
    if (depth_.aspects & VK_IMAGE_ASPECT_DEPTH_BIT) info.pDepthAttachment = &depth;
    if (depth_.aspects & VK_IMAGE_ASPECT_STENCIL_BIT) info.pStencilAttachment = &depth;
    vkCmdBeginRendering(cmd_, &info);
    if (!depth_.image) return;
    VkClearAttachment nearest{depth_.aspects, 0, {}};
    nearest.clearValue.depthStencil = {0.0f, 0xff};
    const VkClearRect rect{info.renderArea, 0, 1};
    vkCmdClearAttachments(cmd_, 1, &nearest, 1, &rect);
    const VkBool32 on = pass_.depth_test_on ? VK_TRUE : VK_FALSE;
    vkCmdSetDepthTestEnable(cmd_, on);
    vkCmdSetDepthWriteEnable(cmd_, on);
    vkCmdSetDepthCompareOp(cmd_, VK_COMPARE_OP_LESS);
    vkCmdSetStencilTestEnable(cmd_, on);
  }

  Status end_and_submit(const VulkanFrameSync& sync, bool signal) {
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
    // The application's path: glyphstream's entries appended as they are, no casts.
    const VulkanSubmitSemaphores sems = vulkan_submit_semaphores(sync);
    VkCommandBufferSubmitInfo cb{VK_STRUCTURE_TYPE_COMMAND_BUFFER_SUBMIT_INFO};
    cb.commandBuffer = cmd_;
    VkSubmitInfo2 info{VK_STRUCTURE_TYPE_SUBMIT_INFO_2};
    info.waitSemaphoreInfoCount = sems.wait_count;
    info.pWaitSemaphoreInfos = sems.waits;
    info.commandBufferInfoCount = 1;
    info.pCommandBufferInfos = &cb;
    info.signalSemaphoreInfoCount = signal ? 1 : 0;
    info.pSignalSemaphoreInfos = &sems.signal;
    GS_TRY(vk::check(vkResetFences(dev_.device, 1, &fence_), "reset fence"));
    return vk::check(vkQueueSubmit2(static_cast<VkQueue>(desc_.graphics_queue), 1, &info, fence_),
                     "submit");
  }

  VulkanDeviceDesc desc_;
  AppPass pass_;
  vk::DeviceRef dev_;
  VkCommandPool pool_ = VK_NULL_HANDLE;
  VkCommandBuffer cmd_ = VK_NULL_HANDLE;
  VkFence fence_ = VK_NULL_HANDLE;
  vk::Image image_;
  Attachment msaa_;   // samples > 1: the multisampled colour attachment, resolved into image_
  Attachment depth_;  // the depth/stencil attachment, when the pass has one
  vk::Buffer readback_;
  bool first_frame_ = true;  // the images still have to leave VK_IMAGE_LAYOUT_UNDEFINED
};

}  // namespace

Result<std::unique_ptr<EmbeddedApp>> EmbeddedApp::create(const VulkanDeviceDesc& device, int width,
                                                         int height, const AppPass& pass) {
  auto app = std::make_unique<App>(device, pass);
  GS_TRY(app->init(width, height));
  return std::unique_ptr<EmbeddedApp>(std::move(app));
}

}  // namespace glyphstream::gpu::vktest
