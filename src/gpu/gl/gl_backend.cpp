#include "gpu/gl/gl_backend.h"

#include <cstdint>
#include <string>
#include <utility>

namespace glyphstream::gpu::gl {

GlBackend::GlBackend(const GpuDeviceDesc& desc, const GlFeatures& features)
    : features_(features),
      enable_timer_queries_(desc.enable_timer_queries),
      linear_light_(desc.linear_light),
      textures_(features),
      ring_(features.buffer_storage, desc.staging_ring_depth, desc.staging_slot_bytes) {}

// Linear-light blending needs an sRGB colour buffer in the draw framebuffer bound now (the
// first draw buffer's GL_FRAMEBUFFER_ATTACHMENT_COLOR_ENCODING): GL_FRAMEBUFFER_SRGB does nothing
// on any other, and the decoded colours would blend as encoded ones (too dark).
static Status check_srgb_draw_buffer() {
  drain_gl_errors();
  GLint fb = 0, buffer = GL_NONE, encoding = GL_LINEAR;
  glGetIntegerv(GL_DRAW_FRAMEBUFFER_BINDING, &fb);
  glGetIntegerv(GL_DRAW_BUFFER0, &buffer);
  if (buffer == GL_BACK) buffer = GL_BACK_LEFT;
  if (buffer == GL_FRONT) buffer = GL_FRONT_LEFT;
  if (buffer != GL_NONE) {
    glGetFramebufferAttachmentParameteriv(GL_DRAW_FRAMEBUFFER, GLenum(buffer),
                                          GL_FRAMEBUFFER_ATTACHMENT_COLOR_ENCODING, &encoding);
  }
  const bool srgb = glGetError() == GL_NO_ERROR && buffer != GL_NONE && encoding == GL_SRGB;
  drain_gl_errors();
  if (srgb) return {};
  return {ErrorCode::kInvalidArgument,
          "TextSystemDesc::linear_light: the draw framebuffer bound at TextSystem::create (" +
              std::to_string(fb) +
              ") has no sRGB colour buffer (GL_FRAMEBUFFER_ATTACHMENT_COLOR_ENCODING is not "
              "GL_SRGB); give it a GL_SRGB8_ALPHA8 buffer (HeadlessGlDesc::srgb) or leave "
              "linear_light off"};
}

Status GlBackend::init() {
  if (linear_light_) GS_TRY(check_srgb_draw_buffer());
  if (const GLubyte* r = glGetString(GL_RENDERER)) {
    renderer_ = reinterpret_cast<const char*>(r);
  }
  if (const GLubyte* v = glGetString(GL_VERSION)) {
    renderer_ += std::string(" / OpenGL ") + reinterpret_cast<const char*>(v);
  }
  glGetIntegerv(GL_MAX_TEXTURE_SIZE, &max_texture_size_);
  timers_.init(enable_timer_queries_);
  GS_TRY(quads_.init(linear_light_));
  return ring_.prefill();
}

GlBackend::~GlBackend() {
  // Without its context the names cannot be freed; leaking beats crashing in epoxy.
  if (!context_.is_current()) return;
  upload_guard_.reset();
  ring_.release();
  fences_.release();
  textures_.release();
  timers_.release();
  quads_.release();
  drain_gl_errors();
}

Status GlBackend::begin_upload(UploadMode mode) {
  GS_TRY(context_.check("upload"));
  drain_gl_errors();
  uint32_t parts = kStateUnpack | kStateTexture;
  if (!features_.copy_image) parts |= kStateFramebuffers;  // page growth blits
  upload_guard_.emplace(parts);
  glBindBuffer(GL_PIXEL_UNPACK_BUFFER, 0);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
  glPixelStorei(GL_UNPACK_SKIP_PIXELS, 0);
  glPixelStorei(GL_UNPACK_SKIP_ROWS, 0);
  upload_mode_ = mode;
  upload_query_begun_ = false;
  return {};
}

Status GlBackend::ensure_page(const PageDesc& desc, bool* must_upload_whole, UploadStats* stats) {
  return textures_.ensure(desc, must_upload_whole, stats);
}

// The GPU upload time covers the copies only: texture creation and growth (ensure_page) are
// rare one-offs. In sync and whole-page modes the query opens after the last ensure_page and
// closes in end_upload(); in async mode it brackets just the copies (copy_from_staging): the
// staging writes before them are CPU work, and a query open across them would time the GPU
// waiting.
void GlBackend::begin_upload_query() {
  if (upload_mode_ == UploadMode::kAsync || upload_query_begun_) return;
  upload_query_begun_ = true;
  timers_.begin(/*upload=*/true);
}

Status GlBackend::copy_from_client(std::span<const ClientCopy> copies) {
  begin_upload_query();
  for (const ClientCopy& c : copies) {
    const size_t bpp = size_t(texel_bytes(c.format));
    glBindTexture(GL_TEXTURE_2D, textures_.find(c.page)->tex);
    // A stride of whole texels is a row length; otherwise the copy is one row (backend.h).
    glPixelStorei(GL_UNPACK_ROW_LENGTH, c.stride % bpp == 0 ? GLint(c.stride / bpp) : 0);
    glTexSubImage2D(GL_TEXTURE_2D, 0, c.rect.x, c.rect.y, c.rect.w, c.rect.h,
                    client_format(c.format), GL_UNSIGNED_BYTE, c.pixels);
  }
  glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
  return {};
}

Result<uint8_t*> GlBackend::map_staging_slot(int slot, size_t bytes) {
  return ring_.map(slot, bytes);
}

Status GlBackend::copy_from_staging(int slot, std::span<const StagingCopy> copies) {
  GS_TRY(ring_.unmap());
  glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
  glPixelStorei(GL_UNPACK_SKIP_PIXELS, 0);
  glPixelStorei(GL_UNPACK_SKIP_ROWS, 0);
  timers_.begin(/*upload=*/true);
  for (const StagingCopy& c : copies) {
    glBindTexture(GL_TEXTURE_2D, textures_.find(c.page)->tex);
    glTexSubImage2D(GL_TEXTURE_2D, 0, c.rect.x, c.rect.y, c.rect.w, c.rect.h,
                    client_format(c.format), GL_UNSIGNED_BYTE,
                    reinterpret_cast<const void*>(c.offset));
  }
  // The query ends before the fence: ended after it, on the NVIDIA driver, it timed more than
  // the copies (2 MB: 0.16-0.6 ms, varying with what the CPU did next, against 0.07 ms in this
  // order on an H200), presumably the GPU waiting for the rest of the frame's commands.
  timers_.end();
  ring_.fence(slot);
  return {};
}

Status GlBackend::end_upload() {
  begin_upload_query();  // sync / whole-page pass without copies: the query is still taken
  timers_.end();
  Status s = check_gl("upload");
  upload_guard_.reset();  // the application's unpack, texture and framebuffer state back
  return s;
}

Status GlBackend::draw(const DrawList& list) {
  GS_TRY(context_.check("draw"));
  drain_gl_errors();
  return quads_.draw(list, textures_, &timers_);
}

Status GlBackend::end_frame(FrameToken frame) {
  GS_TRY(context_.check("end_frame"));
  drain_gl_errors();
  textures_.tag_retired(frame);
  timers_.tag(frame);
  GS_TRY(fences_.close(frame));
  // Submit now, so that the fence can signal without anyone else flushing.
  glFlush();
  completed_frame();
  if (timers_.available()) timers_.collect();
  return check_gl("end_frame");
}

FrameToken GlBackend::completed_frame() {
  if (!context_.is_current()) return fences_.completed();
  const FrameToken completed = fences_.poll();
  textures_.release_completed(completed);
  return completed;
}

Status GlBackend::wait_frame(FrameToken frame) {
  GS_TRY(context_.check("wait_frame"));
  drain_gl_errors();
  GS_TRY(fences_.wait_through(frame, "wait_frame: glClientWaitSync"));
  textures_.release_completed(fences_.completed());
  if (timers_.available()) timers_.collect();
  return check_gl("wait_frame");
}

Status GlBackend::finish() {
  GS_TRY(context_.check("finish"));
  drain_gl_errors();
  GS_TRY(fences_.wait_through(UINT64_MAX, "finish: glClientWaitSync"));
  // Work after the last end_frame() is covered too, so every retired texture can go.
  glFinish();
  textures_.release_retired();
  if (timers_.available()) timers_.collect();
  return check_gl("finish");
}

std::vector<GpuTimings> GlBackend::take_timings() {
  if (!timers_.available() || !context_.is_current()) return {};
  return timers_.take();
}

Result<double> GlBackend::measure_upload_bandwidth(size_t bytes) {
  // Without a context epoxy aborts; in another one the probe would measure (and disturb) it.
  GS_TRY(context_.check("measure_upload_bandwidth"));
  return gl::measure_upload_bandwidth(bytes);
}

std::string GlBackend::async_path() const {
  return ring_.persistent() ? "persistent-mapped PBO ring (ARB_buffer_storage)"
                            : "PBO ring, glMapBufferRange unsynchronized (no ARB_buffer_storage)";
}

Status GlBackend::read_texture(uint32_t page, std::vector<uint8_t>* pixels, int* width,
                               int* height) {
  GS_TRY(context_.check("read_texture"));
  drain_gl_errors();
  return textures_.read(page, pixels, width, height);
}

}  // namespace glyphstream::gpu::gl

namespace glyphstream::gpu {

Result<std::unique_ptr<GpuDevice>> create_gl_device(const GpuDeviceDesc& desc) {
  if (!gl::current_context()) {
    return Status(ErrorCode::kContextFailed, "create_gl_device: no OpenGL context is current");
  }
  GS_ASSIGN_OR_RETURN(const gl::GlFeatures features, gl::GlFeatures::detect(desc.emulate_gl33));
  auto backend = std::make_unique<gl::GlBackend>(with_defaults(desc), features);
  GS_TRY(backend->init());
  return Result<std::unique_ptr<GpuDevice>>(std::make_unique<GpuDevice>(std::move(backend), desc));
}

}  // namespace glyphstream::gpu
