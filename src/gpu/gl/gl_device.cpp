// The OpenGL backend of GpuDevice: page textures, the three upload modes (fenced PBO ring,
// client-memory sync, whole-page baseline), the instanced quad renderer, frame fences and timer
// queries. Everything runs in the context that is current when the device is created.
#include <dlfcn.h>
#include <epoxy/egl.h>
#include <epoxy/gl.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <deque>
#include <unordered_map>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "gpu/gl/gl_state.h"
#include "gpu/gpu_device.h"

namespace glyphstream::gpu {
namespace {

using gl::GlStateGuard;

constexpr int kDefaultRingDepth = 3;
constexpr size_t kDefaultSlotBytes = size_t(4) << 20;
// Staging writes are split into bands of about this many bytes for the lent threads.
constexpr size_t kPackBandBytes = 64 * 1024;
constexpr size_t kStagingAlign = 16;  // each rect starts on a 16-byte boundary in a slot
constexpr size_t kMaxPendingQueries = 64;
constexpr size_t kMaxReadyTimings = 256;

static_assert(sizeof(GlyphInstance) == 16, "the vertex layout below assumes 16-byte instances");
static_assert(offsetof(GlyphInstance, w) == 4 && offsetof(GlyphInstance, u) == 8 &&
              offsetof(GlyphInstance, color) == 12);

const char* gl_error_name(GLenum e) {
  switch (e) {
    case GL_INVALID_ENUM:
      return "GL_INVALID_ENUM";
    case GL_INVALID_VALUE:
      return "GL_INVALID_VALUE";
    case GL_INVALID_OPERATION:
      return "GL_INVALID_OPERATION";
    case GL_INVALID_FRAMEBUFFER_OPERATION:
      return "GL_INVALID_FRAMEBUFFER_OPERATION";
    case GL_OUT_OF_MEMORY:
      return "GL_OUT_OF_MEMORY";
    case GL_STACK_UNDERFLOW:
      return "GL_STACK_UNDERFLOW";
    case GL_STACK_OVERFLOW:
      return "GL_STACK_OVERFLOW";
    default:
      return "unknown GL error";
  }
}

// Returns kGpuError naming the operation if GL recorded an error since the last check.
Status check_gl(const char* op) {
  GLenum first = glGetError();
  if (first == GL_NO_ERROR) return {};
  for (int i = 0; i < 16 && glGetError() != GL_NO_ERROR; ++i) {
  }
  char buf[160];
  std::snprintf(buf, sizeof buf, "%s: %s (0x%04x)", op, gl_error_name(first), unsigned(first));
  return {ErrorCode::kGpuError, buf};
}

// Errors the application left behind must not be blamed on glyphstream.
void drain_gl_errors() {
  for (int i = 0; i < 16 && glGetError() != GL_NO_ERROR; ++i) {
  }
}

// The current context as an opaque handle: EGL (through epoxy), or GLX if the application
// loaded libGL/libGLX itself (GLFW on X11). nullptr when none is current. Calling GL through
// epoxy without a context aborts, so every entry point checks this first.
void* current_context() {
  if (EGLContext c = eglGetCurrentContext(); c != EGL_NO_CONTEXT) return c;
  using GetCurrent = void* (*)();
  static std::atomic<GetCurrent> glx_get_current{nullptr};
  GetCurrent fn = glx_get_current.load(std::memory_order_relaxed);
  if (!fn) {
    for (const char* lib : {"libGLX.so.0", "libGL.so.1"}) {
      // RTLD_NOLOAD: only a library the application already uses; the handle stays open.
      if (void* h = dlopen(lib, RTLD_LAZY | RTLD_NOLOAD)) {
        fn = reinterpret_cast<GetCurrent>(dlsym(h, "glXGetCurrentContext"));
        if (fn) break;
      }
    }
    glx_get_current.store(fn, std::memory_order_relaxed);
  }
  return fn ? fn() : nullptr;
}

size_t align_up(size_t v, size_t a) { return (v + a - 1) / a * a; }

// Copies `rows` rows of `row` bytes into staging memory that the GPU reads next. Streaming
// (non-temporal) stores send the bytes to memory without first reading the destination lines
// into this core's cache and without leaving them dirty there, where the GPU's reads would
// have to snoop them (an interleaved A/B on the H200 showed no clear GPU-time difference
// either way; the stores also keep the rasterizers' caches). Head and tail bytes of each row
// that do not fill 16 aligned bytes use ordinary stores.
void store_rows(uint8_t* dst, const uint8_t* src, size_t src_stride, size_t row, int rows) {
#if defined(__SSE2__)
  for (int y = 0; y < rows; ++y) {
    uint8_t* d = dst + size_t(y) * row;
    const uint8_t* s = src + size_t(y) * src_stride;
    size_t n = row;
    const size_t head = std::min(n, (16 - (reinterpret_cast<uintptr_t>(d) & 15)) & 15);
    std::memcpy(d, s, head);
    d += head, s += head, n -= head;
    for (; n >= 16; n -= 16, d += 16, s += 16) {
      _mm_stream_si128(reinterpret_cast<__m128i*>(d),
                       _mm_loadu_si128(reinterpret_cast<const __m128i*>(s)));
    }
    std::memcpy(d, s, n);
  }
  _mm_sfence();  // streaming stores are weakly ordered: complete them before the GL calls
#else
  for (int y = 0; y < rows; ++y) {
    std::memcpy(dst + size_t(y) * row, src + size_t(y) * src_stride, row);
  }
#endif
}

GLenum internal_format(PixelFormat f) { return f == PixelFormat::kCoverage8 ? GL_R8 : GL_RGBA8; }
GLenum client_format(PixelFormat f) { return f == PixelFormat::kCoverage8 ? GL_RED : GL_RGBA; }

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

struct PageTexture {
  GLuint tex = 0;
  PixelFormat format = PixelFormat::kCoverage8;
  int width = 0;
  int height = 0;
};

struct StagingSlot {
  GLuint buffer = 0;
  size_t size = 0;
  uint8_t* mapped = nullptr;  // persistent mapping (buffer storage path only)
  GLsync fence = nullptr;     // the GPU may read the slot until this signals
};

struct FrameFence {
  uint64_t frame = 0;
  GLsync sync = nullptr;
};

struct RetiredTexture {
  GLuint tex = 0;
  bool frame_known = false;  // set by the end_frame() that closes the frame that retired it
  uint64_t frame = 0;
};

struct PendingQuery {
  GLuint query = 0;
  bool upload = false;  // upload or draw
  bool frame_known = false;
  uint64_t frame = 0;
};

class GlDevice final : public GpuDevice {
 public:
  explicit GlDevice(const GpuDeviceDesc& desc) : desc_(desc), context_(current_context()) {}
  ~GlDevice() override;

