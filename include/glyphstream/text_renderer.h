// Render-thread mode (issue 25): a TextSystem that builds frames on one thread and a
// TextRenderer that submits them on the thread that owns the GPU context, created together.
//
//   frame thread (the TextSystem)               render thread (the TextRenderer)
//   begin_frame, draw_text, commit: layout,      submit(): the next frame's uploads and draws
//   rasterization, packing, the pixels copied    into the bound GL framebuffer / the Vulkan
//   into the frame's packet                      target, its frame token; then the application
//   flush(): the packet is queued ──────────▶    presents
//
// The frame thread never touches the GL context or the Vulkan queues. Between the two sits a
// queue of `queue_depth` frames (1..3): a flush() that finds it full waits, as a swap chain
// would, for the render thread's next submit(); neither side waits longer than `timeout_ms`
// (kTimeout, nothing lost: the frame stays queued for the next flush()). Everything else the
// single-thread mode guarantees holds: a glyph is drawn in the frame it first appears, a page
// region is never reused while a queued or running frame draws from it, pages grow keeping
// their content, the three upload modes (UploadMode) give the same pixels, and the sync kill
// switch still waits for each upload, now on the render thread.
//
// Threads: create() runs on the render thread (GL: its context current; Vulkan: the device's
// queue is the render thread's). The TextRenderer belongs to that thread; the TextSystem to the
// first thread that calls it (kWrongThread from any other, as in single-thread mode). Destroy
// the TextSystem first; a TextRenderer whose TextSystem is gone runs what was queued, then
// submit() returns kClosed. A TextSystem whose TextRenderer is gone returns kClosed from
// flush(). In render-thread mode TextSystem::throttle(n) waits until the render thread has
// submitted all but n frames; measure_upload_bandwidth(), set_vulkan_target() and
// vulkan_frame_sync() are the TextRenderer's.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "glyphstream/status.h"
#include "glyphstream/text_system.h"
#include "glyphstream/text_system_desc.h"

namespace glyphstream {

struct VulkanFrameTarget;  // glyphstream/vulkan.h
struct VulkanFrameSync;

// Zero means the default.
struct TextRendererDesc {
  static constexpr int kDefaultQueueDepth = 2;
  static constexpr int kMaxQueueDepth = 3;
  static constexpr int kDefaultTimeoutMs = 5000;
  static constexpr int kMaxTimeoutMs = 600000;
  int queue_depth = 0;  // frames the frame thread may be ahead of submit(): 1..3; default 2
  int timeout_ms = 0;   // the longest either thread waits for the other; default 5 s
};

class TextRenderer {
 public:
  // A frame side and its renderer. Both are needed; neither may outlive the process's GPU
  // context (destroy the TextSystem, then the TextRenderer, on their threads).
  struct Created {
    std::unique_ptr<TextSystem> text;
    std::unique_ptr<TextRenderer> renderer;
  };
  // On the render thread: the GPU device is made here (as TextSystem::create() makes it).
  // kInvalidArgument for a bad desc (queue_depth outside 0..3, timeout_ms outside
  // 0..kMaxTimeoutMs, or what TextSystem::create() refuses).
  static Result<Created> create(const TextSystemDesc& desc = {},
                                const TextRendererDesc& renderer_desc = {});
  ~TextRenderer();
  TextRenderer(const TextRenderer&) = delete;
  TextRenderer& operator=(const TextRenderer&) = delete;

  // Submits the next frame the TextSystem flushed: uploads, draws into the current target (GL:
  // the bound framebuffer and viewport; Vulkan: the target set below, or the headless image)
  // and ends its frame token. Waits for the frame up to the timeout (kTimeout: nothing was
  // submitted; call again). A frame the TextSystem split (a mid-frame flush when the atlas was
  // full) is submitted whole by one call. kClosed once the TextSystem is gone and nothing is
  // left. A failure of the GPU work is returned here and by the TextSystem's next flush().
  Status submit();
  // Submits whatever is queued, without waiting, and waits for the GPU to finish everything.
  Status finish();
  // Blocks until at most `max_in_flight` submitted frames are still running on the GPU, as a
  // swap chain would (for tools without a window).
  Status throttle(int max_in_flight);
  // Embedded Vulkan: the command buffer and image the next submit() records into
  // (TextSystem::set_vulkan_target() in single-thread mode), and the frame's sync afterwards.
  Status set_vulkan_target(const VulkanFrameTarget& target);
  Result<VulkanFrameSync> vulkan_frame_sync() const;

  uint64_t frames_submitted() const;  // application frames submitted so far (any thread)
  std::string backend_name() const;
  std::string gpu_renderer() const;
  std::string async_path() const;
  Result<double> measure_upload_bandwidth(size_t bytes);

  struct Impl;  // src/text_renderer_impl.h

 private:
  explicit TextRenderer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace glyphstream
