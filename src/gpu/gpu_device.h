// The device the text system talks to: the part common to every GPU backend (sokol-style split).
// It validates what it is given, picks the upload path per page (async staging ring, sync,
// whole page), lays the dirty rects out in staging memory and writes them (in parallel bands
// with streaming stores), counts stalls into UploadStats (the upload contract's clause 4,
// src/pipeline/stager.h, whose Stager merges them into the frame's statistics), once for every
// backend. A Backend (backend.h; src/gpu/gl/ and src/gpu/vulkan/) only moves bytes, draws and
// tracks frame completion. Nothing here names a graphics API type.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "glyphstream/status.h"
#include "glyphstream/types.h"
#include "gpu/backend.h"

namespace glyphstream {
class VulkanContext;  // glyphstream/vulkan.h
struct VulkanDeviceDesc;
struct VulkanFrameTarget;
struct VulkanFrameSync;
}  // namespace glyphstream

namespace glyphstream::gpu {

// Where one dirty rect's pixels are, when not in the page image: its top-left pixel and the
// bytes between its rows (a frame packet's copy, pipeline/frame_packet.h).
struct RectSource {
  const uint8_t* pixels = nullptr;
  size_t stride = 0;
};

// One atlas page as the CPU holds it, and what changed since the last upload.
struct PageUpload {
  uint32_t page = 0;
  PixelFormat format = PixelFormat::kCoverage8;
  int width = 0;
  int height = 0;                   // the texture is (re)created at this size, keeping its content
  const uint8_t* pixels = nullptr;  // height rows of stride bytes; stays valid until the
  size_t stride = 0;                // upload() call returns
  std::span<const Rect> dirty;      // coalesced; every written pixel is inside one
  // Optional, one per dirty rect: where its pixels are instead of `pixels` (a frame packet
  // carries copies of the dirty rects only). `pixels` may then be null, unless the page must be
  // sent whole (whole-page mode, a format change): such an upload is refused (kInternal).
  std::span<const RectSource> sources;
};

// Runs fn(i) for i in [0, n) on several threads and returns when all are done (the rasterizer
// workers': GpuDeviceDesc::parallel_for, and the frame packet's copies in render-thread mode).
using ParallelFor = std::function<void(size_t n, const std::function<void(size_t)>& fn)>;

struct GpuDeviceDesc {
  int staging_ring_depth = 0;     // slots in the staging ring; default 3
  size_t staging_slot_bytes = 0;  // default 4 MiB; a bigger upload grows the slot
  int frames_in_flight = 0;       // default 2
  bool enable_timer_queries = true;
  // Tests: ignore GL 4.2+ features (buffer storage, copy image, texture storage, clear texture)
  // to exercise the GL 3.3 fallbacks on a newer driver.
  bool emulate_gl33 = false;
  // Optional: runs fn(i) for i in [0, n) on several threads and returns when all are done. The
  // async path then writes staging memory in parallel bands.
  ParallelFor parallel_for;
  // Vulkan: async copies go to a dedicated transfer queue when the device has one; true keeps
  // them in the graphics stream (TextSystemVulkanDesc::disable_transfer_queue).
  bool vulkan_disable_transfer_queue = false;
  // Blend in linear light on an sRGB target (TextSystemDesc::linear_light): GL checks the draw
  // framebuffer bound at creation and enables GL_FRAMEBUFFER_SRGB for its draws; Vulkan needs
  // an *_SRGB colour format and an *_SRGB format needs it (kInvalidArgument otherwise).
  bool linear_light = false;
};

// The desc with every zero replaced by its default (what backends are created with).
GpuDeviceDesc with_defaults(GpuDeviceDesc desc);

class GpuDevice {
 public:
  GpuDevice(std::unique_ptr<Backend> backend, const GpuDeviceDesc& desc);
  ~GpuDevice();
  GpuDevice(const GpuDevice&) = delete;
  GpuDevice& operator=(const GpuDevice&) = delete;

  // Sizes the page textures (creating or growing them, never losing content, never deleting a
  // texture a frame in flight may still sample) and uploads the dirty rects in the given mode.
  // After it returns, every draw issued later sees the pixels. `stats` (optional) is added to,
  // not reset.
  Status upload(std::span<const PageUpload> pages, UploadMode mode, UploadStats* stats);

