// The frame packet (issue 25): one frame's device work as a value. The frame side (the
// FramePipeline's stager, batcher and frame ends, through a FrameSink: frame_sink.h) appends
// steps in the order the device must run them; the device side (submit()) runs them on a
// GpuDevice. Nothing here calls a graphics API.
//
//   upload      the pages a commit sends: their dirty rects and, where the page goes whole, the
//               page image; the upload mode (the upload contract, stager.h)
//   draw        the instances and batches of one draw (a flush or a mid-frame flush)
//   end frame   the frame token: everything before completes when it does; a mid-frame flush
//               also waits for the GPU there
//   finish      waits for every frame ended so far (TextSystem::finish(), a mid-frame flush)
//   wait frame  waits for one frame (TextSystem::throttle())
//
// A packet either REFERS to the memory it was given (single-thread mode: it is submitted before
// that memory changes) or OWNS copies of it (render-thread mode: the dirty rects' pixels are
// copied into the packet's CPU staging on the building thread, so the atlas may go on writing
// its page images while the render thread uploads). Both submit through the same code.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "glyphstream/status.h"
#include "glyphstream/types.h"
#include "gpu/gpu_device.h"
#include "pipeline/draw_batcher.h"

namespace glyphstream::pipeline {

class FramePacket {
 public:
  explicit FramePacket(bool owning = false) : owning_(owning) {}
  FramePacket(const FramePacket&) = delete;
  FramePacket& operator=(const FramePacket&) = delete;

  bool owning() const { return owning_; }

  using ParallelFor = gpu::ParallelFor;
  // An upload of at least this many bytes is copied into an owning packet on `parallel` where
  // add_upload() gets one (GpuDevice writes its staging alike in single-thread mode).
  static constexpr size_t kParallelCopyBytes = 256 * 1024;

  // --- appending (the frame side)
  // `whole` (owning packets only, one per page, may be empty): the page goes whole (its image
  // is copied, not only its dirty rects): whole-page mode, or a page id reused with another
  // format (the backend then needs the whole image).
  void add_upload(std::span<const gpu::PageUpload> pages, UploadMode mode,
                  std::span<const uint8_t> whole = {}, const ParallelFor* parallel = nullptr);
  void add_draw(std::span<const gpu::GlyphInstance> instances,
                std::span<const gpu::DrawBatch> batches, int viewport_width, int viewport_height);
  // `app_frame`: the frame the application built ends here (flush()), not a mid-frame flush.
  void add_end_frame(uint64_t frame, bool app_frame);
  void add_finish();
  void add_wait_frame(uint64_t frame);

  // The token of the last end-frame step (0: none); whether it closes an application frame.
  uint64_t frame() const { return frame_; }
  bool ends_app_frame() const { return ends_app_frame_; }
  bool empty() const { return steps_.empty(); }
  size_t staged_bytes() const { return pixels_.size(); }
  // An owning packet's copies, each rect's rows tightly packed at a 16-byte aligned offset.
  std::span<const uint8_t> staged() const { return {pixels_.data(), pixels_.size()}; }
  // Empties the packet, keeping its memory for the next frame.
  void clear();
  // What an owning packet holds (elements), to size packets for the largest frame seen.
  struct Sizes {
    size_t pixels = 0, rects = 0, instances = 0, batches = 0;
    void grow_to(const Sizes& o);
  };
  Sizes sizes() const;
  Sizes capacities() const;  // what it holds without reallocating
  // Memory for `s` (written once, so the building thread neither reallocates nor faults pages
  // in for a frame no larger): called by the render side on a used packet before it is reused.
  void reserve(const Sizes& s);

  // --- submission (the device side)
  struct Outcome {
    Status status;                       // the first failure; every step runs regardless
    gpu::UploadStats* upload = nullptr;  // the device adds every upload step's statistics
    std::vector<uint32_t> failed_pages;  // pages of a failed upload (resent whole)
  };
  // Runs the steps in order. A failed upload does not stop the frame (its pages are named in
  // failed_pages); a failed draw skips its frame's end, as a single-thread flush() does.
  void submit(gpu::GpuDevice& device, Outcome* outcome);

 private:
  enum class StepKind : uint8_t { kUpload, kDraw, kEndFrame, kFinish, kWaitFrame };
  struct Step {
    StepKind kind;
    uint32_t index = 0;  // into uploads_ / draws_
    uint64_t frame = 0;  // kEndFrame, kWaitFrame
  };
  struct OwnedPage {
    uint32_t page = 0;
    PixelFormat format = PixelFormat::kCoverage8;
    int width = 0, height = 0;
    size_t whole_offset = SIZE_MAX;  // the page image's copy (tight rows); SIZE_MAX: rects only
    uint32_t first_rect = 0, rect_count = 0;
  };
  struct Upload {
    UploadMode mode = UploadMode::kAsync;
    std::span<const gpu::PageUpload> external;  // a referring packet
    uint32_t first_page = 0, page_count = 0;    // an owning one: into pages_
  };
  struct Draw {
    std::span<const gpu::GlyphInstance> instances;  // a referring packet
    std::span<const gpu::DrawBatch> batches;
    size_t first_instance = 0, instance_count = 0;  // an owning one: into instances_ / batches_
    size_t first_batch = 0, batch_count = 0;
    int viewport_width = 0, viewport_height = 0;
  };
  // Plans the copy of `rows` rows of `row` bytes into the packet's staging (made by
  // add_upload() once all are planned); returns their offset.
  size_t stage(const uint8_t* src, size_t stride, size_t row, int rows);
  std::span<const gpu::PageUpload> upload_view(const Upload& u);
  void submit_upload(gpu::GpuDevice& device, const Upload& u, Outcome* outcome);

  bool owning_ = false;
  uint64_t frame_ = 0;
  bool ends_app_frame_ = false;
  std::vector<Step> steps_;
  std::vector<Upload> uploads_;
  std::vector<Draw> draws_;
  // What an owning packet holds: the pages, their rects and the pixels (16-byte aligned rows
  // of each rect, or of a whole page), the instances and batches.
  std::vector<OwnedPage> pages_;
  std::vector<Rect> rects_;
  std::vector<size_t> rect_offsets_;
  PodBuffer<uint8_t> pixels_;
  std::vector<gpu::GlyphInstance> instances_;
  std::vector<gpu::DrawBatch> batches_;
  // add_upload()'s planned copies (scratch).
  struct Copy {
    const uint8_t* src;
    size_t stride, row;
    int rows;
    size_t offset;
  };
  std::vector<Copy> copies_;
  size_t planned_end_ = 0;  // the staging's size once the planned copies are made
  // Submission scratch (the views of an owning packet's uploads).
  std::vector<gpu::PageUpload> view_pages_;
  std::vector<gpu::RectSource> view_sources_;
};

}  // namespace glyphstream::pipeline
