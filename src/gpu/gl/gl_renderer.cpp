#include "gpu/gl/gl_renderer.h"

#include <algorithm>
#include <string>

#include "gpu/gl/gl_state.h"

namespace glyphstream::gpu::gl {
namespace {

static_assert(sizeof(GlyphInstance) == 16, "the vertex layout below assumes 16-byte instances");
static_assert(offsetof(GlyphInstance, w) == 4 && offsetof(GlyphInstance, u) == 8 &&
              offsetof(GlyphInstance, color) == 12);

const char* kVertexShader = R"(#version 330 core
layout(location = 0) in ivec2 a_pos;      // top-left in the viewport, px, y down
layout(location = 1) in uvec4 a_size_uv;  // w, h, u, v
layout(location = 2) in uint a_color;     // straight 0xRRGGBBAA
uniform vec2 u_viewport;
flat out ivec4 v_rect;
flat out ivec2 v_uv;
flat out vec4 v_color;
void main() {
  vec2 corner = vec2(float(gl_VertexID & 1), float(gl_VertexID >> 1));
  vec2 p = vec2(a_pos) + corner * vec2(a_size_uv.xy);
  gl_Position = vec4(p.x * 2.0 / u_viewport.x - 1.0, 1.0 - p.y * 2.0 / u_viewport.y, 0.0, 1.0);
  v_rect = ivec4(a_pos, ivec2(a_size_uv.xy));
  v_uv = ivec2(a_size_uv.zw);
  v_color = vec4(float((a_color >> 24) & 255u), float((a_color >> 16) & 255u),
                 float((a_color >> 8) & 255u), float(a_color & 255u)) / 255.0;
}
)";

// The texel comes from integer pixel coordinates (gl_FragCoord), never from interpolation, so
// the 1:1 mapping is exact on every driver; reference_compositor.cpp does the same math.
const char* kFragmentShader = R"(#version 330 core
uniform sampler2D u_tex;
uniform int u_color_page;
uniform vec2 u_viewport;
flat in ivec4 v_rect;
flat in ivec2 v_uv;
flat in vec4 v_color;
out vec4 o_color;
void main() {
  ivec2 px = ivec2(int(gl_FragCoord.x), int(u_viewport.y) - 1 - int(gl_FragCoord.y));
  ivec2 local = px - v_rect.xy;
  if (any(lessThan(local, ivec2(0))) || any(greaterThanEqual(local, v_rect.zw))) discard;
  ivec2 t = v_uv + local;
  if (any(greaterThanEqual(t, textureSize(u_tex, 0)))) discard;
  vec4 texel = texelFetch(u_tex, t, 0);
  if (u_color_page != 0) {
    o_color = texel * v_color.a;
  } else {
    o_color = vec4(v_color.rgb * v_color.a, v_color.a) * texel.r;
  }
}
)";

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

Status QuadRenderer::link_program() {
  GLuint vs = 0, fs = 0;
  GS_TRY(compile_shader(GL_VERTEX_SHADER, kVertexShader, &vs));
  Status s = compile_shader(GL_FRAGMENT_SHADER, kFragmentShader, &fs);
  if (!s.ok()) {
    glDeleteShader(vs);
    return s;
  }
  program_ = glCreateProgram();
  glAttachShader(program_, vs);
  glAttachShader(program_, fs);
  glLinkProgram(program_);
  glDeleteShader(vs);
  glDeleteShader(fs);
  GLint linked = 0;
  glGetProgramiv(program_, GL_LINK_STATUS, &linked);
  if (!linked) {
    char log[1024] = {};
    glGetProgramInfoLog(program_, sizeof log, nullptr, log);
    return {ErrorCode::kUnsupported, std::string("shader link failed: ") + log};
  }
  u_viewport_ = glGetUniformLocation(program_, "u_viewport");
  u_color_page_ = glGetUniformLocation(program_, "u_color_page");
  return {};
}

Status QuadRenderer::init() {
  GS_TRY(link_program());
  GlStateGuard guard(kStateDraw);
  glUseProgram(program_);
  glUniform1i(glGetUniformLocation(program_, "u_tex"), 0);
  glGenVertexArrays(1, &vao_);
  glGenBuffers(1, &instance_buffer_);
  glBindVertexArray(vao_);
  glBindBuffer(GL_ARRAY_BUFFER, instance_buffer_);
  for (GLuint loc = 0; loc < 3; ++loc) {
    glEnableVertexAttribArray(loc);
    glVertexAttribDivisor(loc, 1);
  }
  return check_gl("create_gl_device");
}

