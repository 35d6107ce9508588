// The GPU device a TextSystemDesc asks for: GL in the current context, or Vulkan headless (the
// application's VulkanContext) or embedded (the application's device).
#pragma once

#include <memory>

#include "glyphstream/text_system.h"
#include "gpu/gpu_device.h"
#include "gpu/vulkan/vk_backend.h"

namespace glyphstream::pipeline {

// desc.backend, or GLYPHSTREAM_BACKEND when the desc leaves it at kGl and names a Vulkan
// context or device (the environment cannot supply those).
GpuApi chosen_backend(const TextSystemDesc& desc);

// kInvalidArgument for Vulkan without exactly one of vulkan_context / vulkan_device.
Result<std::unique_ptr<gpu::GpuDevice>> create_device(const TextSystemDesc& desc,
                                                      const gpu::GpuDeviceDesc& gpu_desc);

// The device's Vulkan backend, or null on GL.
gpu::VulkanBackend* vulkan_backend(gpu::GpuDevice& device);
const gpu::VulkanBackend* vulkan_backend(const gpu::GpuDevice& device);

}  // namespace glyphstream::pipeline
