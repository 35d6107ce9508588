// TextRenderer: the render side of render-thread mode (include/glyphstream/text_renderer.h).
// It owns the device and runs the frame packets the TextSystem queues (pipeline/render_link.h);
// TextRenderer::create() is in text_system.cpp, beside the TextSystem it makes.
#include <string>
#include <thread>
#include <utility>

#include "api_guard.h"
#include "glyphstream/text_renderer.h"
#include "glyphstream/vulkan.h"
#include "text_renderer_impl.h"

namespace glyphstream {
namespace {

// Only the creating thread (the render thread) may call; no exception leaves the library.
template <typename Fn>
auto on_render_thread(const TextRenderer::Impl& impl, const char* what, Fn&& fn) -> decltype(fn()) {
  if (std::this_thread::get_id() != impl.owner) {
    return Status(ErrorCode::kWrongThread,
                  std::string(what) +
                      ": called from a thread other than the one that created the TextRenderer");
  }
  return guarded(what, std::forward<Fn>(fn));
}

}  // namespace

TextRenderer::TextRenderer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

TextRenderer::~TextRenderer() {
  if (!impl_) return;
  impl_->link->close_render_side();  // a waiting TextSystem gets kClosed
  if (impl_->device) (void)impl_->device->finish();
}

Status TextRenderer::submit() {
  return on_render_thread(*impl_, "TextRenderer::submit",
                          [&]() -> Status { return impl_->link->submit(*impl_->device); });
}

Status TextRenderer::finish() {
  return on_render_thread(*impl_, "TextRenderer::finish", [&]() -> Status {
    Status drained = impl_->link->drain(*impl_->device);
    Status finished = impl_->device->finish();
    impl_->link->note_completed(impl_->device->completed_frame());
    return drained.ok() ? finished : drained;
  });
}

Status TextRenderer::throttle(int max_in_flight) {
  return on_render_thread(*impl_, "TextRenderer::throttle", [&]() -> Status {
    const uint64_t last = impl_->link->last_run_frame();
    if (max_in_flight < 0 || last <= uint64_t(max_in_flight)) return {};
    return impl_->device->wait_frame(last - uint64_t(max_in_flight));
  });
}

Status TextRenderer::set_vulkan_target(const VulkanFrameTarget& target) {
  return on_render_thread(*impl_, "TextRenderer::set_vulkan_target", [&]() -> Status {
    if (impl_->device->api() != GpuApi::kVulkan)
      return {ErrorCode::kUnsupported, "set_vulkan_target: not a Vulkan TextRenderer"};
    if (!impl_->vulkan_embedded) {
      return {ErrorCode::kUnsupported,
              "set_vulkan_target: a headless TextRenderer draws into its VulkanContext"};
    }
    return impl_->device->set_vulkan_frame_target(target);
  });
}

Result<VulkanFrameSync> TextRenderer::vulkan_frame_sync() const {
  return on_render_thread(
      *impl_, "TextRenderer::vulkan_frame_sync", [&]() -> Result<VulkanFrameSync> {
        if (impl_->device->api() != GpuApi::kVulkan)
          return Status(ErrorCode::kUnsupported, "vulkan_frame_sync: not a Vulkan TextRenderer");
        return impl_->device->vulkan_frame_sync(/*frame_open=*/false);
      });
}

uint64_t TextRenderer::frames_submitted() const { return impl_->link->frames_submitted(); }

std::string TextRenderer::backend_name() const { return impl_->link->traits().backend_name; }
std::string TextRenderer::gpu_renderer() const { return impl_->link->traits().renderer; }
std::string TextRenderer::async_path() const { return impl_->link->traits().async_path; }

Result<double> TextRenderer::measure_upload_bandwidth(size_t bytes) {
  return on_render_thread(
      *impl_, "TextRenderer::measure_upload_bandwidth",
      [&]() -> Result<double> { return impl_->device->measure_upload_bandwidth(bytes); });
}

}  // namespace glyphstream
