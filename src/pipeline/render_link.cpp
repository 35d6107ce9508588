#include "pipeline/render_link.h"

#include <utility>

#include "pipeline/clock.h"

namespace glyphstream::pipeline {

RenderLink::RenderLink(int depth, std::chrono::milliseconds timeout, DeviceTraits traits)
    : depth_(depth), timeout_(timeout), traits_(std::move(traits)) {}

std::unique_lock<std::mutex> RenderLink::lock_frame_side() {
  std::unique_lock<std::mutex> lock(mu_, std::try_to_lock);
  if (!lock.owns_lock()) {
    const ScopeTimer timed(&frame_waits_.lock_wait_ns);
    lock.lock();
  }
  return lock;
}

template <typename Done>
bool RenderLink::wait_frame_side(std::unique_lock<std::mutex>& lock, Done done) {
  if (done()) return true;
  const ScopeTimer timed(&frame_waits_.queue_wait_ns);
  return cv_.wait_for(lock, timeout_, done);
}

std::unique_ptr<FramePacket> RenderLink::take_empty() {
  {
    const std::unique_lock<std::mutex> lock = lock_frame_side();
    if (!free_.empty()) {
      std::unique_ptr<FramePacket> p = std::move(free_.back());
      free_.pop_back();
      return p;
    }
  }
  return std::make_unique<FramePacket>(/*owning=*/true);
}

Status RenderLink::push(std::unique_ptr<FramePacket>* packet, uint64_t stats_frame, uint64_t* seq) {
  const bool app_frame = (*packet)->ends_app_frame();
  std::unique_lock<std::mutex> lock = lock_frame_side();
  const bool room = wait_frame_side(
      lock, [&] { return render_side_closed_ || !app_frame || app_frames_queued_ < depth_; });
  if (render_side_closed_) return {ErrorCode::kClosed, "frame packet: the TextRenderer is gone"};
  if (!room) {
    return {ErrorCode::kTimeout,
            "frame packet: the render thread ran no TextRenderer::submit() for " +
                std::to_string(timeout_.count()) + " ms with " + std::to_string(depth_) +
                " frames queued (the frame is kept and queued by the next flush)"};
  }
  *seq = next_seq_++;
  app_frames_queued_ += app_frame ? 1 : 0;
  queue_.push_back({std::move(*packet), *seq, stats_frame});
  cv_.notify_all();
  return {};
}

Status RenderLink::wait_run(uint64_t seq) {
  std::unique_lock<std::mutex> lock = lock_frame_side();
  if (!wait_frame_side(lock, [&] { return render_side_closed_ || run_seq_ >= seq; })) {
    return {ErrorCode::kTimeout, "the render thread ran no TextRenderer::submit() for " +
                                     std::to_string(timeout_.count()) + " ms"};
  }
  if (run_seq_ < seq) return {ErrorCode::kClosed, "the TextRenderer is gone"};
  return {};
}

Status RenderLink::wait_frame_run(uint64_t frame) {
  std::unique_lock<std::mutex> lock = lock_frame_side();
  // Everything queued has run (or the frame was never queued): nothing to wait for.
  if (!wait_frame_side(lock, [&] {
        return render_side_closed_ || run_frame_ >= frame || run_seq_ + 1 >= next_seq_;
      })) {
    return {ErrorCode::kTimeout, "throttle: the render thread ran no TextRenderer::submit() for " +
                                     std::to_string(timeout_.count()) + " ms"};
  }
  return {};
}

std::vector<PacketResult> RenderLink::take_results() {
  const std::unique_lock<std::mutex> lock = lock_frame_side();
  return std::exchange(results_, {});
}

void RenderLink::close_frame_side() {
  std::lock_guard<std::mutex> lock(mu_);
  frame_side_closed_ = true;
  cv_.notify_all();
}

void RenderLink::close_render_side() {
  std::lock_guard<std::mutex> lock(mu_);
  render_side_closed_ = true;
  queue_.clear();
  app_frames_queued_ = 0;
  cv_.notify_all();
}

Status RenderLink::run(gpu::GpuDevice& device, Queued q) {
  PacketResult result;
  result.stats_frame = q.stats_frame;
  FramePacket::Outcome outcome;
  outcome.upload = &result.upload;
  q.packet->submit(device, &outcome);
  result.status = outcome.status;
  result.failed_pages = std::move(outcome.failed_pages);
  if (traits_.timer_queries) result.timings = device.take_timings();
  completed_.store(device.completed_frame(), std::memory_order_release);
  const uint64_t frame = q.packet->frame();
  const bool app_frame = q.packet->ends_app_frame();
  // Reused for a frame as large as any so far without growing (reallocating, faulting pages
  // in) on the building thread: that memory is touched here.
  high_water_.grow_to(q.packet->sizes());
  q.packet->clear();
  q.packet->reserve(high_water_);
  std::lock_guard<std::mutex> lock(mu_);
  run_seq_ = q.seq;
  if (frame) run_frame_ = frame;
  if (app_frame) frames_submitted_.fetch_add(1, std::memory_order_acq_rel);
  results_.push_back(std::move(result));
  free_.push_back(std::move(q.packet));
  cv_.notify_all();
  return std::move(outcome.status);
}

Status RenderLink::submit(gpu::GpuDevice& device) {
  completed_.store(device.completed_frame(), std::memory_order_release);
  Status first;  // the first failure of the packets run (the frame side hears of it too)
  for (;;) {
    Queued q;
    {
      std::unique_lock<std::mutex> lock(mu_);
      if (!cv_.wait_for(lock, timeout_, [&] { return !queue_.empty() || frame_side_closed_; })) {
        return first.ok()
                   ? Status(ErrorCode::kTimeout, "TextRenderer::submit: no frame came in " +
                                                     std::to_string(timeout_.count()) + " ms")
                   : first;
      }
      if (queue_.empty()) {
        return first.ok()
                   ? Status(ErrorCode::kClosed, "TextRenderer::submit: the TextSystem is gone")
                   : first;
      }
      q = std::move(queue_.front());
      queue_.pop_front();
      if (q.packet->ends_app_frame()) --app_frames_queued_;
    }
    const bool app_frame = q.packet->ends_app_frame();
    Status s = run(device, std::move(q));
    if (first.ok()) first = std::move(s);
    if (app_frame) return first;
  }
}

Status RenderLink::drain(gpu::GpuDevice& device) {
  Status first;
  for (;;) {
    Queued q;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (queue_.empty()) return first;
      q = std::move(queue_.front());
      queue_.pop_front();
      if (q.packet->ends_app_frame()) --app_frames_queued_;
    }
    Status s = run(device, std::move(q));
    if (first.ok()) first = std::move(s);
  }
}

