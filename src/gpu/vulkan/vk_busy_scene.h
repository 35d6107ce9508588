// VulkanContext's busy scene (a benchmark aid, the bench's W5): the application's own drawing
// before the text, one full-screen pass over the offscreen image whose fragment shader runs
// `work` iterations of arithmetic per pixel. Submitted to the graphics queue without waiting
// (a ring of command buffers, each waited for only when reused), with timestamps around it.
#pragma once

#include <array>

#include "glyphstream/vulkan.h"
#include "gpu/vulkan/vk_util.h"

namespace glyphstream::gpu::vk {

class BusyScene {
 public:
  Status init(const DeviceRef& dev, uint32_t graphics_family);
  // Waits for its own submissions and destroys everything (before the device).
  void destroy();
  // Records and submits one pass into `target` (VK_IMAGE_LAYOUT_GENERAL, a colour attachment),
  // after every earlier write of it on `queue`; the colour is straight alpha.
  Status draw(VkQueue queue, const Image& target, const float rgba[4], uint32_t work);
  // The most recent pass's device-clock span (ns); waits for it.
  Result<GpuSpan> last_span();

 private:
  struct Slot {
    VkCommandBuffer cmd = VK_NULL_HANDLE;
    VkFence fence = VK_NULL_HANDLE;
  };
  Status create_pipeline(VkFormat format);

  DeviceRef dev_;
  VkCommandPool pool_ = VK_NULL_HANDLE;
  std::array<Slot, 3> slots_{};
  int next_ = 0, last_ = -1;
  VkQueryPool queries_ = VK_NULL_HANDLE;  // two per slot
  double period_ns_ = 1;
  uint64_t mask_ = 0;
  VkShaderModule vert_ = VK_NULL_HANDLE, frag_ = VK_NULL_HANDLE;
  VkPipelineLayout layout_ = VK_NULL_HANDLE;
  VkPipeline pipeline_ = VK_NULL_HANDLE;
  VkFormat pipeline_format_ = VK_FORMAT_UNDEFINED;
};

}  // namespace glyphstream::gpu::vk
