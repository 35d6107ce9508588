// Real GL through EGL (Mesa llvmpipe in CI, NVIDIA on the GPU machine); no mocks. What every
// backend must do is the conformance suite (../device_conformance_test.cpp), instantiated here
// as Gl/... and Gl33/... (the GL 3.3 fallbacks on a newer driver); this file adds what only GL
// has: EGL platforms, current contexts, and the application's GL state left as found.
#include <epoxy/egl.h>
#include <epoxy/gl.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <random>

#include "device_test_support.h"
#include "glyphstream/headless_gl.h"
#include "gpu/gpu_device.h"

namespace glyphstream::gpu {
namespace {

// The conformance suite's GL harness: a HeadlessGl current on the test's thread.
class GlHarness final : public DeviceHarness {
 public:
  GlHarness(std::unique_ptr<HeadlessGl> gl, bool emulate_gl33)
      : gl_(std::move(gl)), emulate_gl33_(emulate_gl33) {}
  std::string backend_name() const override { return "gl"; }
  std::string async_path_mark() const override {
    return emulate_gl33_ ? "no ARB_buffer_storage" : "";
  }
  Result<std::unique_ptr<GpuDevice>> make_device(const GpuDeviceDesc& desc) override {
    GpuDeviceDesc d = desc;
    d.emulate_gl33 = emulate_gl33_;
    return create_gl_device(d);
  }
  Status clear(float r, float g, float b, float a) override {
    gl_->clear(r, g, b, a);
    return {};
  }
  Status read_pixels(std::vector<uint8_t>* rgba) override { return gl_->read_pixels(rgba); }

 private:
  std::unique_ptr<HeadlessGl> gl_;
  bool emulate_gl33_;
};

DeviceVariant gl_variant(std::string name, bool emulate_gl33) {
  auto make = [emulate_gl33](bool srgb) {
    return [emulate_gl33, srgb](int w, int h) -> Result<std::unique_ptr<DeviceHarness>> {
      HeadlessGlDesc desc{w, h};
      desc.srgb = srgb;
      GS_ASSIGN_OR_RETURN(std::unique_ptr<HeadlessGl> gl, HeadlessGl::create(desc));
      return std::unique_ptr<DeviceHarness>(new GlHarness(std::move(gl), emulate_gl33));
    };
  };
  return {std::move(name), make(false), make(true)};
}

INSTANTIATE_TEST_SUITE_P(Gl, BackendConformance,
                         ::testing::Values(gl_variant("Gl", false), gl_variant("Gl33", true)),
                         variant_name);

class GlDeviceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto gl = HeadlessGl::create({256, 192});
    ASSERT_TRUE(gl.ok()) << gl.status().to_string();
    gl_ = std::move(gl).value();
  }
  std::unique_ptr<GpuDevice> make_device(GpuDeviceDesc desc = {}) {
    auto dev = create_gl_device(desc);
    EXPECT_TRUE(dev.ok()) << dev.status().to_string();
    return dev.ok() ? std::move(dev).value() : nullptr;
  }
  void TearDown() override {}

  std::unique_ptr<HeadlessGl> gl_;
};

TEST_F(GlDeviceTest, HeadlessReportsPlatformAndRenderer) {
  EXPECT_TRUE(gl_->platform() == "device" || gl_->platform() == "surfaceless" ||
              gl_->platform() == "default")
      << gl_->platform();
  EXPECT_FALSE(gl_->renderer().empty());
  EXPECT_FALSE(gl_->version().empty());
  EXPECT_EQ(gl_->width(), 256);
  EXPECT_EQ(gl_->height(), 192);
  auto dev = make_device();
  ASSERT_TRUE(dev);
  std::printf("platform=%s renderer=%s version=%s async=%s timers=%d\n", gl_->platform().c_str(),
              gl_->renderer().c_str(), gl_->version().c_str(), dev->async_path().c_str(),
              int(dev->timer_queries_available()));
}

// (That the device draws y down into these rows is the conformance suite's DrawsTopRowFirst.)
TEST_F(GlDeviceTest, ReadPixelsIsTopRowFirst) {
  gl_->clear(0, 0, 0, 0);
  // Scissor works in GL's bottom-up coordinates: this is the top-left 8x4 corner.
  glEnable(GL_SCISSOR_TEST);
  glScissor(0, gl_->height() - 4, 8, 4);
  gl_->clear(1, 0, 0, 1);
  glDisable(GL_SCISSOR_TEST);
  std::vector<uint8_t> px;
  ASSERT_TRUE(gl_->read_pixels(&px).ok());
  ASSERT_EQ(px.size(), size_t(256 * 192 * 4));
  EXPECT_EQ(px[0], 255);
  EXPECT_EQ(px[3], 255);
  EXPECT_EQ(px[(3 * 256 + 7) * 4], 255);  // row 3, column 7: still inside
  EXPECT_EQ(px[(4 * 256) * 4], 0);        // row 4: outside
  EXPECT_EQ(px[(191 * 256) * 4], 0);      // bottom-left: outside
}

