#include "pipeline/frame_sink.h"

#include "pipeline/clock.h"

namespace glyphstream::pipeline {

DeviceTraits DeviceTraits::of(gpu::GpuDevice& device) {
  DeviceTraits t;
  t.api = device.api();
  t.transfer_queue = device.uses_transfer_queue();
  t.can_wait_within_frame = device.can_wait_within_frame();
  t.timer_queries = device.timer_queries_available();
  t.dual_source_blend = device.dual_source_blend();
  t.backend_name = device.backend_name();
  t.renderer = device.renderer();
  t.async_path = device.async_path();
  return t;
}

ImmediateSink::ImmediateSink(gpu::GpuDevice* device) : device_(device) {
  traits_ = DeviceTraits::of(*device);
}

Status ImmediateSink::submit(gpu::UploadStats* stats) {
  const ScopeTimer timed(&cpu_.device_ns);
  FramePacket::Outcome outcome;
  outcome.upload = stats;
  packet_.submit(*device_, &outcome);
  packet_.clear();
  return outcome.status;
}

Status ImmediateSink::upload(std::span<const gpu::PageUpload> pages, UploadMode mode,
                             gpu::UploadStats* stats) {
  packet_.add_upload(pages, mode);
  return submit(stats);
}

Status ImmediateSink::draw(std::span<const gpu::GlyphInstance> instances,
                           std::span<const gpu::DrawBatch> batches, int viewport_width,
                           int viewport_height) {
  packet_.add_draw(instances, batches, viewport_width, viewport_height);
  return submit(nullptr);
}

Status ImmediateSink::end_frame(uint64_t frame, bool app_frame) {
  packet_.add_end_frame(frame, app_frame);
  return submit(nullptr);
}

Status ImmediateSink::finish() {
  packet_.add_finish();
  return submit(nullptr);
}

Status ImmediateSink::wait_frame(uint64_t frame) {
  packet_.add_wait_frame(frame);
  return submit(nullptr);
}

uint64_t ImmediateSink::completed_frame() {
  const ScopeTimer timed(&cpu_.device_ns);
  return device_->completed_frame();
}

std::vector<gpu::GpuTimings> ImmediateSink::take_timings() {
  if (!traits_.timer_queries) return {};
  const ScopeTimer timed(&cpu_.device_ns);
  return device_->take_timings();
}

}  // namespace glyphstream::pipeline
