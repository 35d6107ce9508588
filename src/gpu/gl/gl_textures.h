// One GL texture per atlas page: created zeroed, grown by a GPU-side copy, and retired (not
// deleted) while a frame in flight may still sample the old storage.
#pragma once

#include <epoxy/gl.h>

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "gpu/backend.h"
#include "gpu/gl/gl_context.h"

namespace glyphstream::gpu::gl {

// Coverage and LCD pages are R8 (an LCD page three texels a pixel, backend.h), colour RGBA8.
inline GLenum internal_format(PixelFormat f) {
  return f == PixelFormat::kColor32 ? GL_RGBA8 : GL_R8;
}
inline GLenum client_format(PixelFormat f) { return f == PixelFormat::kColor32 ? GL_RGBA : GL_RED; }

struct PageTexture {
  GLuint tex = 0;
  PageDesc desc;  // format and size (texels) of the texture
};

class PageTextures {
 public:
  explicit PageTextures(const GlFeatures& features) : features_(features) {}

  // Backend::ensure_page: creates the page's texture or re-creates it at the new size with the
  // old content copied on the GPU (framebuffers and TEXTURE_2D are the caller's to restore).
  Status ensure(const PageDesc& desc, bool* must_upload_whole, UploadStats* stats);
  // nullptr for a page never ensured.
  const PageTexture* find(uint32_t page) const;
  // Reads a page back into tight rows (restores what it changes).
  Status read(uint32_t page, std::vector<uint8_t>* pixels, int* width, int* height) const;

  // Retired textures: the end_frame() of their frame tags them, and once that frame has
  // completed they are deleted.
  void tag_retired(uint64_t frame);
  void release_completed(uint64_t completed_frame);
  void release_retired();  // everything has completed (after glFinish)
  // Deletes every GL name (the device's context must be current).
  void release();

 private:
  struct Retired {
    GLuint tex = 0;
    bool frame_known = false;  // set by the end_frame() that closes the frame that retired it
    uint64_t frame = 0;
  };
  Status create(PixelFormat f, int w, int h, GLuint* out) const;
  Status copy(const PageTexture& from, GLuint to, int w, int h);

  GlFeatures features_;
  std::unordered_map<uint32_t, PageTexture> pages_;
  std::vector<Retired> retired_;
  GLuint blit_fbos_[2] = {0, 0};
};

}  // namespace glyphstream::gpu::gl
