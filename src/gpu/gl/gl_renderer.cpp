#include "gpu/gl/gl_renderer.h"

#include <algorithm>
#include <string>

#include "gpu/gl/gl_program.h"
#include "gpu/gl/gl_state.h"

namespace glyphstream::gpu::gl {
namespace {

static_assert(sizeof(GlyphInstance) == 40, "the vertex layout below assumes 40-byte instances");
static_assert(offsetof(GlyphInstance, u) == 16 && offsetof(GlyphInstance, color) == 24 &&
              offsetof(GlyphInstance, kind) == 28 && offsetof(GlyphInstance, clip) == 32);

const char* kVertexShader = R"(#version 330 core
layout(location = 0) in vec4 a_rect;      // x, y, w, h: destination, px, y down
layout(location = 1) in uvec4 a_tex;      // u, v, tw, th: source texels
layout(location = 2) in uint a_color;     // straight 0xRRGGBBAA
layout(location = 3) in uint a_kind;      // InstanceKind | kSampleColorPage (0x100)
layout(location = 4) in uvec4 a_clip;     // x0, y0, x1, y1: the pixels it may write, px
uniform vec2 u_viewport;
flat out vec4 v_rect;
flat out ivec4 v_tex;
flat out vec4 v_color;
flat out uint v_kind;
void main() {
  vec2 corner = vec2(float(gl_VertexID & 1), float(gl_VertexID >> 1));
  // Every pixel the rect touches (whole pixels for kGlyph: exactly its quad); a squiggle's
  // ends reach past its rect by up to 0.35 h (whole units are centred, plus the end caps).
  vec2 grow = vec2((a_kind & ~256u) == 3u ? 0.5 * a_rect.w : 0.0, 0.0);
  vec2 p = mix(floor(a_rect.xy - grow), ceil(a_rect.xy + a_rect.zw + grow), corner);
  // The clip (whole px): only pixels whose centre lies inside it are rasterized; the fragment
  // shader's math does not depend on the quad (flat inputs, gl_FragCoord), so it stays exact.
  p = clamp(p, vec2(a_clip.xy), vec2(a_clip.zw));
  gl_Position = vec4(p.x * 2.0 / u_viewport.x - 1.0, 1.0 - p.y * 2.0 / u_viewport.y, 0.0, 1.0);
  v_rect = a_rect;
  v_tex = ivec4(a_tex);
  v_color = vec4(float((a_color >> 24) & 255u), float((a_color >> 16) & 255u),
                 float((a_color >> 8) & 255u), float(a_color & 255u)) / 255.0;
#ifdef GS_LINEAR
  // Linear-light blending (GL_FRAMEBUFFER_SRGB on an sRGB buffer): the colour decoded.
  bvec3 high = greaterThan(v_color.rgb, vec3(0.04045));
  v_color.rgb = mix(v_color.rgb / 12.92, pow((v_color.rgb + 0.055) / 1.055, vec3(2.4)), high);
#endif
  v_kind = a_kind;
}
)";

// The texel comes from integer pixel coordinates (gl_FragCoord), never from interpolation, so
// the 1:1 mapping is exact on every driver. The Vulkan shader (vulkan/shaders/glyph.frag) and
// tests/support/reference_compositor.cpp do the same math for every InstanceKind.
const char* kFragmentShader = R"(#version 330 core
uniform sampler2D u_tex;        // the batch's page
uniform sampler2D u_color_tex;  // its colour page: glyphs flagged kSampleColorPage
uniform int u_color_page;       // u_tex is a colour page
uniform vec2 u_viewport;
flat in vec4 v_rect;
flat in ivec4 v_tex;
flat in vec4 v_color;
flat in uint v_kind;
#ifdef GS_LCD
// Dual-source blending (GL 3.3, ARB_blend_func_extended): dst = o_color + dst * (1 - o_blend),
// each channel with its own coverage (glBlendFunc(GL_ONE, GL_ONE_MINUS_SRC1_COLOR)).
layout(location = 0, index = 0) out vec4 o_color;
layout(location = 0, index = 1) out vec4 o_blend;
#define BLEND(x) o_blend = (x)
#else
out vec4 o_color;
#define BLEND(x)
#endif

float overlap(float a0, float a1, float b0, float b1) {
  return max(0.0, min(a1, b1) - max(a0, b0));
}

// pango-cairo's error underline: a band of vertical thickness h/2.5 around a 45-degree zigzag
// of whole units (1.5 band thicknesses) centred in the rect, with square ends. Exact in y, eight
// columns per pixel in x.
float squiggle_coverage(vec2 px, vec4 r) {
  float sq = r.w / 2.5;
  float unit = 1.5 * sq;
  float units = floor((r.z + unit * 0.5) / unit);
  if (units < 1.0) return 0.0;
  float x0 = r.x + (r.z - units * unit) * 0.5;
  float len = units * unit;
  float end_slope = (units - 2.0 * floor(units * 0.5)) == 1.0 ? 1.0 : -1.0;
  float cov = 0.0;
  for (int i = 0; i < 8; ++i) {
    float t = px.x + (float(i) + 0.5) / 8.0 - x0;
    float tc = clamp(t, 0.0, len);
    float phase = tc - 2.0 * unit * floor(tc / (2.0 * unit));
    float wave = phase <= unit ? phase : 2.0 * unit - phase;
    float slope = t < 0.0 ? 1.0 : end_slope;
    float yc = r.y + 0.5 * sq + wave + (t - tc) * slope;
    float lo = yc - 0.5 * sq, hi = yc + 0.5 * sq;
    if (t < 0.0) lo = max(lo, r.y - t);
    if (t > len && end_slope > 0.0) hi = min(hi, r.y + r.w - (t - len));
    if (t > len && end_slope < 0.0) lo = max(lo, r.y + (t - len));
    cov += overlap(lo, hi, px.y, px.y + 1.0);
  }
  return cov / 8.0;
}

// Pages are read in atlas pixels (v_tex too). An LCD page (lcd: the GS_LCD variant's u_tex) is
// R8, three texels a pixel: its R, G, B coverages, green's doubling as the alpha (as cairo's).
ivec2 page_size(sampler2D tex, bool lcd) {
  ivec2 s = textureSize(tex, 0);
  return lcd ? ivec2(s.x / 3, s.y) : s;
}

vec4 page_texel(sampler2D tex, ivec2 t, bool lcd) {
  if (!lcd) return texelFetch(tex, t, 0);
  float g = texelFetch(tex, ivec2(3 * t.x + 1, t.y), 0).r;
  return vec4(texelFetch(tex, ivec2(3 * t.x, t.y), 0).r, g,
              texelFetch(tex, ivec2(3 * t.x + 2, t.y), 0).r, g);
}

vec4 fetch(sampler2D tex, ivec2 t, bool lcd) {
  return page_texel(tex, min(t, page_size(tex, lcd) - 1), lcd);
}

// Bilinear over the glyph's own pixels (an LCD page: each channel alike): the pixel centre
// mapped into the glyph's pixels.
vec4 scaled_texel(sampler2D tex, vec2 c, bool lcd) {
  vec2 s = (c - v_rect.xy) * vec2(v_tex.zw) / v_rect.zw - 0.5;
  vec2 f0 = floor(s);
  vec2 f = s - f0;
  ivec2 i0 = clamp(ivec2(f0), ivec2(0), v_tex.zw - 1) + v_tex.xy;
  ivec2 i1 = clamp(ivec2(f0) + 1, ivec2(0), v_tex.zw - 1) + v_tex.xy;
  vec4 top = mix(fetch(tex, i0, lcd), fetch(tex, ivec2(i1.x, i0.y), lcd), f.x);
  vec4 bottom = mix(fetch(tex, ivec2(i0.x, i1.y), lcd), fetch(tex, i1, lcd), f.x);
  return mix(top, bottom, f.y);
}

// The texel of a glyph kind at pixel px; discards outside the glyph.
vec4 glyph_texel(sampler2D tex, uint kind, ivec2 px, bool lcd) {
  if (kind == 1u) {
    vec2 c = vec2(px) + 0.5;
    if (any(lessThan(c, v_rect.xy)) || any(greaterThanEqual(c, v_rect.xy + v_rect.zw)) ||
        any(lessThanEqual(v_tex.zw, ivec2(0)))) discard;
    return scaled_texel(tex, c, lcd);
  }
  ivec2 local = px - ivec2(v_rect.xy);
  if (any(lessThan(local, ivec2(0))) || any(greaterThanEqual(local, ivec2(v_rect.zw)))) discard;
  ivec2 t = v_tex.xy + local;
  if (any(greaterThanEqual(t, page_size(tex, lcd)))) discard;
  return page_texel(tex, t, lcd);
}

// A colour glyph's texel (premultiplied, sRGB-encoded) for linear-light blending (GS_LINEAR):
// straight colour decoded, then premultiplied again.
vec4 color_texel(vec4 t) {
#ifdef GS_LINEAR
  if (t.a > 0.0) {
    vec3 c = min(t.rgb / t.a, vec3(1.0));
    c = mix(c / 12.92, pow((c + 0.055) / 1.055, vec3(2.4)), greaterThan(c, vec3(0.04045)));
    return vec4(c * t.a, t.a);
  }
#endif
  return t;
}

void main() {
  ivec2 px = ivec2(int(gl_FragCoord.x), int(u_viewport.y) - 1 - int(gl_FragCoord.y));
  vec4 premul = vec4(v_color.rgb * v_color.a, v_color.a);
  uint kind = v_kind & ~256u;
  if (kind >= 2u) {
    float cov = kind == 2u
        ? overlap(v_rect.x, v_rect.x + v_rect.z, float(px.x), float(px.x) + 1.0) *
              overlap(v_rect.y, v_rect.y + v_rect.w, float(px.y), float(px.y) + 1.0)
        : squiggle_coverage(vec2(px), v_rect);
    if (cov <= 0.0) discard;
    o_color = premul * cov;
    BLEND(vec4(o_color.a));
    return;
  }
  bool from_color_page = (v_kind & 256u) != 0u;
#ifdef GS_LCD
  vec4 texel = from_color_page ? glyph_texel(u_color_tex, kind, px, false)
                               : glyph_texel(u_tex, kind, px, true);
  // An LCD page: r, g, b are the channels' coverages (a: green's). The text colour, straight,
  // times each channel's coverage times its alpha: correct for translucent colours too.
  if (from_color_page) {
    o_color = color_texel(texel) * v_color.a;
    o_blend = vec4(o_color.a);
  } else {
    o_blend = texel * v_color.a;
    o_color = vec4(v_color.rgb, 1.0) * o_blend;
  }
#else
  vec4 texel = from_color_page ? glyph_texel(u_color_tex, kind, px, false)
                               : glyph_texel(u_tex, kind, px, false);
  o_color = from_color_page || u_color_page != 0 ? color_texel(texel) * v_color.a
                                                 : premul * texel.r;
#endif
}
)";

}  // namespace

