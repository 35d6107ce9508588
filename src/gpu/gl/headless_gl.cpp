// Headless OpenGL through EGL: device platform (a GPU without a display server, e.g. NVIDIA
// through glvnd), then Mesa's surfaceless platform, then the default display.
#include "glyphstream/headless_gl.h"

#include <epoxy/egl.h>
#include <epoxy/gl.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <string_view>
#include <vector>

#include "core/env_options.h"

namespace glyphstream {
namespace {

bool has_token(const char* list, std::string_view name) {
  if (!list) return false;
  std::string_view s(list);
  size_t pos = 0;
  while (pos < s.size()) {
    size_t end = s.find(' ', pos);
    if (end == std::string_view::npos) end = s.size();
    if (s.substr(pos, end - pos) == name) return true;
    pos = end + 1;
  }
  return false;
}

std::string egl_error_string(EGLint e) {
  switch (e) {
    case EGL_SUCCESS:
      return "EGL_SUCCESS";
    case EGL_NOT_INITIALIZED:
      return "EGL_NOT_INITIALIZED";
    case EGL_BAD_ACCESS:
      return "EGL_BAD_ACCESS";
    case EGL_BAD_ALLOC:
      return "EGL_BAD_ALLOC";
    case EGL_BAD_ATTRIBUTE:
      return "EGL_BAD_ATTRIBUTE";
    case EGL_BAD_CONFIG:
      return "EGL_BAD_CONFIG";
    case EGL_BAD_CONTEXT:
      return "EGL_BAD_CONTEXT";
    case EGL_BAD_DISPLAY:
      return "EGL_BAD_DISPLAY";
    case EGL_BAD_MATCH:
      return "EGL_BAD_MATCH";
    case EGL_BAD_PARAMETER:
      return "EGL_BAD_PARAMETER";
    case EGL_BAD_SURFACE:
      return "EGL_BAD_SURFACE";
    default: {
      char buf[32];
      std::snprintf(buf, sizeof buf, "EGL error 0x%04x", unsigned(e));
      return buf;
    }
  }
}

// EGL displays are per native display and eglTerminate kills every context on one, so several
// HeadlessGl objects on the same display share one initialisation.
std::mutex g_display_mutex;
std::map<EGLDisplay, int> g_display_refs;

void retain_display(EGLDisplay d) {
  std::lock_guard lock(g_display_mutex);
  ++g_display_refs[d];
}

void release_display(EGLDisplay d) {
  std::lock_guard lock(g_display_mutex);
  auto it = g_display_refs.find(d);
  if (it == g_display_refs.end()) return;
  if (--it->second == 0) {
    g_display_refs.erase(it);
    eglTerminate(d);
  }
}

bool display_in_use(EGLDisplay d) {
  std::lock_guard lock(g_display_mutex);
  return g_display_refs.count(d) != 0;
}

// GLYPHSTREAM_GL_DEBUG=1: a debug context whose driver messages (performance warnings
// included) go to stderr, stamped with milliseconds since the first such context, so that a slow
// frame can be matched with what the driver did then. A diagnostic for benchmarks and bug
// reports; off by default (a debug context may be slower).
bool gl_debug_requested() { return gl_debug_from_environment(); }

void GLAPIENTRY print_gl_debug_message(GLenum source, GLenum type, GLuint id, GLenum severity,
                                       GLsizei length, const GLchar* message, const void* start) {
  (void)source;
  const auto since = std::chrono::steady_clock::now() -
                     *static_cast<const std::chrono::steady_clock::time_point*>(start);
  const double ms = std::chrono::duration<double, std::milli>(since).count();
  std::fprintf(stderr, "[gl debug %.3f ms] type 0x%x severity 0x%x id %u: %.*s\n", ms, type,
               severity, id, int(length < 0 ? std::strlen(message) : size_t(length)), message);
}

void enable_gl_debug_output() {
  static const std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
  glEnable(GL_DEBUG_OUTPUT);
  glEnable(GL_DEBUG_OUTPUT_SYNCHRONOUS);
  glDebugMessageCallback(print_gl_debug_message, &start);
  glDebugMessageControl(GL_DONT_CARE, GL_DONT_CARE, GL_DONT_CARE, 0, nullptr, GL_TRUE);
}

class HeadlessGlImpl final : public HeadlessGl {
 public:
  ~HeadlessGlImpl() override {
    if (context_ != EGL_NO_CONTEXT) {
      eglMakeCurrent(display_, surface_, surface_, context_);
      if (fbo_) glDeleteFramebuffers(1, &fbo_);
      if (rbo_) glDeleteRenderbuffers(1, &rbo_);
      eglMakeCurrent(display_, EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT);
      eglDestroyContext(display_, context_);
    }
    if (surface_ != EGL_NO_SURFACE) eglDestroySurface(display_, surface_);
    if (display_ != EGL_NO_DISPLAY) release_display(display_);
  }

