// The GL context a device was created in, and GL error handling. Every entry point of the GL
// backend checks its context first: calling GL through epoxy with no context current aborts,
// and in another context the device's names (VAOs, fences) mean nothing or someone else's.
#pragma once

#include <epoxy/gl.h>

#include "glyphstream/status.h"

namespace glyphstream::gpu::gl {

// The current context as an opaque handle: EGL (through epoxy), or GLX if the application
// loaded libGL/libGLX itself (GLFW on X11). nullptr when none is current.
void* current_context();

// Returns kGpuError naming the operation if GL recorded an error since the last check.
Status check_gl(const char* op);

// Errors the application left behind must not be blamed on glyphstream.
void drain_gl_errors();

// What the context offers that the backend uses, each with its GL 3.3 fallback.
struct GlFeatures {
  int version = 0;               // 33 for OpenGL 3.3
  bool buffer_storage = false;   // 4.4: persistently mapped staging buffers
  bool copy_image = false;       // 4.3: page growth by glCopyImageSubData (else a blit)
  bool texture_storage = false;  // 4.2: immutable page storage
  bool clear_texture = false;    // 4.4: zeroing new pages without a client upload
  // kUnsupported for OpenGL ES or a version below 3.3. emulate_gl33 turns every feature off.
  static Result<GlFeatures> detect(bool emulate_gl33);
};

// The context that was current when it was made (the device's).
class GlContext {
 public:
  GlContext() : handle_(current_context()) {}
  bool is_current() const { return current_context() == handle_; }
  // kContextFailed naming `op` unless this context is current.
  Status check(const char* op) const;

 private:
  void* handle_ = nullptr;
};

}  // namespace glyphstream::gpu::gl
