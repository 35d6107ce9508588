// glyphstream's main object: owns fonts, the layout cache, the glyph cache, the atlas, the
// rasterizer workers and the GPU backend.
//
// Threads: a TextSystem belongs to the thread that created it (its owner), which must have the
// GL context current. Every entry point checks the calling thread, in every build: from any
// other thread, calls that return a Status return kWrongThread and change nothing; the
// accessors return empty values (0, kAsync, "", an empty vector, a default FrameStats). Use one
// TextSystem per thread. Render-thread mode (glyphstream/text_renderer.h): a TextSystem made
// by TextRenderer::create() belongs to the first thread that calls it and never touches the GPU
// context; its TextRenderer submits the frames on the context's thread.
//
//   auto created = glyphstream::TextSystem::create();  // check it: no GL context is an error
//   if (!created.ok()) return created.status();
//   std::unique_ptr<glyphstream::TextSystem> ts = std::move(created).value();
//   GS_TRY(ts->begin_frame(width, height));
//   GS_TRY(ts->draw_text(10, 10, "Hello, 世界 👋", style));
//   GS_TRY(ts->commit());  // new glyphs rasterized, packed, uploaded (asynchronously)
//   GS_TRY(ts->flush());   // one draw call per atlas page; ends the frame
// (README.md and docs/USING.md show this as complete programs, compiled by the tests.)
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "glyphstream/paragraph.h"
#include "glyphstream/rendering.h"
#include "glyphstream/stats.h"
#include "glyphstream/status.h"
#include "glyphstream/text_layout.h"
#include "glyphstream/text_style.h"
#include "glyphstream/text_system_desc.h"
#include "glyphstream/types.h"

namespace glyphstream {

// glyphstream/vulkan.h (included only by code that uses the Vulkan backend).
class VulkanContext;
struct VulkanDeviceDesc;
struct VulkanFrameTarget;
struct VulkanFrameSync;

class TextSystem {
 public:
  // GL: needs a current GL context (3.3 core or newer). Vulkan: desc.vulkan.context or
  // desc.vulkan.device (kInvalidArgument without one, or with both).
  static Result<std::unique_ptr<TextSystem>> create(const TextSystemDesc& desc = {});
  ~TextSystem();
  TextSystem(const TextSystem&) = delete;
  TextSystem& operator=(const TextSystem&) = delete;

  // Starts a frame that draws into a viewport of this size (px, origin top-left).
  // What the framebuffer holds: text is blended as premultiplied colour (ONE,
  // ONE_MINUS_SRC_ALPHA), so the target must hold premultiplied RGBA (an opaque clear is both);
  // over a translucent clear the result is premultiplied too, and must be un-premultiplied
  // before it is stored as straight alpha (PNG).
  Status begin_frame(int viewport_width, int viewport_height);
  // Lays out and queues text with its top-left corner at (x, y). On error nothing of this call
  // is queued and everything queued before stays. x and y must be finite (else
  // kInvalidArgument); a position beyond +-kMaxPosition is laid out (and its errors reported)
  // but queues nothing: no viewport can show it.
  static constexpr float kMaxPosition = 16777216.0f;  // 2^24 px
  Status draw_text(float x, float y, std::string_view utf8, const TextStyle& style,
                   const DrawParams& params = {});
  // Draws text laid out at the style's size, scaled by `scale` about (x, y): a glyph at layout
  // position p lands at (x, y) + scale * p, exactly as the application's own geometry scales,
  // and its exact raster size is its size * scale. The layout is cached (not redone when only
  // the scale changes). While a scale is new (a zoom in progress), a glyph whose exact size is
  // not in the atlas is drawn from the nearest size that is (the next larger preferred),
  // stretched with bilinear filtering, and better sizes are rasterized in the background, never
  // waited for; once the same scale has been drawn in consecutive frames the exact glyphs
  // replace the stand-ins within a few frames, and the output is then pixel-identical to a
  // fresh TextSystem's draw of the same call (a glyph with no size in the atlas at all is
  // rasterized exactly in commit(), as draw_text does). A separate call rather than a
  // TextStyle field: the style stays the layout's key, and draw_text keeps its exact meaning.
  // scale must be finite, > 0 and <= kMaxScale, and every scaled size at most 4096 px (else
  // kInvalidArgument); x and y as for draw_text.
  static constexpr float kMaxScale = 256.0f;
  Status draw_text_scaled(float x, float y, float scale, std::string_view utf8,
                          const TextStyle& style, const DrawParams& params = {});
  // Lays out without drawing: the layout an application queries (hit testing, carets,
  // selections, lines) and draws with draw_layout(). The same object the layout cache holds, so
  // laying out a text that draw_text() also draws costs one layout. Callable outside a frame.
  Result<TextLayout> layout(std::string_view utf8, const TextStyle& style);
  // Draws a layout with its top-left corner at (x, y), in the style's colour it was laid out
  // with; costs what draw_text() of a cached layout costs. x and y as for draw_text.
  Status draw_layout(float x, float y, const TextLayout& layout, const DrawParams& params = {});
  // Measures without drawing.
  Result<TextMetrics> measure(std::string_view utf8, const TextStyle& style);
  // Rasterizes, packs and uploads every glyph queued so far; after it, each is on the GPU
  // before any draw that follows.
  Status commit();
  // Commits if needed, issues the draw calls (one per atlas page), and ends the frame.
  Status flush();

