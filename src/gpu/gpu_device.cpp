// The common side of every GPU backend: validation, upload-mode dispatch, staging layout and
// writes, stall accounting and statistics. The backend (backend.h) moves bytes and draws.
#include "gpu/gpu_device.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "glyphstream/vulkan.h"

namespace glyphstream::gpu {
namespace {

constexpr int kDefaultRingDepth = 3;
constexpr size_t kDefaultSlotBytes = size_t(4) << 20;
constexpr int kDefaultFramesInFlight = 2;
// Staging writes are split into bands of about this many bytes for the lent threads.
constexpr size_t kPackBandBytes = 64 * 1024;
// Below this a single thread writes the slot: handing out the bands would cost more.
constexpr size_t kParallelPackBytes = 256 * 1024;

size_t align_up(size_t v, size_t a) { return (v + a - 1) / a * a; }

// Copies `rows` rows of `row` bytes into staging memory that the GPU reads next. Streaming
// (non-temporal) stores send the bytes to memory without first reading the destination lines
// into this core's cache and without leaving them dirty there, where the GPU's reads would
// have to snoop them (an interleaved A/B on the H200 showed no clear GPU-time difference
// either way; the stores also keep the rasterizers' caches). Head and tail bytes of each row
// that do not fill 16 aligned bytes use ordinary stores.
void store_rows(uint8_t* dst, const uint8_t* src, size_t src_stride, size_t row, int rows) {
#if defined(__SSE2__)
  for (int y = 0; y < rows; ++y) {
    uint8_t* d = dst + size_t(y) * row;
    const uint8_t* s = src + size_t(y) * src_stride;
    size_t n = row;
    const size_t head = std::min(n, (16 - (reinterpret_cast<uintptr_t>(d) & 15)) & 15);
    std::memcpy(d, s, head);
    d += head, s += head, n -= head;
    for (; n >= 16; n -= 16, d += 16, s += 16) {
      _mm_stream_si128(reinterpret_cast<__m128i*>(d),
                       _mm_loadu_si128(reinterpret_cast<const __m128i*>(s)));
    }
    std::memcpy(d, s, n);
  }
  _mm_sfence();  // streaming stores are weakly ordered: complete them before the copy commands
#else
  for (int y = 0; y < rows; ++y) {
    std::memcpy(dst + size_t(y) * row, src + size_t(y) * src_stride, row);
  }
#endif
}

// A run of rows of one rect, written into the slot by one thread.
struct StagingBand {
  const uint8_t* src;
  size_t src_stride;
  size_t offset;  // in the slot
  size_t row;     // bytes per row, tightly packed in the slot
  int rows;
};

// Where one pass's rects go in a staging slot: each rect's rows tightly packed from an offset
// aligned to kStagingAlign, in page and rect order.
struct StagingPlan {
  std::vector<StagingCopy> copies;
  std::vector<StagingBand> bands;
  size_t slot_bytes = 0;  // what the slot must hold, alignment included
  uint64_t bytes = 0;     // pixel bytes, alignment excluded (UploadStats::bytes)
};

// Where dirty rect k of a page starts: its own source, or the page image.
RectSource rect_source(const PageUpload& p, size_t k) {
  if (!p.sources.empty()) return p.sources[k];
  const Rect& r = p.dirty[k];
  return {p.pixels + size_t(r.y) * p.stride + size_t(r.x) * size_t(bytes_per_pixel(p.format)),
          p.stride};
}

StagingPlan plan_staging(std::span<const PageUpload> pages, const std::vector<bool>& skip) {
  StagingPlan plan;
  for (size_t i = 0; i < pages.size(); ++i) {
    if (skip[i]) continue;
    const PageUpload& p = pages[i];
    const size_t bpp = size_t(bytes_per_pixel(p.format));
    for (size_t k = 0; k < p.dirty.size(); ++k) {
      const Rect& r = p.dirty[k];
      if (r.empty()) continue;
      const size_t row = size_t(r.w) * bpp;
      const RectSource src = rect_source(p, k);
      // Bands of rows of about kPackBandBytes: a page-sized rect is shared by every thread
      // lent, not written by one (the rects of a burst are one or two whole pages).
      const int band_rows = int(std::max<size_t>(1, kPackBandBytes / row));
      for (int y0 = 0; y0 < r.h; y0 += band_rows) {
        plan.bands.push_back({src.pixels + size_t(y0) * src.stride, src.stride,
                              plan.slot_bytes + size_t(y0) * row, row,
                              std::min(band_rows, r.h - y0)});
      }
      plan.copies.push_back({p.page, p.format, texel_rect(p.format, r), plan.slot_bytes});
      plan.slot_bytes += align_up(row * size_t(r.h), kStagingAlign);
      plan.bytes += row * size_t(r.h);
    }
  }
  return plan;
}

// The copies that fill `r` of page `p` from `src` (its top-left pixel), in texels: one, or
// one per row when the stride is not a whole number of texels (row lengths count texels).
void add_client_copies(const PageUpload& p, const Rect& r, RectSource src,
                       std::vector<ClientCopy>* out) {
  if (r.empty()) return;
  const Rect t = texel_rect(p.format, r);
  if (src.stride % size_t(texel_bytes(p.format)) == 0) {
    out->push_back({p.page, p.format, t, src.pixels, src.stride});
    return;
  }
  for (int y = 0; y < t.h; ++y) {
    out->push_back({p.page, p.format, Rect{t.x, t.y + y, t.w, 1},
                    src.pixels + size_t(y) * src.stride, src.stride});
  }
}

bool valid_mode(UploadMode mode) {
  return mode == UploadMode::kAsync || mode == UploadMode::kSync || mode == UploadMode::kWholePage;
}

}  // namespace

GpuDeviceDesc with_defaults(GpuDeviceDesc desc) {
  if (desc.staging_ring_depth <= 0) desc.staging_ring_depth = kDefaultRingDepth;
  if (desc.staging_slot_bytes == 0) desc.staging_slot_bytes = kDefaultSlotBytes;
  if (desc.frames_in_flight <= 0) desc.frames_in_flight = kDefaultFramesInFlight;
  return desc;
}

GpuDevice::GpuDevice(std::unique_ptr<Backend> backend, const GpuDeviceDesc& desc)
    : backend_(std::move(backend)), desc_(with_defaults(desc)) {}

GpuDevice::~GpuDevice() = default;

Status GpuDevice::validate(const PageUpload& p) const {
  char buf[200];
  const int max_size = backend_->max_texture_size();
  if (int(p.format) >= kPixelFormatCount) {
    std::snprintf(buf, sizeof buf, "upload: page %u has unknown pixel format %d", p.page,
                  int(p.format));
    return {ErrorCode::kInvalidArgument, buf};
  }
  // An LCD page's texture is three texels wide per pixel (backend.h).
  if (p.width <= 0 || p.height <= 0 || p.width > max_page_width(p.format) || p.height > max_size) {
    std::snprintf(buf, sizeof buf, "upload: page %u has size %dx%d (limit %d%s)", p.page, p.width,
                  p.height, max_size,
                  texels_per_pixel(p.format) == 1 ? "" : "; LCD pages: a third of it wide");
    return {ErrorCode::kInvalidArgument, buf};
  }
  const size_t bpp = size_t(bytes_per_pixel(p.format));
  const size_t row = size_t(p.width) * bpp;
  if ((!p.pixels && p.sources.empty() && !p.dirty.empty()) || (p.pixels && p.stride < row)) {
    std::snprintf(buf, sizeof buf, "upload: page %u has no pixels or a stride below %zu", p.page,
                  row);
    return {ErrorCode::kInvalidArgument, buf};
  }
  if (!p.sources.empty() && p.sources.size() != p.dirty.size()) {
    std::snprintf(buf, sizeof buf, "upload: page %u has %zu rect sources for %zu dirty rects",
                  p.page, p.sources.size(), p.dirty.size());
    return {ErrorCode::kInvalidArgument, buf};
  }
  for (size_t k = 0; k < p.sources.size(); ++k) {
    if (!p.sources[k].pixels || p.sources[k].stride < size_t(std::max(p.dirty[k].w, 0)) * bpp) {
      std::snprintf(buf, sizeof buf,
                    "upload: page %u rect source %zu has no pixels or a short stride", p.page, k);
      return {ErrorCode::kInvalidArgument, buf};
    }
  }
  for (const Rect& r : p.dirty) {
    if (r.x < 0 || r.y < 0 || r.w < 0 || r.h < 0 || r.right() > p.width || r.bottom() > p.height) {
      std::snprintf(buf, sizeof buf, "upload: page %u dirty rect %d,%d %dx%d outside %dx%d", p.page,
                    r.x, r.y, r.w, r.h, p.width, p.height);
      return {ErrorCode::kInvalidArgument, buf};
    }
  }
  return {};
}

Status GpuDevice::upload(std::span<const PageUpload> pages, UploadMode mode, UploadStats* stats) {
  UploadStats local;
  UploadStats* st = stats ? stats : &local;
  if (pages.empty()) return {};
  if (!valid_mode(mode)) {
    return {ErrorCode::kInvalidArgument,
            "upload: unknown upload mode " + std::to_string(int(mode))};
  }
  for (const PageUpload& p : pages) GS_TRY(validate(p));
  GS_TRY(backend_->begin_upload(mode));

  // Pages whose content must come whole from the CPU (a format change) skip the rect path.
  std::vector<bool> whole;
  Status status = ensure_pages(pages, mode, st, &whole);
  std::vector<ClientCopy> client;
  for (size_t i = 0; i < pages.size() && status.ok(); ++i) {
    const PageUpload& p = pages[i];
    if (whole[i]) {
      add_client_copies(p, Rect{0, 0, p.width, p.height}, RectSource{p.pixels, p.stride}, &client);
    } else if (mode == UploadMode::kSync) {
      for (size_t k = 0; k < p.dirty.size(); ++k) {
        add_client_copies(p, p.dirty[k], rect_source(p, k), &client);
      }
    }
  }
  if (status.ok() && !client.empty()) {
    status = backend_->copy_from_client(client);
    if (status.ok()) {
      for (const ClientCopy& c : client) {
        st->bytes += uint64_t(c.rect.w) * uint64_t(c.rect.h) * uint64_t(texel_bytes(c.format));
      }
      st->copy_commands += uint32_t(client.size());
    }
  }
  if (status.ok() && mode == UploadMode::kAsync) status = upload_staged(pages, whole, st);
  // Once begun, the pass is always ended: the backend restores state or submits there.
  Status end = backend_->end_upload();
  return status.ok() ? end : status;
}

Status GpuDevice::ensure_pages(std::span<const PageUpload> pages, UploadMode mode, UploadStats* st,
                               std::vector<bool>* whole) {
  whole->assign(pages.size(), false);
  for (size_t i = 0; i < pages.size(); ++i) {
    const PageUpload& p = pages[i];
    const PageDesc desc{p.page, p.format, p.width, p.height};
    const PageDesc texture{p.page, p.format, p.width * texels_per_pixel(p.format), p.height};
    bool must_upload_whole = false;
    GS_TRY(backend_->ensure_page(texture, &must_upload_whole, st));
    pages_[p.page] = desc;
    (*whole)[i] = must_upload_whole || (mode == UploadMode::kWholePage && !p.dirty.empty());
    if ((*whole)[i] && !p.pixels) {
      return {ErrorCode::kInternal, "upload: page " + std::to_string(p.page) +
                                        " must be sent whole but comes with its dirty rects only"};
    }
  }
  return {};
}

// Waits until the GPU no longer reads the slot; a wait is a stall, timed and counted.
Status GpuDevice::acquire_slot(int slot, UploadStats* st) {
  if (backend_->staging_slot_idle(slot)) return {};
  const auto start = std::chrono::steady_clock::now();
  Status s = backend_->wait_staging_slot(slot);
  st->stall_ns += uint64_t(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start)
          .count());
  ++st->stalls;
  return s;
}

