// Host-to-device bandwidth through the same kind of transfer as the async uploads: a mapped
// pixel-unpack buffer copied into a texture, in one large copy. GlBackend checks the context.
#include <epoxy/gl.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <string>

#include "gpu/gl/gl_backend.h"
#include "gpu/gl/gl_context.h"

namespace glyphstream::gpu::gl {

Result<double> measure_upload_bandwidth(size_t bytes) {
  constexpr int kWidth = 4096;  // R8 texels per row
  bytes = std::max<size_t>(bytes, size_t(kWidth) * 16);
  const int rows = int(std::min<size_t>(bytes / kWidth, 16384));
  const size_t used = size_t(kWidth) * size_t(rows);

  GLint old_unpack = 0, old_tex = 0, old_align = 0, old_row = 0;
  glGetIntegerv(GL_PIXEL_UNPACK_BUFFER_BINDING, &old_unpack);
  glGetIntegerv(GL_TEXTURE_BINDING_2D, &old_tex);
  glGetIntegerv(GL_UNPACK_ALIGNMENT, &old_align);
  glGetIntegerv(GL_UNPACK_ROW_LENGTH, &old_row);
  drain_gl_errors();

  GLuint buffer = 0, texture = 0, query = 0;
  glGenBuffers(1, &buffer);
  glBindBuffer(GL_PIXEL_UNPACK_BUFFER, buffer);
  const bool storage = epoxy_gl_version() >= 44 || epoxy_has_gl_extension("GL_ARB_buffer_storage");
  void* mapped = nullptr;
  if (storage) {
    const GLbitfield flags = GL_MAP_WRITE_BIT | GL_MAP_PERSISTENT_BIT | GL_MAP_COHERENT_BIT;
    glBufferStorage(GL_PIXEL_UNPACK_BUFFER, GLsizeiptr(used), nullptr, flags);
    mapped = glMapBufferRange(GL_PIXEL_UNPACK_BUFFER, 0, GLsizeiptr(used), flags);
  } else {
    glBufferData(GL_PIXEL_UNPACK_BUFFER, GLsizeiptr(used), nullptr, GL_STREAM_DRAW);
    mapped = glMapBufferRange(GL_PIXEL_UNPACK_BUFFER, 0, GLsizeiptr(used),
                              GL_MAP_WRITE_BIT | GL_MAP_INVALIDATE_BUFFER_BIT);
  }
  if (mapped) {
    std::memset(mapped, 0x5a, used);
    if (!storage) glUnmapBuffer(GL_PIXEL_UNPACK_BUFFER);
  }
  glGenTextures(1, &texture);
  glBindTexture(GL_TEXTURE_2D, texture);
  glTexImage2D(GL_TEXTURE_2D, 0, GL_R8, kWidth, rows, 0, GL_RED, GL_UNSIGNED_BYTE, nullptr);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);

  GLint bits = 0;
  glGetQueryiv(GL_TIME_ELAPSED, GL_QUERY_COUNTER_BITS, &bits);
  double best_seconds = 1e30;
  if (mapped) {
    glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, kWidth, rows, GL_RED, GL_UNSIGNED_BYTE, nullptr);
    glFinish();  // warm-up: first-use costs (allocation, residency) stay out of the number
    if (bits > 0) glGenQueries(1, &query);
    for (int rep = 0; rep < 5; ++rep) {
      const auto start = std::chrono::steady_clock::now();
      if (query) glBeginQuery(GL_TIME_ELAPSED, query);
      glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, kWidth, rows, GL_RED, GL_UNSIGNED_BYTE, nullptr);
      if (query) glEndQuery(GL_TIME_ELAPSED);
      glFinish();
      double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (query) {
        GLuint64 ns = 0;
        glGetQueryObjectui64v(query, GL_QUERY_RESULT, &ns);
        if (ns > 0) seconds = double(ns) / 1e9;
      }
      best_seconds = std::min(best_seconds, seconds);
    }
  }
  const GLenum error = glGetError();

  if (query) glDeleteQueries(1, &query);
  if (storage && mapped) glUnmapBuffer(GL_PIXEL_UNPACK_BUFFER);
  glDeleteTextures(1, &texture);
  glDeleteBuffers(1, &buffer);
  glBindBuffer(GL_PIXEL_UNPACK_BUFFER, GLuint(old_unpack));
  glBindTexture(GL_TEXTURE_2D, GLuint(old_tex));
  glPixelStorei(GL_UNPACK_ALIGNMENT, old_align);
  glPixelStorei(GL_UNPACK_ROW_LENGTH, old_row);

  if (!mapped) return Status(ErrorCode::kGpuError, "could not map a staging buffer");
  if (error != GL_NO_ERROR) {
    return Status(ErrorCode::kGpuError, "GL error " + std::to_string(error) + " while measuring");
  }
  return double(used) / best_seconds / 1e9;
}

}  // namespace glyphstream::gpu::gl