  // clear() and read_pixels() act on this context whatever is current: they make it current
  // for the call and put the caller's context (or none) back afterwards, so that another
  // context's framebuffer is never read or cleared. Fails (kContextFailed) when this context is
  // current on another thread.
  struct OwnContext {
    explicit OwnContext(HeadlessGlImpl* gl) : gl_(gl) {
      if (eglGetCurrentContext() == gl->context_) return;
      display_ = eglGetCurrentDisplay();
      context_ = eglGetCurrentContext();
      draw_ = eglGetCurrentSurface(EGL_DRAW);
      read_ = eglGetCurrentSurface(EGL_READ);
      if (!eglMakeCurrent(gl->display_, gl->surface_, gl->surface_, gl->context_)) {
        status = {ErrorCode::kContextFailed,
                  "cannot make the headless context current (current on another thread?): " +
                      egl_error_string(eglGetError())};
        return;
      }
      switched_ = true;
    }
    ~OwnContext() {
      if (!switched_) return;
      if (context_ == EGL_NO_CONTEXT) {
        eglMakeCurrent(gl_->display_, EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT);
      } else {
        eglMakeCurrent(display_, draw_, read_, context_);
      }
    }
    OwnContext(const OwnContext&) = delete;
    OwnContext& operator=(const OwnContext&) = delete;
    Status status;

   private:
    HeadlessGlImpl* gl_;
    EGLDisplay display_ = EGL_NO_DISPLAY;
    EGLContext context_ = EGL_NO_CONTEXT;
    EGLSurface draw_ = EGL_NO_SURFACE, read_ = EGL_NO_SURFACE;
    bool switched_ = false;
  };

  int width() const override { return width_; }
  int height() const override { return height_; }
  std::string platform() const override { return platform_; }
  std::string renderer() const override { return renderer_; }
  std::string version() const override { return version_; }

  Status make_current() override {
    if (!eglMakeCurrent(display_, surface_, surface_, context_)) {
      return {ErrorCode::kContextFailed,
              "eglMakeCurrent failed: " + egl_error_string(eglGetError())};
    }
    glBindFramebuffer(GL_FRAMEBUFFER, fbo_);
    return {};
  }

  Status resize(int width, int height) override {
    if (width <= 0 || height <= 0 || width > 16384 || height > 16384) {
      return {ErrorCode::kInvalidArgument, "framebuffer size must be 1..16384 px"};
    }
    GS_TRY(make_current());
    while (glGetError() != GL_NO_ERROR) {
    }
    // Same renderbuffer object, new storage: the framebuffer keeps its attachment.
    glBindRenderbuffer(GL_RENDERBUFFER, rbo_);
    glRenderbufferStorage(GL_RENDERBUFFER, color_format(), width, height);
    if (glGetError() != GL_NO_ERROR ||
        glCheckFramebufferStatus(GL_FRAMEBUFFER) != GL_FRAMEBUFFER_COMPLETE) {
      return {ErrorCode::kOutOfMemory, "cannot resize the offscreen framebuffer to " +
                                           std::to_string(width) + "x" + std::to_string(height)};
    }
    width_ = width;
    height_ = height;
    glViewport(0, 0, width_, height_);
    return {};
  }

