// The Vulkan presenter (see vk_presenter.h).
#include "vk_presenter.h"

#include <glyphstream/vulkan_submit.h>

#include <algorithm>
#include <cstring>

namespace gs = glyphstream;

namespace {

void image_barrier(VkCommandBuffer cmd, VkImage image, VkImageLayout from, VkImageLayout to,
                   VkPipelineStageFlags2 src_stage, VkAccessFlags2 src_access,
                   VkPipelineStageFlags2 dst_stage, VkAccessFlags2 dst_access) {
  VkImageMemoryBarrier2 b{VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER_2};
  b.srcStageMask = src_stage, b.srcAccessMask = src_access;
  b.dstStageMask = dst_stage, b.dstAccessMask = dst_access;
  b.oldLayout = from, b.newLayout = to;
  b.srcQueueFamilyIndex = b.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
  b.image = image;
  b.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
  VkDependencyInfo dep{VK_STRUCTURE_TYPE_DEPENDENCY_INFO};
  dep.imageMemoryBarrierCount = 1;
  dep.pImageMemoryBarriers = &b;
  vkCmdPipelineBarrier2(cmd, &dep);
}

void memory_barrier(VkCommandBuffer cmd, VkPipelineStageFlags2 src_stage, VkAccessFlags2 src_access,
                    VkPipelineStageFlags2 dst_stage, VkAccessFlags2 dst_access) {
  VkMemoryBarrier2 b{VK_STRUCTURE_TYPE_MEMORY_BARRIER_2};
  b.srcStageMask = src_stage, b.srcAccessMask = src_access;
  b.dstStageMask = dst_stage, b.dstAccessMask = dst_access;
  VkDependencyInfo dep{VK_STRUCTURE_TYPE_DEPENDENCY_INFO};
  dep.memoryBarrierCount = 1;
  dep.pMemoryBarriers = &b;
  vkCmdPipelineBarrier2(cmd, &dep);
}

VkSemaphoreSubmitInfo semaphore_info(VkSemaphore s, uint64_t value, VkPipelineStageFlags2 stage) {
  VkSemaphoreSubmitInfo info{VK_STRUCTURE_TYPE_SEMAPHORE_SUBMIT_INFO};
  info.semaphore = s, info.value = value, info.stageMask = stage;
  return info;
}

}  // namespace