  Status init();

  Status upload(std::span<const PageUpload> pages, UploadMode mode, UploadStats* stats) override;
  Status draw(std::span<const GlyphInstance> instances, std::span<const DrawBatch> batches,
              int viewport_width, int viewport_height) override;
  Status end_frame(uint64_t frame) override;
  uint64_t completed_frame() override;
  Status finish() override;
  Status wait_frame(uint64_t frame) override;
  Status wait_fences_through(uint64_t frame, const char* op);
  bool timer_queries_available() const override { return timers_; }
  std::vector<GpuTimings> take_timings() override;
  std::string async_path() const override {
    return buffer_storage_ ? "persistent-mapped PBO ring (ARB_buffer_storage)"
                           : "PBO ring, glMapBufferRange unsynchronized (no ARB_buffer_storage)";
  }
  std::string renderer() const override { return renderer_; }
  Status read_texture(uint32_t page, std::vector<uint8_t>* pixels, int* width,
                      int* height) override;

 private:
  Status validate(const PageUpload& p) const;
  // Creates or resizes the page's texture; *upload_whole when the content must come from the
  // CPU page (format change).
  Status ensure_texture(const PageUpload& p, UploadStats* st, bool* upload_whole);
  Status create_texture(PixelFormat f, int w, int h, GLuint* out);
  Status copy_texture(const PageTexture& from, GLuint to, int w, int h);
  void retire_texture(GLuint tex);
  Status upload_client(const PageUpload& p, const Rect& r, UploadStats* st);
  Status upload_async(std::span<const PageUpload> pages, const std::vector<bool>& skip,
                      UploadStats* st);
  Status prepare_slot(StagingSlot& slot, size_t needed, UploadStats* st);
  void free_slot(StagingSlot& slot);
  void begin_query(bool upload);
  void end_query();
  void collect_timings();
  void release_completed();

  // kContextFailed unless the creating context is current (VAOs and fences are per context).
  Status check_context(const char* op) const;

  GpuDeviceDesc desc_;
  void* context_ = nullptr;
  std::string renderer_;
  int gl_version_ = 0;
  bool buffer_storage_ = false;
  bool copy_image_ = false;
  bool texture_storage_ = false;
  bool clear_texture_ = false;
  bool timers_ = false;
  GLint max_texture_size_ = 0;

  GLuint program_ = 0, vao_ = 0, instance_buffer_ = 0;
  size_t instance_capacity_ = 0;
  GLint u_viewport_ = -1, u_color_page_ = -1;
  GLuint blit_fbos_[2] = {0, 0};

  std::unordered_map<uint32_t, PageTexture> pages_;
  std::vector<RetiredTexture> retired_;
  std::vector<StagingSlot> ring_;
  size_t next_slot_ = 0;
  std::deque<FrameFence> frames_;
  uint64_t completed_ = 0;