  // Rasterizes glyphs of this text in the background (does not block); later commits make
  // them resident (zoom_background_glyphs per commit at most).
  Status prefetch(std::string_view utf8, const TextStyle& style);
  // Lays out this text on a worker thread, in the background (does not block), so that a later
  // draw_text(), draw_text_scaled(), measure() or prefetch() of the same text and style finds
  // it in the layout cache: one call per paragraph of the next frame lays them out in parallel,
  // each worker with its own Pango context and font map; the glyphs are those the caller would
  // lay out. The call that uses it waits for a layout a worker is running, lays out itself one
  // no worker has started (never twice), and returns its errors (invalid UTF-8, markup, sizes):
  // here nothing is checked. Callable outside a frame. Not done (the text is laid out when
  // drawn) with threads() == 1, for a text over 64 KiB (never cached), for a text already cached
  // or queued, or beyond 256 queued texts or 4 MiB of queued text. layout() (TextLayout) keeps
  // Pango's objects, which a worker's cannot be: it lays out again. Destroying the TextSystem
  // drops the layouts not started.
  Status prefetch_layout(std::string_view utf8, const TextStyle& style);

  // kInvalidArgument (and the mode unchanged) for a value that is not an UploadMode.
  Status set_upload_mode(UploadMode mode);
  UploadMode upload_mode() const;
  int threads() const;

  // Registers an application font file (then usable by family name).
  Status add_font_file(const std::string& path);

  // Statistics of the last finished frame, and of every finished frame since the last call.
  const FrameStats& last_frame_stats() const;
  std::vector<FrameStats> take_frame_stats();

  // Vulkan, embedded: where the next flush() records its draws (a command buffer inside the
  // application's dynamic rendering, of the formats declared in VulkanDeviceDesc: else
  // kInvalidArgument). kUnsupported on GL and on a headless Vulkan system.
  Status set_vulkan_target(const VulkanFrameTarget& target);
  // Vulkan, embedded, after a successful flush(): the waits and the signal that the
  // application's submission of that frame's command buffer must carry
  // (glyphstream/vulkan_submit.h makes VkSemaphoreSubmitInfo entries of them). kInvalidArgument
  // before the first flush() and inside a frame; kUnsupported on GL and on a headless system.
  Result<VulkanFrameSync> vulkan_frame_sync() const;

  // Diagnostics.
  std::string backend_name() const;  // "gl", "vulkan"
  std::string gpu_renderer() const;
  std::string async_path() const;
  size_t atlas_page_count() const;
  // Debug pictures of the atlas pages (RGBA8), for --dump-atlas; their sizes in *sizes (which
  // may be null).
  std::vector<std::vector<uint8_t>> debug_atlas_images(
      std::vector<std::pair<int, int>>* sizes) const;
  // Measures host-to-device bandwidth (GB/s) through the async upload path (a mapped staging
  // buffer copied into a texture, `bytes` in one transfer), with timer queries where the driver
  // has them, else wall time around glFinish. For benchmarks.
  Result<double> measure_upload_bandwidth(size_t bytes);
  // Blocks until at most `max_in_flight` finished frames are still running on the GPU, as a
  // swap chain would; for benchmarks and tools that have no window.
  Status throttle(int max_in_flight);
  // Waits for the GPU to finish every submitted frame, and for background rasterization
  // (prefetch) to finish: the next commit() then makes every prefetched glyph resident.
  Status finish();

 private:
  friend class TextRenderer;  // render-thread mode: created together (text_renderer.h)
  struct Impl;                // the pipeline (src/text_system.cpp, src/pipeline/)
  std::vector<std::vector<uint8_t>> debug_atlas_images_unguarded(
      std::vector<std::pair<int, int>>* sizes) const;
  explicit TextSystem(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace glyphstream