Status QuadRenderer::link_program(bool lcd, Program* p) {
  std::string vertex = kVertexShader, fragment = kFragmentShader;
  if (lcd) fragment.insert(fragment.find('\n') + 1, "#define GS_LCD\n");
  // Linear light: both stages decode colours (no uniform: the plain programs are unchanged).
  if (linear_light_) {
    vertex.insert(vertex.find('\n') + 1, "#define GS_LINEAR\n");
    fragment.insert(fragment.find('\n') + 1, "#define GS_LINEAR\n");
  }
  GS_ASSIGN_OR_RETURN(p->id, gl::link_program(vertex.c_str(), fragment.c_str()));
  p->u_viewport = glGetUniformLocation(p->id, "u_viewport");
  p->u_color_page = glGetUniformLocation(p->id, "u_color_page");
  glUseProgram(p->id);
  glUniform1i(glGetUniformLocation(p->id, "u_tex"), 0);
  glUniform1i(glGetUniformLocation(p->id, "u_color_tex"), 1);
  return {};
}

Status QuadRenderer::init(bool linear_light) {
  linear_light_ = linear_light;
  GlStateGuard guard(kStateDraw);
  GS_TRY(link_program(false, &grey_));
  // Dual-source blending is core in GL 3.3 (ARB_blend_func_extended); a driver may still offer
  // no dual-source draw buffer. Without it, kLcd24 pages are not drawn (Backend::
  // dual_source_blend): the pipeline draws LCD text greyscale.
  GLint dual = 0;
  glGetIntegerv(GL_MAX_DUAL_SOURCE_DRAW_BUFFERS, &dual);
  while (glGetError() != GL_NO_ERROR) {
  }
  if (dual > 0) GS_TRY(link_program(true, &lcd_));
  glGenVertexArrays(1, &vao_);
  glGenBuffers(1, &instance_buffer_);
  glBindVertexArray(vao_);
  glBindBuffer(GL_ARRAY_BUFFER, instance_buffer_);
  for (GLuint loc = 0; loc < 5; ++loc) {
    glEnableVertexAttribArray(loc);
    glVertexAttribDivisor(loc, 1);
  }
  return check_gl("create_gl_device");
}

