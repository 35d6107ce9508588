// Saves the parts of the application's GL state that glyphstream touches and puts them back on
// scope exit, so that the library can run inside any GL context (issue 8: "the library leaves
// the application's GL state as it found it").
#pragma once

#include <epoxy/gl.h>

#include <cstdint>

namespace glyphstream::gpu::gl {

enum StatePart : uint32_t {
  kStateUnpack = 1u << 0,        // PIXEL_UNPACK_BUFFER, UNPACK_{ROW_LENGTH,SKIP_*,ALIGNMENT}
  kStatePack = 1u << 1,          // PIXEL_PACK_BUFFER, PACK_{ROW_LENGTH,SKIP_*,ALIGNMENT}
  kStateTexture = 1u << 2,       // active unit, TEXTURE_2D + sampler of unit 0
  kStateFramebuffers = 1u << 3,  // READ/DRAW framebuffers, scissor enable
  kStateDraw = 1u << 4,          // program, VAO, ARRAY_BUFFER, blend, enables, viewport, mask
  kStateTextureUnit1 = 1u << 5,  // active unit, TEXTURE_2D + sampler of unit 1 (colour pages)
};

class GlStateGuard {
 public:
  explicit GlStateGuard(uint32_t parts);
  ~GlStateGuard();
  GlStateGuard(const GlStateGuard&) = delete;
  GlStateGuard& operator=(const GlStateGuard&) = delete;

 private:
  uint32_t parts_;
  GLint unpack_buffer_ = 0, unpack_row_length_ = 0, unpack_skip_pixels_ = 0, unpack_skip_rows_ = 0,
        unpack_alignment_ = 4;
  GLint pack_buffer_ = 0, pack_row_length_ = 0, pack_skip_pixels_ = 0, pack_skip_rows_ = 0,
        pack_alignment_ = 4;
  GLint active_texture_ = GL_TEXTURE0, texture_2d_ = 0, sampler_ = 0;
  GLint texture_2d_unit1_ = 0, sampler_unit1_ = 0;
  GLint read_fb_ = 0, draw_fb_ = 0;
  GLboolean scissor_ = GL_FALSE;
  GLint program_ = 0, vao_ = 0, array_buffer_ = 0;
  GLboolean blend_ = GL_FALSE, depth_ = GL_FALSE, cull_ = GL_FALSE, stencil_ = GL_FALSE,
            srgb_ = GL_FALSE, discard_ = GL_FALSE;
  GLint blend_src_rgb_ = GL_ONE, blend_dst_rgb_ = GL_ZERO, blend_src_alpha_ = GL_ONE,
        blend_dst_alpha_ = GL_ZERO, blend_eq_rgb_ = GL_FUNC_ADD, blend_eq_alpha_ = GL_FUNC_ADD;
  GLint viewport_[4] = {0, 0, 0, 0};
  GLboolean color_mask_[4] = {GL_TRUE, GL_TRUE, GL_TRUE, GL_TRUE};
  GLint polygon_mode_[2] = {GL_FILL, GL_FILL};  // core profile: front and back are the same
  // Per-fragment switches some drivers honour even on single-sampled targets (the NVIDIA
  // driver dithers alpha-to-coverage): off while glyphstream draws.
  GLboolean alpha_to_coverage_ = GL_FALSE, sample_coverage_ = GL_FALSE, sample_mask_ = GL_FALSE,
            logic_op_ = GL_FALSE;
  // The NVIDIA driver applies primitive restart to glDrawArrays too (vertex 0 restarts the
  // strip, measured on an H200): off while glyphstream draws.
  GLboolean primitive_restart_ = GL_FALSE, primitive_restart_fixed_ = GL_FALSE;
};

}  // namespace glyphstream::gpu::gl
