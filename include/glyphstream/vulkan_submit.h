// Embedded Vulkan, the submission side (header only; the one glyphstream header that includes
// <vulkan/vulkan.h>): a frame's VulkanFrameSync as ready VkSemaphoreSubmitInfo entries to append
// to the application's VkSubmitInfo2, so no handle is cast by hand.
//
//   const glyphstream::Result<glyphstream::VulkanSubmitSemaphores> sems =
//       glyphstream::vulkan_submit_semaphores(*ts);  // after flush()
//   if (!sems.ok()) return sems.status();
//   // waits: sems->waits[0 .. wait_count) plus the application's own (acquire, ...);
//   // signals: sems->signal plus the application's own (present, ...).
#pragma once

#include <vulkan/vulkan.h>

#include <cstdint>

#include "glyphstream/status.h"
#include "glyphstream/text_system.h"
#include "glyphstream/vulkan.h"

namespace glyphstream {

// The waits (uploads the frame's draws read) and the signal (the frame token) of one frame.
struct VulkanSubmitSemaphores {
  VkSemaphoreSubmitInfo waits[VulkanFrameSync::kMaxWaits] = {};
  uint32_t wait_count = 0;
  VkSemaphoreSubmitInfo signal = {};
};

inline VulkanSubmitSemaphores vulkan_submit_semaphores(const VulkanFrameSync& sync) {
  VulkanSubmitSemaphores out;
  for (uint32_t i = 0; i < sync.wait_count && i < VulkanFrameSync::kMaxWaits; ++i) {
    VkSemaphoreSubmitInfo& w = out.waits[out.wait_count++];
    w.sType = VK_STRUCTURE_TYPE_SEMAPHORE_SUBMIT_INFO;
    w.semaphore = reinterpret_cast<VkSemaphore>(sync.waits[i].semaphore);
    w.value = sync.waits[i].value;
    w.stageMask = VkPipelineStageFlags2(sync.waits[i].stage_mask);
  }
  out.signal.sType = VK_STRUCTURE_TYPE_SEMAPHORE_SUBMIT_INFO;
  out.signal.semaphore = reinterpret_cast<VkSemaphore>(sync.signal_semaphore);
  out.signal.value = sync.signal_value;
  out.signal.stageMask = VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT;
  return out;
}

// The frame just flushed (TextSystem::vulkan_frame_sync()); its errors pass through.
inline Result<VulkanSubmitSemaphores> vulkan_submit_semaphores(const TextSystem& ts) {
  Result<VulkanFrameSync> sync = ts.vulkan_frame_sync();
  if (!sync.ok()) return sync.status();
  return vulkan_submit_semaphores(*sync);
}

}  // namespace glyphstream