// ---------------------------------------------------------------------------------------------

QueuedSink::QueuedSink(std::shared_ptr<RenderLink> link, FramePacket::ParallelFor parallel)
    : link_(std::move(link)), parallel_(std::move(parallel)) {
  traits_ = link_->traits();
  packet_ = link_->take_empty();
}

QueuedSink::~QueuedSink() { link_->close_frame_side(); }

SinkCpu QueuedSink::take_cpu() {
  SinkCpu cpu = std::exchange(cpu_, {});
  const SinkCpu waits = link_->take_frame_waits();
  cpu.queue_wait_ns = waits.queue_wait_ns;
  cpu.lock_wait_ns = waits.lock_wait_ns;
  return cpu;
}

std::vector<PacketResult> QueuedSink::take_results() {
  const ScopeTimer timed(&cpu_.handoff_ns);
  return link_->take_results();
}

Status QueuedSink::upload(std::span<const gpu::PageUpload> pages, UploadMode mode,
                          gpu::UploadStats*) {
  const ScopeTimer timed(&cpu_.handoff_ns);
  // The copies are made here, on the building thread: the pixels written into the packet's
  // staging are the upload; the atlas may go on writing its page images meanwhile.
  whole_scratch_.assign(pages.size(), 0);
  for (size_t i = 0; i < pages.size(); ++i) {
    const gpu::PageUpload& p = pages[i];
    if (sent_format_.size() <= p.page) sent_format_.resize(p.page + 1, -1);
    const bool format_change = sent_format_[p.page] >= 0 && sent_format_[p.page] != int(p.format);
    whole_scratch_[i] = format_change || (mode == UploadMode::kWholePage && !p.dirty.empty());
    sent_format_[p.page] = int(p.format);
  }
  packet_->add_upload(pages, mode, whole_scratch_, &parallel_);
  return {};
}

Status QueuedSink::draw(std::span<const gpu::GlyphInstance> instances,
                        std::span<const gpu::DrawBatch> batches, int viewport_width,
                        int viewport_height) {
  const ScopeTimer timed(&cpu_.handoff_ns);
  packet_->add_draw(instances, batches, viewport_width, viewport_height);
  return {};
}

Status QueuedSink::push_current(uint64_t* seq) {
  // Frames a timed-out push kept go first, in order, each as its own packet.
  while (!held_.empty()) {
    Status s = link_->push(&held_.front().packet, held_.front().stats_frame, seq);
    if (!s.ok()) break;
    held_.pop_front();
  }
  Status s = held_.empty() ? link_->push(&packet_, stats_frame_, seq)
                           : Status(ErrorCode::kTimeout, "frame packet: earlier frames still wait");
  if (!s.ok() && s.code() != ErrorCode::kTimeout) return s;          // kClosed: nobody will run it
  if (!s.ok()) held_.push_back({std::move(packet_), stats_frame_});  // nothing lost
  packet_ = link_->take_empty();
  return s;
}

Status QueuedSink::end_frame(uint64_t frame, bool app_frame) {
  const ScopeTimer timed(&cpu_.handoff_ns);
  if (stats_frame_ == 0) stats_frame_ = frame;
  packet_->add_end_frame(frame, app_frame);
  uint64_t seq = 0;
  Status s = push_current(&seq);
  if (app_frame) stats_frame_ = 0;
  return s;
}

Status QueuedSink::finish() {
  const ScopeTimer timed(&cpu_.handoff_ns);
  packet_->add_finish();
  uint64_t seq = 0;
  GS_TRY(push_current(&seq));
  return link_->wait_run(seq);
}

Status QueuedSink::wait_frame(uint64_t frame) {
  const ScopeTimer timed(&cpu_.handoff_ns);
  return link_->wait_frame_run(frame);
}

}  // namespace glyphstream::pipeline
