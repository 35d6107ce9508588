#include "gpu/gl/gl_state.h"

namespace glyphstream::gpu::gl {
namespace {

GLint get_int(GLenum name) {
  GLint v = 0;
  glGetIntegerv(name, &v);
  return v;
}

void set_enabled(GLenum cap, GLboolean on) {
  if (on) {
    glEnable(cap);
  } else {
    glDisable(cap);
  }
}

}  // namespace

GlStateGuard::GlStateGuard(uint32_t parts) : parts_(parts) {
  if (parts_ & kStateUnpack) {
    unpack_buffer_ = get_int(GL_PIXEL_UNPACK_BUFFER_BINDING);
    unpack_row_length_ = get_int(GL_UNPACK_ROW_LENGTH);
    unpack_skip_pixels_ = get_int(GL_UNPACK_SKIP_PIXELS);
    unpack_skip_rows_ = get_int(GL_UNPACK_SKIP_ROWS);
    unpack_alignment_ = get_int(GL_UNPACK_ALIGNMENT);
  }
  if (parts_ & kStatePack) {
    pack_buffer_ = get_int(GL_PIXEL_PACK_BUFFER_BINDING);
    pack_row_length_ = get_int(GL_PACK_ROW_LENGTH);
    pack_skip_pixels_ = get_int(GL_PACK_SKIP_PIXELS);
    pack_skip_rows_ = get_int(GL_PACK_SKIP_ROWS);
    pack_alignment_ = get_int(GL_PACK_ALIGNMENT);
  }
  if (parts_ & (kStateTexture | kStateTextureUnit1)) active_texture_ = get_int(GL_ACTIVE_TEXTURE);
  if (parts_ & kStateTextureUnit1) {
    glActiveTexture(GL_TEXTURE1);
    texture_2d_unit1_ = get_int(GL_TEXTURE_BINDING_2D);
    sampler_unit1_ = get_int(GL_SAMPLER_BINDING);
  }
  if (parts_ & kStateTexture) {
    glActiveTexture(GL_TEXTURE0);
    texture_2d_ = get_int(GL_TEXTURE_BINDING_2D);
    sampler_ = get_int(GL_SAMPLER_BINDING);
  }
  // The library binds on unit 0 unless it says otherwise.
  if (parts_ & kStateTextureUnit1) glActiveTexture(GL_TEXTURE0);
  if (parts_ & kStateFramebuffers) {
    read_fb_ = get_int(GL_READ_FRAMEBUFFER_BINDING);
    draw_fb_ = get_int(GL_DRAW_FRAMEBUFFER_BINDING);
    scissor_ = glIsEnabled(GL_SCISSOR_TEST);
  }
  if (parts_ & kStateDraw) {
    program_ = get_int(GL_CURRENT_PROGRAM);
    vao_ = get_int(GL_VERTEX_ARRAY_BINDING);
    array_buffer_ = get_int(GL_ARRAY_BUFFER_BINDING);
    blend_ = glIsEnabled(GL_BLEND);
    depth_ = glIsEnabled(GL_DEPTH_TEST);
    cull_ = glIsEnabled(GL_CULL_FACE);
    stencil_ = glIsEnabled(GL_STENCIL_TEST);
    srgb_ = glIsEnabled(GL_FRAMEBUFFER_SRGB);
    discard_ = glIsEnabled(GL_RASTERIZER_DISCARD);
    if (!(parts_ & kStateFramebuffers)) scissor_ = glIsEnabled(GL_SCISSOR_TEST);
    blend_src_rgb_ = get_int(GL_BLEND_SRC_RGB);
    blend_dst_rgb_ = get_int(GL_BLEND_DST_RGB);
    blend_src_alpha_ = get_int(GL_BLEND_SRC_ALPHA);
    blend_dst_alpha_ = get_int(GL_BLEND_DST_ALPHA);
    blend_eq_rgb_ = get_int(GL_BLEND_EQUATION_RGB);
    blend_eq_alpha_ = get_int(GL_BLEND_EQUATION_ALPHA);
    glGetIntegerv(GL_VIEWPORT, viewport_);
    glGetBooleanv(GL_COLOR_WRITEMASK, color_mask_);
    glGetIntegerv(GL_POLYGON_MODE, polygon_mode_);
    alpha_to_coverage_ = glIsEnabled(GL_SAMPLE_ALPHA_TO_COVERAGE);
    sample_coverage_ = glIsEnabled(GL_SAMPLE_COVERAGE);
    sample_mask_ = glIsEnabled(GL_SAMPLE_MASK);
    logic_op_ = glIsEnabled(GL_COLOR_LOGIC_OP);
    primitive_restart_ = glIsEnabled(GL_PRIMITIVE_RESTART);
    primitive_restart_fixed_ = glIsEnabled(GL_PRIMITIVE_RESTART_FIXED_INDEX);
  }
}

GlStateGuard::~GlStateGuard() {
  if (parts_ & kStateDraw) {
    glUseProgram(GLuint(program_));
    glBindVertexArray(GLuint(vao_));
    glBindBuffer(GL_ARRAY_BUFFER, GLuint(array_buffer_));
    set_enabled(GL_BLEND, blend_);
    set_enabled(GL_DEPTH_TEST, depth_);
    set_enabled(GL_CULL_FACE, cull_);
    set_enabled(GL_STENCIL_TEST, stencil_);
    set_enabled(GL_FRAMEBUFFER_SRGB, srgb_);
    set_enabled(GL_RASTERIZER_DISCARD, discard_);
    set_enabled(GL_SCISSOR_TEST, scissor_);
    glBlendFuncSeparate(GLenum(blend_src_rgb_), GLenum(blend_dst_rgb_), GLenum(blend_src_alpha_),
                        GLenum(blend_dst_alpha_));
    glBlendEquationSeparate(GLenum(blend_eq_rgb_), GLenum(blend_eq_alpha_));
    glViewport(viewport_[0], viewport_[1], viewport_[2], viewport_[3]);
    glColorMask(color_mask_[0], color_mask_[1], color_mask_[2], color_mask_[3]);
    glPolygonMode(GL_FRONT_AND_BACK, GLenum(polygon_mode_[0]));
    set_enabled(GL_SAMPLE_ALPHA_TO_COVERAGE, alpha_to_coverage_);
    set_enabled(GL_SAMPLE_COVERAGE, sample_coverage_);
    set_enabled(GL_SAMPLE_MASK, sample_mask_);
    set_enabled(GL_COLOR_LOGIC_OP, logic_op_);
    set_enabled(GL_PRIMITIVE_RESTART, primitive_restart_);
    set_enabled(GL_PRIMITIVE_RESTART_FIXED_INDEX, primitive_restart_fixed_);
  }
  if (parts_ & kStateFramebuffers) {
    glBindFramebuffer(GL_READ_FRAMEBUFFER, GLuint(read_fb_));
    glBindFramebuffer(GL_DRAW_FRAMEBUFFER, GLuint(draw_fb_));
    set_enabled(GL_SCISSOR_TEST, scissor_);
  }
  if (parts_ & kStateTextureUnit1) {
    glActiveTexture(GL_TEXTURE1);
    glBindTexture(GL_TEXTURE_2D, GLuint(texture_2d_unit1_));
    glBindSampler(1, GLuint(sampler_unit1_));
  }
  if (parts_ & kStateTexture) {
    glActiveTexture(GL_TEXTURE0);
    glBindTexture(GL_TEXTURE_2D, GLuint(texture_2d_));
    glBindSampler(0, GLuint(sampler_));
  }
  if (parts_ & (kStateTexture | kStateTextureUnit1)) glActiveTexture(GLenum(active_texture_));
  if (parts_ & kStatePack) {
    glBindBuffer(GL_PIXEL_PACK_BUFFER, GLuint(pack_buffer_));
    glPixelStorei(GL_PACK_ROW_LENGTH, pack_row_length_);
    glPixelStorei(GL_PACK_SKIP_PIXELS, pack_skip_pixels_);
    glPixelStorei(GL_PACK_SKIP_ROWS, pack_skip_rows_);
    glPixelStorei(GL_PACK_ALIGNMENT, pack_alignment_);
  }
  if (parts_ & kStateUnpack) {
    glBindBuffer(GL_PIXEL_UNPACK_BUFFER, GLuint(unpack_buffer_));
    glPixelStorei(GL_UNPACK_ROW_LENGTH, unpack_row_length_);
    glPixelStorei(GL_UNPACK_SKIP_PIXELS, unpack_skip_pixels_);
    glPixelStorei(GL_UNPACK_SKIP_ROWS, unpack_skip_rows_);
    glPixelStorei(GL_UNPACK_ALIGNMENT, unpack_alignment_);
  }
}

}  // namespace glyphstream::gpu::gl
