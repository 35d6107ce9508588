// The bench's frame loop in render-thread mode (--render-thread, issue 25): a TextSystem builds
// the frames on a second thread while this thread, which owns the GL context or the Vulkan
// queue, clears (or draws the busy scene), submits through the TextRenderer and throttles.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include <nlohmann/json.hpp>

#include "glyphstream/stats.h"
#include "glyphstream/status.h"
#include "glyphstream/text_system.h"
#include "headless_target.h"

namespace glyphstream::bench {

struct RenderThreadRun {
  std::vector<double> build_ms;    // per frame: the building thread's begin_frame .. flush
  std::vector<double> submit_ms;   // per frame: the render thread's submit()
  std::vector<FrameStats> frames;  // per frame, with the render side's upload counters
};

// `frames` frames of draw(ts, i). The building thread starts a frame only when the queue has
// room, so that its measured time never includes the swap-chain wait (as throttle() stays
// outside the single-thread measurement); the render thread times submit() from the moment
// the frame is queued.
Result<RenderThreadRun> run_render_thread(tools::HeadlessTarget* target, const TextSystemDesc& desc,
                                          int frames,
                                          const std::function<Status(TextSystem&, int)>& draw,
                                          uint32_t busy_work, double gap_ms);

// What the hand-off moves and costs (issue 25), from the measured frames (frame_ms[i] is
// frames[i]'s time):
//   movable_ms_p50/p99   single-thread mode: the frame's time in the GPU device's calls
//                        (FrameStats::device_cpu_ns), what render-thread mode moves away
//   handoff_floor        p99(frame - movable) / p99(frame): the best ratio of the building
//                        thread's p99 to this run's frame p99 that a perfect hand-off (one
//                        that cost nothing) could reach
//   handoff_ms_p50/p99, queue_wait_ms_p50/p99, lock_wait_ms_p50/p99   render-thread mode: the
//                        building thread's time handing the frame over, of which blocked on
//                        the packet queue (or the render thread) and on the queue's lock
void summarize_handoff(const std::vector<double>& frame_ms, const std::vector<FrameStats>& frames,
                       bool render_thread, nlohmann::ordered_json* j);

}  // namespace glyphstream::bench