// Orphan-and-refill: the driver hands out fresh storage while earlier draws still read. (A
// persistently mapped ring fenced per draw was tried: no gain on the H200, and its extra
// glFenceSync per frame met the NVIDIA driver's occasional 0.5-3 ms fence stalls more often;
// docs/performance/issue-13-17-h200-sessions.md, "Tried and dropped".)
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
  glUseProgram(grey_.id);
  glBindVertexArray(vao_);
  glViewport(0, 0, viewport_width, viewport_height);
  glEnable(GL_BLEND);
  glBlendFunc(GL_ONE, GL_ONE_MINUS_SRC_ALPHA);
  glBlendEquation(GL_FUNC_ADD);
  glDisable(GL_DEPTH_TEST);
  // The application's scissor test and box stay as they are: its clipping holds for text too.
  glDisable(GL_CULL_FACE);
  glDisable(GL_STENCIL_TEST);
  // Linear light: the hardware decodes the sRGB colour buffer before blending and encodes the
  // result (the shaders decode the colours); otherwise the stored values blend as they are.
  if (linear_light_) {
    glEnable(GL_FRAMEBUFFER_SRGB);
  } else {
    glDisable(GL_FRAMEBUFFER_SRGB);
  }
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
  for (const Program* p : {&grey_, &lcd_}) {
    if (p->id == 0) continue;
    glUseProgram(p->id);
    glUniform2f(p->u_viewport, float(viewport_width), float(viewport_height));
  }
  glUseProgram(grey_.id);
}