  void clear(float r, float g, float b, float a) override {
    OwnContext own(this);
    if (!own.status.ok()) return;  // current on another thread: nothing of ours to clear
    GLint prev_draw = 0;
    glGetIntegerv(GL_DRAW_FRAMEBUFFER_BINDING, &prev_draw);
    const GLboolean prev_srgb = glIsEnabled(GL_FRAMEBUFFER_SRGB);
    glDisable(GL_FRAMEBUFFER_SRGB);  // the values as given, never encoded
    glBindFramebuffer(GL_DRAW_FRAMEBUFFER, fbo_);
    glClearColor(r, g, b, a);
    glClear(GL_COLOR_BUFFER_BIT);
    glBindFramebuffer(GL_DRAW_FRAMEBUFFER, GLuint(prev_draw));
    if (prev_srgb) glEnable(GL_FRAMEBUFFER_SRGB);
  }

  Status read_pixels(std::vector<uint8_t>* rgba) override {
    if (!rgba) return {ErrorCode::kInvalidArgument, "read_pixels: null output"};
    OwnContext own(this);
    GS_TRY(own.status);
    while (glGetError() != GL_NO_ERROR) {
    }
    GLint prev_read = 0, prev_pack = 0, prev_align = 4, prev_row = 0;
    glGetIntegerv(GL_READ_FRAMEBUFFER_BINDING, &prev_read);
    glGetIntegerv(GL_PIXEL_PACK_BUFFER_BINDING, &prev_pack);
    glGetIntegerv(GL_PACK_ALIGNMENT, &prev_align);
    glGetIntegerv(GL_PACK_ROW_LENGTH, &prev_row);
    // The stored bytes, never converted (desktop GL may decode an sRGB read buffer while
    // GL_FRAMEBUFFER_SRGB is on).
    const GLboolean prev_srgb = glIsEnabled(GL_FRAMEBUFFER_SRGB);
    glDisable(GL_FRAMEBUFFER_SRGB);
    glBindFramebuffer(GL_READ_FRAMEBUFFER, fbo_);
    glBindBuffer(GL_PIXEL_PACK_BUFFER, 0);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glPixelStorei(GL_PACK_ROW_LENGTH, 0);
    const size_t row = size_t(width_) * 4;
    std::vector<uint8_t> bottom_up(row * size_t(height_));
    glReadPixels(0, 0, width_, height_, GL_RGBA, GL_UNSIGNED_BYTE, bottom_up.data());
    glBindFramebuffer(GL_READ_FRAMEBUFFER, GLuint(prev_read));
    glBindBuffer(GL_PIXEL_PACK_BUFFER, GLuint(prev_pack));
    glPixelStorei(GL_PACK_ALIGNMENT, prev_align);
    glPixelStorei(GL_PACK_ROW_LENGTH, prev_row);
    if (prev_srgb) glEnable(GL_FRAMEBUFFER_SRGB);
    if (GLenum e = glGetError(); e != GL_NO_ERROR) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "read_pixels: glReadPixels failed (GL error 0x%04x)",
                    unsigned(e));
      return {ErrorCode::kGpuError, buf};
    }
    // GL rows go bottom-up; callers get top row first.
    rgba->resize(bottom_up.size());
    for (int y = 0; y < height_; ++y) {
      std::memcpy(rgba->data() + size_t(y) * row, bottom_up.data() + size_t(height_ - 1 - y) * row,
                  row);
    }
    return {};
  }