Status GpuDevice::upload_staged(std::span<const PageUpload> pages, const std::vector<bool>& skip,
                                UploadStats* st) {
  const StagingPlan plan = plan_staging(pages, skip);
  if (plan.slot_bytes == 0) return {};
  const int slots = backend_->staging_slot_count();
  if (slots <= 0) return {ErrorCode::kInternal, "upload: the backend has no staging slots"};
  const int slot = next_slot_ % slots;
  next_slot_ = (slot + 1) % slots;
  GS_TRY(acquire_slot(slot, st));
  GS_ASSIGN_OR_RETURN(uint8_t * base, backend_->map_staging_slot(slot, plan.slot_bytes));
  st->bytes += plan.bytes;

  // Band by band into the slot; several threads when the caller lent them, there is enough to
  // share and the backend's staging memory may be written from any thread.
  auto write_band = [&](size_t k) {
    const StagingBand& b = plan.bands[k];
    store_rows(base + b.offset, b.src, b.src_stride, b.row, b.rows);
  };
  if (desc_.parallel_for && backend_->parallel_staging_writes() && plan.bands.size() > 1 &&
      plan.bytes >= kParallelPackBytes) {
    desc_.parallel_for(plan.bands.size(), write_band);
  } else {
    for (size_t k = 0; k < plan.bands.size(); ++k) write_band(k);
  }
  GS_TRY(backend_->copy_from_staging(slot, plan.copies));
  st->copy_commands += uint32_t(plan.copies.size());
  return {};
}

