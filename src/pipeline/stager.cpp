#include "pipeline/stager.h"

#include <cstdlib>
#include <string_view>

#include "core/env_options.h"
#include "pipeline/clock.h"

namespace glyphstream::pipeline {

void merge_upload_stats(FrameStats& frame, const gpu::UploadStats& upload) {
  frame.bytes_uploaded += upload.bytes;
  frame.copy_commands += upload.copy_commands;
  frame.stall_ns += upload.stall_ns;
  frame.stalls += upload.stalls;
}

Stager::Stager(atlas::Atlas* atlas, FrameSink* sink, ThreadPool* pool, UploadMode mode)
    : atlas_(atlas), sink_(sink), pool_(pool), mode_(mode) {}

UploadMode Stager::initial_mode(const TextSystemDesc& desc) {
  if (desc.upload_mode_set) return desc.upload_mode;
  return sync_uploads_from_environment() ? UploadMode::kSync : UploadMode::kAsync;
}

void Stager::stage(atlas::AllocHandle handle, const text::GlyphBitmap* bitmap) {
  atlas_->mark_dirty(handle);
  pending_writes_.push_back({handle, bitmap});
  pending_bytes_ += bitmap->pixels.size();
}

void Stager::copy_pending(const PendingWrite& w) noexcept {
  atlas_->copy_pixels(w.handle, w.bitmap->pixels.data(),
                      size_t(w.bitmap->width) * bytes_per_pixel(w.bitmap->format));
}

void Stager::write_pending(FrameStats& stats) {
  if (pending_writes_.empty()) return;
  const auto start = Clock::now();
  if (pool_->size() > 1 && pending_bytes_ >= kParallelWriteMinBytes) {
    pool_->parallel_for(pending_writes_.size(), kWritesPerChunk,
                        [this](int, size_t k) { copy_pending(pending_writes_[k]); });
  } else {
    for (const PendingWrite& w : pending_writes_) copy_pending(w);
  }
  pending_writes_.clear();
  pending_bytes_ = 0;
  const uint64_t ns = ns_since(start);
  stats.pack_ns += ns;
  stats.pixel_write_ns += ns;
}

void Stager::write_pending_noexcept(FrameStats& stats) noexcept {
  try {
    write_pending(stats);
  } catch (...) {
    for (const PendingWrite& w : pending_writes_) copy_pending(w);
    pending_writes_.clear();
    pending_bytes_ = 0;
  }
}

Status Stager::upload(FrameStats& stats) {
  const auto start = Clock::now();
  const size_t page_count = atlas_->page_count();
  if (resend_page_.size() < page_count) resend_page_.resize(page_count, false);
  std::vector<std::vector<Rect>> rects(page_count);
  std::vector<gpu::PageUpload> uploads;
  for (size_t p = 0; p < page_count; ++p) {
    rects[p] = atlas_->take_dirty_rects(p);
    const atlas::PageInfo info = atlas_->page_info(p);
    if (resend_page_[p]) rects[p] = {Rect{0, 0, info.width, info.height}};
    if (rects[p].empty()) continue;
    gpu::PageUpload up;
    up.page = uint32_t(p);
    up.format = info.format;
    up.width = info.width;
    up.height = info.height;
    up.pixels = atlas_->page_pixels(p);
    up.stride = atlas_->page_stride(p);
    up.dirty = rects[p];
    uploads.push_back(up);
  }
  Status status;
  gpu::UploadStats ustats;
  if (!uploads.empty()) status = sink_->upload(uploads, mode_, &ustats);
  for (const gpu::PageUpload& up : uploads) resend_page_[up.page] = !status.ok();
  resend_pending_ = !status.ok() && !uploads.empty();
  merge_upload_stats(stats, ustats);
  stats.upload_cpu_ns += ns_since(start);
  return status;
}

void Stager::mark_resend(std::span<const uint32_t> pages) {
  for (uint32_t p : pages) {
    if (p >= atlas_->page_count()) continue;  // a page that is gone needs nothing
    if (resend_page_.size() <= p) resend_page_.resize(p + 1, false);
    resend_page_[p] = true;
    resend_pending_ = true;
  }
}

}  // namespace glyphstream::pipeline
