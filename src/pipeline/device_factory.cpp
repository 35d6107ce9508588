#include "pipeline/device_factory.h"

#include "core/env_options.h"

namespace glyphstream::pipeline {

GpuApi chosen_backend(const TextSystemDesc& desc) {
  if (desc.backend != GpuApi::kGl) return desc.backend;
  const bool vulkan_given = desc.vulkan.context != nullptr || desc.vulkan.device != nullptr;
  if (!vulkan_given) return GpuApi::kGl;  // the environment could not change it: not read
  return backend_from_environment().value_or(GpuApi::kGl);
}

Result<std::unique_ptr<gpu::GpuDevice>> create_device(const TextSystemDesc& desc,
                                                      const gpu::GpuDeviceDesc& gpu_desc) {
  if (chosen_backend(desc) == GpuApi::kGl) return gpu::create_gl_device(gpu_desc);
  if ((desc.vulkan.context != nullptr) == (desc.vulkan.device != nullptr)) {
    return Status(ErrorCode::kInvalidArgument,
                  "TextSystem::create: the Vulkan backend needs exactly one of "
                  "TextSystemDesc::vulkan.context (headless) and vulkan.device (embedded)");
  }
  gpu::GpuDeviceDesc d = gpu_desc;
  d.vulkan_disable_transfer_queue = desc.vulkan.disable_transfer_queue;
  if (desc.vulkan.context != nullptr) return gpu::create_vulkan_device(*desc.vulkan.context, d);
  return gpu::create_vulkan_device(*desc.vulkan.device, d);
}

}  // namespace glyphstream::pipeline