  // Draws the instances, one draw call per batch, premultiplied-alpha blending, into the
  // backend's current target (GL: the bound framebuffer) with the given viewport size.
  Status draw(std::span<const GlyphInstance> instances, std::span<const DrawBatch> batches,
              int viewport_width, int viewport_height);

  // Closes the frame: places its fence, recycles what completed frames released.
  Status end_frame(uint64_t frame);
  // The newest frame whose fence has signalled (0 before any); never blocks.
  uint64_t completed_frame();
  // Blocks until every submitted frame has completed.
  Status finish();
  // Blocks until `frame` has completed (the way a swap chain throttles a renderer).
  Status wait_frame(uint64_t frame);

  // True when the driver has timer queries; take_timings() returns finished measurements.
  bool timer_queries_available() const;
  std::vector<GpuTimings> take_timings();

  // Host-to-device bandwidth in GB/s through the async path's kind of transfer, `bytes` in one
  // copy, in the device's context (kContextFailed when another or none is current).
  Result<double> measure_upload_bandwidth(size_t bytes);

  std::string backend_name() const;  // "gl", "vulkan"
  // How async uploads travel (GL: persistent mapping or its fallback), for profiles.
  std::string async_path() const;
  std::string renderer() const;

  // Test hook: reads a page texture back (tight rows, the page's format: the same bytes as the
  // CPU page's rows; *width in atlas pixels, an LCD page's texture being three texels a pixel).
  Status read_texture(uint32_t page, std::vector<uint8_t>* pixels, int* width, int* height);

  // The API, and what only one API has, so that no caller names a backend class: whether async
  // copies run on a dedicated transfer queue (Vulkan), embedded Vulkan's frame target and frame
  // sync (glyphstream/vulkan.h; kUnsupported on every other backend).
  GpuApi api() const { return backend_->api(); }
  bool uses_transfer_queue() const { return backend_->uses_transfer_queue(); }
  // Whether kLcd24 pages can be drawn (dual-source blending; Backend::dual_source_blend).
  bool dual_source_blend() const { return backend_->dual_source_blend(); }
  // The widest page of format f that upload() takes: the maximum texture size in texels over
  // texels_per_pixel (a third of it for kLcd24, backend.h).
  int max_page_width(PixelFormat f) const {
    return backend_->max_texture_size() / texels_per_pixel(f);
  }
  Status set_vulkan_frame_target(const VulkanFrameTarget& target);
  Result<VulkanFrameSync> vulkan_frame_sync(bool frame_open) const;

  // False for embedded Vulkan: the pipeline must never wait for the current frame (backend.h).
  bool can_wait_within_frame() const { return backend_->can_wait_within_frame(); }

  // The backend (its own tests only: everything else goes through the forwarders above).
  Backend& backend() { return *backend_; }
  const Backend& backend() const { return *backend_; }

 private:
  Status validate(const PageUpload& p) const;
  Status ensure_pages(std::span<const PageUpload> pages, UploadMode mode, UploadStats* st,
                      std::vector<bool>* whole);
  Status copy_from_client(const PageUpload& p, const Rect& r, UploadStats* st);
  Status upload_staged(std::span<const PageUpload> pages, const std::vector<bool>& skip,
                       UploadStats* st);
  Status acquire_slot(int slot, UploadStats* st);

  std::unique_ptr<Backend> backend_;
  GpuDeviceDesc desc_;
  std::unordered_map<uint32_t, PageDesc> pages_;  // every page ensure_page has created
  int next_slot_ = 0;
};

// Creates the OpenGL backend in the current context (GL 3.3 core at least; uses 4.4
// ARB_buffer_storage where present). kContextFailed if no context is current, kUnsupported if
// it cannot be used. Implemented in gl/gl_backend.cpp.
Result<std::unique_ptr<GpuDevice>> create_gl_device(const GpuDeviceDesc& desc = {});

// Creates the Vulkan 1.3 backend, headless (draws into the context's offscreen image; the
// context must outlive the device) or embedded (the application's device; draws go into the
// command buffer given to VulkanBackend::set_frame_target). Implemented in
// vulkan/vk_device.cpp.
Result<std::unique_ptr<GpuDevice>> create_vulkan_device(VulkanContext& context,
                                                        const GpuDeviceDesc& desc = {});
Result<std::unique_ptr<GpuDevice>> create_vulkan_device(const VulkanDeviceDesc& device,
                                                        const GpuDeviceDesc& desc = {});

}  // namespace glyphstream::gpu
