// Test support: the application of the embedded-mode tests. It owns a colour image (B8G8R8A8,
// as a swap chain would have), a command pool and buffer, records its own clear and dynamic
// rendering, hands glyphstream the command buffer inside that rendering, and submits it itself
// with the waits and the signal of VulkanFrameSync. The device is whatever VulkanDeviceDesc
// names (the tests take it from a validated VulkanContext). Only public types here: the
// pipeline's tests under tests/ use it too.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "glyphstream/status.h"
#include "glyphstream/types.h"
#include "glyphstream/vulkan.h"

namespace glyphstream::gpu::vktest {

class EmbeddedApp {
 public:
  static Result<std::unique_ptr<EmbeddedApp>> create(const VulkanDeviceDesc& device, int width,
                                                     int height);
  virtual ~EmbeddedApp() = default;

  // Starts a frame once the previous one has finished (the application's own fence): clears
  // the image to the colour, then opens the application's dynamic rendering for glyphstream.
  virtual Status begin_frame(const Color& clear) = 0;
  // Where glyphstream records the frame's draws.
  virtual VulkanFrameTarget target() const = 0;
  // Ends the rendering, copies the image out and submits with glyphstream's waits and signal.
  virtual Status submit(const VulkanFrameSync& sync) = 0;
  // The submitted frame as premultiplied RGBA8, top row first (waits for its fence).
  virtual Status pixels(std::vector<uint8_t>* rgba) = 0;
};

}  // namespace glyphstream::gpu::vktest