// Flags only on glyph kinds, and only in a batch with a colour page (a rect kind or kNoPage
// batch with the flag would be meaningless).
static Status check_instances(std::span<const GlyphInstance> instances, const DrawBatch& b) {
  const bool no_page = b.page == kNoPage;
  const bool color_page = b.color_page != kNoPage;
  // One pass without branches first (a steady frame's tens of thousands of instances); the loop
  // below, which names the fault, runs only when there is one.
  // Integers, not bools: clang's -Wbitwise-instead-of-logical (a branch-free | on purpose).
  const unsigned glyphs_forbidden = no_page ? 1u : 0u, color_missing = color_page ? 0u : 1u;
  unsigned bad = 0;
  for (uint32_t i = b.first; i < b.first + b.count; ++i) {
    const uint32_t kind = instances[i].kind;
    const unsigned rect = is_rect_kind(kind) ? 1u : 0u;
    const unsigned samples = samples_color_page(kind) ? 1u : 0u;
    const unsigned inner_rect = is_rect_kind(instance_kind(kind)) ? 1u : 0u;
    bad |= (glyphs_forbidden & (rect ^ 1u)) | (samples & (color_missing | inner_rect));
  }
  if (bad == 0) return {};
  for (uint32_t i = b.first; i < b.first + b.count; ++i) {
    const uint32_t kind = instances[i].kind;
    if (no_page && !is_rect_kind(kind)) {
      return {ErrorCode::kInvalidArgument, "draw: a kNoPage batch holds a glyph instance"};
    }
    if (samples_color_page(kind) && (!color_page || is_rect_kind(instance_kind(kind)))) {
      return {ErrorCode::kInvalidArgument,
              "draw: kSampleColorPage on a rect kind or in a batch without a color_page"};
    }
  }
  return {};
}

