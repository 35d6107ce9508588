#include "pipeline/frame_packet.h"

#include <algorithm>
#include <cstring>

namespace glyphstream::pipeline {
namespace {

size_t align16(size_t v) { return (v + 15) / 16 * 16; }

}  // namespace

void FramePacket::clear() {
  frame_ = 0;
  ends_app_frame_ = false;
  steps_.clear();
  uploads_.clear();
  draws_.clear();
  pages_.clear();
  rects_.clear();
  rect_offsets_.clear();
  pixels_.clear();
  instances_.clear();
  batches_.clear();
}

void FramePacket::Sizes::grow_to(const Sizes& o) {
  pixels = std::max(pixels, o.pixels);
  rects = std::max(rects, o.rects);
  instances = std::max(instances, o.instances);
  batches = std::max(batches, o.batches);
}

FramePacket::Sizes FramePacket::sizes() const {
  return {pixels_.size(), rects_.size(), instances_.size(), batches_.size()};
}

FramePacket::Sizes FramePacket::capacities() const {
  return {pixels_.capacity(), std::min(rects_.capacity(), rect_offsets_.capacity()),
          instances_.capacity(), batches_.capacity()};
}

namespace {

// A vector's room for n elements, its memory written once (value-initialized, then cleared).
template <typename T>
void reserve_touched(std::vector<T>* v, size_t n) {
  if (n <= v->capacity()) return;
  v->clear();
  v->resize(n);
  v->clear();
}

}  // namespace

void FramePacket::reserve(const Sizes& s) {
  pixels_.reserve_touched(s.pixels);
  reserve_touched(&rects_, s.rects);
  reserve_touched(&rect_offsets_, s.rects);
  reserve_touched(&instances_, s.instances);
  reserve_touched(&batches_, s.batches);
}

size_t FramePacket::stage(const uint8_t* src, size_t stride, size_t row, int rows) {
  const size_t offset = align16(planned_end_);
  copies_.push_back({src, stride, row, rows, offset});
  planned_end_ = offset + row * size_t(rows);
  return offset;
}

void FramePacket::add_upload(std::span<const gpu::PageUpload> pages, UploadMode mode,
                             std::span<const uint8_t> whole, const ParallelFor* parallel) {
  Upload u;
  u.mode = mode;
  if (!owning_) {
    u.external = pages;
  } else {
    u.first_page = uint32_t(pages_.size());
    u.page_count = uint32_t(pages.size());
    copies_.clear();
    planned_end_ = pixels_.size();
    for (size_t i = 0; i < pages.size(); ++i) {
      const gpu::PageUpload& p = pages[i];
      const size_t bpp = size_t(bytes_per_pixel(p.format));
      OwnedPage o;
      o.page = p.page;
      o.format = p.format;
      o.width = p.width;
      o.height = p.height;
      o.first_rect = uint32_t(rects_.size());
      o.rect_count = uint32_t(p.dirty.size());
      if (i < whole.size() && whole[i]) {
        o.whole_offset = stage(p.pixels, p.stride, size_t(p.width) * bpp, p.height);
      }
      for (size_t k = 0; k < p.dirty.size(); ++k) {
        const Rect& r = p.dirty[k];
        rects_.push_back(r);
        if (o.whole_offset != SIZE_MAX || r.empty()) {
          rect_offsets_.push_back(SIZE_MAX);  // read from the whole copy
          continue;
        }
        const uint8_t* src = p.sources.empty()
                                 ? p.pixels + size_t(r.y) * p.stride + size_t(r.x) * bpp
                                 : p.sources[k].pixels;
        const size_t stride = p.sources.empty() ? p.stride : p.sources[k].stride;
        rect_offsets_.push_back(stage(src, stride, size_t(r.w) * bpp, r.h));
      }
      pages_.push_back(o);
    }
    // The staging grows once; then every planned copy lands at its offset.
    const size_t bytes = planned_end_ - pixels_.size();
    pixels_.extend(bytes);
    pixels_.commit(bytes);
    uint8_t* base = pixels_.data();
    auto copy = [&](size_t k) {
      const Copy& c = copies_[k];
      if (c.row == 0 || c.rows <= 0) return;
      uint8_t* dst = base + c.offset;
      if (c.stride == c.row) {
        std::memcpy(dst, c.src, c.row * size_t(c.rows));
      } else {
        for (int y = 0; y < c.rows; ++y)
          std::memcpy(dst + size_t(y) * c.row, c.src + size_t(y) * c.stride, c.row);
      }
    };
    if (parallel && *parallel && copies_.size() > 1 && bytes >= kParallelCopyBytes) {
      (*parallel)(copies_.size(), copy);
    } else {
      for (size_t k = 0; k < copies_.size(); ++k) copy(k);
    }
  }
  steps_.push_back({StepKind::kUpload, uint32_t(uploads_.size()), 0});
  uploads_.push_back(u);
}

void FramePacket::add_draw(std::span<const gpu::GlyphInstance> instances,
                           std::span<const gpu::DrawBatch> batches, int viewport_width,
                           int viewport_height) {
  Draw d;
  d.viewport_width = viewport_width;
  d.viewport_height = viewport_height;
  if (!owning_) {
    d.instances = instances;
    d.batches = batches;
  } else {
    d.first_instance = instances_.size();
    d.instance_count = instances.size();
    d.first_batch = batches_.size();
    d.batch_count = batches.size();
    instances_.insert(instances_.end(), instances.begin(), instances.end());
    batches_.insert(batches_.end(), batches.begin(), batches.end());
  }
  steps_.push_back({StepKind::kDraw, uint32_t(draws_.size()), 0});
  draws_.push_back(d);
}

void FramePacket::add_end_frame(uint64_t frame, bool app_frame) {
  steps_.push_back({StepKind::kEndFrame, 0, frame});
  frame_ = frame;
  ends_app_frame_ = app_frame;
}

void FramePacket::add_finish() { steps_.push_back({StepKind::kFinish, 0, 0}); }

void FramePacket::add_wait_frame(uint64_t frame) {
  steps_.push_back({StepKind::kWaitFrame, 0, frame});
}

std::span<const gpu::PageUpload> FramePacket::upload_view(const Upload& u) {
  if (!owning_) return u.external;
  view_pages_.clear();
  view_sources_.clear();
  size_t rect_total = 0;
  for (uint32_t i = 0; i < u.page_count; ++i) rect_total += pages_[u.first_page + i].rect_count;
  view_sources_.reserve(rect_total);  // no reallocation below: the spans stay valid
  const uint8_t* base = pixels_.data();
  for (uint32_t i = 0; i < u.page_count; ++i) {
    const OwnedPage& o = pages_[u.first_page + i];
    gpu::PageUpload p;
    p.page = o.page;
    p.format = o.format;
    p.width = o.width;
    p.height = o.height;
    p.dirty = std::span<const Rect>(rects_.data() + o.first_rect, o.rect_count);
    if (o.whole_offset != SIZE_MAX) {
      p.pixels = base + o.whole_offset;
      p.stride = size_t(o.width) * size_t(bytes_per_pixel(o.format));
    } else {
      const size_t bpp = size_t(bytes_per_pixel(o.format));
      const size_t first = view_sources_.size();
      for (uint32_t k = 0; k < o.rect_count; ++k) {
        const Rect& r = rects_[o.first_rect + k];
        const size_t off = rect_offsets_[o.first_rect + k];
        // An empty rect moves nothing; any valid pointer does for it.
        view_sources_.push_back(
            {off == SIZE_MAX ? base : base + off, std::max<size_t>(size_t(r.w) * bpp, 1)});
      }
      p.sources = std::span<const gpu::RectSource>(view_sources_.data() + first, o.rect_count);
    }
    view_pages_.push_back(p);
  }
  return view_pages_;
}

void FramePacket::submit_upload(gpu::GpuDevice& device, const Upload& u, Outcome* outcome) {
  const std::span<const gpu::PageUpload> pages = upload_view(u);
  Status s = device.upload(pages, u.mode, outcome->upload);
  if (s.ok()) return;
  for (const gpu::PageUpload& p : pages) outcome->failed_pages.push_back(p.page);
  if (outcome->status.ok()) outcome->status = std::move(s);
}

void FramePacket::submit(gpu::GpuDevice& device, Outcome* outcome) {
  bool draw_failed = false;
  auto keep = [&](Status s) {
    if (!s.ok() && outcome->status.ok()) outcome->status = std::move(s);
  };
  for (const Step& step : steps_) {
    switch (step.kind) {
      case StepKind::kUpload:
        submit_upload(device, uploads_[step.index], outcome);
        break;
      case StepKind::kDraw: {
        const Draw& d = draws_[step.index];
        Status s = owning_
                       ? device.draw({instances_.data() + d.first_instance, d.instance_count},
                                     {batches_.data() + d.first_batch, d.batch_count},
                                     d.viewport_width, d.viewport_height)
                       : device.draw(d.instances, d.batches, d.viewport_width, d.viewport_height);
        draw_failed = draw_failed || !s.ok();
        keep(std::move(s));
        break;
      }
      case StepKind::kEndFrame:
        if (!draw_failed) keep(device.end_frame(step.frame));
        draw_failed = false;
        break;
      case StepKind::kFinish:
        keep(device.finish());
        break;
      case StepKind::kWaitFrame:
        keep(device.wait_frame(step.frame));
        break;
    }
  }
}

}  // namespace glyphstream::pipeline