TEST(HeadlessGlTest, NoDisplaySaysWhatWasTried) {
  // A platform name that matches nothing: no display, and the message says what was tried.
  setenv("GLYPHSTREAM_EGL_PLATFORM", "no-such-platform", 1);
  auto gl = HeadlessGl::create({16, 16});
  unsetenv("GLYPHSTREAM_EGL_PLATFORM");
  ASSERT_FALSE(gl.ok());
  EXPECT_EQ(gl.status().code(), ErrorCode::kNoDisplay);
  EXPECT_NE(gl.status().message().find("tried"), std::string::npos) << gl.status().message();
  setenv("GLYPHSTREAM_EGL_PLATFORM", "surfaceless", 1);
  auto surfaceless = HeadlessGl::create({16, 16});
  unsetenv("GLYPHSTREAM_EGL_PLATFORM");
  if (surfaceless.ok()) {
    EXPECT_EQ(surfaceless.value()->platform(), "surfaceless");
  }
}

TEST_F(GlDeviceTest, NoCurrentContextIsContextFailed) {
  EGLDisplay d = eglGetCurrentDisplay();
  EGLContext c = eglGetCurrentContext();
  ASSERT_NE(c, EGL_NO_CONTEXT);
  ASSERT_TRUE(eglMakeCurrent(d, EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT));
  auto dev = create_gl_device();
  EXPECT_FALSE(dev.ok());
  EXPECT_EQ(dev.status().code(), ErrorCode::kContextFailed);
  ASSERT_TRUE(gl_->make_current().ok());
  EXPECT_TRUE(create_gl_device().ok());
}

// Calls in the wrong context fail cleanly instead of crashing or touching the other context.
TEST_F(GlDeviceTest, WrongContextIsAnError) {
  auto dev = make_device();
  ASSERT_TRUE(dev);
  std::mt19937 rng(41);
  std::vector<SimPage> pages;
  pages.emplace_back(0, PixelFormat::kCoverage8, 32, 32);
  pages[0].write({0, 0, 8, 8}, rng);
  {
    auto other = HeadlessGl::create({64, 64});
    ASSERT_TRUE(other.ok()) << other.status().to_string();
    ASSERT_TRUE(other.value()->make_current().ok());
    Status s = upload_pages(*dev, pages, UploadMode::kAsync, nullptr);
    EXPECT_EQ(s.code(), ErrorCode::kContextFailed) << s.to_string();
    EXPECT_EQ(dev->end_frame(1).code(), ErrorCode::kContextFailed);
    EXPECT_EQ(dev->completed_frame(), 0u);
    EGLDisplay d = eglGetCurrentDisplay();
    ASSERT_TRUE(eglMakeCurrent(d, EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT));
    pages[0].write({0, 0, 8, 8}, rng);
    EXPECT_EQ(upload_pages(*dev, pages, UploadMode::kSync, nullptr).code(),
              ErrorCode::kContextFailed);
    EXPECT_EQ(dev->finish().code(), ErrorCode::kContextFailed);
  }
  ASSERT_TRUE(gl_->make_current().ok());
  pages[0].write({0, 0, 8, 8}, rng);
  ASSERT_TRUE(upload_pages(*dev, pages, UploadMode::kAsync, nullptr).ok());
  EXPECT_EQ(texture_mismatch(*dev, pages[0]), "");
}

// The bandwidth probe runs only in the device's context: with none current it used to abort in
// libepoxy, and in another context it measured (and disturbed) that one.
TEST_F(GlDeviceTest, BandwidthProbeNeedsTheDevicesContext) {
  auto dev = make_device();
  ASSERT_TRUE(dev);
  EXPECT_EQ(dev->backend_name(), "gl");
  auto own = dev->measure_upload_bandwidth(size_t(1) << 20);
  ASSERT_TRUE(own.ok()) << own.status().to_string();
  EXPECT_GT(own.value(), 0.0);
  {
    auto other = HeadlessGl::create({64, 64});
    ASSERT_TRUE(other.ok()) << other.status().to_string();
    ASSERT_TRUE(other.value()->make_current().ok());
    auto foreign = dev->measure_upload_bandwidth(size_t(1) << 20);
    EXPECT_EQ(foreign.status().code(), ErrorCode::kContextFailed) << foreign.status().to_string();
    EGLDisplay d = eglGetCurrentDisplay();
    ASSERT_TRUE(eglMakeCurrent(d, EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT));
    auto none = dev->measure_upload_bandwidth(size_t(1) << 20);
    EXPECT_EQ(none.status().code(), ErrorCode::kContextFailed) << none.status().to_string();
  }
  ASSERT_TRUE(gl_->make_current().ok());
  EXPECT_TRUE(dev->measure_upload_bandwidth(size_t(1) << 20).ok());
}

