// The Vulkan 1.3 backend (gpu::Backend): page images, the staging ring with copies on a
// dedicated transfer queue (or in the graphics stream), timeline semaphores as frame tokens,
// the instanced quad renderer with SPIR-V compiled at build time, GPU timestamps.
#pragma once

#include <cstddef>
#include <memory>

#include "glyphstream/vulkan.h"
#include "gpu/backend.h"

namespace glyphstream::gpu {

struct GpuDeviceDesc;  // gpu_device.h

// How async uploads travel.
enum class VulkanUploadPath : uint8_t {
  // A dedicated transfer queue where there is one, else kGraphicsStream; the environment
  // variable GLYPHSTREAM_VK_UPLOAD_PATH=graphics|separate overrides it.
  kAuto = 0,
  // Copies recorded into a graphics-queue submission, with barriers before the draws.
  kGraphicsStream,
  // Copies in their own submission (the transfer queue if there is one, else the graphics
  // queue) that signals a timeline value the draws wait for: the transfer-queue logic, testable
  // on a device with one queue (lavapipe).
  kSeparateSubmission,
};

struct VulkanBackendDesc {
  int staging_ring_depth = 0;     // default 3
  size_t staging_slot_bytes = 0;  // default 4 MiB; a bigger upload grows the slot
  bool enable_timestamps = true;
  VulkanUploadPath upload_path = VulkanUploadPath::kAuto;
  // Embedded: more than frames_in_flight + 4 flushed frames whose token the application never
  // signalled are an error (vulkan.h, VulkanFrameSync). Default 2.
  int frames_in_flight = 0;
  // Linear-light blending (GpuDeviceDesc::linear_light): the target's colour format must be
  // *_SRGB, and an *_SRGB format needs it on.
  bool linear_light = false;
};

class VulkanBackend : public Backend {
 public:
  GpuApi api() const override { return GpuApi::kVulkan; }
  // Embedded mode: where the next draw() records (see glyphstream/vulkan.h). Errors name the
  // public call, TextSystem::set_vulkan_target.
  Status set_frame_target(const VulkanFrameTarget& target) override = 0;
  // Embedded mode, after end_frame(frame): what the application's submission of that frame
  // waits for and signals. `frame_open`: the caller has begun a frame not yet ended (an error:
  // the sync would be the previous frame's). Errors name TextSystem::vulkan_frame_sync.
  Result<VulkanFrameSync> frame_sync(bool frame_open) const override = 0;
  // True when async copies run in their own submission on a dedicated transfer queue.
  bool uses_transfer_queue() const override = 0;
};

// What create_vulkan_device() makes of `desc` (tests then pick an upload_path of their own).
VulkanBackendDesc vulkan_backend_desc(const GpuDeviceDesc& desc);

// Headless: draws go to the context's offscreen image, each draw() is its own submission.
Result<std::unique_ptr<VulkanBackend>> create_vulkan_backend(VulkanContext& context,
                                                             const VulkanBackendDesc& desc = {});
// Embedded: the application's device; draws go into the command buffer of set_frame_target().
Result<std::unique_ptr<VulkanBackend>> create_vulkan_backend(const VulkanDeviceDesc& device,
                                                             const VulkanBackendDesc& desc = {});

}  // namespace glyphstream::gpu
