// Frame tokens on Vulkan. A frame is complete when its graphics work (headless: glyphstream's
// own graphics timeline; embedded: the application's frame submission, which signals the frame
// timeline owned here to the token) and the upload submissions before its end have completed.
// Embedded, the watch on the application's signals: a frame token that never arrives is
// reported by the public calls instead of holding the resources of every later frame.
#pragma once

#include <deque>
#include <string>

#include "gpu/backend.h"
#include "gpu/vulkan/vk_util.h"

namespace glyphstream::gpu::vk {

class Frames {
 public:
  Frames() = default;
  ~Frames();  // the frame timeline; the owner has waited for what it must
  Frames(const Frames&) = delete;
  Frames& operator=(const Frames&) = delete;

  // `embedded`: the application signals the frame timeline; more than `max_unsignalled` flushed
  // frames whose token it never signalled are an error (check_signals()).
  Status init(VkDevice device, bool embedded, size_t max_unsignalled);

  // The timeline the application's frame submission signals to the frame token (embedded).
  VkSemaphore semaphore() const { return frame_sem_; }
  // Ends `frame`: complete once `work` and `uploads` are reached. Headless: `work` is the
  // graphics timeline's newest value; embedded: ignored, the frame timeline at `frame`.
  void end(FrameToken frame, const Guard& work, const Guard& uploads);
  // The newest completed frame; never waits.
  FrameToken poll();
  FrameToken completed() const { return completed_; }
  FrameToken last() const { return last_; }
  // Blocks until `frame` has completed (embedded: reports an application signal that does not
  // come within the timeout, as "throttle").
  Status wait(FrameToken frame);
  // Blocks until the application has signalled the last ended frame (embedded; nothing
  // headless); every frame is then complete once the caller's own submissions are.
  Status wait_last_signal(const char* op);
  // After the caller waited for everything: every ended frame is complete.
  void complete_all();

  // Embedded: an error once too many ended frames were never signalled by the application
  // (`op`: the public call that reports it); far ahead of the GPU, it waits as a swap chain
  // would.
  Status check_signals(const char* op);

 private:
  struct Record {
    FrameToken frame = 0;
    Guard guard;
    Guard uploads;
  };
  // Waits for an application frame token, at most the signal timeout: then the error above.
  Status wait_signal(const Guard& g, const char* op);
  std::string unsignalled_message(const char* op) const;

  VkDevice device_ = VK_NULL_HANDLE;
  bool embedded_ = false;
  size_t max_unsignalled_ = 0;
  VkSemaphore frame_sem_ = VK_NULL_HANDLE;
  std::deque<Record> frames_;
  FrameToken last_ = 0;
  FrameToken completed_ = 0;
  bool signal_missing_ = false;  // reported: the oldest unsignalled frame timed out
};

}  // namespace glyphstream::gpu::vk
