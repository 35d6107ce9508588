// What TextSystem::create() is given (text_system.h): atlas, threads, upload mode, zoom
// policy and the graphics API. A value type in its own header so that code below the facade
// (src/pipeline) can use it without it.
#pragma once

#include <cstddef>
#include <cstdint>

#include "glyphstream/types.h"

namespace glyphstream {

// glyphstream/vulkan.h (included only by code that uses the Vulkan backend).
class VulkanContext;
struct VulkanDeviceDesc;

// TextSystemDesc::vulkan: what only the Vulkan backend reads (sokol-style: one sub-struct per
// backend; GL has no option of its own). Zero / null means default, as in TextSystemDesc.
struct TextSystemVulkanDesc {
  // Headless: draws go to the context's offscreen image (it must outlive the TextSystem). The
  // thread rule applies as for GL; no context needs to be current.
  VulkanContext* context = nullptr;
  // Embedded: the application's device (see glyphstream/vulkan.h); draws are recorded into the
  // command buffer given by set_vulkan_target() before each flush(). Copied at create().
  const VulkanDeviceDesc* device = nullptr;
  // By default async uploads run on a dedicated transfer queue when the device has one (and,
  // embedded, the application passed it); true keeps every copy on the graphics queue.
  bool disable_transfer_queue = false;
};

// Zero / empty means default everywhere. A value outside its range makes create() return
// kInvalidArgument (the bounds keep a typo from pre-allocating gigabytes).
struct TextSystemDesc {
  static constexpr int kMaxPageSize = 16384;
  static constexpr size_t kMaxAtlasBudgetBytes = size_t(64) << 30;  // 64 GiB
  static constexpr int kMaxThreads = 256;
  static constexpr int kMaxStagingRingDepth = 16;
  static constexpr int kMaxFramesInFlight = 16;
  static constexpr size_t kMaxLayoutCacheEntries = size_t(1) << 20;

  int page_width = 0;             // atlas page width, default 1024; 0..kMaxPageSize
  int page_max_height = 0;        // default = page_width; 0..kMaxPageSize
  int page_initial_height = 0;    // default 256; pages grow by doubling up to page_max_height;
                                  // 0..kMaxPageSize
  size_t atlas_budget_bytes = 0;  // default 32 MiB; 0..kMaxAtlasBudgetBytes
  int threads = 0;                // rasterizer threads; default GLYPHSTREAM_THREADS or
                                  // the hardware concurrency; 0..kMaxThreads
  bool upload_mode_set = false;   // if false: GLYPHSTREAM_SYNC_UPLOADS=1 selects sync,
  UploadMode upload_mode = UploadMode::kAsync;  // else async; one of the UploadMode values
  int staging_ring_depth = 0;                   // default 3; 0..kMaxStagingRingDepth
  int frames_in_flight = 0;                     // default 2; 0..kMaxFramesInFlight
  size_t layout_cache_entries = 0;              // default 1024; 0..kMaxLayoutCacheEntries
  // draw_text_scaled() (zoom without churn; defaults measured with the bench's W3 zoom, see
  // docs/performance/issue-13-17-h200-sessions.md). Each 0..kMaxZoomKnob.
  static constexpr int kMaxZoomKnob = 1 << 20;
  int zoom_stable_frames = 0;      // frames running a scale must be drawn before its exact
                                   // sizes are rasterized in the background; default 1. One
                                   // frame later, commit() waits for the exact glyphs still
                                   // missing: exact zoom_stable_frames + 1 frames after a stop
  int zoom_background_glyphs = 0;  // background rasterizations requested per frame,
                                   // background results made resident per commit, and (per 4
                                   // rasterizer threads) exact glyphs never requested that a
                                   // settling frame waits for; default 128
  int zoom_ladder_steps = 0;       // stand-in sizes per octave rasterized during a zoom; default 4

  // The graphics API. Left at kGl, GLYPHSTREAM_BACKEND=gl|vulkan may choose (Vulkan then needs
  // vulkan.context or vulkan.device).
  GpuApi backend = GpuApi::kGl;
  // Vulkan: exactly one of vulkan.context (headless) and vulkan.device (embedded).
  TextSystemVulkanDesc vulkan;

  // The target's content is translucent (text drawn into a layer composited later): LCD text
  // (Antialias::kSubpixel) has no right answer over transparency, so it is drawn greyscale (and
  // counted in FrameStats::lcd_fallback_draws). false: the target is opaque where text lands.
  bool translucent_target = false;

  // Blend in linear light: the target stores sRGB-encoded colour (an sRGB colour buffer), the
  // hardware decodes it before blending and encodes the result, and glyphstream converts its
  // colours (given in sRGB, as always) to linear before they blend. Dark on light and light on
  // dark then look equally heavy. A property of the target, not of the draw (docs/USING.md,
  // "Blending in linear light"): GL enables GL_FRAMEBUFFER_SRGB for its draws and needs the
  // framebuffer bound at create() to have an sRGB colour buffer; Vulkan needs an *_SRGB colour
  // format (the VulkanContext's image, or VulkanDeviceDesc/VulkanFrameTarget::color_format),
  // and an *_SRGB format needs this on (Vulkan always blends such a target in linear light).
  // Otherwise create() (or set_vulkan_target) returns kInvalidArgument. Off: plain blending of
  // the stored values, as pango-view and cairo do.
  bool linear_light = false;
};

}  // namespace glyphstream