  // The newest core context among OpenGL 4.6..4.1 and 3.3 that the display gives.
  static Status create_core_context(EGLDisplay display, EGLConfig config,
                                    const std::string& platform, EGLContext* out) {
    struct Version {
      int major, minor;
    };
    static constexpr Version kVersions[] = {{4, 6}, {4, 5}, {4, 4}, {4, 3}, {4, 2}, {4, 1}, {3, 3}};
    EGLContext& ctx = *out;
    ctx = EGL_NO_CONTEXT;
    EGLint last_error = EGL_SUCCESS;
    for (const Version& v : kVersions) {
      const EGLint attribs[] = {EGL_CONTEXT_MAJOR_VERSION,
                                v.major,
                                EGL_CONTEXT_MINOR_VERSION,
                                v.minor,
                                EGL_CONTEXT_OPENGL_PROFILE_MASK,
                                EGL_CONTEXT_OPENGL_CORE_PROFILE_BIT,
                                EGL_CONTEXT_OPENGL_DEBUG,
                                gl_debug_requested() ? EGL_TRUE : EGL_FALSE,
                                EGL_NONE};
      ctx = eglCreateContext(display, config ? config : EGL_NO_CONFIG_KHR, EGL_NO_CONTEXT, attribs);
      if (ctx != EGL_NO_CONTEXT) break;
      last_error = eglGetError();
    }
    if (ctx == EGL_NO_CONTEXT) {
      return {ErrorCode::kContextFailed, platform +
                                             ": no OpenGL 4.6..4.1 or 3.3 core context (last: " +
                                             egl_error_string(last_error) + ")"};
    }
    return {};
  }

  // Creates a context on an initialised display; on failure leaves nothing behind.
  Status init_on(EGLDisplay display, const std::string& platform) {
    const char* exts = eglQueryString(display, EGL_EXTENSIONS);
    if (!eglBindAPI(EGL_OPENGL_API)) {
      return {ErrorCode::kContextFailed,
              platform + ": eglBindAPI(EGL_OPENGL_API) failed: " + egl_error_string(eglGetError())};
    }
    const EGLint config_attribs[] = {EGL_SURFACE_TYPE,
                                     EGL_PBUFFER_BIT,
                                     EGL_RENDERABLE_TYPE,
                                     EGL_OPENGL_BIT,
                                     EGL_RED_SIZE,
                                     8,
                                     EGL_GREEN_SIZE,
                                     8,
                                     EGL_BLUE_SIZE,
                                     8,
                                     EGL_ALPHA_SIZE,
                                     8,
                                     EGL_NONE};
    EGLConfig config = nullptr;
    EGLint num = 0;
    if (!eglChooseConfig(display, config_attribs, &config, 1, &num) || num < 1) {
      config = nullptr;
      // Surfaceless displays may have no pbuffer configs; a config-less context still works.
      if (!has_token(exts, "EGL_KHR_no_config_context") &&
          !has_token(exts, "EGL_MESA_configless_context")) {
        return {ErrorCode::kContextFailed, platform + ": no EGL config with OpenGL + pbuffer"};
      }
    }
    EGLContext ctx = EGL_NO_CONTEXT;
    GS_TRY(create_core_context(display, config, platform, &ctx));
    EGLSurface surface = EGL_NO_SURFACE;
    bool current = false;
    if (has_token(exts, "EGL_KHR_surfaceless_context")) {
      current = eglMakeCurrent(display, EGL_NO_SURFACE, EGL_NO_SURFACE, ctx);
    }
    if (!current && config) {
      const EGLint pb_attribs[] = {EGL_WIDTH, 16, EGL_HEIGHT, 16, EGL_NONE};
      surface = eglCreatePbufferSurface(display, config, pb_attribs);
      if (surface != EGL_NO_SURFACE) current = eglMakeCurrent(display, surface, surface, ctx);
    }
    if (!current) {
      const std::string why = egl_error_string(eglGetError());
      eglMakeCurrent(display, EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT);
      if (surface != EGL_NO_SURFACE) eglDestroySurface(display, surface);
      eglDestroyContext(display, ctx);
      return {ErrorCode::kContextFailed, platform + ": eglMakeCurrent failed: " + why};
    }
    const int gl_version = epoxy_gl_version();
    if (!epoxy_is_desktop_gl() || gl_version < 33) {
      eglMakeCurrent(display, EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT);
      if (surface != EGL_NO_SURFACE) eglDestroySurface(display, surface);
      eglDestroyContext(display, ctx);
      return {ErrorCode::kContextFailed, platform + ": context is not desktop OpenGL 3.3 or later"};
    }
    display_ = display;
    context_ = ctx;
    surface_ = surface;
    platform_ = platform;
    auto str = [](GLenum name) {
      const GLubyte* s = glGetString(name);
      return s ? std::string(reinterpret_cast<const char*>(s)) : std::string();
    };
    renderer_ = str(GL_RENDERER);
    version_ = str(GL_VERSION);
    while (glGetError() != GL_NO_ERROR) {
    }
    if (gl_debug_requested()) enable_gl_debug_output();
    return create_framebuffer(platform);
  }

