// The instanced quad renderer: one program, one VAO over a streamed instance buffer, one
// instanced draw call per batch (its page on unit 0, its colour page on unit 1),
// premultiplied-alpha blending, the application's state saved and restored around it.
#pragma once

#include <epoxy/gl.h>

#include <cstddef>

#include "gpu/backend.h"
#include "gpu/gl/gl_frames.h"
#include "gpu/gl/gl_instance_ring.h"
#include "gpu/gl/gl_textures.h"

namespace glyphstream::gpu::gl {

class QuadRenderer {
 public:
  // Compiles and links the program and sets up the VAO (restores the state it changes);
  // `persistent_instances`: ARB_buffer_storage is there for the instance ring.
  Status init(bool persistent_instances);
  // Draws a checked list (see Backend::draw) from the page textures; `timers` brackets the
  // draw calls with a draw-time query.
  Status draw(const DrawList& list, const PageTextures& pages, TimerQueries* timers);
  // Deletes every GL name (the device's context must be current).
  void release();

 private:
  Status link_program();
  void set_pipeline_state(int viewport_width, int viewport_height);
  // Draws batch b, whose instances start `base` bytes into the bound instance buffer.
  void draw_instances(const DrawBatch& b, size_t base);

  GLuint program_ = 0, vao_ = 0;
  InstanceRing instances_{false};
  GLint u_viewport_ = -1, u_color_page_ = -1;
};

}  // namespace glyphstream::gpu::gl
