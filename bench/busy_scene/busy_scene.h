// The busy scene: a benchmark aid (the bench's W5 "busy GPU"), the application's own drawing
// before the text. One full-screen pass over the headless context's offscreen image (HeadlessGl's
// framebuffer, VulkanContext's image) whose fragment shader runs `work` iterations of dependent
// arithmetic per pixel and leaves the straight-alpha colour exactly, so that its GPU time is set
// by the caller. Bench support: not in libglyphstream.a, not in the public API; the bench
// (tools/bench) and its tests reach it through tools/common's HeadlessTarget. No graphics API
// type here (the implementations, gl_busy_scene.cpp and vk_busy_scene.cpp, are the one place
// outside src/gpu/ with GL and Vulkan headers; tests/rules/check_rules.py).
#pragma once

#include <cstdint>
#include <memory>

#include "glyphstream/headless_gl.h"
#include "glyphstream/status.h"
#include "glyphstream/types.h"
#include "glyphstream/vulkan.h"

namespace glyphstream::bench {

// The most iterations per pixel a busy scene accepts: about 9 s of GPU time on an H200 at
// 1280 x 800, so that a bad value is an error, not a GPU that stays busy for hours.
constexpr uint32_t kMaxBusySceneWork = 1u << 20;

class BusyScene {
 public:
  // GL: draws into the context's offscreen framebuffer (made current for each call). The
  // context must outlive the scene (its GL names are deleted with the context current).
  static Result<std::unique_ptr<BusyScene>> create(HeadlessGl* gl);
  // Vulkan: draws into the context's offscreen image, submitted to its graphics queue. The
  // context must outlive the scene.
  static Result<std::unique_ptr<BusyScene>> create(VulkanContext* vk);
  virtual ~BusyScene() = default;

  // Queues one pass, never waited for: the text system's next draws come after it, as an
  // application's would (GL: restores the state it changes; Vulkan: after every earlier write
  // of the image on the graphics queue). kInvalidArgument for work above kMaxBusySceneWork
  // (nothing drawn).
  virtual Status draw(const Color& color, uint32_t work) = 0;
  // Draws one pass (black), waits for it and returns its GPU time in milliseconds (GL: a
  // GL_TIME_ELAPSED query; Vulkan: timestamps).
  virtual Result<double> time(uint32_t work) = 0;
  // Vulkan: where the most recent pass ran on the device clock (waits for it); compare with a
  // frame's FrameStats::gpu_upload_begin_ns / gpu_upload_end_ns. kUnsupported on GL.
  virtual Result<GpuSpan> last_span() {
    return Status(ErrorCode::kUnsupported, "busy scene spans are measured on Vulkan only");
  }
};

}  // namespace glyphstream::bench