  // The offscreen RGBA8 (or SRGB8_ALPHA8) framebuffer every draw goes to, in the new current
  // context.
  Status create_framebuffer(const std::string& platform) {
    glGenRenderbuffers(1, &rbo_);
    glBindRenderbuffer(GL_RENDERBUFFER, rbo_);
    glRenderbufferStorage(GL_RENDERBUFFER, color_format(), width_, height_);
    glGenFramebuffers(1, &fbo_);
    glBindFramebuffer(GL_FRAMEBUFFER, fbo_);
    glFramebufferRenderbuffer(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_RENDERBUFFER, rbo_);
    const GLenum fb_status = glCheckFramebufferStatus(GL_FRAMEBUFFER);
    if (fb_status != GL_FRAMEBUFFER_COMPLETE || glGetError() != GL_NO_ERROR) {
      return {ErrorCode::kContextFailed, platform + ": offscreen RGBA8 framebuffer of " +
                                             std::to_string(width_) + "x" +
                                             std::to_string(height_) + " is not complete"};
    }
    glViewport(0, 0, width_, height_);
    glClearColor(0, 0, 0, 0);
    glClear(GL_COLOR_BUFFER_BIT);  // renderbuffer storage starts undefined
    return {};
  }

  bool owns_display() const { return display_ != EGL_NO_DISPLAY; }
  bool srgb() const override { return srgb_; }
  GLenum color_format() const { return srgb_ ? GL_SRGB8_ALPHA8 : GL_RGBA8; }

  int width_ = 0, height_ = 0;
  bool srgb_ = false;

 private:
  EGLDisplay display_ = EGL_NO_DISPLAY;
  EGLContext context_ = EGL_NO_CONTEXT;
  EGLSurface surface_ = EGL_NO_SURFACE;
  GLuint fbo_ = 0, rbo_ = 0;
  std::string platform_, renderer_, version_;
};

}  // namespace

// The EGL devices, hardware first: Mesa lists a software (llvmpipe) device too, and glvnd's
// order of vendors is not a promise.
static std::vector<EGLDeviceEXT> egl_devices_hardware_first(const char* client_extensions) {
  EGLint count = 0;
  if (!eglQueryDevicesEXT(0, nullptr, &count) || count <= 0) return {};
  std::vector<EGLDeviceEXT> devices(size_t(count), nullptr);
  eglQueryDevicesEXT(count, devices.data(), &count);
  devices.resize(size_t(std::max(count, 0)));
  if (has_token(client_extensions, "EGL_EXT_device_query")) {
    std::stable_partition(devices.begin(), devices.end(), [](EGLDeviceEXT dev) {
      return !has_token(eglQueryDeviceStringEXT(dev, EGL_EXTENSIONS), "EGL_MESA_device_software");
    });
  }
  return devices;
}