gs::Status Readback::ensure(const VkWindow& win, size_t bytes) {
  if (bytes <= size) return {};
  release();
  device = win.device;
  VkBufferCreateInfo info{VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
  info.size = bytes;
  info.usage = VK_BUFFER_USAGE_TRANSFER_DST_BIT;
  GS_TRY(vk_check(vkCreateBuffer(device, &info, nullptr, &buffer), "vkCreateBuffer"));
  VkMemoryRequirements req;
  vkGetBufferMemoryRequirements(device, buffer, &req);
  VkPhysicalDeviceMemoryProperties props;
  vkGetPhysicalDeviceMemoryProperties(win.physical, &props);
  const VkMemoryPropertyFlags want =
      VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
  VkMemoryAllocateInfo alloc{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
  alloc.allocationSize = req.size;
  alloc.memoryTypeIndex = UINT32_MAX;
  for (uint32_t i = 0; i < props.memoryTypeCount && alloc.memoryTypeIndex == UINT32_MAX; ++i) {
    if ((req.memoryTypeBits & (1u << i)) && (props.memoryTypes[i].propertyFlags & want) == want) {
      alloc.memoryTypeIndex = i;
    }
  }
  if (alloc.memoryTypeIndex == UINT32_MAX) {
    return {gs::ErrorCode::kUnsupported, "scroll_demo: no host-visible coherent memory"};
  }
  GS_TRY(vk_check(vkAllocateMemory(device, &alloc, nullptr, &memory), "vkAllocateMemory"));
  GS_TRY(vk_check(vkBindBufferMemory(device, buffer, memory, 0), "vkBindBufferMemory"));
  void* p = nullptr;
  GS_TRY(vk_check(vkMapMemory(device, memory, 0, VK_WHOLE_SIZE, 0, &p), "vkMapMemory"));
  mapped = static_cast<const uint8_t*>(p);
  size = bytes;
  return {};
}

void Readback::release() {
  if (buffer) vkDestroyBuffer(device, buffer, nullptr);
  if (memory) vkFreeMemory(device, memory, nullptr);  // unmaps
  buffer = VK_NULL_HANDLE, memory = VK_NULL_HANDLE, mapped = nullptr, size = 0;
}

gs::Status VulkanPresenter::init() {
  for (FrameSlot& s : slots_) {
    VkCommandPoolCreateInfo pool{VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
    pool.queueFamilyIndex = win_.graphics_family;
    GS_TRY(vk_check(vkCreateCommandPool(win_.device, &pool, nullptr, &s.pool), "command pool"));
    VkCommandBufferAllocateInfo alloc{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
    alloc.commandPool = s.pool;
    alloc.commandBufferCount = kVkPassesPerFrame;
    GS_TRY(vk_check(vkAllocateCommandBuffers(win_.device, &alloc, s.cmd), "command buffers"));
    VkFenceCreateInfo fence{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
    fence.flags = VK_FENCE_CREATE_SIGNALED_BIT;
    GS_TRY(vk_check(vkCreateFence(win_.device, &fence, nullptr, &s.done), "vkCreateFence"));
    VkSemaphoreCreateInfo sem{VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO};
    GS_TRY(vk_check(vkCreateSemaphore(win_.device, &sem, nullptr, &s.acquired), "semaphore"));
  }
  return {};
}

VulkanPresenter::~VulkanPresenter() {
  vkDeviceWaitIdle(win_.device);
  readback_.release();
  for (FrameSlot& s : slots_) {
    if (s.acquired) vkDestroySemaphore(win_.device, s.acquired, nullptr);
    if (s.done) vkDestroyFence(win_.device, s.done, nullptr);
    if (s.pool) vkDestroyCommandPool(win_.device, s.pool, nullptr);
  }
}

gs::Status VulkanPresenter::begin_frame(int w, int h, bool* skip) {
  *skip = false;
  pass_ = 0;
  if (recreate_ || int(win_.extent.width) != w || int(win_.extent.height) != h) {
    GS_TRY(win_.recreate_swapchain(w, h, vsync_));  // the one idle wait: resize
    recreate_ = false;
  }
  FrameSlot& s = slots_[slot_];
  GS_TRY(vk_check(vkWaitForFences(win_.device, 1, &s.done, VK_TRUE, UINT64_MAX), "frame fence"));
  // Both command buffers of the slot are free again: one reset for the pool.
  GS_TRY(vk_check(vkResetCommandPool(win_.device, s.pool, 0), "vkResetCommandPool"));
  const VkResult r = vkAcquireNextImageKHR(win_.device, win_.swapchain, UINT64_MAX, s.acquired,
                                           VK_NULL_HANDLE, &image_);
  if (r == VK_ERROR_OUT_OF_DATE_KHR) {
    recreate_ = *skip = true;
    return {};
  }
  if (r == VK_SUBOPTIMAL_KHR) {
    recreate_ = true;  // this frame still presents; the next one gets a new swap chain
    return {};
  }
  return vk_check(r, "vkAcquireNextImageKHR");
}

gs::Status VulkanPresenter::begin_pass(gs::TextSystem& ts, RectI area, const float color[3]) {
  const VkCommandBuffer cmd = slots_[slot_].cmd[pass_];
  VkCommandBufferBeginInfo begin{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
  begin.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
  GS_TRY(vk_check(vkBeginCommandBuffer(cmd, &begin), "vkBeginCommandBuffer"));
  const VkAccessFlags2 attachment_rw =
      VK_ACCESS_2_COLOR_ATTACHMENT_READ_BIT | VK_ACCESS_2_COLOR_ATTACHMENT_WRITE_BIT;
  const VkPipelineStageFlags2 output = VK_PIPELINE_STAGE_2_COLOR_ATTACHMENT_OUTPUT_BIT;
  if (pass_ == 0) {
    // Chained to the acquire semaphore's wait at the same stage; the old contents go.
    image_barrier(cmd, win_.images[image_], VK_IMAGE_LAYOUT_UNDEFINED,
                  VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL, output, 0, output, attachment_rw);
  } else {
    // The previous pass's writes (an earlier submission) before this pass loads them.
    memory_barrier(cmd, output, VK_ACCESS_2_COLOR_ATTACHMENT_WRITE_BIT, output, attachment_rw);
  }
  const VkExtent2D extent = win_.extent;
  VkRenderingAttachmentInfo attachment{VK_STRUCTURE_TYPE_RENDERING_ATTACHMENT_INFO};
  attachment.imageView = win_.views[image_];
  attachment.imageLayout = VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL;
  attachment.loadOp = pass_ == 0 ? VK_ATTACHMENT_LOAD_OP_DONT_CARE : VK_ATTACHMENT_LOAD_OP_LOAD;
  attachment.storeOp = VK_ATTACHMENT_STORE_OP_STORE;
  VkRenderingInfo rendering{VK_STRUCTURE_TYPE_RENDERING_INFO};
  rendering.renderArea = {{0, 0}, extent};
  rendering.layerCount = 1;
  rendering.colorAttachmentCount = 1;
  rendering.pColorAttachments = &attachment;
  vkCmdBeginRendering(cmd, &rendering);
  GS_TRY(clear(area, color));
  gs::VulkanFrameTarget target;
  target.command_buffer = cmd;
  target.color_format = uint32_t(win_.format);
  target.width = int(extent.width);
  target.height = int(extent.height);  // no depth/stencil attachment, one sample: as declared
  return ts.set_vulkan_target(target);
}

// The area, clipped to the image, cleared inside the rendering (as GL's scissored clear); in
// the command buffer's order with glyphstream's draws, which flush() records.
gs::Status VulkanPresenter::clear(RectI area, const float color[3]) {
  const VkCommandBuffer cmd = slots_[slot_].cmd[pass_];
  const VkExtent2D extent = win_.extent;
  VkClearAttachment clear{VK_IMAGE_ASPECT_COLOR_BIT, 0, {}};
  clear.clearValue.color = {{color[0], color[1], color[2], 1.f}};
  const int x0 = std::max(0, area.x0), y0 = std::max(0, area.y0);
  const int x1 = std::min(int(extent.width), area.x1), y1 = std::min(int(extent.height), area.y1);
  if (x1 > x0 && y1 > y0) {
    VkClearRect rect{{{x0, y0}, {uint32_t(x1 - x0), uint32_t(y1 - y0)}}, 0, 1};
    vkCmdClearAttachments(cmd, 1, &clear, 1, &rect);
  }
  return {};
}

// After the last pass: to the presentation layout, through a copy into the read-back buffer
// when the frame is wanted as a screenshot.
void VulkanPresenter::record_final_transition(VkCommandBuffer cmd, bool read_back) {
  const VkImage image = win_.images[image_];
  const VkPipelineStageFlags2 output = VK_PIPELINE_STAGE_2_COLOR_ATTACHMENT_OUTPUT_BIT;
  const VkAccessFlags2 written = VK_ACCESS_2_COLOR_ATTACHMENT_WRITE_BIT;
  if (!read_back) {
    // Presentation waits on the semaphore, which the submission signals after every stage.
    image_barrier(cmd, image, VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL,
                  VK_IMAGE_LAYOUT_PRESENT_SRC_KHR, output, written, VK_PIPELINE_STAGE_2_NONE, 0);
    return;
  }
  image_barrier(cmd, image, VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL,
                VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, output, written, VK_PIPELINE_STAGE_2_COPY_BIT,
                VK_ACCESS_2_TRANSFER_READ_BIT);
  VkBufferImageCopy region{};
  region.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1};
  region.imageExtent = {win_.extent.width, win_.extent.height, 1};
  vkCmdCopyImageToBuffer(cmd, image, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, readback_.buffer, 1,
                         &region);
  memory_barrier(cmd, VK_PIPELINE_STAGE_2_COPY_BIT, VK_ACCESS_2_TRANSFER_WRITE_BIT,
                 VK_PIPELINE_STAGE_2_HOST_BIT, VK_ACCESS_2_HOST_READ_BIT);
  image_barrier(cmd, image, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, VK_IMAGE_LAYOUT_PRESENT_SRC_KHR,
                VK_PIPELINE_STAGE_2_COPY_BIT, 0, VK_PIPELINE_STAGE_2_NONE, 0);
}

// Submits a pass with glyphstream's waits and frame-token signal; the first pass also waits for
// the acquired image, the last signals the present semaphore and the slot's fence.
gs::Status VulkanPresenter::submit(gs::TextSystem& ts, VkCommandBuffer cmd, bool last) {
  GS_ASSIGN_OR_RETURN(const gs::VulkanSubmitSemaphores sems, gs::vulkan_submit_semaphores(ts));
  FrameSlot& s = slots_[slot_];
  VkSemaphoreSubmitInfo waits[gs::VulkanFrameSync::kMaxWaits + 1];
  uint32_t wait_count = 0;
  for (uint32_t i = 0; i < sems.wait_count; ++i) waits[wait_count++] = sems.waits[i];
  if (pass_ == 0) {
    waits[wait_count++] =
        semaphore_info(s.acquired, 0, VK_PIPELINE_STAGE_2_COLOR_ATTACHMENT_OUTPUT_BIT);
  }
  VkSemaphoreSubmitInfo signals[2];
  uint32_t signal_count = 0;
  signals[signal_count++] = sems.signal;  // the frame token: never leave it out
  if (last) {
    signals[signal_count++] =
        semaphore_info(win_.rendered[image_], 0, VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT);
  }
  VkCommandBufferSubmitInfo cb{VK_STRUCTURE_TYPE_COMMAND_BUFFER_SUBMIT_INFO};
  cb.commandBuffer = cmd;
  VkSubmitInfo2 info{VK_STRUCTURE_TYPE_SUBMIT_INFO_2};
  info.waitSemaphoreInfoCount = wait_count;
  info.pWaitSemaphoreInfos = waits;
  info.commandBufferInfoCount = 1;
  info.pCommandBufferInfos = &cb;
  info.signalSemaphoreInfoCount = signal_count;
  info.pSignalSemaphoreInfos = signals;
  if (last) GS_TRY(vk_check(vkResetFences(win_.device, 1, &s.done), "vkResetFences"));
  return vk_check(vkQueueSubmit2(win_.graphics_queue, 1, &info, last ? s.done : VK_NULL_HANDLE),
                  "vkQueueSubmit2");
}

gs::Status VulkanPresenter::end_pass(gs::TextSystem& ts, bool last, std::vector<uint8_t>* rgb) {
  const VkCommandBuffer cmd = slots_[slot_].cmd[pass_];
  vkCmdEndRendering(cmd);
  if (rgb) {
    GS_TRY(readback_.ensure(win_, size_t(win_.extent.width) * win_.extent.height * 4));
  }
  if (last) record_final_transition(cmd, rgb != nullptr);
  GS_TRY(vk_check(vkEndCommandBuffer(cmd), "vkEndCommandBuffer"));
  GS_TRY(submit(ts, cmd, last));
  ++pass_;
  if (!rgb) return {};
  // The screenshot: the application's own fence of this frame (not an idle wait).
  FrameSlot& s = slots_[slot_];
  GS_TRY(vk_check(vkWaitForFences(win_.device, 1, &s.done, VK_TRUE, UINT64_MAX), "fence"));
  copy_out(rgb);
  return {};
}

void VulkanPresenter::copy_out(std::vector<uint8_t>* rgb) const {
  const size_t pixels = size_t(win_.extent.width) * win_.extent.height;
  const bool bgra = win_.format == VK_FORMAT_B8G8R8A8_UNORM;
  rgb->resize(pixels * 3);
  for (size_t i = 0; i < pixels; ++i) {
    const uint8_t* p = readback_.mapped + i * 4;
    uint8_t* q = rgb->data() + i * 3;
    q[0] = bgra ? p[2] : p[0], q[1] = p[1], q[2] = bgra ? p[0] : p[2];
  }
}

gs::Status VulkanPresenter::present() {
  VkPresentInfoKHR info{VK_STRUCTURE_TYPE_PRESENT_INFO_KHR};
  info.waitSemaphoreCount = 1;
  info.pWaitSemaphores = &win_.rendered[image_];
  info.swapchainCount = 1;
  info.pSwapchains = &win_.swapchain;
  info.pImageIndices = &image_;
  const VkResult r = vkQueuePresentKHR(win_.graphics_queue, &info);
  slot_ = (slot_ + 1) % kVkFrameSlots;
  if (r == VK_ERROR_OUT_OF_DATE_KHR || r == VK_SUBOPTIMAL_KHR) {
    recreate_ = true;
    return {};
  }
  return vk_check(r, "vkQueuePresentKHR");
}
