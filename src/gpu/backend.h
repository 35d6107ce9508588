// What one GPU backend implements (sokol-style: the common side in gpu_device.{h,cpp} does
// validation, upload-mode selection, staging layout and stall accounting once; a backend only
// moves bytes and draws). OpenGL lives in src/gpu/gl/, Vulkan in src/gpu/vulkan/. Nothing here
// names a graphics API type.
//
// One commit's upload is a pass, driven by GpuDevice::upload() after it has validated every
// PageUpload (the backend sees only valid pages, rects inside them, known formats):
//
//   begin_upload(mode)                        fails: nothing else is called
//     ensure_page(page)                       for every page of the call, before any copy
//     whole pages first (a page whose ensure_page said *must_upload_whole, and every dirty page
//     in whole-page mode): copy_from_client(the whole page)
//     async:      slot = next ring slot (round robin over staging_slot_count());
//                 if !staging_slot_idle(slot): wait_staging_slot(slot) (timed and counted as a
//                 stall by the common side); map_staging_slot(slot, n); the common side writes
//                 the rects' rows (on several threads if parallel_staging_writes());
//                 copy_from_staging(slot, copies)   (at most once per pass)
//     sync:       copy_from_client(copies)    (complete on the GPU when end_upload returns)
//   end_upload()                              always, once begin_upload succeeded, also after a
//                                             failed step. GL: restore state; Vulkan: submit
//                                             (and, in sync mode, wait for the fence)
//
// Statistics are the common side's: one copy command per StagingCopy / ClientCopy and their
// bytes; a backend adds only what ensure_page does (recreated images, GPU-side copies).
//
// Pages, copies and read_texture() count texels, not atlas pixels: a kLcd24 page is an R8
// texture three texels wide per pixel (its R, G, B coverages side by side), so the common side
// hands the backend its width and rects times texels_per_pixel() and the backend moves
// texel_bytes() per texel. GlyphInstance u, v, tw, th stay atlas pixels: the GS_LCD shaders
// read pixel x of an LCD page as texels 3x, 3x + 1, 3x + 2.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "glyphstream/status.h"
#include "glyphstream/types.h"

namespace glyphstream {
struct VulkanFrameTarget;  // glyphstream/vulkan.h
struct VulkanFrameSync;
}  // namespace glyphstream

