// Where the frame side's device work goes (issue 25): the FramePipeline's stager, batcher and
// frame ends talk to a FrameSink, never to the GpuDevice. Each call becomes a step of a frame
// packet (frame_packet.h):
//
//   ImmediateSink  single-thread mode: each call's packet refers to the caller's memory and is
//                  submitted at once on this thread (what TextSystem always did, call for call)
//   QueuedSink     render-thread mode (render_link.h): an owning packet per frame, handed to the
//                  render thread through a bounded queue; results come back later
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "glyphstream/status.h"
#include "glyphstream/types.h"
#include "gpu/gpu_device.h"
#include "pipeline/frame_packet.h"

namespace glyphstream::pipeline {

// What the frame side may know of the device without touching it: read once, where the device
// was made (on the render thread in render-thread mode).
struct DeviceTraits {
  GpuApi api = GpuApi::kGl;
  bool transfer_queue = false;
  bool can_wait_within_frame = true;  // false for embedded Vulkan (backend.h)
  bool timer_queries = false;
  bool dual_source_blend = false;  // LCD text can be drawn (GpuDevice::dual_source_blend)
  std::string backend_name, renderer, async_path;
  static DeviceTraits of(gpu::GpuDevice& device);
};

// The frame thread's time in a sink's calls (FrameStats::device_cpu_ns, handoff_cpu_ns,
// queue_wait_ns, lock_wait_ns): what the hand-off to a render thread moves and what it costs.
struct SinkCpu {
  uint64_t device_ns = 0;      // in the GpuDevice's calls (single-thread mode)
  uint64_t handoff_ns = 0;     // building and queuing packets (render-thread mode), waits included
  uint64_t queue_wait_ns = 0;  // of which blocked on a full queue or on the render side
  uint64_t lock_wait_ns = 0;   // of which blocked on the queue's lock (held by the render side)
};

// What the render side reports about one packet it ran (render-thread mode).
struct PacketResult {
  uint64_t stats_frame = 0;  // the application frame (FrameStats::frame) the packet belongs to
  Status status;
  gpu::UploadStats upload;
  std::vector<uint32_t> failed_pages;  // sent whole at the next commit
  std::vector<gpu::GpuTimings> timings;
};

class FrameSink {
 public:
  virtual ~FrameSink() = default;
  const DeviceTraits& traits() const { return traits_; }

  // A commit's upload (the upload contract, stager.h). Render-thread mode: `stats` and a failure
  // arrive later (take_results()).
  virtual Status upload(std::span<const gpu::PageUpload> pages, UploadMode mode,
                        gpu::UploadStats* stats) = 0;
  virtual Status draw(std::span<const gpu::GlyphInstance> instances,
                      std::span<const gpu::DrawBatch> batches, int viewport_width,
                      int viewport_height) = 0;
  // Closes frame `frame`: `app_frame` for flush(), false for a mid-frame flush.
  virtual Status end_frame(uint64_t frame, bool app_frame) = 0;
  // Blocks until every frame ended so far has completed on the GPU.
  virtual Status finish() = 0;
  virtual Status wait_frame(uint64_t frame) = 0;
  // The newest frame the GPU has completed, as far as this side knows; never blocks.
  virtual uint64_t completed_frame() = 0;
  virtual std::vector<gpu::GpuTimings> take_timings() = 0;
  // Render-thread mode: what the render side reported since the last call.
  virtual std::vector<PacketResult> take_results() { return {}; }
  // The calling thread's time in this sink since the last call (begin_frame() drops what came
  // before the frame, flush() puts the rest into the frame's statistics).
  virtual SinkCpu take_cpu() { return std::exchange(cpu_, {}); }

 protected:
  DeviceTraits traits_;
  SinkCpu cpu_;
};

// Single-thread mode: the device is here; every call is a referring packet submitted at once.
class ImmediateSink final : public FrameSink {
 public:
  explicit ImmediateSink(gpu::GpuDevice* device);
  Status upload(std::span<const gpu::PageUpload> pages, UploadMode mode,
                gpu::UploadStats* stats) override;
  Status draw(std::span<const gpu::GlyphInstance> instances,
              std::span<const gpu::DrawBatch> batches, int viewport_width,
              int viewport_height) override;
  Status end_frame(uint64_t frame, bool app_frame) override;
  Status finish() override;
  Status wait_frame(uint64_t frame) override;
  uint64_t completed_frame() override;
  std::vector<gpu::GpuTimings> take_timings() override;

 private:
  Status submit(gpu::UploadStats* stats);
  gpu::GpuDevice* device_;
  FramePacket packet_{/*owning=*/false};
};

}  // namespace glyphstream::pipeline
