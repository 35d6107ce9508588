// Test support: the application of the embedded-mode tests. It owns a colour image (B8G8R8A8,
// as a swap chain would have), a command pool and buffer, records its own clear and dynamic
// rendering, hands glyphstream the command buffer inside that rendering, and submits it itself
// with the waits and the signal of VulkanFrameSync (through glyphstream/vulkan_submit.h, as an
// application would). Its rendering may have a depth/stencil attachment and several samples
// (then resolved into the colour image). The device is whatever VulkanDeviceDesc names (the
// tests take it from a validated VulkanContext). Only public types here: the pipeline's tests
// under tests/ use it too.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "glyphstream/status.h"
#include "glyphstream/types.h"
#include "glyphstream/vulkan.h"

namespace glyphstream::gpu::vktest {

// The application's rendering.
struct AppPass {
  static constexpr uint32_t kColorFormat = 44;      // VK_FORMAT_B8G8R8A8_UNORM
  static constexpr uint32_t kSrgbColorFormat = 50;  // VK_FORMAT_B8G8R8A8_SRGB
  // VkFormat of a depth/stencil attachment, 0: none. The application clears it, then writes
  // depth 0 (the nearest) over the whole area inside the rendering, and with depth_test_on
  // leaves depth and stencil tests and depth writes on (dynamic state), else off, before
  // glyphstream draws: text must land regardless.
  uint32_t depth_stencil_format = 0;
  // VkSampleCountFlagBits of the attachments; above 1 the colour attachment is multisampled,
  // cleared by its load operation and resolved (average) into the colour image.
  uint32_t samples = 1;
  bool depth_test_on = true;
  // The colour image is kSrgbColorFormat (linear-light blending; its clear colour is encoded
  // by the device, so 0 and 1 are stored exactly).
  bool srgb = false;
  uint32_t color_format() const { return srgb ? kSrgbColorFormat : kColorFormat; }
};

class EmbeddedApp {
 public:
  static Result<std::unique_ptr<EmbeddedApp>> create(const VulkanDeviceDesc& device, int width,
                                                     int height, const AppPass& pass = {});
  virtual ~EmbeddedApp() = default;

  // The formats to declare in VulkanDeviceDesc (colour, depth/stencil, samples of the pass).
  virtual void declare_formats(VulkanDeviceDesc* device) const = 0;
  // Starts a frame once the previous one has finished (the application's own fence): clears
  // the image to the colour, then opens the application's dynamic rendering for glyphstream.
  virtual Status begin_frame(const Color& clear) = 0;
  // Where glyphstream records the frame's draws (the pass's formats filled in).
  virtual VulkanFrameTarget target() const = 0;
  // Ends the rendering, copies the image out and submits with glyphstream's waits and signal.
  virtual Status submit(const VulkanFrameSync& sync) = 0;
  // The same, but the submission forgets glyphstream's signal (waits only): the misuse that
  // glyphstream must report.
  virtual Status submit_without_signal(const VulkanFrameSync& sync) = 0;
  // The submitted frame as premultiplied RGBA8, top row first (waits for its fence).
  virtual Status pixels(std::vector<uint8_t>* rgba) = 0;
};

}  // namespace glyphstream::gpu::vktest