// An error the application left pending is not reported as ours.
TEST_F(GlDeviceTest, IgnoresTheApplicationsPendingError) {
  auto dev = make_device();
  ASSERT_TRUE(dev);
  std::vector<SimPage> pages;
  pages.emplace_back(0, PixelFormat::kCoverage8, 32, 32);
  glBindTexture(GL_TEXTURE_2D, 0xdeadbeef);
  pages[0].dirty = {{0, 0, 4, 4}};
  const Status s = upload_pages(*dev, pages, UploadMode::kSync, nullptr);
  EXPECT_TRUE(s.ok()) << s.to_string();
}

// The application's state, set to unusual values, must come back unchanged.
struct AppState {
  GLint program, vao, array_buffer, unpack_buffer, pack_buffer, active_texture, tex_unit0,
      tex_unit3, sampler0, blend_src_rgb, blend_dst_rgb, blend_src_alpha, blend_dst_alpha,
      blend_eq_rgb, blend_eq_alpha, viewport[4], unpack_row_length, unpack_skip_pixels,
      unpack_skip_rows, unpack_alignment, pack_alignment, read_fb, draw_fb;
  GLboolean blend, depth, scissor, cull, stencil, mask[4];

  static AppState query() {
    AppState s{};
    auto i = [](GLenum e) {
      GLint v = 0;
      glGetIntegerv(e, &v);
      return v;
    };
    s.program = i(GL_CURRENT_PROGRAM);
    s.vao = i(GL_VERTEX_ARRAY_BINDING);
    s.array_buffer = i(GL_ARRAY_BUFFER_BINDING);
    s.unpack_buffer = i(GL_PIXEL_UNPACK_BUFFER_BINDING);
    s.pack_buffer = i(GL_PIXEL_PACK_BUFFER_BINDING);
    s.active_texture = i(GL_ACTIVE_TEXTURE);
    glActiveTexture(GL_TEXTURE0);
    s.tex_unit0 = i(GL_TEXTURE_BINDING_2D);
    s.sampler0 = i(GL_SAMPLER_BINDING);
    glActiveTexture(GL_TEXTURE3);
    s.tex_unit3 = i(GL_TEXTURE_BINDING_2D);
    glActiveTexture(GLenum(s.active_texture));
    s.blend_src_rgb = i(GL_BLEND_SRC_RGB);
    s.blend_dst_rgb = i(GL_BLEND_DST_RGB);
    s.blend_src_alpha = i(GL_BLEND_SRC_ALPHA);
    s.blend_dst_alpha = i(GL_BLEND_DST_ALPHA);
    s.blend_eq_rgb = i(GL_BLEND_EQUATION_RGB);
    s.blend_eq_alpha = i(GL_BLEND_EQUATION_ALPHA);
    glGetIntegerv(GL_VIEWPORT, s.viewport);
    s.unpack_row_length = i(GL_UNPACK_ROW_LENGTH);
    s.unpack_skip_pixels = i(GL_UNPACK_SKIP_PIXELS);
    s.unpack_skip_rows = i(GL_UNPACK_SKIP_ROWS);
    s.unpack_alignment = i(GL_UNPACK_ALIGNMENT);
    s.pack_alignment = i(GL_PACK_ALIGNMENT);
    s.read_fb = i(GL_READ_FRAMEBUFFER_BINDING);
    s.draw_fb = i(GL_DRAW_FRAMEBUFFER_BINDING);
    s.blend = glIsEnabled(GL_BLEND);
    s.depth = glIsEnabled(GL_DEPTH_TEST);
    s.scissor = glIsEnabled(GL_SCISSOR_TEST);
    s.cull = glIsEnabled(GL_CULL_FACE);
    s.stencil = glIsEnabled(GL_STENCIL_TEST);
    glGetBooleanv(GL_COLOR_WRITEMASK, s.mask);
    return s;
  }
  bool operator==(const AppState& o) const { return std::memcmp(this, &o, sizeof o) == 0; }
};

