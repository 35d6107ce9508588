// The busy scene of HeadlessGl (a benchmark aid, the bench's W5): the application's own drawing
// before the text, one full-screen pass whose fragment shader runs `work` iterations of
// arithmetic per pixel, so that its GPU time is set by the caller.
#pragma once

#include <epoxy/gl.h>

#include <cstdint>

#include "glyphstream/status.h"
#include "glyphstream/types.h"

namespace glyphstream::gpu::gl {

class BusyScene {
 public:
  // Draws into the bound draw framebuffer over (0, 0, width, height), the straight-alpha colour
  // (r, g, b, a) stored premultiplied; saves and restores the state it changes. Queued: no wait.
  Status draw(int width, int height, const float rgba[4], uint32_t work);
  // One pass inside a GL_TIME_ELAPSED query; waits for its result. Milliseconds.
  Result<double> time(int width, int height, uint32_t work);
  // Deletes the GL names (the context must be current).
  void release();

 private:
  Status init();

  GLuint program_ = 0, vao_ = 0, query_ = 0;
  GLint u_work_ = -1, u_color_ = -1;
};

}  // namespace glyphstream::gpu::gl