Result<std::unique_ptr<HeadlessGl>> HeadlessGl::create(const HeadlessGlDesc& desc) {
  const int width = desc.width > 0 ? desc.width : 1024;
  const int height = desc.height > 0 ? desc.height : 768;
  if (width > 16384 || height > 16384) {
    return Status(ErrorCode::kInvalidArgument, "HeadlessGl: framebuffer larger than 16384");
  }
  // GLYPHSTREAM_EGL_PLATFORM=device|surfaceless|default restricts the search (debugging).
  const std::string only = egl_platform_from_environment();
  auto wanted = [&](const char* p) { return only.empty() || only == p; };

  // No client extensions (EGL 1.4 without EXT_client_extensions) leaves only the default.
  const char* client = eglQueryString(EGL_NO_DISPLAY, EGL_EXTENSIONS);
  if (!client) eglGetError();
  const bool platform_base = has_token(client, "EGL_EXT_platform_base");

  std::string tried;  // "platform: outcome; ..."
  bool any_display = false;
  Status last_context_error;
  auto note = [&](const std::string& what) {
    if (!tried.empty()) tried += "; ";
    tried += what;
  };
  auto attempt = [&](EGLDisplay d, const std::string& name) -> std::unique_ptr<HeadlessGl> {
    if (d == EGL_NO_DISPLAY) {
      note(name + ": no display (" + egl_error_string(eglGetError()) + ")");
      return nullptr;
    }
    const bool shared = display_in_use(d);
    EGLint major = 0, minor = 0;
    if (!shared && !eglInitialize(d, &major, &minor)) {
      note(name + ": eglInitialize failed (" + egl_error_string(eglGetError()) + ")");
      return nullptr;
    }
    any_display = true;
    retain_display(d);
    auto gl = std::make_unique<HeadlessGlImpl>();
    gl->width_ = width;
    gl->height_ = height;
    gl->srgb_ = desc.srgb;
    Status s = gl->init_on(d, name);
    if (!s.ok()) {
      // The object releases the display itself once it adopted it (a late failure).
      const bool adopted = gl->owns_display();
      gl.reset();
      if (!adopted) release_display(d);
      note(s.message());
      last_context_error = s;
      return nullptr;
    }
    return gl;
  };

  if (wanted("device") && platform_base && has_token(client, "EGL_EXT_platform_device") &&
      (has_token(client, "EGL_EXT_device_enumeration") ||
       has_token(client, "EGL_EXT_device_base"))) {
    const std::vector<EGLDeviceEXT> devices = egl_devices_hardware_first(client);
    if (devices.empty()) note("device: no EGL devices");
    for (EGLDeviceEXT dev : devices) {
      EGLDisplay d = eglGetPlatformDisplayEXT(EGL_PLATFORM_DEVICE_EXT, dev, nullptr);
      if (auto gl = attempt(d, "device")) return Result<std::unique_ptr<HeadlessGl>>(std::move(gl));
    }
  } else if (wanted("device")) {
    note("device: EGL_EXT_platform_device not available");
  }
  if (wanted("surfaceless") && platform_base &&
      has_token(client, "EGL_MESA_platform_surfaceless")) {
    EGLDisplay d =
        eglGetPlatformDisplayEXT(EGL_PLATFORM_SURFACELESS_MESA, EGL_DEFAULT_DISPLAY, nullptr);
    if (auto gl = attempt(d, "surfaceless"))
      return Result<std::unique_ptr<HeadlessGl>>(std::move(gl));
  } else if (wanted("surfaceless")) {
    note("surfaceless: EGL_MESA_platform_surfaceless not available");
  }
  if (wanted("default")) {
    if (auto gl = attempt(eglGetDisplay(EGL_DEFAULT_DISPLAY), "default")) {
      return Result<std::unique_ptr<HeadlessGl>>(std::move(gl));
    }
  }
  if (!only.empty() && only != "device" && only != "surfaceless" && only != "default") {
    note("GLYPHSTREAM_EGL_PLATFORM=" + only + " names no platform (device, surfaceless, default)");
  }
  if (!any_display) {
    return Status(ErrorCode::kNoDisplay, "no EGL display could be initialised (tried " +
                                             (tried.empty() ? std::string("nothing") : tried) +
                                             ")");
  }
  return Status(ErrorCode::kContextFailed, "no usable OpenGL context (tried " + tried + ")");
}

}  // namespace glyphstream