static Status check_batch(std::span<const GlyphInstance> instances, const DrawBatch& b,
                          const std::unordered_map<uint32_t, PageDesc>& pages, bool dual_source) {
  if (uint64_t(b.first) + b.count > instances.size()) {
    return {ErrorCode::kInvalidArgument, "draw: a batch reaches past the instance span"};
  }
  if (b.count == 0) return {};
  if (b.page != kNoPage && !pages.count(b.page)) {
    return {ErrorCode::kInvalidArgument,
            "draw: batch uses page " + std::to_string(b.page) + ", which was never uploaded"};
  }
  if (b.page != kNoPage && !dual_source && pages.at(b.page).format == PixelFormat::kLcd24) {
    return {ErrorCode::kInvalidArgument, "draw: batch uses LCD page " + std::to_string(b.page) +
                                             " but the device has no dual-source blending"};
  }
  if (b.color_page != kNoPage) {
    const auto it = pages.find(b.color_page);
    if (it == pages.end() || it->second.format != PixelFormat::kColor32) {
      return {ErrorCode::kInvalidArgument, "draw: batch's color_page " +
                                               std::to_string(b.color_page) +
                                               " is not an uploaded colour page"};
    }
    if (b.page == kNoPage) {
      return {ErrorCode::kInvalidArgument, "draw: a kNoPage batch has a color_page"};
    }
  }
  return check_instances(instances, b);
}