namespace glyphstream::gpu {

// Frame numbers as the text system counts them (one per begin_frame()). A backend maps them to
// its own completion mechanism: GL fences, Vulkan timeline-semaphore values.
using FrameToken = uint64_t;

// A page's texture: texels per atlas pixel and bytes per texel (kLcd24: 3 and 1, an R8 texture
// three times as wide; the others: 1 and bytes_per_pixel()).
constexpr int texels_per_pixel(PixelFormat f) { return f == PixelFormat::kLcd24 ? 3 : 1; }
constexpr int texel_bytes(PixelFormat f) { return bytes_per_pixel(f) / texels_per_pixel(f); }
// A rect of atlas pixels as the texels of the page's texture.
constexpr Rect texel_rect(PixelFormat f, const Rect& r) {
  const int k = texels_per_pixel(f);
  return {r.x * k, r.y, r.w * k, r.h};
}

// A page's texture (width in texels, see above).
struct PageDesc {
  uint32_t page = 0;
  PixelFormat format = PixelFormat::kCoverage8;
  int width = 0;
  int height = 0;
  friend bool operator==(const PageDesc&, const PageDesc&) = default;
};

// A rect of a page's texels filled from a staging slot: rows of rect.w * texel_bytes bytes,
// tightly packed, starting at `offset` (a multiple of kStagingAlign).
struct StagingCopy {
  uint32_t page = 0;
  PixelFormat format = PixelFormat::kCoverage8;
  Rect rect;
  size_t offset = 0;
};
constexpr size_t kStagingAlign = 16;

// A rect of a page filled straight from the CPU page image (sync and whole-page modes).
struct ClientCopy {
  uint32_t page = 0;
  PixelFormat format = PixelFormat::kCoverage8;
  Rect rect;
  const uint8_t* pixels = nullptr;  // the rect's top-left texel
  // Bytes between rows: a whole number of texels, or the rect is one row (the common side
  // splits a rect of a page whose stride is not whole texels into rows: GL's and Vulkan's row
  // lengths count texels).
  size_t stride = 0;
};

// What an instance draws. The GL and Vulkan shaders and the CPU reference compositor
// (tests/support/reference_compositor.cpp) do the same math for each kind.
enum class InstanceKind : uint32_t {
  kGlyph = 0,         // 1:1 texel copy (texelFetch at integer pixel coordinates): exact; x, y,
                      // w, h whole px, w x h texels from (u, v)
  kScaledGlyph = 1,   // tw x th texels stretched over w x h px, bilinear (four texelFetch; the
                      // pixel centre mapped into texel space, clamped to the glyph's texels)
  kRect = 2,          // solid rectangle; coverage = the pixel's fractional overlap with it
  kErrorSquiggle = 3  // Pango's error underline (pango-cairo's zigzag) inside the rect
};

// The pixels an instance may write: columns x0 <= px < x1, rows y0 <= py < y1 (viewport px, y
// down). A pixel whose centre lies outside is never drawn (the vertex shaders clamp the quad to
// it; the CPU reference skips those pixels). The default clips nothing. The pipeline turns a
// DrawParams::clip (fractional) into it by the pixel-centre rule (pipeline/clip.h).
struct InstanceClip {
  uint16_t x0 = 0, y0 = 0;
  uint16_t x1 = UINT16_MAX, y1 = UINT16_MAX;
  friend bool operator==(const InstanceClip&, const InstanceClip&) = default;
};

// One quad (40 bytes).
struct GlyphInstance {
  float x = 0, y = 0;       // destination top-left, px, y down (whole px for kGlyph)
  float w = 0, h = 0;       // destination size, px
  uint16_t u = 0, v = 0;    // source top-left in the page, atlas px (glyph kinds; LCD: 3 texels)
  uint16_t tw = 0, th = 0;  // source size, atlas px (kScaledGlyph)
  uint32_t color = 0;       // straight RGBA8 (0xRRGGBBAA); colour pages: alpha scale
  uint32_t kind = 0;        // InstanceKind (a plain integer, as the shaders read it), with
                            // kSampleColorPage or'ed in for a glyph of the batch's color_page
  InstanceClip clip;        // per instance: any number of clips in one draw call
};
static_assert(sizeof(GlyphInstance) == 40, "the shaders' vertex layout assumes 40 bytes");

// A flag of GlyphInstance::kind: this glyph (kGlyph or kScaledGlyph) samples the batch's
// color_page (a colour page) instead of its page. One draw call thus draws text from a coverage
// page and emoji from a colour page in draw order (issue 17: the common frame, one page of each
// format, is one batch). The shaders and the CPU reference strip it with instance_kind().
constexpr uint32_t kSampleColorPage = 0x100;

// The InstanceKind of a GlyphInstance::kind (without kSampleColorPage).
constexpr uint32_t instance_kind(uint32_t kind) { return kind & ~kSampleColorPage; }
constexpr bool samples_color_page(uint32_t kind) { return (kind & kSampleColorPage) != 0; }

// True for kinds that never sample a page (a batch of only these may use kNoPage).
constexpr bool is_rect_kind(uint32_t kind) {
  return kind == uint32_t(InstanceKind::kRect) || kind == uint32_t(InstanceKind::kErrorSquiggle);
}

// A batch on no page: rect kinds only (a frame that has decorations but no glyph).
constexpr uint32_t kNoPage = UINT32_MAX;

// A run of instances drawn from one page, or from a page and a colour page: one draw call.
// Unflagged glyphs sample `page` (its format decides their math: kLcd24, per-channel coverage
// with dual-source blending, Backend::dual_source_blend); glyphs flagged with
// kSampleColorPage sample `color_page`, which must then be a kColor32 page (usually `page` is
// the coverage page of the text and `color_page` the colour page of its emoji).
struct DrawBatch {
  uint32_t page = 0;   // kNoPage: every instance of the batch is a rect kind
  uint32_t first = 0;  // index into the instance span
  uint32_t count = 0;
  uint32_t color_page = kNoPage;  // kNoPage: no instance carries kSampleColorPage
};

struct DrawList {
  std::span<const GlyphInstance> instances;
  std::span<const DrawBatch> batches;
  int viewport_width = 0;
  int viewport_height = 0;
};

struct UploadStats {
  uint64_t bytes = 0;          // bytes handed to the GPU (staging copies or client uploads)
  uint32_t copy_commands = 0;  // copy regions / calls issued
  uint64_t stall_ns = 0;       // CPU time spent waiting for a free staging slot
  uint32_t stalls = 0;
  uint32_t textures_recreated = 0;  // page growth
  // GpuDevice::upload() adds to these; a frame's statistics take them through the one merge,
  // pipeline::merge_upload_stats (src/pipeline/stager.h).
};

// GPU times measured with timer queries / timestamps; they arrive a few frames late.
struct GpuTimings {
  uint64_t frame = 0;
  uint64_t upload_ns = 0;
  uint64_t draw_ns = 0;
  // Where the backend knows them (Vulkan): the device clock, in ns, when the frame's first
  // upload command began and its last ended; 0 otherwise.
  uint64_t upload_begin_ns = 0;
  uint64_t upload_end_ns = 0;
};

class Backend {
 public:
  virtual ~Backend() = default;

