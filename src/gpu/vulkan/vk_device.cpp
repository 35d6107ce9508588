// The common GpuDevice over the Vulkan backend: the factory beside create_gl_device.
#include "gpu/gpu_device.h"
#include "gpu/vulkan/vk_backend.h"

namespace glyphstream::gpu {

VulkanBackendDesc vulkan_backend_desc(const GpuDeviceDesc& desc) {
  const GpuDeviceDesc d = with_defaults(desc);
  VulkanBackendDesc v;
  v.staging_ring_depth = d.staging_ring_depth;
  v.staging_slot_bytes = d.staging_slot_bytes;
  v.enable_timestamps = d.enable_timer_queries;
  v.frames_in_flight = d.frames_in_flight;
  v.linear_light = d.linear_light;
  if (d.vulkan_disable_transfer_queue) v.upload_path = VulkanUploadPath::kGraphicsStream;
  return v;
}

namespace {

Result<std::unique_ptr<GpuDevice>> wrap(Result<std::unique_ptr<VulkanBackend>> backend,
                                        const GpuDeviceDesc& desc) {
  if (!backend.ok()) return backend.status();
  return Result<std::unique_ptr<GpuDevice>>(
      std::make_unique<GpuDevice>(std::move(backend).value(), desc));
}

}  // namespace

Result<std::unique_ptr<GpuDevice>> create_vulkan_device(VulkanContext& context,
                                                        const GpuDeviceDesc& desc) {
  return wrap(create_vulkan_backend(context, vulkan_backend_desc(desc)), desc);
}

Result<std::unique_ptr<GpuDevice>> create_vulkan_device(const VulkanDeviceDesc& device,
                                                        const GpuDeviceDesc& desc) {
  VulkanDeviceDesc d = device;
  if (desc.vulkan_disable_transfer_queue) {
    d.transfer_queue = nullptr;
    d.transfer_family = UINT32_MAX;
  }
  return wrap(create_vulkan_backend(d, vulkan_backend_desc(desc)), desc);
}

}  // namespace glyphstream::gpu