  std::vector<GLuint> free_queries_;
  std::deque<PendingQuery> pending_queries_;
  bool query_active_ = false;
  std::vector<GpuTimings> ready_timings_;
};

Status GlDevice::init() {
  if (!epoxy_is_desktop_gl()) {
    return {ErrorCode::kUnsupported, "create_gl_device: the current context is OpenGL ES"};
  }
  gl_version_ = epoxy_gl_version();
  if (gl_version_ < 33) {
    return {ErrorCode::kUnsupported, "create_gl_device: needs OpenGL 3.3, the context has " +
                                         std::to_string(gl_version_ / 10) + "." +
                                         std::to_string(gl_version_ % 10)};
  }
  drain_gl_errors();
  const bool modern = !desc_.emulate_gl33;
  buffer_storage_ =
      modern && (gl_version_ >= 44 || epoxy_has_gl_extension("GL_ARB_buffer_storage"));
  copy_image_ = modern && (gl_version_ >= 43 || epoxy_has_gl_extension("GL_ARB_copy_image"));
  texture_storage_ =
      modern && (gl_version_ >= 42 || epoxy_has_gl_extension("GL_ARB_texture_storage"));
  clear_texture_ = modern && (gl_version_ >= 44 || epoxy_has_gl_extension("GL_ARB_clear_texture"));
  if (const GLubyte* r = glGetString(GL_RENDERER)) {
    renderer_ = reinterpret_cast<const char*>(r);
  }
  if (const GLubyte* v = glGetString(GL_VERSION)) {
    renderer_ += std::string(" / OpenGL ") + reinterpret_cast<const char*>(v);
  }
  glGetIntegerv(GL_MAX_TEXTURE_SIZE, &max_texture_size_);
  if (desc_.enable_timer_queries) {
    GLint bits = 0;
    glGetQueryiv(GL_TIME_ELAPSED, GL_QUERY_COUNTER_BITS, &bits);
    timers_ = bits > 0;
  }
  if (desc_.staging_ring_depth <= 0) desc_.staging_ring_depth = kDefaultRingDepth;
  if (desc_.staging_slot_bytes == 0) desc_.staging_slot_bytes = kDefaultSlotBytes;
  if (desc_.frames_in_flight <= 0) desc_.frames_in_flight = 2;
  ring_.resize(size_t(desc_.staging_ring_depth));

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

  GlStateGuard guard(gl::kStateDraw);
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
  GS_TRY(check_gl("create_gl_device"));
  if (buffer_storage_) {
    // The whole ring now, and its pages touched once: creating and first-touching a 4 MiB
    // mapped buffer cost ~3 ms each in the first frames that used a slot (H200 measurement).
    GlStateGuard unpack_guard(gl::kStateUnpack);
    UploadStats ignored;
    for (StagingSlot& slot : ring_) {
      GS_TRY(prepare_slot(slot, desc_.staging_slot_bytes, &ignored));
      std::memset(slot.mapped, 0, slot.size);
    }
  }
  return {};
}

Status GlDevice::check_context(const char* op) const {
  void* current = current_context();
  if (current == context_) return {};
  return {ErrorCode::kContextFailed,
          std::string(op) + (current ? ": a different GL context is current than the device's"
                                     : ": no GL context is current")};
}

GlDevice::~GlDevice() {
  // Without its context the names cannot be freed; leaking beats crashing in epoxy.
  if (current_context() != context_) return;
  for (StagingSlot& slot : ring_) free_slot(slot);
  for (FrameFence& f : frames_) glDeleteSync(f.sync);
  for (auto& [id, page] : pages_) glDeleteTextures(1, &page.tex);
  for (RetiredTexture& r : retired_) glDeleteTextures(1, &r.tex);
  if (query_active_) glEndQuery(GL_TIME_ELAPSED);
  for (PendingQuery& q : pending_queries_) glDeleteQueries(1, &q.query);
  if (!free_queries_.empty()) glDeleteQueries(GLsizei(free_queries_.size()), free_queries_.data());
  if (blit_fbos_[0]) glDeleteFramebuffers(2, blit_fbos_);
  if (instance_buffer_) glDeleteBuffers(1, &instance_buffer_);
  if (vao_) glDeleteVertexArrays(1, &vao_);
  if (program_) glDeleteProgram(program_);
  drain_gl_errors();
}

Status GlDevice::validate(const PageUpload& p) const {
  char buf[200];
  if (p.width <= 0 || p.height <= 0 || p.width > max_texture_size_ ||
      p.height > max_texture_size_) {
    std::snprintf(buf, sizeof buf, "upload: page %u has size %dx%d (limit %d)", p.page, p.width,
                  p.height, max_texture_size_);
    return {ErrorCode::kInvalidArgument, buf};
  }
  const size_t row = size_t(p.width) * size_t(bytes_per_pixel(p.format));
  if (!p.pixels || p.stride < row) {
    std::snprintf(buf, sizeof buf, "upload: page %u has no pixels or a stride below %zu", p.page,
                  row);
    return {ErrorCode::kInvalidArgument, buf};
  }
  for (const Rect& r : p.dirty) {
    if (r.x < 0 || r.y < 0 || r.w < 0 || r.h < 0 || r.right() > p.width || r.bottom() > p.height) {
      std::snprintf(buf, sizeof buf, "upload: page %u dirty rect %d,%d %dx%d outside %dx%d", p.page,
                    r.x, r.y, r.w, r.h, p.width, p.height);
      return {ErrorCode::kInvalidArgument, buf};
    }
  }
  return {};
}

Status GlDevice::create_texture(PixelFormat f, int w, int h, GLuint* out) {
  GLuint tex = 0;
  glGenTextures(1, &tex);
  glBindTexture(GL_TEXTURE_2D, tex);
  if (texture_storage_) {
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
  if (clear_texture_) {
    glClearTexImage(tex, 0, client_format(f), GL_UNSIGNED_BYTE, nullptr);
  } else {
    std::vector<uint8_t> zeros(size_t(w) * size_t(h) * size_t(bytes_per_pixel(f)), 0);
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

Status GlDevice::copy_texture(const PageTexture& from, GLuint to, int w, int h) {
  const int cw = std::min(from.width, w);
  const int ch = std::min(from.height, h);
  if (copy_image_) {
    glCopyImageSubData(from.tex, GL_TEXTURE_2D, 0, 0, 0, 0, to, GL_TEXTURE_2D, 0, 0, 0, 0, cw, ch,
                       1);
    return check_gl("upload: glCopyImageSubData (page growth)");
  }
  // GL < 4.3: a framebuffer blit between two attachments (scissor off; guard restores).
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

void GlDevice::retire_texture(GLuint tex) { retired_.push_back({tex, false, 0}); }

Status GlDevice::ensure_texture(const PageUpload& p, UploadStats* st, bool* upload_whole) {
  *upload_whole = false;
  auto it = pages_.find(p.page);
  if (it != pages_.end() && it->second.format == p.format && it->second.width == p.width &&
      it->second.height == p.height) {
    return {};
  }
  GLuint tex = 0;
  GS_TRY(create_texture(p.format, p.width, p.height, &tex));
  if (it == pages_.end()) {
    pages_[p.page] = {tex, p.format, p.width, p.height};
    return {};
  }
  PageTexture& old = it->second;
  if (old.format == p.format) {
    Status s = copy_texture(old, tex, p.width, p.height);
    if (!s.ok()) {
      glDeleteTextures(1, &tex);
      return s;
    }
    ++st->copy_commands;  // GPU-side: no bytes cross the bus
  } else {
    *upload_whole = true;  // a reused page id with another format: nothing to keep
  }
  // Frames in flight may still sample the old texture: delete it once their fence signals.
  retire_texture(old.tex);
  old = {tex, p.format, p.width, p.height};
  ++st->textures_recreated;
  return {};
}

Status GlDevice::upload_client(const PageUpload& p, const Rect& r, UploadStats* st) {
  if (r.empty()) return {};
  const int bpp = bytes_per_pixel(p.format);
  glBindTexture(GL_TEXTURE_2D, pages_[p.page].tex);
  if (p.stride % size_t(bpp) == 0) {
    glPixelStorei(GL_UNPACK_ROW_LENGTH, GLint(p.stride / size_t(bpp)));
    glPixelStorei(GL_UNPACK_SKIP_PIXELS, r.x);
    glPixelStorei(GL_UNPACK_SKIP_ROWS, r.y);
    glTexSubImage2D(GL_TEXTURE_2D, 0, r.x, r.y, r.w, r.h, client_format(p.format), GL_UNSIGNED_BYTE,
                    p.pixels);
    ++st->copy_commands;
  } else {
    // A stride that is not whole pixels cannot be described by ROW_LENGTH: row by row.
    glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
    glPixelStorei(GL_UNPACK_SKIP_PIXELS, 0);
    glPixelStorei(GL_UNPACK_SKIP_ROWS, 0);
    for (int y = r.y; y < r.bottom(); ++y) {
      glTexSubImage2D(GL_TEXTURE_2D, 0, r.x, y, r.w, 1, client_format(p.format), GL_UNSIGNED_BYTE,
                      p.pixels + size_t(y) * p.stride + size_t(r.x) * size_t(bpp));
      ++st->copy_commands;
    }
  }
  st->bytes += uint64_t(r.w) * uint64_t(r.h) * uint64_t(bpp);
  glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
  glPixelStorei(GL_UNPACK_SKIP_PIXELS, 0);
  glPixelStorei(GL_UNPACK_SKIP_ROWS, 0);
  return {};
}

void GlDevice::free_slot(StagingSlot& slot) {
  if (slot.fence) glDeleteSync(slot.fence);
  if (slot.buffer) glDeleteBuffers(1, &slot.buffer);  // also unmaps a persistent mapping
  slot = {};
}

// Waits until the GPU is done with the slot (counted as a stall), then makes it big enough.
Status GlDevice::prepare_slot(StagingSlot& slot, size_t needed, UploadStats* st) {
  if (slot.fence) {
    GLenum r = glClientWaitSync(slot.fence, GL_SYNC_FLUSH_COMMANDS_BIT, 0);
    if (r == GL_TIMEOUT_EXPIRED) {
      const auto start = std::chrono::steady_clock::now();
      do {
        r = glClientWaitSync(slot.fence, GL_SYNC_FLUSH_COMMANDS_BIT, 1'000'000'000);
      } while (r == GL_TIMEOUT_EXPIRED);
      st->stall_ns += uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                   std::chrono::steady_clock::now() - start)
                                   .count());
      ++st->stalls;
    }
    glDeleteSync(slot.fence);
    slot.fence = nullptr;
    if (r == GL_WAIT_FAILED) return check_gl("upload: glClientWaitSync on a staging slot");
  }
  if (slot.buffer && slot.size >= needed) return {};
  size_t size = std::max(desc_.staging_slot_bytes, slot.size);
  while (size < needed) size *= 2;
  free_slot(slot);
  glGenBuffers(1, &slot.buffer);
  glBindBuffer(GL_PIXEL_UNPACK_BUFFER, slot.buffer);
  if (buffer_storage_) {
    const GLbitfield flags = GL_MAP_WRITE_BIT | GL_MAP_PERSISTENT_BIT | GL_MAP_COHERENT_BIT;
    glBufferStorage(GL_PIXEL_UNPACK_BUFFER, GLsizeiptr(size), nullptr, flags);
    slot.mapped =
        static_cast<uint8_t*>(glMapBufferRange(GL_PIXEL_UNPACK_BUFFER, 0, GLsizeiptr(size), flags));
    if (!slot.mapped) {
      Status s = check_gl("upload: mapping a persistent staging buffer");
      free_slot(slot);
      return s.ok() ? Status(ErrorCode::kOutOfMemory, "upload: staging buffer map failed") : s;
    }
  } else {
    glBufferData(GL_PIXEL_UNPACK_BUFFER, GLsizeiptr(size), nullptr, GL_STREAM_DRAW);
  }
  slot.size = size;
  Status s = check_gl("upload: allocating a staging buffer");
  if (!s.ok()) free_slot(slot);
  return s;
}

Status GlDevice::upload_async(std::span<const PageUpload> pages, const std::vector<bool>& skip,
                              UploadStats* st) {
  size_t needed = 0;
  for (size_t i = 0; i < pages.size(); ++i) {
    if (skip[i]) continue;
    const size_t bpp = size_t(bytes_per_pixel(pages[i].format));
    for (const Rect& r : pages[i].dirty) {
      if (!r.empty()) needed += align_up(size_t(r.w) * size_t(r.h) * bpp, kStagingAlign);
    }
  }
  if (needed == 0) return {};
  StagingSlot& slot = ring_[next_slot_];
  next_slot_ = (next_slot_ + 1) % ring_.size();
  GS_TRY(prepare_slot(slot, needed, st));

  glBindBuffer(GL_PIXEL_UNPACK_BUFFER, slot.buffer);
  uint8_t* base = slot.mapped;
  if (!buffer_storage_) {
    // The fence above already guarantees the GPU is done with the slot: no driver sync needed.
    base = static_cast<uint8_t*>(glMapBufferRange(
        GL_PIXEL_UNPACK_BUFFER, 0, GLsizeiptr(needed),
        GL_MAP_WRITE_BIT | GL_MAP_INVALIDATE_RANGE_BIT | GL_MAP_UNSYNCHRONIZED_BIT));
    if (!base) {
      Status s = check_gl("upload: glMapBufferRange on a staging buffer");
      return s.ok() ? Status(ErrorCode::kGpuError, "upload: glMapBufferRange returned null") : s;
    }
  }
  // Pack every rect tightly, row by row, into the slot.
  struct Copy {
    GLuint tex;
    PixelFormat format;
    Rect rect;
    size_t offset;
  };
  std::vector<Copy> copies;
  struct Pack {
    const uint8_t* src;
    size_t src_stride;
    uint8_t* dst;
    size_t row;
    int rows;
  };
  std::vector<Pack> packs;
  size_t offset = 0;
  for (size_t i = 0; i < pages.size(); ++i) {
    if (skip[i]) continue;
    const PageUpload& p = pages[i];
    const size_t bpp = size_t(bytes_per_pixel(p.format));
    const GLuint tex = pages_[p.page].tex;
    for (const Rect& r : p.dirty) {
      if (r.empty()) continue;
      const size_t row = size_t(r.w) * bpp;
      // Bands of rows of about kPackBandBytes: a page-sized rect is shared by every thread
      // lent, not written by one (the rects of a burst are one or two whole pages).
      const int band_rows = int(std::max<size_t>(1, kPackBandBytes / std::max<size_t>(1, row)));
      for (int y0 = 0; y0 < r.h; y0 += band_rows) {
        const int rows = std::min(band_rows, r.h - y0);
        packs.push_back({p.pixels + size_t(r.y + y0) * p.stride + size_t(r.x) * bpp, p.stride,
                         base + offset + size_t(y0) * row, row, rows});
      }
      copies.push_back({tex, p.format, r, offset});
      offset += align_up(row * size_t(r.h), kStagingAlign);
      st->bytes += row * size_t(r.h);
    }
  }
  // Band by band into the slot; several threads when the caller lent them and there is enough
  // to share (mapped memory needs no GL call, so any thread may write it).
  auto pack = [&](size_t k) {
    const Pack& q = packs[k];
    store_rows(q.dst, q.src, q.src_stride, q.row, q.rows);
  };
  constexpr size_t kParallelPackBytes = 256 * 1024;
  if (desc_.parallel_for && buffer_storage_ && packs.size() > 1 &&
      st->bytes >= kParallelPackBytes) {
    desc_.parallel_for(packs.size(), pack);
  } else {
    for (size_t k = 0; k < packs.size(); ++k) pack(k);
  }
  if (!buffer_storage_ && !glUnmapBuffer(GL_PIXEL_UNPACK_BUFFER)) {
    // The mapping was lost (rare, e.g. a mode switch): the texture would get garbage.
    return {ErrorCode::kGpuError, "upload: glUnmapBuffer reported lost staging contents"};
  }
  glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
  glPixelStorei(GL_UNPACK_SKIP_PIXELS, 0);
  glPixelStorei(GL_UNPACK_SKIP_ROWS, 0);
  begin_query(/*upload=*/true);
  for (const Copy& c : copies) {
    glBindTexture(GL_TEXTURE_2D, c.tex);
    glTexSubImage2D(GL_TEXTURE_2D, 0, c.rect.x, c.rect.y, c.rect.w, c.rect.h,
                    client_format(c.format), GL_UNSIGNED_BYTE,
                    reinterpret_cast<const void*>(c.offset));
    ++st->copy_commands;
  }
  // The query ends before the fence: ended after it, on the NVIDIA driver, it timed more than
  // the copies (2 MB: 0.16-0.6 ms, varying with what the CPU did next, against 0.07 ms in this
  // order on an H200), presumably the GPU waiting for the rest of the frame's commands.
  end_query();
  slot.fence = glFenceSync(GL_SYNC_GPU_COMMANDS_COMPLETE, 0);
  return {};
}

Status GlDevice::upload(std::span<const PageUpload> pages, UploadMode mode, UploadStats* stats) {
  UploadStats local;
  UploadStats* st = stats ? stats : &local;
  if (pages.empty()) return {};
  GS_TRY(check_context("upload"));
  for (const PageUpload& p : pages) GS_TRY(validate(p));
  drain_gl_errors();
  uint32_t parts = gl::kStateUnpack | gl::kStateTexture;
  if (!copy_image_) parts |= gl::kStateFramebuffers;
  GlStateGuard guard(parts);
  glBindBuffer(GL_PIXEL_UNPACK_BUFFER, 0);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
  glPixelStorei(GL_UNPACK_SKIP_PIXELS, 0);
  glPixelStorei(GL_UNPACK_SKIP_ROWS, 0);

  Status status;
  // Pages whose content must come whole from the CPU (a format change) skip the rect path.
  std::vector<bool> whole(pages.size(), false);
  for (size_t i = 0; i < pages.size() && status.ok(); ++i) {
    bool w = false;
    status = ensure_texture(pages[i], st, &w);
    whole[i] = w || (mode == UploadMode::kWholePage && !pages[i].dirty.empty());
  }
  // The GPU upload time covers the copies only: texture creation and growth are rare one-offs,
  // and in async mode the query brackets just the copies (see upload_async): the staging
  // writes before them are CPU work, and a query open across them would time the GPU waiting.
  if (mode != UploadMode::kAsync) begin_query(/*upload=*/true);
  for (size_t i = 0; i < pages.size() && status.ok(); ++i) {
    const PageUpload& p = pages[i];
    if (whole[i]) {
      status = upload_client(p, Rect{0, 0, p.width, p.height}, st);
    } else if (mode == UploadMode::kSync) {
      for (const Rect& r : p.dirty) {
        status = upload_client(p, r, st);
        if (!status.ok()) break;
      }
    }
  }
  if (status.ok() && mode == UploadMode::kAsync) status = upload_async(pages, whole, st);

  end_query();
  Status gl_status = check_gl("upload");
  return status.ok() ? gl_status : status;
}

Status GlDevice::draw(std::span<const GlyphInstance> instances, std::span<const DrawBatch> batches,
                      int viewport_width, int viewport_height) {
  if (viewport_width <= 0 || viewport_height <= 0) {
    return {ErrorCode::kInvalidArgument, "draw: viewport size must be positive"};
  }
  for (const DrawBatch& b : batches) {
    if (uint64_t(b.first) + b.count > instances.size()) {
      return {ErrorCode::kInvalidArgument, "draw: a batch reaches past the instance span"};
    }
    if (b.count > 0 && !pages_.count(b.page)) {
      return {ErrorCode::kInvalidArgument,
              "draw: batch uses page " + std::to_string(b.page) + ", which was never uploaded"};
    }
  }
  if (instances.empty() || batches.empty()) return {};
  GS_TRY(check_context("draw"));
  drain_gl_errors();
  GlStateGuard guard(gl::kStateDraw | gl::kStateTexture);
  begin_query(/*upload=*/false);

  // Orphan-and-refill: the driver hands out fresh storage while earlier draws still read.
  const size_t bytes = instances.size_bytes();
  glBindBuffer(GL_ARRAY_BUFFER, instance_buffer_);
  if (instance_capacity_ < bytes) {
    instance_capacity_ = std::max(bytes, std::max<size_t>(instance_capacity_ * 2, 64 * 1024));
  }
  glBufferData(GL_ARRAY_BUFFER, GLsizeiptr(instance_capacity_), nullptr, GL_STREAM_DRAW);
  glBufferSubData(GL_ARRAY_BUFFER, 0, GLsizeiptr(bytes), instances.data());

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

  for (const DrawBatch& b : batches) {
    if (b.count == 0) continue;
    const PageTexture& page = pages_[b.page];
    glBindTexture(GL_TEXTURE_2D, page.tex);
    glUniform1i(u_color_page_, page.format == PixelFormat::kColor32 ? 1 : 0);
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
  end_query();
  return check_gl("draw");
}

void GlDevice::begin_query(bool upload) {
  if (!timers_ || query_active_ || pending_queries_.size() >= kMaxPendingQueries) return;
  // The application may be timing something itself; TIME_ELAPSED queries cannot nest.
  GLint current = 0;
  glGetQueryiv(GL_TIME_ELAPSED, GL_CURRENT_QUERY, &current);
  if (current != 0) return;
  GLuint q = 0;
  if (!free_queries_.empty()) {
    q = free_queries_.back();
    free_queries_.pop_back();
  } else {
    glGenQueries(1, &q);
  }
  glBeginQuery(GL_TIME_ELAPSED, q);
  pending_queries_.push_back({q, upload, false, 0});
  query_active_ = true;
}

void GlDevice::end_query() {
  if (!query_active_) return;
  glEndQuery(GL_TIME_ELAPSED);
  query_active_ = false;
}

// Moves finished frames' query results to ready_timings_ without waiting.
void GlDevice::collect_timings() {
  while (!pending_queries_.empty() && pending_queries_.front().frame_known) {
    const uint64_t frame = pending_queries_.front().frame;
    size_t n = 0;
    bool available = true;
    while (n < pending_queries_.size() && pending_queries_[n].frame_known &&
           pending_queries_[n].frame == frame) {
      GLint avail = 0;
      glGetQueryObjectiv(pending_queries_[n].query, GL_QUERY_RESULT_AVAILABLE, &avail);
      if (!avail) available = false;
      ++n;
    }
    if (!available) return;
    GpuTimings t;
    t.frame = frame;
    for (size_t i = 0; i < n; ++i) {
      const PendingQuery& q = pending_queries_.front();
      GLuint64 ns = 0;
      glGetQueryObjectui64v(q.query, GL_QUERY_RESULT, &ns);
      (q.upload ? t.upload_ns : t.draw_ns) += ns;
      free_queries_.push_back(q.query);
      pending_queries_.pop_front();
    }
    if (ready_timings_.size() >= kMaxReadyTimings) ready_timings_.erase(ready_timings_.begin());
    ready_timings_.push_back(t);
  }
}

std::vector<GpuTimings> GlDevice::take_timings() {
  if (!timers_ || !check_context("take_timings").ok()) return {};
  collect_timings();
  return std::exchange(ready_timings_, {});
}

Status GlDevice::end_frame(uint64_t frame) {
  GS_TRY(check_context("end_frame"));
  drain_gl_errors();
  for (RetiredTexture& r : retired_) {
    if (!r.frame_known) r = {r.tex, true, frame};
  }
  for (PendingQuery& q : pending_queries_) {
    if (!q.frame_known) {
      q.frame_known = true;
      q.frame = frame;
    }
  }
  GLsync sync = glFenceSync(GL_SYNC_GPU_COMMANDS_COMPLETE, 0);
  if (!sync) return check_gl("end_frame: glFenceSync");
  frames_.push_back({frame, sync});
  // Submit now, so that the fence can signal without anyone else flushing.
  glFlush();
  completed_frame();
  if (timers_) collect_timings();
  return check_gl("end_frame");
}

void GlDevice::release_completed() {
  auto done = [&](const RetiredTexture& r) { return r.frame_known && r.frame <= completed_; };
  for (RetiredTexture& r : retired_) {
    if (done(r)) glDeleteTextures(1, &r.tex);
  }
  std::erase_if(retired_, done);
}

uint64_t GlDevice::completed_frame() {
  if (!check_context("completed_frame").ok()) return completed_;
  while (!frames_.empty()) {
    const GLenum r = glClientWaitSync(frames_.front().sync, 0, 0);
    if (r != GL_ALREADY_SIGNALED && r != GL_CONDITION_SATISFIED) break;
    completed_ = std::max(completed_, frames_.front().frame);
    glDeleteSync(frames_.front().sync);
    frames_.pop_front();
  }
  release_completed();
  return completed_;
}

// Waits on the fences of every frame <= `frame`, oldest first (frames complete in order).
Status GlDevice::wait_fences_through(uint64_t frame, const char* op) {
  while (!frames_.empty() && frames_.front().frame <= frame) {
    GLenum r = GL_TIMEOUT_EXPIRED;
    while (r == GL_TIMEOUT_EXPIRED) {
      r = glClientWaitSync(frames_.front().sync, GL_SYNC_FLUSH_COMMANDS_BIT, 1'000'000'000);
    }
    if (r == GL_WAIT_FAILED) return check_gl(op);
    completed_ = std::max(completed_, frames_.front().frame);
    glDeleteSync(frames_.front().sync);
    frames_.pop_front();
  }
  return {};
}

Status GlDevice::wait_frame(uint64_t frame) {
  GS_TRY(check_context("wait_frame"));
  drain_gl_errors();
  GS_TRY(wait_fences_through(frame, "wait_frame: glClientWaitSync"));
  release_completed();
  if (timers_) collect_timings();
  return check_gl("wait_frame");
}

Status GlDevice::finish() {
  GS_TRY(check_context("finish"));
  drain_gl_errors();
  GS_TRY(wait_fences_through(UINT64_MAX, "finish: glClientWaitSync"));
  // Work after the last end_frame() is covered too, so every retired texture can go.
  glFinish();
  for (RetiredTexture& r : retired_) glDeleteTextures(1, &r.tex);
  retired_.clear();
  if (timers_) collect_timings();
  return check_gl("finish");
}

Status GlDevice::read_texture(uint32_t page, std::vector<uint8_t>* pixels, int* width,
                              int* height) {
  auto it = pages_.find(page);
  if (it == pages_.end()) {
    return {ErrorCode::kInvalidArgument,
            "read_texture: no texture for page " + std::to_string(page)};
  }
  if (!pixels) return {ErrorCode::kInvalidArgument, "read_texture: null output"};
  GS_TRY(check_context("read_texture"));
  drain_gl_errors();
  const PageTexture& t = it->second;
  GlStateGuard guard(gl::kStatePack | gl::kStateTexture);
  glBindBuffer(GL_PIXEL_PACK_BUFFER, 0);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glPixelStorei(GL_PACK_ROW_LENGTH, 0);
  glPixelStorei(GL_PACK_SKIP_PIXELS, 0);
  glPixelStorei(GL_PACK_SKIP_ROWS, 0);
  pixels->resize(size_t(t.width) * size_t(t.height) * size_t(bytes_per_pixel(t.format)));
  glBindTexture(GL_TEXTURE_2D, t.tex);
  glGetTexImage(GL_TEXTURE_2D, 0, client_format(t.format), GL_UNSIGNED_BYTE, pixels->data());
  if (width) *width = t.width;
  if (height) *height = t.height;
  return check_gl("read_texture: glGetTexImage");
}

}  // namespace

Result<std::unique_ptr<GpuDevice>> create_gl_device(const GpuDeviceDesc& desc) {
  if (!current_context()) {
    return Status(ErrorCode::kContextFailed, "create_gl_device: no OpenGL context is current");
  }
  auto device = std::make_unique<GlDevice>(desc);
  GS_TRY(device->init());
  return Result<std::unique_ptr<GpuDevice>>(std::move(device));
}

}  // namespace glyphstream::gpu