// Orphan-and-refill: the driver hands out fresh storage while earlier draws still read.
void QuadRenderer::stream_instances(std::span<const GlyphInstance> instances) {
  const size_t bytes = instances.size_bytes();
  glBindBuffer(GL_ARRAY_BUFFER, instance_buffer_);
  if (instance_capacity_ < bytes) {
    instance_capacity_ = std::max(bytes, std::max<size_t>(instance_capacity_ * 2, 64 * 1024));
  }
  glBufferData(GL_ARRAY_BUFFER, GLsizeiptr(instance_capacity_), nullptr, GL_STREAM_DRAW);
  glBufferSubData(GL_ARRAY_BUFFER, 0, GLsizeiptr(bytes), instances.data());
}

// Every piece of state that changes how a quad lands, set to what the shaders assume (the
// guard puts the application's back).
void QuadRenderer::set_pipeline_state(int viewport_width, int viewport_height) {
  glUseProgram(program_);
  glBindVertexArray(vao_);
  glViewport(0, 0, viewport_width, viewport_height);
  glEnable(GL_BLEND);
  glBlendFunc(GL_ONE, GL_ONE_MINUS_SRC_ALPHA);
  glBlendEquation(GL_FUNC_ADD);
  glDisable(GL_DEPTH_TEST);
  glDisable(GL_SCISSOR_TEST);
  glDisable(GL_CULL_FACE);
  glDisable(GL_STENCIL_TEST);
  glDisable(GL_FRAMEBUFFER_SRGB);
  glDisable(GL_RASTERIZER_DISCARD);
  glColorMask(GL_TRUE, GL_TRUE, GL_TRUE, GL_TRUE);
  glPolygonMode(GL_FRONT_AND_BACK, GL_FILL);  // an application's wireframe mode must not leak in
  glDisable(GL_SAMPLE_ALPHA_TO_COVERAGE);
  glDisable(GL_SAMPLE_COVERAGE);
  glDisable(GL_SAMPLE_MASK);
  glDisable(GL_COLOR_LOGIC_OP);
  glDisable(GL_PRIMITIVE_RESTART);  // the NVIDIA driver restarts non-indexed strips too
  glDisable(GL_PRIMITIVE_RESTART_FIXED_INDEX);
  glBindSampler(0, 0);
  glUniform2f(u_viewport_, float(viewport_width), float(viewport_height));
}

Status QuadRenderer::draw(const DrawList& list, const PageTextures& pages, TimerQueries* timers) {
  GlStateGuard guard(kStateDraw | kStateTexture);
  timers->begin(/*upload=*/false);
  stream_instances(list.instances);
  set_pipeline_state(list.viewport_width, list.viewport_height);
  for (const DrawBatch& b : list.batches) {
    if (b.count == 0) continue;
    const PageTexture* page = pages.find(b.page);
    if (!page) continue;  // the common side checked every batch's page
    glBindTexture(GL_TEXTURE_2D, page->tex);
    glUniform1i(u_color_page_, page->desc.format == PixelFormat::kColor32 ? 1 : 0);
    // Base instance without GL 4.2: point the attributes at the batch's first instance.
    const uintptr_t base = uintptr_t(b.first) * sizeof(GlyphInstance);
    glVertexAttribIPointer(0, 2, GL_SHORT, sizeof(GlyphInstance),
                           reinterpret_cast<const void*>(base + offsetof(GlyphInstance, x)));
    glVertexAttribIPointer(1, 4, GL_UNSIGNED_SHORT, sizeof(GlyphInstance),
                           reinterpret_cast<const void*>(base + offsetof(GlyphInstance, w)));
    glVertexAttribIPointer(2, 1, GL_UNSIGNED_INT, sizeof(GlyphInstance),
                           reinterpret_cast<const void*>(base + offsetof(GlyphInstance, color)));
    glDrawArraysInstanced(GL_TRIANGLE_STRIP, 0, 4, GLsizei(b.count));
  }
  timers->end();
  return check_gl("draw");
}

void QuadRenderer::release() {
  if (instance_buffer_) glDeleteBuffers(1, &instance_buffer_);
  if (vao_) glDeleteVertexArrays(1, &vao_);
  if (program_) glDeleteProgram(program_);
  instance_buffer_ = vao_ = program_ = 0;
}

}  // namespace glyphstream::gpu::gl