TEST_F(GlDeviceTest, LeavesApplicationStateAsFound) {
  for (bool gl33 : {false, true}) {
    // The application's objects and odd state.
    GLuint vs = glCreateShader(GL_VERTEX_SHADER);
    const char* src = "#version 330 core\nvoid main() { gl_Position = vec4(0.0); }\n";
    glShaderSource(vs, 1, &src, nullptr);
    glCompileShader(vs);
    GLuint prog = glCreateProgram();
    glAttachShader(prog, vs);
    glLinkProgram(prog);
    GLuint vao = 0, bufs[3] = {}, tex[2] = {}, sampler = 0;
    glGenVertexArrays(1, &vao);
    glGenBuffers(3, bufs);
    glGenTextures(2, tex);
    glGenSamplers(1, &sampler);
    glUseProgram(prog);
    glBindVertexArray(vao);
    glBindBuffer(GL_ARRAY_BUFFER, bufs[0]);
    glBindBuffer(GL_PIXEL_UNPACK_BUFFER, bufs[1]);
    glBufferData(GL_PIXEL_UNPACK_BUFFER, 4096, nullptr, GL_STREAM_DRAW);
    glBindBuffer(GL_PIXEL_PACK_BUFFER, bufs[2]);
    glActiveTexture(GL_TEXTURE0);
    glBindTexture(GL_TEXTURE_2D, tex[0]);
    glBindSampler(0, sampler);
    glActiveTexture(GL_TEXTURE3);
    glBindTexture(GL_TEXTURE_2D, tex[1]);
    glEnable(GL_BLEND);
    glBlendFuncSeparate(GL_SRC_ALPHA, GL_DST_COLOR, GL_ZERO, GL_ONE_MINUS_DST_ALPHA);
    glBlendEquationSeparate(GL_MAX, GL_FUNC_SUBTRACT);
    glEnable(GL_DEPTH_TEST);
    glEnable(GL_SCISSOR_TEST);
    glEnable(GL_CULL_FACE);
    glEnable(GL_STENCIL_TEST);
    glViewport(3, 5, 17, 19);
    glColorMask(GL_TRUE, GL_FALSE, GL_TRUE, GL_FALSE);
    glPixelStorei(GL_UNPACK_ROW_LENGTH, 7);
    glPixelStorei(GL_UNPACK_SKIP_PIXELS, 2);
    glPixelStorei(GL_UNPACK_SKIP_ROWS, 3);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 8);
    glPixelStorei(GL_PACK_ALIGNMENT, 2);
    ASSERT_EQ(glGetError(), GLenum(GL_NO_ERROR));
    const AppState before = AppState::query();

    {
      auto dev = make_device({.emulate_gl33 = gl33, .parallel_for = {}});
      ASSERT_TRUE(dev);
      EXPECT_TRUE(AppState::query() == before) << "create_gl_device";
      std::mt19937 rng(4);
      std::vector<SimPage> pages;
      pages.emplace_back(0, PixelFormat::kCoverage8, 64, 32);
      pages.emplace_back(1, PixelFormat::kColor32, 32, 32);
      int f = 0;
      for (UploadMode mode : {UploadMode::kAsync, UploadMode::kSync, UploadMode::kWholePage}) {
        for (SimPage& p : pages) {
          p.write(p.random_rect(rng, 16), rng);
          p.grow(p.height + 16);  // growth copies through GL too
        }
        ASSERT_TRUE(upload_pages(*dev, pages, mode, nullptr).ok());
        EXPECT_TRUE(AppState::query() == before) << "upload " << upload_mode_name(mode);
        GlyphInstance g[2];
        g[0].w = g[0].h = g[1].w = g[1].h = 10;
        g[0].color = g[1].color = 0xff0000ff;
        DrawBatch b[2] = {{0, 0, 1}, {1, 1, 1}};
        ASSERT_TRUE(dev->draw(g, b, 256, 192).ok());
        EXPECT_TRUE(AppState::query() == before) << "draw";
        std::vector<uint8_t> px;
        ASSERT_TRUE(dev->read_texture(1, &px, nullptr, nullptr).ok());
        EXPECT_TRUE(AppState::query() == before) << "read_texture";
        ASSERT_TRUE(dev->end_frame(uint64_t(++f)).ok());
        dev->completed_frame();
        dev->take_timings();
        EXPECT_TRUE(AppState::query() == before) << "end_frame";
      }
      ASSERT_TRUE(dev->finish().ok());
      // The application's own content got through the odd unpack state untouched.
      for (const SimPage& p : pages) EXPECT_EQ(texture_mismatch(*dev, p), "");
      EXPECT_TRUE(AppState::query() == before) << "finish";
    }
    EXPECT_TRUE(AppState::query() == before) << "device destructor";
    EXPECT_EQ(glGetError(), GLenum(GL_NO_ERROR));

    glUseProgram(0);
    glBindVertexArray(0);
    glBindBuffer(GL_ARRAY_BUFFER, 0);
    glBindBuffer(GL_PIXEL_UNPACK_BUFFER, 0);
    glBindBuffer(GL_PIXEL_PACK_BUFFER, 0);
    glBindSampler(0, 0);
    glDeleteProgram(prog);
    glDeleteShader(vs);
    glDeleteVertexArrays(1, &vao);
    glDeleteBuffers(3, bufs);
    glDeleteTextures(2, tex);
    glDeleteSamplers(1, &sampler);
  }
}

}  // namespace
}  // namespace glyphstream::gpu