#include "gpu/vulkan/vk_frames.h"

#include <algorithm>

namespace glyphstream::gpu::vk {
namespace {

// How long the oldest unsignalled frame may stay so once too many are (and how long finish()
// and throttle() wait for an application's frame) before it is reported as never signalled.
constexpr uint64_t kSignalTimeoutNs = 5'000'000'000;
constexpr const char* kSignalTimeoutText = "5 s";

}  // namespace

Status Frames::init(VkDevice device, bool embedded, size_t max_unsignalled) {
  device_ = device;
  embedded_ = embedded;
  max_unsignalled_ = max_unsignalled;
  return create_timeline(device_, &frame_sem_);
}

Frames::~Frames() {
  if (device_ && frame_sem_) vkDestroySemaphore(device_, frame_sem_, nullptr);
}

void Frames::end(FrameToken frame, const Guard& work, const Guard& uploads) {
  frames_.push_back({frame, embedded_ ? Guard{frame_sem_, frame} : work, uploads});
  last_ = std::max(last_, frame);
}

FrameToken Frames::poll() {
  while (!frames_.empty() && reached(device_, frames_.front().guard) &&
         reached(device_, frames_.front().uploads)) {
    completed_ = std::max(completed_, frames_.front().frame);
    frames_.pop_front();
  }
  return completed_;
}

Status Frames::wait(FrameToken frame) {
  while (!frames_.empty() && frames_.front().frame <= frame) {
    // Embedded: the application's signal, which may never come (reported, not waited forever).
    GS_TRY(embedded_ ? wait_signal(frames_.front().guard, "throttle")
                     : vk::wait(device_, frames_.front().guard, "wait_frame"));
    GS_TRY(vk::wait(device_, frames_.front().uploads, "wait_frame"));
    completed_ = std::max(completed_, frames_.front().frame);
    frames_.pop_front();
  }
  return {};
}

Status Frames::wait_last_signal(const char* op) {
  if (!embedded_) return {};
  return wait_signal({frame_sem_, last_}, op);
}

void Frames::complete_all() {
  frames_.clear();
  completed_ = std::max(completed_, last_);
}

std::string Frames::unsignalled_message(const char* op) const {
  const FrameToken oldest = frames_.empty() ? last_ : frames_.front().frame;
  return std::string(op) + ": frame " + std::to_string(oldest) + " was not signalled within " +
         kSignalTimeoutText + " (" + std::to_string(frames_.size()) +
         " flushed frames unsignalled): the application's submission of each frame's command "
         "buffer must signal VulkanFrameSync::signal_semaphore to signal_value (from "
         "TextSystem::vulkan_frame_sync() after flush(); glyphstream/vulkan_submit.h makes the "
         "VkSemaphoreSubmitInfo); until it does, set_vulkan_target() and flush() refuse new "
         "frames";
}

Status Frames::wait_signal(const Guard& g, const char* op) {
  if (reached(device_, g)) return {};
  if (!signal_missing_) {
    VkSemaphoreWaitInfo info{VK_STRUCTURE_TYPE_SEMAPHORE_WAIT_INFO};
    info.semaphoreCount = 1;
    info.pSemaphores = &g.semaphore;
    info.pValues = &g.value;
    const VkResult r = vkWaitSemaphores(device_, &info, kSignalTimeoutNs);
    if (r != VK_TIMEOUT) return check(r, op);
    signal_missing_ = true;
  }
  return {ErrorCode::kInvalidArgument, unsignalled_message(op)};
}

Status Frames::check_signals(const char* op) {
  poll();  // drops the frames signalled by now; never waits
  if (frames_.size() <= max_unsignalled_) {
    signal_missing_ = false;
    return {};
  }
  // Far ahead of the GPU (then this waits, as a swap chain would), or a submission that never
  // signals (then it is reported, once the oldest frame has had kSignalTimeoutNs).
  GS_TRY(wait_signal(frames_.front().guard, op));
  poll();
  return {};
}

}  // namespace glyphstream::gpu::vk
