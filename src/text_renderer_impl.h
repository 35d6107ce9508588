// TextRenderer's state (include/glyphstream/text_renderer.h): the device, moved from the
// TextSystem that made it, and the render side of the link (pipeline/render_link.h).
#pragma once

#include <memory>
#include <thread>

#include "glyphstream/text_renderer.h"
#include "gpu/gpu_device.h"
#include "pipeline/render_link.h"

namespace glyphstream {

struct TextRenderer::Impl {
  const std::thread::id owner = std::this_thread::get_id();
  std::unique_ptr<gpu::GpuDevice> device;
  std::shared_ptr<pipeline::RenderLink> link;
  bool vulkan_embedded = false;
  static std::unique_ptr<TextRenderer> make(std::unique_ptr<Impl> impl) {
    return std::unique_ptr<TextRenderer>(new TextRenderer(std::move(impl)));
  }
};

}  // namespace glyphstream