// The program and blending of a batch's page: kLcd24 pages blend each channel with its own
// coverage (dual-source), every other page premultiplied alpha.
void QuadRenderer::use_program(bool lcd, bool color_page) {
  const Program& p = lcd ? lcd_ : grey_;
  if (lcd != lcd_bound_) {
    glUseProgram(p.id);
    glBlendFunc(GL_ONE, lcd ? GL_ONE_MINUS_SRC1_COLOR : GL_ONE_MINUS_SRC_ALPHA);
    lcd_bound_ = lcd;
  }
  glUniform1i(p.u_color_page, color_page ? 1 : 0);
}

// The texture of the first batch's page (`which`: &DrawBatch::page or &DrawBatch::color_page)
// in `list`, if any batch has one.
static const PageTexture* first_texture(const DrawList& list, const PageTextures& pages,
                                        uint32_t DrawBatch::*which) {
  for (const DrawBatch& b : list.batches) {
    if (b.*which == kNoPage) continue;
    if (const PageTexture* t = pages.find(b.*which)) return t;
  }
  return nullptr;
}

Status QuadRenderer::draw(const DrawList& list, const PageTextures& pages, TimerQueries* timers) {
  // Unit 1 (colour pages) is touched, and saved, only by a list that has a colour page.
  const bool color_pages = std::any_of(list.batches.begin(), list.batches.end(),
                                       [](const DrawBatch& b) { return b.color_page != kNoPage; });
  GlStateGuard guard(kStateDraw | kStateTexture | (color_pages ? kStateTextureUnit1 : 0u));
  timers->begin(/*upload=*/false);
  stream_instances(list.instances);
  set_pipeline_state(list.viewport_width, list.viewport_height);
  lcd_bound_ = false;
  if (color_pages) glBindSampler(1, 0);
  // Both units always hold a complete texture, also for batches that sample neither: with
  // texture 0 on unit 1, the NVIDIA driver warned at every such draw ("does not have a defined
  // base level"), and the draw in a frame that first used a new page took 0.6-0.9 ms instead
  // of 0.1 ms. A batch without a colour page keeps the colour page bound before it (the
  // list's first at the start); a kNoPage batch keeps the page.
  if (const PageTexture* first = first_texture(list, pages, &DrawBatch::page)) {
    glBindTexture(GL_TEXTURE_2D, first->tex);
  }
  GLuint unit1 = UINT32_MAX;  // what unit 1 holds (unknown at first)
  for (const DrawBatch& b : list.batches) {
    if (b.count == 0) continue;
    // The common side checked every batch's pages; kNoPage batches (rect kinds) sample nothing.
    const PageTexture* page = b.page == kNoPage ? nullptr : pages.find(b.page);
    if (!page && b.page != kNoPage) continue;
    const PageTexture* color = b.color_page == kNoPage ? nullptr : pages.find(b.color_page);
    if (!color && color_pages && unit1 == UINT32_MAX) {
      color = first_texture(list, pages, &DrawBatch::color_page);
    }
    if (color && unit1 != color->tex) {
      unit1 = color->tex;
      glActiveTexture(GL_TEXTURE1);
      glBindTexture(GL_TEXTURE_2D, unit1);
      glActiveTexture(GL_TEXTURE0);
    }
    if (page) glBindTexture(GL_TEXTURE_2D, page->tex);
    const bool lcd = page && page->desc.format == PixelFormat::kLcd24 && lcd_.id != 0;
    use_program(lcd, page && page->desc.format == PixelFormat::kColor32);
    draw_instances(b);
  }
  timers->end();
  return check_gl("draw");
}