  // --- the upload pass
  virtual Status begin_upload(UploadMode mode) = 0;
  // Creates the page's image or grows it to desc's size, keeping its content (GPU-side copy);
  // storage a frame in flight may sample is released only once that frame has completed.
  // *must_upload_whole: the content must come whole from the CPU (a page id reused with another
  // format; a new image too unless the backend cleared it to zero, as GL does). Adds to
  // stats->textures_recreated / copy_commands (a GPU-side copy of a grown page).
  virtual Status ensure_page(const PageDesc& desc, bool* must_upload_whole, UploadStats* stats) = 0;
  virtual int staging_slot_count() const = 0;
  // Never blocks: true when the GPU no longer reads the slot.
  virtual bool staging_slot_idle(int slot) = 0;
  // Blocks until the slot is idle (the common side times this as a stall).
  virtual Status wait_staging_slot(int slot) = 0;
  // CPU-writable memory of at least `bytes` for an idle slot (grown if needed), written until
  // copy_from_staging() with no backend call in between.
  virtual Result<uint8_t*> map_staging_slot(int slot, size_t bytes) = 0;
  // Whether several threads may write that memory at once (GpuDeviceDesc::parallel_for). GL's
  // glMapBufferRange fallback says no: only its persistent mapping is shared.
  virtual bool parallel_staging_writes() const { return true; }
  // Issues the copies from the slot; the slot is busy until they have executed.
  virtual Status copy_from_staging(int slot, std::span<const StagingCopy> copies) = 0;
  // Issues copies from client memory; the memory may be reused once end_upload() returns.
  virtual Status copy_from_client(std::span<const ClientCopy> copies) = 0;
  virtual Status end_upload() = 0;

  // --- drawing and frames
  // Draws the list, one draw call per batch, premultiplied-alpha blending, into the current
  // target (GL: the bound framebuffer; Vulkan: the frame's command buffer or offscreen image).
  // The common side has checked it: a positive viewport, batches inside the instance span and
  // on pages that ensure_page created, at least one instance and one batch.
  virtual Status draw(const DrawList& list) = 0;
  // Closes the frame: everything it submitted completes when `frame` does.
  virtual Status end_frame(FrameToken frame) = 0;
  // The newest completed frame (0 before any); never blocks.
  virtual FrameToken completed_frame() = 0;
  virtual Status wait_frame(FrameToken frame) = 0;
  virtual Status finish() = 0;

  // --- measurement and diagnostics
  virtual bool timer_queries_available() const = 0;
  virtual std::vector<GpuTimings> take_timings() = 0;
  // Host-to-device bandwidth (GB/s) through the async path's kind of transfer, `bytes` in one
  // copy; leaves any state as found. GL: kContextFailed unless the device's context is current.
  virtual Result<double> measure_upload_bandwidth(size_t bytes) = 0;
  // False when a frame completes only through a submission the application makes after the
  // frame (embedded Vulkan: its command buffer carries the draws): the pipeline must then never
  // wait for the current frame, so a full atlas cannot be flushed mid-frame.
  virtual bool can_wait_within_frame() const { return true; }
  virtual GpuApi api() const = 0;
  virtual std::string name() const = 0;        // "gl", "vulkan"
  virtual std::string async_path() const = 0;  // how async uploads travel (for profiles)
  virtual std::string renderer() const = 0;    // the driver's device name
  virtual int max_texture_size() const = 0;
  // Test hook: reads a page image back (tight rows, the page's format); the page exists and
  // pixels is not null (checked by the common side).
  virtual Status read_texture(uint32_t page, std::vector<uint8_t>* pixels, int* width,
                              int* height) = 0;

  // --- what one API alone has, reached through GpuDevice (no caller names a backend class).
  // Embedded Vulkan's frame target and frame sync (VulkanBackend, vk_backend.h); every other
  // backend: kUnsupported (gpu_device.cpp).
  virtual Status set_frame_target(const VulkanFrameTarget& target);
  virtual Result<VulkanFrameSync> frame_sync(bool frame_open) const;
  // True when async copies run in their own submission on a dedicated transfer queue (Vulkan).
  virtual bool uses_transfer_queue() const { return false; }
  // True when the backend draws kLcd24 pages: dual-source blending (GL 3.3's
  // ARB_blend_func_extended, Vulkan's dualSrcBlend feature), each colour channel blended with
  // its own coverage. False: a batch on a kLcd24 page is refused (the pipeline draws LCD text
  // greyscale instead).
  virtual bool dual_source_blend() const { return false; }
};

}  // namespace glyphstream::gpu
