// The GPU device a TextSystemDesc asks for: GL in the current context, or Vulkan headless (the
// application's VulkanContext) or embedded (the application's device). Only gpu_device.h:
// what is Vulkan's alone (frame target, frame sync, transfer queue) the facade reaches through
// GpuDevice, never a backend header.
#pragma once

#include <memory>

#include "glyphstream/status.h"
#include "glyphstream/text_system_desc.h"
#include "glyphstream/types.h"
#include "gpu/gpu_device.h"

namespace glyphstream::pipeline {

// desc.backend, or GLYPHSTREAM_BACKEND when the desc leaves it at kGl and names a Vulkan
// context or device (the environment cannot supply those).
GpuApi chosen_backend(const TextSystemDesc& desc);

// kInvalidArgument for Vulkan without exactly one of vulkan.context / vulkan.device.
Result<std::unique_ptr<gpu::GpuDevice>> create_device(const TextSystemDesc& desc,
                                                      const gpu::GpuDeviceDesc& gpu_desc);

}  // namespace glyphstream::pipeline
