// The headless Vulkan context (glyphstream's own instance, device, queues and offscreen image),
// as the backend sees it.
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "glyphstream/vulkan.h"
#include "gpu/vulkan/vk_util.h"

namespace glyphstream::gpu::vk {

// Records every validation message; tests fail on any.
struct MessageLog {
  std::mutex mutex;
  std::vector<std::string> messages;
};

class HeadlessContext final : public VulkanContext {
 public:
  ~HeadlessContext() override;
  Status init(const VulkanContextDesc& desc);

  int width() const override { return width_; }
  int height() const override { return height_; }
  std::string renderer() const override { return renderer_; }
  bool has_transfer_queue() const override { return transfer_queue_ != VK_NULL_HANDLE; }
  bool validation_enabled() const override { return messenger_ != VK_NULL_HANDLE; }
  bool srgb() const override { return srgb_; }
  std::vector<std::string> take_validation_messages() override;
  VulkanDeviceDesc device_desc() const override;
  Status resize(int width, int height) override;
  Status clear(float r, float g, float b, float a) override;
  Status read_pixels(std::vector<uint8_t>* rgba) override;

  // The offscreen colour image (R8G8B8A8_UNORM or _SRGB, always in VK_IMAGE_LAYOUT_GENERAL).
  const Image& target() const { return target_; }

 private:
  Status create_instance(bool validation);
  Status pick_physical_device(const std::string& wanted);
  Status create_device(bool use_transfer);
  Status create_target(int width, int height);
  // Records `fn` into the context's command buffer, submits it and waits for its fence.
  template <typename Fn>
  Status submit_and_wait(Fn&& fn, const char* op);

  MessageLog log_;
  VkInstance instance_ = VK_NULL_HANDLE;
  VkDebugUtilsMessengerEXT messenger_ = VK_NULL_HANDLE;
  DeviceRef dev_;
  bool dual_source_blend_ = false;  // the device was created with dualSrcBlend
  VkQueue graphics_queue_ = VK_NULL_HANDLE;
  uint32_t graphics_family_ = 0;
  VkQueue transfer_queue_ = VK_NULL_HANDLE;
  uint32_t transfer_family_ = UINT32_MAX;
  uint32_t transfer_candidate_ = UINT32_MAX;
  VkCommandPool pool_ = VK_NULL_HANDLE;
  VkCommandBuffer cmd_ = VK_NULL_HANDLE;
  VkFence fence_ = VK_NULL_HANDLE;
  Image target_;
  Buffer readback_;
  int width_ = 0, height_ = 0;
  bool srgb_ = false;  // VulkanContextDesc::srgb
  std::string renderer_;
};

}  // namespace glyphstream::gpu::vk
