// Render-thread mode (issue 25): the frame side (TextSystem: layout, rasterization, packing,
// pixel writes into the packets' CPU staging) hands owning frame packets (frame_packet.h) to the
// render side (TextRenderer: the thread that owns the GL context or records the Vulkan command
// buffer) through a bounded queue, and gets results back.
//
//   frame side (QueuedSink)                      render side (RenderLink::submit)
//   upload/draw/end_frame append to the packet
//   end_frame(app frame) ─ push ──▶ queue (at most `depth` application frames; a full queue
//                                   blocks the pusher, as a swap chain would, up to the timeout)
//                                         ──▶ pop, FramePacket::submit(device), publish the
//                                             completed frame, the result, recycle the packet
//   take_results() ◀── results (upload statistics, failed pages, GPU timings, the status)
//
// A mid-frame flush pushes its packet (not counted against the depth) and a finish packet and
// waits until the render side has run them: one TextRenderer::submit() runs every packet up to
// and including the one that ends an application frame, so a frame is never split across two
// of the application's presents. Frames not yet run are not complete: the atlas's eviction
// guard (completed_frame()) keeps every page region a queued packet draws from.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "gpu/gpu_device.h"
#include "pipeline/frame_packet.h"
#include "pipeline/frame_sink.h"

namespace glyphstream::pipeline {

class RenderLink {
 public:
  RenderLink(int depth, std::chrono::milliseconds timeout, DeviceTraits traits);

  const DeviceTraits& traits() const { return traits_; }
  int depth() const { return depth_; }

  // --- the frame side
  std::unique_ptr<FramePacket> take_empty();
  // Queues the packet; blocks while `depth` application frames wait (kTimeout past the
  // timeout, the packet handed back in *packet; kClosed without a render side). *seq: its
  // number, for wait_run().
  Status push(std::unique_ptr<FramePacket>* packet, uint64_t stats_frame, uint64_t* seq);
  // Blocks until the render side has run packet `seq`.
  Status wait_run(uint64_t seq);
  // Blocks until the render side has run the packet that ends `frame`.
  Status wait_frame_run(uint64_t frame);
  std::vector<PacketResult> take_results();
  // The frame side's time blocked in the calls above since the last call: on a full queue or
  // the render side (queue_wait_ns), on the lock the render side held (lock_wait_ns).
  SinkCpu take_frame_waits() { return std::exchange(frame_waits_, {}); }
  uint64_t completed_frame() const { return completed_.load(std::memory_order_acquire); }
  void close_frame_side();

  // --- the render side
  // Runs queued packets on `device` until one that ends an application frame has run; waits for
  // them up to the timeout (kTimeout), or kClosed once the frame side is gone and the queue
  // is empty (what it had queued is still run first: nothing is lost).
  Status submit(gpu::GpuDevice& device);
  // Runs whatever is queued without waiting (the render side's finish and destruction).
  Status drain(gpu::GpuDevice& device);
  void close_render_side();
  // Publishes the device's newest completed frame (after a finish on the render side).
  void note_completed(uint64_t frame) { completed_.store(frame, std::memory_order_release); }
  uint64_t frames_submitted() const { return frames_submitted_.load(std::memory_order_acquire); }
  // The newest frame token run on the device (0: none).
  uint64_t last_run_frame() {
    std::lock_guard<std::mutex> lock(mu_);
    return run_frame_;
  }

 private:
  struct Queued {
    std::unique_ptr<FramePacket> packet;
    uint64_t seq = 0;
    uint64_t stats_frame = 0;
  };
  // Runs one packet (the lock is not held while the device works); returns its first failure.
  Status run(gpu::GpuDevice& device, Queued q);
  // The frame side's lock, its wait counted when the render side holds it.
  std::unique_lock<std::mutex> lock_frame_side();
  // The frame side's wait on cv_ until `done` (counted only when it is not done at once).
  template <typename Done>
  bool wait_frame_side(std::unique_lock<std::mutex>& lock, Done done);

  const int depth_;
  const std::chrono::milliseconds timeout_;
  const DeviceTraits traits_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Queued> queue_;
  int app_frames_queued_ = 0;
  uint64_t next_seq_ = 1;
  uint64_t run_seq_ = 0;    // packets run, in order
  uint64_t run_frame_ = 0;  // the newest frame token run
  std::vector<std::unique_ptr<FramePacket>> free_;
  // The render side's: the largest packet run so far; a used packet is sized for it (on the
  // render thread) before the frame side gets it back.
  FramePacket::Sizes high_water_;
  std::vector<PacketResult> results_;
  bool frame_side_closed_ = false, render_side_closed_ = false;
  std::atomic<uint64_t> completed_{0};
  std::atomic<uint64_t> frames_submitted_{0};
  SinkCpu frame_waits_;  // the frame side's only
};

// The frame side's sink in render-thread mode: one owning packet per frame.
class QueuedSink final : public FrameSink {
 public:
  // `parallel` (optional): the frame side's workers, sharing the copies of a large upload.
  explicit QueuedSink(std::shared_ptr<RenderLink> link, FramePacket::ParallelFor parallel = {});
  ~QueuedSink() override;
  SinkCpu take_cpu() override;
  Status upload(std::span<const gpu::PageUpload> pages, UploadMode mode,
                gpu::UploadStats* stats) override;
  Status draw(std::span<const gpu::GlyphInstance> instances,
              std::span<const gpu::DrawBatch> batches, int viewport_width,
              int viewport_height) override;
  Status end_frame(uint64_t frame, bool app_frame) override;
  Status finish() override;
  Status wait_frame(uint64_t frame) override;
  uint64_t completed_frame() override { return link_->completed_frame(); }
  std::vector<gpu::GpuTimings> take_timings() override { return {}; }  // in take_results()
  std::vector<PacketResult> take_results() override;

 private:
  Status push_current(uint64_t* seq);

  std::shared_ptr<RenderLink> link_;
  FramePacket::ParallelFor parallel_;
  std::unique_ptr<FramePacket> packet_;
  // Frames whose push timed out (the render thread ran no submit()): queued, in order, before
  // the next one.
  struct Held {
    std::unique_ptr<FramePacket> packet;
    uint64_t stats_frame = 0;
  };
  std::deque<Held> held_;
  // The format each page was last sent with: a page id reused with another format goes whole.
  std::vector<int> sent_format_;
  std::vector<uint8_t> whole_scratch_;  // per page: sent whole
  uint64_t stats_frame_ = 0;            // the frame number of the application frame being built
};

}  // namespace glyphstream::pipeline