// Base instance without GL 4.2: points the attributes at the batch's first instance.
void QuadRenderer::draw_instances(const DrawBatch& b) {
  const uintptr_t base = uintptr_t(b.first) * sizeof(GlyphInstance);
  glVertexAttribPointer(0, 4, GL_FLOAT, GL_FALSE, sizeof(GlyphInstance),
                        reinterpret_cast<const void*>(base + offsetof(GlyphInstance, x)));
  glVertexAttribIPointer(1, 4, GL_UNSIGNED_SHORT, sizeof(GlyphInstance),
                         reinterpret_cast<const void*>(base + offsetof(GlyphInstance, u)));
  glVertexAttribIPointer(2, 1, GL_UNSIGNED_INT, sizeof(GlyphInstance),
                         reinterpret_cast<const void*>(base + offsetof(GlyphInstance, color)));
  glVertexAttribIPointer(3, 1, GL_UNSIGNED_INT, sizeof(GlyphInstance),
                         reinterpret_cast<const void*>(base + offsetof(GlyphInstance, kind)));
  glVertexAttribIPointer(4, 4, GL_UNSIGNED_SHORT, sizeof(GlyphInstance),
                         reinterpret_cast<const void*>(base + offsetof(GlyphInstance, clip)));
  glDrawArraysInstanced(GL_TRIANGLE_STRIP, 0, 4, GLsizei(b.count));
}

void QuadRenderer::release() {
  if (instance_buffer_) glDeleteBuffers(1, &instance_buffer_);
  if (vao_) glDeleteVertexArrays(1, &vao_);
  for (Program* p : {&grey_, &lcd_}) {
    if (p->id) glDeleteProgram(p->id);
    *p = {};
  }
  instance_buffer_ = vao_ = 0;
}

}  // namespace glyphstream::gpu::gl
