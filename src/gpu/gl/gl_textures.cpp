#include "gpu/gl/gl_textures.h"

#include <algorithm>
#include <string>

#include "gpu/gl/gl_state.h"

namespace glyphstream::gpu::gl {

Status PageTextures::create(PixelFormat f, int w, int h, GLuint* out) const {
  GLuint tex = 0;
  glGenTextures(1, &tex);
  glBindTexture(GL_TEXTURE_2D, tex);
  if (features_.texture_storage) {
    glTexStorage2D(GL_TEXTURE_2D, 1, internal_format(f), w, h);
  } else {
    glTexImage2D(GL_TEXTURE_2D, 0, GLint(internal_format(f)), w, h, 0, client_format(f),
                 GL_UNSIGNED_BYTE, nullptr);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAX_LEVEL, 0);
  }
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  // New storage is undefined; never-written atlas pixels must read as zero.
  if (features_.clear_texture) {
    glClearTexImage(tex, 0, client_format(f), GL_UNSIGNED_BYTE, nullptr);
  } else {
    std::vector<uint8_t> zeros(size_t(w) * size_t(h) * size_t(texel_bytes(f)), 0);
    glBindBuffer(GL_PIXEL_UNPACK_BUFFER, 0);
    glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
    glPixelStorei(GL_UNPACK_SKIP_PIXELS, 0);
    glPixelStorei(GL_UNPACK_SKIP_ROWS, 0);
    glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, w, h, client_format(f), GL_UNSIGNED_BYTE, zeros.data());
  }
  Status s = check_gl("upload: creating a page texture");
  if (!s.ok()) {
    glDeleteTextures(1, &tex);
    return s;
  }
  *out = tex;
  return {};
}

Status PageTextures::copy(const PageTexture& from, GLuint to, int w, int h) {
  const int cw = std::min(from.desc.width, w);
  const int ch = std::min(from.desc.height, h);
  if (features_.copy_image) {
    glCopyImageSubData(from.tex, GL_TEXTURE_2D, 0, 0, 0, 0, to, GL_TEXTURE_2D, 0, 0, 0, 0, cw, ch,
                       1);
    return check_gl("upload: glCopyImageSubData (page growth)");
  }
  // GL < 4.3: a framebuffer blit between two attachments (scissor off; the caller's guard
  // restores framebuffers and scissor).
  if (!blit_fbos_[0]) glGenFramebuffers(2, blit_fbos_);
  glBindFramebuffer(GL_READ_FRAMEBUFFER, blit_fbos_[0]);
  glFramebufferTexture2D(GL_READ_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, from.tex, 0);
  glBindFramebuffer(GL_DRAW_FRAMEBUFFER, blit_fbos_[1]);
  glFramebufferTexture2D(GL_DRAW_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, to, 0);
  glDisable(GL_SCISSOR_TEST);
  glBlitFramebuffer(0, 0, cw, ch, 0, 0, cw, ch, GL_COLOR_BUFFER_BIT, GL_NEAREST);
  // Detach so that the retired texture is not kept alive by our FBO.
  glFramebufferTexture2D(GL_READ_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, 0, 0);
  glFramebufferTexture2D(GL_DRAW_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, 0, 0);
  return check_gl("upload: glBlitFramebuffer (page growth)");
}

Status PageTextures::ensure(const PageDesc& desc, bool* must_upload_whole, UploadStats* stats) {
  *must_upload_whole = false;
  auto it = pages_.find(desc.page);
  if (it != pages_.end() && it->second.desc == desc) return {};
  GLuint tex = 0;
  GS_TRY(create(desc.format, desc.width, desc.height, &tex));
  if (it == pages_.end()) {
    pages_[desc.page] = {tex, desc};
    return {};  // zeroed, like the CPU page: the dirty rects are all that differs
  }
  PageTexture& old = it->second;
  if (old.desc.format == desc.format) {
    Status s = copy(old, tex, desc.width, desc.height);
    if (!s.ok()) {
      glDeleteTextures(1, &tex);
      return s;
    }
    ++stats->copy_commands;  // GPU-side: no bytes cross the bus
  } else {
    *must_upload_whole = true;  // a reused page id with another format: nothing to keep
  }
  // Frames in flight may still sample the old texture: delete it once their fence signals.
  retired_.push_back({old.tex, false, 0});
  old = {tex, desc};
  ++stats->textures_recreated;
  return {};
}

const PageTexture* PageTextures::find(uint32_t page) const {
  auto it = pages_.find(page);
  return it == pages_.end() ? nullptr : &it->second;
}

Status PageTextures::read(uint32_t page, std::vector<uint8_t>* pixels, int* width,
                          int* height) const {
  const PageTexture* t = find(page);
  if (!t) {
    return {ErrorCode::kInvalidArgument,
            "read_texture: no texture for page " + std::to_string(page)};
  }
  GlStateGuard guard(kStatePack | kStateTexture);
  glBindBuffer(GL_PIXEL_PACK_BUFFER, 0);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glPixelStorei(GL_PACK_ROW_LENGTH, 0);
  glPixelStorei(GL_PACK_SKIP_PIXELS, 0);
  glPixelStorei(GL_PACK_SKIP_ROWS, 0);
  pixels->resize(size_t(t->desc.width) * size_t(t->desc.height) *
                 size_t(texel_bytes(t->desc.format)));
  glBindTexture(GL_TEXTURE_2D, t->tex);
  glGetTexImage(GL_TEXTURE_2D, 0, client_format(t->desc.format), GL_UNSIGNED_BYTE, pixels->data());
  if (width) *width = t->desc.width;
  if (height) *height = t->desc.height;
  return check_gl("read_texture: glGetTexImage");
}

void PageTextures::tag_retired(uint64_t frame) {
  for (Retired& r : retired_) {
    if (!r.frame_known) r = {r.tex, true, frame};
  }
}

void PageTextures::release_completed(uint64_t completed_frame) {
  auto done = [&](const Retired& r) { return r.frame_known && r.frame <= completed_frame; };
  for (Retired& r : retired_) {
    if (done(r)) glDeleteTextures(1, &r.tex);
  }
  std::erase_if(retired_, done);
}

void PageTextures::release_retired() {
  for (Retired& r : retired_) glDeleteTextures(1, &r.tex);
  retired_.clear();
}

void PageTextures::release() {
  for (auto& [id, page] : pages_) glDeleteTextures(1, &page.tex);
  pages_.clear();
  release_retired();
  if (blit_fbos_[0]) glDeleteFramebuffers(2, blit_fbos_);
  blit_fbos_[0] = blit_fbos_[1] = 0;
}

}  // namespace glyphstream::gpu::gl
