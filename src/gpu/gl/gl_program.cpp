#include "gpu/gl/gl_program.h"

#include <string>

namespace glyphstream::gpu::gl {
namespace {

Status compile_shader(GLenum type, const char* src, GLuint* out) {
  GLuint s = glCreateShader(type);
  glShaderSource(s, 1, &src, nullptr);
  glCompileShader(s);
  GLint ok = 0;
  glGetShaderiv(s, GL_COMPILE_STATUS, &ok);
  if (!ok) {
    char log[1024] = {};
    glGetShaderInfoLog(s, sizeof log, nullptr, log);
    glDeleteShader(s);
    return {ErrorCode::kUnsupported, std::string("shader compile failed: ") + log};
  }
  *out = s;
  return {};
}

}  // namespace

Result<GLuint> link_program(const char* vertex_source, const char* fragment_source) {
  GLuint vs = 0, fs = 0;
  GS_TRY(compile_shader(GL_VERTEX_SHADER, vertex_source, &vs));
  Status s = compile_shader(GL_FRAGMENT_SHADER, fragment_source, &fs);
  if (!s.ok()) {
    glDeleteShader(vs);
    return s;
  }
  const GLuint program = glCreateProgram();
  glAttachShader(program, vs);
  glAttachShader(program, fs);
  glLinkProgram(program);
  glDeleteShader(vs);
  glDeleteShader(fs);
  GLint linked = 0;
  glGetProgramiv(program, GL_LINK_STATUS, &linked);
  if (!linked) {
    char log[1024] = {};
    glGetProgramInfoLog(program, sizeof log, nullptr, log);
    glDeleteProgram(program);
    return Status(ErrorCode::kUnsupported, std::string("shader link failed: ") + log);
  }
  return program;
}

}  // namespace glyphstream::gpu::gl
