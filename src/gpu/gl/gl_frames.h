// Frame completion and GPU timing: one fence per frame closed by end_frame() (frames complete
// in order), and TIME_ELAPSED queries around the upload copies and the draws, read without
// waiting once their frame's results are available.
#pragma once

#include <epoxy/gl.h>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <vector>

#include "gpu/backend.h"
#include "gpu/gl/gl_context.h"

namespace glyphstream::gpu::gl {

class FrameFences {
 public:
  // Places the frame's fence (kGpuError if GL gives none).
  Status close(uint64_t frame);
  // Retires every signalled fence without blocking; returns the newest completed frame.
  uint64_t poll();
  // Waits on the fences of every frame <= `frame`, oldest first.
  Status wait_through(uint64_t frame, const char* op);
  uint64_t completed() const { return completed_; }
  // Deletes every fence (the device's context must be current).
  void release();

 private:
  struct Fence {
    uint64_t frame = 0;
    GLsync sync = nullptr;
  };
  void pop_completed();

  std::deque<Fence> frames_;
  uint64_t completed_ = 0;
};

class TimerQueries {
 public:
  // Uses timer queries when enabled and the driver counts time (QUERY_COUNTER_BITS > 0).
  void init(bool enable);
  bool available() const { return available_; }
  // Opens a TIME_ELAPSED query unless one is open (ours or the application's: they cannot
  // nest) or too many wait for results.
  void begin(bool upload);
  void end();
  // Gives every query not yet tagged the frame that end_frame() closes.
  void tag(uint64_t frame);
  // Moves finished frames' results to the ready list without waiting.
  void collect();
  std::vector<GpuTimings> take();
  // Ends an open query and deletes every query (the device's context must be current).
  void release();

 private:
  struct Pending {
    GLuint query = 0;
    bool upload = false;  // upload or draw
    bool frame_known = false;
    uint64_t frame = 0;
  };
  bool frame_available(uint64_t frame, size_t* count);

  bool available_ = false;
  std::vector<GLuint> free_;
  std::deque<Pending> pending_;
  bool active_ = false;
  std::vector<GpuTimings> ready_;
};

}  // namespace glyphstream::gpu::gl
