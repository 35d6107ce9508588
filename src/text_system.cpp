// TextSystem: a thin facade over the pipeline (src/pipeline/), in the order data flows:
//
//   draw_text ─ LayoutCache (Pango layout, sub-pixel keys) ─ GlyphCache hit? ─ DrawBatcher
//                                                              └ miss ─ RasterScheduler (workers)
//   commit    ─ RasterScheduler bitmaps ─ pack (Atlas) ─ Stager (write, dirty rects, upload)
//   flush     ─ commit if needed ─ DrawBatcher (a draw call per page) ─ FrameStatsAccumulator
#include "glyphstream/text_system.h"

#include <atomic>
#include <chrono>

#include <cmath>
#include <exception>
#include <new>
#include <thread>
#include <utility>

#include "api_guard.h"
#include "atlas/atlas.h"
#include "atlas/glyph_cache.h"
#include "core/env_options.h"
#include "core/thread_pool.h"
#include "glyphstream/text_renderer.h"
#include "glyphstream/vulkan.h"
#include "gpu/gpu_device.h"
#include "pipeline/atlas_report.h"
#include "pipeline/clip.h"
#include "pipeline/clock.h"
#include "pipeline/desc_validation.h"
#include "pipeline/device_factory.h"
#include "pipeline/draw_batcher.h"
#include "pipeline/frame_pipeline.h"
#include "pipeline/frame_sink.h"
#include "pipeline/frame_stats.h"
#include "pipeline/layout_cache.h"
#include "pipeline/queue_text.h"
#include "pipeline/raster_scheduler.h"
#include "pipeline/render_link.h"
#include "pipeline/scaled_glyphs.h"
#include "pipeline/stager.h"
#include "pipeline/text_layout.h"
#include "text/font_registry.h"
#include "text/layout.h"
#include "text/markup_color.h"
#include "text_renderer_impl.h"

namespace glyphstream {
namespace {

using pipeline::Clock;
using pipeline::ns_since;

// The public entry points of a TextSystem: only its owner thread may run them (the pipeline is
// not thread-safe; a second thread would corrupt it), then no exception leaves the library.
template <typename Fn>
auto owned(std::thread::id owner, const char* what, Fn&& fn) -> decltype(fn()) {
  if (std::this_thread::get_id() != owner) {
    return Status(ErrorCode::kWrongThread,
                  std::string(what) +
                      ": called from a thread other than the one that created the TextSystem");
  }
  return guarded(what, std::forward<Fn>(fn));
}

}  // namespace

// The facade over the frame pipeline (pipeline/frame_pipeline.h: the parts, commit(), pack_one(),
// mid_frame_flush(), the sink its frame packets go to). In render-thread mode its Layouter has
// a Pango font map of its own (Layouter::create_unshared): it is made on the render thread
// (TextRenderer::create()) and lays out on the building thread, so it shares no map, and no
// map's lock, with whatever else lays out on the render thread.
struct TextSystem::Impl : pipeline::FramePipeline {
  // The owner: the creating thread; in render-thread mode the first thread that calls (the
  // TextSystem is made on the render thread and handed to the building thread).
  std::atomic<std::thread::id> owner_{std::this_thread::get_id()};
  std::thread::id owner() {
    std::thread::id none;
    owner_.compare_exchange_strong(none, std::this_thread::get_id());
    return owner_.load();
  }
  bool on_owner_thread() { return std::this_thread::get_id() == owner(); }
  TextSystemDesc desc;
  std::unique_ptr<text::Layouter> layouter;
  pipeline::LayoutCache layouts;
  // LCD text is drawn as such (dual-source blending, an opaque target, LCD pages within the
  // device's texture size); else greyscale.
  bool lcd_text = false;
  std::unique_ptr<pipeline::LayoutPrefetcher> layout_prefetcher;  // prefetch_layout()

  // Frame state (the frame number and viewport are the pipeline's).
  bool in_frame = false;
  uint64_t layout_ns_between_frames = 0;  // measure()/prefetch() layouts before the next frame
  uint32_t lcd_fallbacks_between_frames = 0;
  Clock::time_point frame_start;

