#include "gpu/gl/gl_context.h"

#include <dlfcn.h>
#include <epoxy/egl.h>

#include <atomic>
#include <cstdio>
#include <string>

namespace glyphstream::gpu::gl {
namespace {

const char* gl_error_name(GLenum e) {
  switch (e) {
    case GL_INVALID_ENUM:
      return "GL_INVALID_ENUM";
    case GL_INVALID_VALUE:
      return "GL_INVALID_VALUE";
    case GL_INVALID_OPERATION:
      return "GL_INVALID_OPERATION";
    case GL_INVALID_FRAMEBUFFER_OPERATION:
      return "GL_INVALID_FRAMEBUFFER_OPERATION";
    case GL_OUT_OF_MEMORY:
      return "GL_OUT_OF_MEMORY";
    case GL_STACK_UNDERFLOW:
      return "GL_STACK_UNDERFLOW";
    case GL_STACK_OVERFLOW:
      return "GL_STACK_OVERFLOW";
    default:
      return "unknown GL error";
  }
}

}  // namespace

void* current_context() {
  if (EGLContext c = eglGetCurrentContext(); c != EGL_NO_CONTEXT) return c;
  using GetCurrent = void* (*)();
  static std::atomic<GetCurrent> glx_get_current{nullptr};
  GetCurrent fn = glx_get_current.load(std::memory_order_relaxed);
  if (!fn) {
    for (const char* lib : {"libGLX.so.0", "libGL.so.1"}) {
      // RTLD_NOLOAD: only a library the application already uses; the handle stays open.
      if (void* h = dlopen(lib, RTLD_LAZY | RTLD_NOLOAD)) {
        fn = reinterpret_cast<GetCurrent>(dlsym(h, "glXGetCurrentContext"));
        if (fn) break;
      }
    }
    glx_get_current.store(fn, std::memory_order_relaxed);
  }
  return fn ? fn() : nullptr;
}

Status check_gl(const char* op) {
  GLenum first = glGetError();
  if (first == GL_NO_ERROR) return {};
  drain_gl_errors();
  char buf[160];
  std::snprintf(buf, sizeof buf, "%s: %s (0x%04x)", op, gl_error_name(first), unsigned(first));
  return {ErrorCode::kGpuError, buf};
}

void drain_gl_errors() {
  for (int i = 0; i < 16 && glGetError() != GL_NO_ERROR; ++i) {
  }
}

Result<GlFeatures> GlFeatures::detect(bool emulate_gl33) {
  if (!epoxy_is_desktop_gl()) {
    return Status(ErrorCode::kUnsupported, "create_gl_device: the current context is OpenGL ES");
  }
  GlFeatures f;
  f.version = epoxy_gl_version();
  if (f.version < 33) {
    return Status(ErrorCode::kUnsupported, "create_gl_device: needs OpenGL 3.3, the context has " +
                                               std::to_string(f.version / 10) + "." +
                                               std::to_string(f.version % 10));
  }
  drain_gl_errors();
  if (emulate_gl33) return f;
  f.buffer_storage = f.version >= 44 || epoxy_has_gl_extension("GL_ARB_buffer_storage");
  f.copy_image = f.version >= 43 || epoxy_has_gl_extension("GL_ARB_copy_image");
  f.texture_storage = f.version >= 42 || epoxy_has_gl_extension("GL_ARB_texture_storage");
  f.clear_texture = f.version >= 44 || epoxy_has_gl_extension("GL_ARB_clear_texture");
  return f;
}

Status GlContext::check(const char* op) const {
  void* current = current_context();
  if (current == handle_) return {};
  return {ErrorCode::kContextFailed,
          std::string(op) + (current ? ": a different GL context is current than the device's"
                                     : ": no GL context is current")};
}

}  // namespace glyphstream::gpu::gl
