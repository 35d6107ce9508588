// The contract between the text system and a GPU backend (sokol-style split: this common part
// has no GL types; src/gpu/gl/ implements it on OpenGL). A backend owns one texture per atlas
// page, the upload machinery (async PBO ring, sync, whole-page), the quad renderer, fences and
// timer queries. It works inside whatever GL context is current and leaves the application's
// GL state as it found it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "glyphstream/status.h"
#include "glyphstream/types.h"

namespace glyphstream::gpu {

// One atlas page as the CPU holds it, and what changed since the last upload.
struct PageUpload {
  uint32_t page = 0;
  PixelFormat format = PixelFormat::kCoverage8;
  int width = 0;
  int height = 0;                   // the texture is (re)created at this size, keeping its content
  const uint8_t* pixels = nullptr;  // height rows of stride bytes; stays valid until the
  size_t stride = 0;                // upload() call returns
  std::span<const Rect> dirty;      // coalesced; every written pixel is inside one
};

// One glyph quad, drawn 1:1 (texel to pixel): dst is integer-aligned in the viewport.
struct GlyphInstance {
  int16_t x = 0, y = 0;   // top-left in the viewport, px, y down
  uint16_t w = 0, h = 0;  // size, px (= texels)
  uint16_t u = 0, v = 0;  // top-left texel in the page
  uint32_t color = 0;     // straight RGBA8 (0xRRGGBBAA); ignored alpha scale for colour pages
};

// A run of instances drawn from one page: one draw call.
struct DrawBatch {
  uint32_t page = 0;
  uint32_t first = 0;  // index into the instance span
  uint32_t count = 0;
};

struct UploadStats {
  uint64_t bytes = 0;          // bytes handed to the GPU (staging copies or client uploads)
  uint32_t copy_commands = 0;  // glTexSubImage2D / copy calls issued
  uint64_t stall_ns = 0;       // CPU time spent waiting on fences for a free staging slot
  uint32_t stalls = 0;
  uint32_t textures_recreated = 0;  // page growth
};

// GPU times measured with timer queries; they arrive a few frames late.
struct GpuTimings {
  uint64_t frame = 0;
  uint64_t upload_ns = 0;
  uint64_t draw_ns = 0;
};

struct GpuDeviceDesc {
  int staging_ring_depth = 0;     // slots in the PBO ring; default 3
  size_t staging_slot_bytes = 0;  // default 4 MiB; a bigger upload grows the slot
  int frames_in_flight = 0;       // default 2
  bool enable_timer_queries = true;
  // Tests: ignore GL 4.2+ features (buffer storage, copy image, texture storage, clear texture)
  // to exercise the GL 3.3 fallbacks on a newer driver.
  bool emulate_gl33 = false;
  // Optional: runs fn(i) for i in [0, n) on several threads and returns when all are done. The
  // async path then writes staging memory (persistently mapped: no GL call) in parallel.
  std::function<void(size_t n, const std::function<void(size_t)>& fn)> parallel_for;
};

class GpuDevice {
 public:
  virtual ~GpuDevice() = default;

  // Sizes the page textures (creating or growing them, never losing content, never deleting a
  // texture a frame in flight may still sample) and uploads the dirty rects in the given mode.
  // After it returns, every draw issued later sees the pixels. `stats` (optional) is added to,
  // not reset.
  virtual Status upload(std::span<const PageUpload> pages, UploadMode mode, UploadStats* stats) = 0;

  // Draws the instances, one draw call per batch, premultiplied-alpha blending, into the
  // currently bound framebuffer with the given viewport size.
  virtual Status draw(std::span<const GlyphInstance> instances, std::span<const DrawBatch> batches,
                      int viewport_width, int viewport_height) = 0;

  // Closes the frame: places its fence, recycles what completed frames released.
  virtual Status end_frame(uint64_t frame) = 0;
  // The newest frame whose fence has signalled (0 before any); never blocks.
  virtual uint64_t completed_frame() = 0;
  // Blocks until every submitted frame has completed.
  virtual Status finish() = 0;
  // Blocks until `frame` has completed (the way a swap chain throttles a renderer). The default
  // waits for everything; backends wait on that frame's fence alone.
  virtual Status wait_frame(uint64_t frame) {
    if (completed_frame() >= frame) return {};
    return finish();
  }

  // True when the driver has timer queries; take_timings() returns finished measurements.
  virtual bool timer_queries_available() const = 0;
  virtual std::vector<GpuTimings> take_timings() = 0;

  // Whether the async path has persistent mapping (ARB_buffer_storage) or its fallback.
  virtual std::string async_path() const = 0;
  virtual std::string renderer() const = 0;

  // Test hook: reads a page texture back (tight rows, the page's format).
  virtual Status read_texture(uint32_t page, std::vector<uint8_t>* pixels, int* width,
                              int* height) = 0;
};

// Creates the OpenGL backend in the current context (GL 3.3 core at least; uses 4.4
// ARB_buffer_storage where present). kUnsupported if no context is current.
Result<std::unique_ptr<GpuDevice>> create_gl_device(const GpuDeviceDesc& desc = {});

// Host-to-device bandwidth in GB/s through the async path's kind of transfer (a mapped pixel
// buffer copied into a texture, `bytes` in one copy), in the current context. Leaves GL state
// as found. Implemented in gl/gl_bandwidth.cpp.
Result<double> measure_upload_bandwidth(size_t bytes);

}  // namespace glyphstream::gpu
