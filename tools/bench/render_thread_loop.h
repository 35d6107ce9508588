// The bench's frame loop in render-thread mode (--render-thread, issue 25): a TextSystem builds
// the frames on a second thread while this thread, which owns the GL context or the Vulkan
// queue, clears (or draws the busy scene), submits through the TextRenderer and throttles.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

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

}  // namespace glyphstream::bench
