// The busy scene on GL (busy_scene.h): HeadlessGl's offscreen framebuffer.
#include <epoxy/gl.h>

#include <string>

#include "busy_scene.h"
#include "gpu/gl/gl_program.h"

namespace glyphstream::bench {
namespace {

// One triangle covering the viewport (no vertex buffer).
constexpr const char* kVertexShader = R"(#version 330 core
void main() {
  vec2 p = vec2(float((gl_VertexID & 1) << 2) - 1.0, float((gl_VertexID & 2) << 1) - 1.0);
  gl_Position = vec4(p, 0.0, 1.0);
}
)";

// A dependent chain of `u_work` multiply-adds per pixel: the compiler can neither unroll it
// (the count is a uniform) nor drop it (the result reaches the output, though far below one
// 8-bit step, so the colour is exactly u_color).
constexpr const char* kFragmentShader = R"(#version 330 core
uniform uint u_work;
uniform vec4 u_color;
out vec4 o_color;
void main() {
  float v = fract(gl_FragCoord.x * 0.00123 + gl_FragCoord.y * 0.00071);
  for (uint i = 0u; i < u_work; ++i) v = fract(v * 1.618034 + 0.318310);
  o_color = vec4(u_color.rgb * u_color.a, u_color.a) + vec4(v * 1e-7);
}
)";

class GlBusyScene final : public BusyScene {
 public:
  explicit GlBusyScene(HeadlessGl* gl) : gl_(gl) {}
  ~GlBusyScene() override;
  Status draw(const Color& color, uint32_t work) override;
  Result<double> time(uint32_t work) override;

 private:
  Status init();
  // Into the bound draw framebuffer over (0, 0, width, height), the straight-alpha colour
  // stored premultiplied; saves and restores the state it changes. Queued: no wait.
  Status draw_pass(const float rgba[4], uint32_t work);

  HeadlessGl* gl_;
  GLuint program_ = 0, vao_ = 0, query_ = 0;
  GLint u_work_ = -1, u_color_ = -1;
};

GlBusyScene::~GlBusyScene() {
  if (!program_ && !vao_ && !query_) return;
  if (!gl_->make_current().ok()) return;  // current on another thread: its names stay
  if (program_) glDeleteProgram(program_);
  if (vao_) glDeleteVertexArrays(1, &vao_);
  if (query_) glDeleteQueries(1, &query_);
}

Status GlBusyScene::init() {
  if (program_) return {};
  GS_ASSIGN_OR_RETURN(program_, gpu::gl::link_program(kVertexShader, kFragmentShader));
  u_work_ = glGetUniformLocation(program_, "u_work");
  u_color_ = glGetUniformLocation(program_, "u_color");
  glGenVertexArrays(1, &vao_);
  glGenQueries(1, &query_);
  return {};
}

Status GlBusyScene::draw(const Color& color, uint32_t work) {
  const float rgba[4] = {color.r, color.g, color.b, color.a};
  return draw_pass(rgba, work);
}

Status GlBusyScene::draw_pass(const float rgba[4], uint32_t work) {
  if (work > kMaxBusySceneWork) {
    return {ErrorCode::kInvalidArgument, "busy scene: work " + std::to_string(work) + " is above " +
                                             std::to_string(kMaxBusySceneWork)};
  }
  // The context current on this thread, its offscreen framebuffer bound.
  GS_TRY(gl_->make_current());
  GS_TRY(init());
  const int width = gl_->width(), height = gl_->height();
  GLint prev_program = 0, prev_vao = 0, prev_viewport[4] = {};
  glGetIntegerv(GL_CURRENT_PROGRAM, &prev_program);
  glGetIntegerv(GL_VERTEX_ARRAY_BINDING, &prev_vao);
  glGetIntegerv(GL_VIEWPORT, prev_viewport);
  const GLboolean blend = glIsEnabled(GL_BLEND), scissor = glIsEnabled(GL_SCISSOR_TEST),
                  depth = glIsEnabled(GL_DEPTH_TEST);
  glDisable(GL_BLEND);
  glDisable(GL_SCISSOR_TEST);
  glDisable(GL_DEPTH_TEST);
  glViewport(0, 0, width, height);
  glUseProgram(program_);
  glUniform1ui(u_work_, work);
  glUniform4f(u_color_, rgba[0], rgba[1], rgba[2], rgba[3]);
  glBindVertexArray(vao_);
  glDrawArrays(GL_TRIANGLES, 0, 3);
  glBindVertexArray(GLuint(prev_vao));
  glUseProgram(GLuint(prev_program));
  glViewport(prev_viewport[0], prev_viewport[1], prev_viewport[2], prev_viewport[3]);
  if (blend) glEnable(GL_BLEND);
  if (scissor) glEnable(GL_SCISSOR_TEST);
  if (depth) glEnable(GL_DEPTH_TEST);
  if (GLenum e = glGetError(); e != GL_NO_ERROR) {
    return {ErrorCode::kGpuError, "busy scene: GL error " + std::to_string(unsigned(e))};
  }
  return {};
}

Result<double> GlBusyScene::time(uint32_t work) {
  if (work > kMaxBusySceneWork) return draw_pass(nullptr, work);  // the same error
  GS_TRY(gl_->make_current());
  GS_TRY(init());
  const float black[4] = {0, 0, 0, 1};
  glBeginQuery(GL_TIME_ELAPSED, query_);
  Status s = draw_pass(black, work);
  glEndQuery(GL_TIME_ELAPSED);
  GS_TRY(s);
  GLuint64 ns = 0;
  glGetQueryObjectui64v(query_, GL_QUERY_RESULT, &ns);  // waits for the pass
  if (ns == 0) return Status(ErrorCode::kUnsupported, "busy scene: the timer query saw nothing");
  return double(ns) / 1e6;
}

}  // namespace

Result<std::unique_ptr<BusyScene>> BusyScene::create(HeadlessGl* gl) {
  if (!gl) return Status(ErrorCode::kInvalidArgument, "busy scene: no GL context");
  return Result<std::unique_ptr<BusyScene>>(std::make_unique<GlBusyScene>(gl));
}

}  // namespace glyphstream::bench