Status GpuDevice::draw(std::span<const GlyphInstance> instances, std::span<const DrawBatch> batches,
                       int viewport_width, int viewport_height) {
  if (viewport_width <= 0 || viewport_height <= 0) {
    return {ErrorCode::kInvalidArgument, "draw: viewport size must be positive"};
  }
  for (const DrawBatch& b : batches)
    GS_TRY(check_batch(instances, b, pages_, backend_->dual_source_blend()));
  if (instances.empty() || batches.empty()) return {};
  return backend_->draw(DrawList{instances, batches, viewport_width, viewport_height});
}

Status GpuDevice::end_frame(uint64_t frame) { return backend_->end_frame(frame); }

uint64_t GpuDevice::completed_frame() { return backend_->completed_frame(); }

Status GpuDevice::finish() { return backend_->finish(); }

Status GpuDevice::wait_frame(uint64_t frame) { return backend_->wait_frame(frame); }

bool GpuDevice::timer_queries_available() const { return backend_->timer_queries_available(); }

std::vector<GpuTimings> GpuDevice::take_timings() { return backend_->take_timings(); }

Result<double> GpuDevice::measure_upload_bandwidth(size_t bytes) {
  return backend_->measure_upload_bandwidth(bytes);
}

std::string GpuDevice::backend_name() const { return backend_->name(); }

std::string GpuDevice::async_path() const { return backend_->async_path(); }

std::string GpuDevice::renderer() const { return backend_->renderer(); }

Status GpuDevice::set_vulkan_frame_target(const VulkanFrameTarget& target) {
  return backend_->set_frame_target(target);
}

Result<VulkanFrameSync> GpuDevice::vulkan_frame_sync(bool frame_open) const {
  return backend_->frame_sync(frame_open);
}

// What only embedded Vulkan has: every other backend refuses.
Status Backend::set_frame_target(const VulkanFrameTarget&) {
  return {ErrorCode::kUnsupported, "set_frame_target: the " + name() + " backend has none"};
}

Result<VulkanFrameSync> Backend::frame_sync(bool) const {
  return Status(ErrorCode::kUnsupported, "frame_sync: the " + name() + " backend has none");
}

Status GpuDevice::read_texture(uint32_t page, std::vector<uint8_t>* pixels, int* width,
                               int* height) {
  if (!pages_.count(page)) {
    return {ErrorCode::kInvalidArgument,
            "read_texture: no texture for page " + std::to_string(page)};
  }
  if (!pixels) return {ErrorCode::kInvalidArgument, "read_texture: null output"};
  GS_TRY(backend_->read_texture(page, pixels, width, height));
  if (width) *width /= texels_per_pixel(pages_.at(page).format);  // texels to atlas pixels
  return {};
}

}  // namespace glyphstream::gpu
