// The instanced quad renderer: one program, one VAO over a streamed instance buffer, one
// instanced draw call per batch (its page on unit 0, its colour page on unit 1),
// premultiplied-alpha blending (kLcd24 pages: a second program with dual-source blending), the
// application's state saved and restored around it.
#pragma once

#include <epoxy/gl.h>

#include <cstddef>

#include "gpu/backend.h"
#include "gpu/gl/gl_frames.h"
#include "gpu/gl/gl_textures.h"

namespace glyphstream::gpu::gl {

class QuadRenderer {
 public:
  // Compiles and links the program and sets up the VAO (restores the state it changes).
  // `linear_light`: every draw blends in linear light (GL_FRAMEBUFFER_SRGB, colours decoded).
  Status init(bool linear_light);
  // Draws a checked list (see Backend::draw) from the page textures; `timers` brackets the
  // draw calls with a draw-time query.
  Status draw(const DrawList& list, const PageTextures& pages, TimerQueries* timers);
  // Deletes every GL name (the device's context must be current).
  void release();
  // Whether kLcd24 pages are drawn (the driver has a dual-source draw buffer).
  bool dual_source_blend() const { return lcd_.id != 0; }

 private:
  struct Program {
    GLuint id = 0;
    GLint u_viewport = -1, u_color_page = -1;
  };
  Status link_program(bool lcd, Program* p);
  void use_program(bool lcd, bool color_page);
  void stream_instances(std::span<const GlyphInstance> instances);
  void set_pipeline_state(int viewport_width, int viewport_height);
  void draw_instances(const DrawBatch& b);

  Program grey_, lcd_;  // lcd_: the fragment shader with GS_LCD (dual-source output)
  bool lcd_bound_ = false;
  bool linear_light_ = false;
  GLuint vao_ = 0, instance_buffer_ = 0;
  size_t instance_capacity_ = 0;
};

}  // namespace glyphstream::gpu::gl