  // Render-thread mode with `rdesc`: the link to the render side is made here, and the caller
  // (TextRenderer::create) moves the device to the TextRenderer.
  Status init(const TextRendererDesc* rdesc);
  std::shared_ptr<pipeline::RenderLink> link;
  Status render_error;  // render-thread mode: a failure the render side reported, for flush()
  Status begin_frame(int width, int height);
  Status draw_text(float x, float y, std::string_view utf8, const TextStyle& style,
                   const DrawParams& params);
  Status draw_cached(float x, float y, pipeline::CachedLayout& L, uint32_t default_color,
                     const DrawParams& params);  // draw_text's body (draw_layout's too)
  Status draw_text_scaled(float x, float y, float scale, std::string_view utf8,
                          const TextStyle& style, const DrawParams& params);
  // The parts one draw call queues into, with its clip (pipeline/clip.h).
  pipeline::ScaledDrawTarget target(const DrawParams& params) {
    const gpu::InstanceClip clip = pipeline::clip_pixels(params.clip, viewport_w, viewport_h);
    return {&cache, atlas.get(), &batcher, raster.get(), &stats(), clip};
  }
  Result<std::shared_ptr<pipeline::CachedLayout>> layout(std::string_view utf8,
                                                         const TextStyle& style,
                                                         bool with_queries = false) {
    // Layout outside a frame (measure(), prefetch(), layout()) counts in the next frame's stats.
    const bool lcd_as_grey = !lcd_text && style.rendering.antialias == Antialias::kSubpixel;
    if (lcd_as_grey) ++(in_frame ? stats().lcd_fallback_draws : lcd_fallbacks_between_frames);
    return layouts.get(*layouter, utf8, style,
                       in_frame ? &stats().layout_ns : &layout_ns_between_frames, with_queries,
                       lcd_as_grey);
  }
  Status flush();
  Status finish();
};

// ---------------------------------------------------------------------------------------------

Status TextSystem::Impl::init(const TextRendererDesc* rdesc) {
  const bool render_thread = rdesc != nullptr;
  if (desc.layout_cache_entries) layouts.set_capacity(desc.layout_cache_entries);
  gpu::GpuDeviceDesc gdesc;
  gdesc.staging_ring_depth = desc.staging_ring_depth;
  gdesc.frames_in_flight = desc.frames_in_flight;
  gdesc.linear_light = desc.linear_light;
  pool =
      std::make_unique<ThreadPool>(desc.threads > 0 ? desc.threads : ThreadPool::default_threads());
  // The rasterizer workers also share the staging writes of large uploads: in render-thread
  // mode the copies into the frame packet (the render thread writes staging while the workers
  // rasterize).
  ThreadPool* workers = pool.get();
  gpu::ParallelFor parallel = [workers](size_t n, const std::function<void(size_t)>& fn) {
    workers->parallel_for(n, 1, [&fn](int, size_t i) { fn(i); });
  };
  if (!render_thread) gdesc.parallel_for = parallel;
  GS_ASSIGN_OR_RETURN(gpu, pipeline::create_device(desc, gdesc));
  pipeline::DeviceTraits traits = pipeline::DeviceTraits::of(*gpu);
  const GpuApi api = traits.api;
  const bool transfer_queue = traits.transfer_queue, dual_source = traits.dual_source_blend;
  if (render_thread) {
    link = std::make_shared<pipeline::RenderLink>(
        rdesc->queue_depth > 0 ? rdesc->queue_depth : TextRendererDesc::kDefaultQueueDepth,
        std::chrono::milliseconds(rdesc->timeout_ms > 0 ? rdesc->timeout_ms
                                                        : TextRendererDesc::kDefaultTimeoutMs),
        std::move(traits));
    sink = std::make_unique<pipeline::QueuedSink>(link, std::move(parallel));
  } else {
    sink = std::make_unique<pipeline::ImmediateSink>(gpu.get());
  }
  GS_ASSIGN_OR_RETURN(layouter, rdesc ? text::Layouter::create_unshared(&registry)
                                      : text::Layouter::create(&registry));
  layout_prefetcher = std::make_unique<pipeline::LayoutPrefetcher>(pool.get(), &registry);
  layouts.set_prefetcher(layout_prefetcher.get());
  raster = std::make_unique<pipeline::RasterScheduler>(pool.get(), &registry);
  const pipeline::ZoomPolicy zoom = pipeline::ZoomPolicy::from(desc, pool->size());
  scaled = std::make_unique<pipeline::ScaledGlyphs>(zoom);
  raster->set_extras_per_commit(zoom.landed_per_commit);

  atlas::AtlasConfig acfg;
  acfg.page_width = desc.page_width;
  acfg.page_max_height = desc.page_max_height;
  acfg.page_initial_height = desc.page_initial_height;
  acfg.memory_budget_bytes = desc.atlas_budget_bytes;
  atlas = std::make_unique<atlas::Atlas>(acfg);
  // An LCD page's texture is three texels a pixel wide (gpu/backend.h): past the device's
  // limit, LCD text is drawn greyscale, as on a device without dual-source blending.
  const bool lcd_pages_fit = atlas->config().page_width <= gpu->max_page_width(PixelFormat::kLcd24);
  lcd_text = dual_source && !desc.translucent_target && lcd_pages_fit;
  frame_stats.set_backend(api, transfer_queue, lcd_text);
  raster->set_prefetch_budget(atlas->config().memory_budget_bytes);
  // Issue 26: off by default until it is measured not slower at 16 threads
  // (docs/performance/issue-26-speed.md, "Rendering into the page on the workers").
  if (render_into_pages_from_environment().value_or(false)) render_pages_on_workers();
  stager = std::make_unique<pipeline::Stager>(atlas.get(), sink.get(), pool.get(),
                                              pipeline::Stager::initial_mode(desc));
  return {};
}

Status TextSystem::Impl::begin_frame(int width, int height) {
  if (in_frame) GS_TRY(flush());  // an unfinished frame is finished, not lost
  frame_start = Clock::now();
  ++frame;
  in_frame = true;
  viewport_w = width;
  viewport_h = height;
  atlas->begin_frame(frame);
  (void)sink->take_cpu();  // the sink's time before this frame (finish(), throttle())
  // Render-thread mode: what the render side reported (its failure is flush()'s to return).
  Status reported = collect_results();
  if (render_error.ok()) render_error = std::move(reported);
  atlas->set_completed_frame(sink->completed_frame());
  scaled->begin_frame(frame);
  frame_stats.begin(frame, stager->mode(), pool->size(), atlas->counters());
  stats().layout_ns = std::exchange(layout_ns_between_frames, 0);
  stats().lcd_fallback_draws = std::exchange(lcd_fallbacks_between_frames, 0);
  layouts.harvest();  // prefetched layouts the workers finished
  return {};
}

Status TextSystem::Impl::draw_text(float x, float y, std::string_view utf8, const TextStyle& style,
                                   const DrawParams& params) {
  GS_ASSIGN_OR_RETURN(auto laid_out, layout(utf8, style));
  return draw_cached(x, y, *laid_out, style.color.to_rgba8(), params);
}

Status TextSystem::Impl::draw_cached(float x, float y, pipeline::CachedLayout& L,
                                     uint32_t default_color, const DrawParams& params) {
  frame_stats.note_faces(L.faces_used);
  stats().glyphs_requested += uint32_t(L.glyphs.size());
  stats().marks_dropped += L.marks_dropped;
  // Beyond kMaxPosition no glyph can reach a viewport, and the integer pen positions could
  // overflow: such text is culled whole.
  if (std::fabs(x) > kMaxPosition || std::fabs(y) > kMaxPosition) {
    stats().glyphs_culled += uint32_t(L.glyphs.size());
    return {};
  }
  pipeline::queue_text(target(params), L, x, y, default_color);
  return {};
}

Status TextSystem::Impl::draw_text_scaled(float x, float y, float scale, std::string_view utf8,
                                          const TextStyle& style, const DrawParams& params) {
  GS_ASSIGN_OR_RETURN(auto laid_out, layout(utf8, style));
  pipeline::CachedLayout& L = *laid_out;
  constexpr double kMaxSize26_6 = 4096.0 * 64.0;  // the layer's largest font size
  for (const text::ShapedGlyph& g : L.glyphs) {
    if (double(g.size_26_6) * double(scale) > kMaxSize26_6) {
      return {ErrorCode::kInvalidArgument, "draw_text_scaled: a scaled size is over 4096 px"};
    }
  }
  frame_stats.note_faces(L.faces_used);
  stats().glyphs_requested += uint32_t(L.glyphs.size());
  stats().marks_dropped += L.marks_dropped;
  if (std::fabs(x) > kMaxPosition || std::fabs(y) > kMaxPosition) {
    stats().glyphs_culled += uint32_t(L.glyphs.size());
    return {};
  }
  const auto start = Clock::now();
  scaled->queue(target(params), L, x, y, scale, style.color.to_rgba8());
  stats().zoom_cpu_ns += ns_since(start);
  return {};
}

Status TextSystem::Impl::flush() {
  if (raster->has_misses() || stager->resend_pending()) GS_TRY(commit());
  const auto start = Clock::now();
  Status status =
      batcher.draw(cache, /*keep_unresolved=*/false, *sink, viewport_w, viewport_h, stats());
  batcher.clear();
  if (status.ok()) status = sink->end_frame(frame, /*app_frame=*/true);
  stats().draw_cpu_ns += ns_since(start);
  frame_stats.take_gpu_timings(sink->take_timings());
  frame_stats.take_sink_cpu(sink->take_cpu());
  frame_stats.finish(atlas->counters(), cache.size(), ns_since(frame_start));
  in_frame = false;
  if (status.ok() && !render_error.ok()) status = std::exchange(render_error, Status());
  return status;
}

Status TextSystem::Impl::finish() {
  // Background rasterization (prefetch, queued glyphs) is submitted work too. A queue stays
  // open across draw_text() calls with its workers asleep in it: closed here, they leave.
  raster->stop();
  GS_TRY(sink->finish());
  GS_TRY(collect_results());
  // Every timer query has landed now: attach the results to the frames they measured.
  if (sink->traits().timer_queries) frame_stats.attach_gpu_timings(sink->take_timings());
  return {};
}

// ---------------------------------------------------------------------------------------------

TextSystem::TextSystem(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

TextSystem::~TextSystem() {
  if (!impl_ || !impl_->raster) return;
  impl_->raster->cancel();  // queued background work is dropped, not waited for
}

Result<std::unique_ptr<TextSystem>> TextSystem::create(const TextSystemDesc& desc) {
  return guarded("TextSystem::create", [&]() -> Result<std::unique_ptr<TextSystem>> {
    GS_TRY(pipeline::validate_desc(desc));
    auto impl = std::make_unique<Impl>();
    impl->desc = desc;
    GS_TRY(impl->init(nullptr));
    return std::unique_ptr<TextSystem>(new TextSystem(std::move(impl)));
  });
}

Result<TextRenderer::Created> TextRenderer::create(const TextSystemDesc& desc,
                                                   const TextRendererDesc& rdesc) {
  return guarded("TextRenderer::create", [&]() -> Result<Created> {
    if (rdesc.queue_depth < 0 || rdesc.queue_depth > TextRendererDesc::kMaxQueueDepth) {
      return Status(ErrorCode::kInvalidArgument, "TextRenderer::create: queue_depth must be 0..3");
    }
    if (rdesc.timeout_ms < 0 || rdesc.timeout_ms > TextRendererDesc::kMaxTimeoutMs) {
      return Status(ErrorCode::kInvalidArgument,
                    "TextRenderer::create: timeout_ms must be 0..600000");
    }
    GS_TRY(pipeline::validate_desc(desc));
    auto impl = std::make_unique<TextSystem::Impl>();
    impl->desc = desc;
    GS_TRY(impl->init(&rdesc));
    auto renderer = std::make_unique<TextRenderer::Impl>();
    renderer->device = std::move(impl->gpu);
    renderer->link = impl->link;
    renderer->vulkan_embedded = desc.vulkan.device != nullptr;
    impl->owner_ = std::thread::id();  // the frame side belongs to the first thread that calls
    Created created;
    created.text.reset(new TextSystem(std::move(impl)));
    created.renderer = TextRenderer::Impl::make(std::move(renderer));
    return created;
  });
}

Status TextSystem::begin_frame(int viewport_width, int viewport_height) {
  return owned(impl_->owner(), "begin_frame", [&]() -> Status {
    if (viewport_width <= 0 || viewport_height <= 0 || viewport_width > 32768 ||
        viewport_height > 32768) {
      return {ErrorCode::kInvalidArgument, "viewport size must be 1..32768 px"};
    }
    return impl_->begin_frame(viewport_width, viewport_height);
  });
}

Status TextSystem::draw_text(float x, float y, std::string_view utf8, const TextStyle& style,
                             const DrawParams& params) {
  return owned(impl_->owner(), "draw_text", [&]() -> Status {
    if (!impl_->in_frame)
      return {ErrorCode::kInvalidArgument, "draw_text() outside begin_frame()/flush()"};
    if (!std::isfinite(x) || !std::isfinite(y)) {
      return {ErrorCode::kInvalidArgument, "text position must be finite"};
    }
    GS_TRY(pipeline::check_clip(params.clip, "draw_text"));
    return impl_->draw_text(x, y, utf8, style, params);
  });
}

Status TextSystem::draw_text_scaled(float x, float y, float scale, std::string_view utf8,
                                    const TextStyle& style, const DrawParams& params) {
  return owned(impl_->owner(), "draw_text_scaled", [&]() -> Status {
    if (!impl_->in_frame)
      return {ErrorCode::kInvalidArgument, "draw_text_scaled() outside begin_frame()/flush()"};
    if (!std::isfinite(x) || !std::isfinite(y)) {
      return {ErrorCode::kInvalidArgument, "text position must be finite"};
    }
    if (!std::isfinite(scale) || scale <= 0 || scale > kMaxScale) {
      return {ErrorCode::kInvalidArgument, "draw_text_scaled: scale must be in (0, 256]"};
    }
    GS_TRY(pipeline::check_clip(params.clip, "draw_text_scaled"));
    return impl_->draw_text_scaled(x, y, scale, utf8, style, params);
  });
}

Result<TextLayout> TextSystem::layout(std::string_view utf8, const TextStyle& style) {
  return owned(impl_->owner(), "layout", [&]() -> Result<TextLayout> {
    GS_ASSIGN_OR_RETURN(auto laid_out, impl_->layout(utf8, style, /*with_queries=*/true));
    return pipeline::make_text_layout(std::move(laid_out), style.color, impl_->layouts);
  });
}

Status TextSystem::draw_layout(float x, float y, const TextLayout& layout,
                               const DrawParams& params) {
  return owned(impl_->owner(), "draw_layout", [&]() -> Status {
    if (!impl_->in_frame)
      return {ErrorCode::kInvalidArgument, "draw_layout() outside begin_frame()/flush()"};
    if (!std::isfinite(x) || !std::isfinite(y))
      return {ErrorCode::kInvalidArgument, "text position must be finite"};
    GS_TRY(pipeline::check_clip(params.clip, "draw_layout"));
    GS_ASSIGN_OR_RETURN(auto L, pipeline::layout_to_draw(layout, impl_->layouts));
    return L ? impl_->draw_cached(x, y, *L->layout, L->color, params) : Status();
  });
}

Result<TextMetrics> TextSystem::measure(std::string_view utf8, const TextStyle& style) {
  return owned(impl_->owner(), "measure", [&]() -> Result<TextMetrics> {
    GS_ASSIGN_OR_RETURN(auto laid_out, impl_->layout(utf8, style));
    TextMetrics m;
    m.width = laid_out->width;
    m.height = laid_out->height;
    m.line_height = laid_out->line_height;
    m.baseline = laid_out->baseline;
    m.lines = laid_out->line_count;
    return m;
  });
}

Status TextSystem::commit() {
  return owned(impl_->owner(), "commit", [&]() -> Status {
    if (!impl_->in_frame) return {ErrorCode::kInvalidArgument, "commit() outside a frame"};
    return impl_->commit();
  });
}

Status TextSystem::flush() {
  return owned(impl_->owner(), "flush", [&]() -> Status {
    if (!impl_->in_frame) return {ErrorCode::kInvalidArgument, "flush() outside a frame"};
    return impl_->flush();
  });
}

Status TextSystem::prefetch(std::string_view utf8, const TextStyle& style) {
  return owned(impl_->owner(), "prefetch", [&]() -> Status {
    GS_ASSIGN_OR_RETURN(auto laid_out, impl_->layout(utf8, style));
    impl_->raster->prefetch(laid_out->glyphs, impl_->cache);
    return {};
  });
}

Status TextSystem::prefetch_layout(std::string_view utf8, const TextStyle& style) {
  return owned(impl_->owner(), "prefetch_layout", [&]() -> Status {
    // Keyed as the draw will key it; refused or disabled: laid out when drawn.
    const bool lcd_as_grey = !impl_->lcd_text && style.rendering.antialias == Antialias::kSubpixel;
    impl_->layouts.prefetch(utf8, style, lcd_as_grey);
    return {};
  });
}

Status TextSystem::set_upload_mode(UploadMode mode) {
  if (!impl_->on_owner_thread()) {
    return {ErrorCode::kWrongThread, "set_upload_mode: called from a thread other than the owner"};
  }
  if (!pipeline::valid_upload_mode(mode)) {
    return {ErrorCode::kInvalidArgument,
            "set_upload_mode: " + std::to_string(int(mode)) + " is not an UploadMode value"};
  }
  impl_->stager->set_mode(mode);
  return {};
}
UploadMode TextSystem::upload_mode() const {
  return impl_->on_owner_thread() ? impl_->stager->mode() : UploadMode::kAsync;
}
int TextSystem::threads() const { return impl_->on_owner_thread() ? impl_->pool->size() : 0; }

Status TextSystem::add_font_file(const std::string& path) {
  return owned(impl_->owner(), "add_font_file",
               [&]() -> Status { return impl_->layouter->add_font_file(path); });
}

const FrameStats& TextSystem::last_frame_stats() const {
  static const FrameStats kNone;
  return impl_->on_owner_thread() ? impl_->frame_stats.last() : kNone;
}

std::vector<FrameStats> TextSystem::take_frame_stats() {
  if (!impl_->on_owner_thread()) return {};
  return impl_->frame_stats.take();
}

Status TextSystem::set_vulkan_target(const VulkanFrameTarget& target) {
  return owned(impl_->owner(), "set_vulkan_target", [&]() -> Status {
    if (impl_->sink->traits().api != GpuApi::kVulkan)
      return {ErrorCode::kUnsupported, "set_vulkan_target: not a Vulkan TextSystem"};
    if (!impl_->gpu)
      return {ErrorCode::kUnsupported, "set_vulkan_target: render-thread mode: the TextRenderer's"};
    if (impl_->desc.vulkan.device == nullptr) {
      return {ErrorCode::kUnsupported,
              "set_vulkan_target: a headless TextSystem draws into its VulkanContext"};
    }
    return impl_->gpu->set_vulkan_frame_target(target);
  });
}

Result<VulkanFrameSync> TextSystem::vulkan_frame_sync() const {
  return owned(impl_->owner(), "vulkan_frame_sync", [&]() -> Result<VulkanFrameSync> {
    if (impl_->sink->traits().api != GpuApi::kVulkan)
      return Status(ErrorCode::kUnsupported, "vulkan_frame_sync: not a Vulkan TextSystem");
    if (!impl_->gpu) {
      return Status(ErrorCode::kUnsupported,
                    "vulkan_frame_sync: render-thread mode: the TextRenderer's");
    }
    return impl_->gpu->vulkan_frame_sync(/*frame_open=*/impl_->in_frame);
  });
}

std::string TextSystem::backend_name() const {
  return impl_->on_owner_thread() ? impl_->sink->traits().backend_name : std::string();
}
std::string TextSystem::gpu_renderer() const {
  return impl_->on_owner_thread() ? impl_->sink->traits().renderer : std::string();
}
std::string TextSystem::async_path() const {
  return impl_->on_owner_thread() ? impl_->sink->traits().async_path : std::string();
}
size_t TextSystem::atlas_page_count() const {
  return impl_->on_owner_thread() ? impl_->atlas->page_count() : 0;
}

std::vector<std::vector<uint8_t>> TextSystem::debug_atlas_images(
    std::vector<std::pair<int, int>>* sizes) const {
  if (!impl_->on_owner_thread()) {
    if (sizes) sizes->clear();
    return {};
  }
  try {
    return debug_atlas_images_unguarded(sizes);
  } catch (...) {
    if (sizes) sizes->clear();
    return {};  // a debug picture is not worth failing for
  }
}

std::vector<std::vector<uint8_t>> TextSystem::debug_atlas_images_unguarded(
    std::vector<std::pair<int, int>>* sizes) const {
  return pipeline::atlas_debug_images(*impl_->atlas, sizes);
}

Status TextSystem::throttle(int max_in_flight) {
  return owned(impl_->owner(), "throttle", [&]() -> Status {
    Impl& s = *impl_;
    const uint64_t last_finished = s.in_frame ? s.frame - 1 : s.frame;
    if (max_in_flight < 0 || last_finished <= uint64_t(max_in_flight)) return {};
    return s.sink->wait_frame(last_finished - uint64_t(max_in_flight));
  });
}

Status TextSystem::finish() {
  return owned(impl_->owner(), "finish", [&]() -> Status { return impl_->finish(); });
}

Result<double> TextSystem::measure_upload_bandwidth(size_t bytes) {
  return owned(impl_->owner(), "measure_upload_bandwidth", [&]() -> Result<double> {
    if (!impl_->gpu) {
      return Status(ErrorCode::kUnsupported,
                    "measure_upload_bandwidth: render-thread mode: the TextRenderer's");
    }
    return impl_->gpu->measure_upload_bandwidth(bytes);
  });
}

}  // namespace glyphstream
