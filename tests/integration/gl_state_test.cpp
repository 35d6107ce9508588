// The library seen from an application that owns the GL context (issue 8): whatever state the
// application has set, a frame of glyphstream (begin_frame, draw_text, commit, flush) leaves it
// exactly as it was, and draws the same pixels as it does from a clean state.
#include <epoxy/gl.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "glyphstream/headless_gl.h"
#include "glyphstream/text_system.h"

namespace glyphstream {
namespace {

constexpr int kWidth = 480;
constexpr int kHeight = 160;
// The application's active texture unit: unit 1, where the renderer binds colour pages.
constexpr int kHostileUnit = 1;

// Every piece of state the library could plausibly touch, by name, so that a failure says which.
using Snapshot = std::map<std::string, std::vector<double>>;

Snapshot snapshot() {
  Snapshot s;
  auto ints = [&](const char* name, GLenum pname, int n = 1) {
    std::vector<GLint> v(16, -12345);
    glGetIntegerv(pname, v.data());
    s[name].assign(v.begin(), v.begin() + n);
  };
  auto floats = [&](const char* name, GLenum pname, int n) {
    std::vector<GLfloat> v(16, -1);
    glGetFloatv(pname, v.data());
    s[name].assign(v.begin(), v.begin() + n);
  };
  auto bools = [&](const char* name, GLenum pname, int n) {
    std::vector<GLboolean> v(16, 7);
    glGetBooleanv(pname, v.data());
    s[name].assign(v.begin(), v.begin() + n);
  };
  auto enabled = [&](const char* name, GLenum cap) { s[name] = {double(glIsEnabled(cap))}; };

  ints("program", GL_CURRENT_PROGRAM);
  ints("vertex array", GL_VERTEX_ARRAY_BINDING);
  ints("element array buffer (of the VAO)", GL_ELEMENT_ARRAY_BUFFER_BINDING);
  ints("array buffer", GL_ARRAY_BUFFER_BINDING);
  ints("pixel unpack buffer", GL_PIXEL_UNPACK_BUFFER_BINDING);
  ints("pixel pack buffer", GL_PIXEL_PACK_BUFFER_BINDING);
  ints("copy read buffer", GL_COPY_READ_BUFFER_BINDING);
  ints("copy write buffer", GL_COPY_WRITE_BUFFER_BINDING);
  ints("uniform buffer", GL_UNIFORM_BUFFER_BINDING);
  for (GLuint i = 0; i < 4; ++i) {
    GLint v = -1;
    glGetIntegeri_v(GL_UNIFORM_BUFFER_BINDING, i, &v);
    s["uniform buffer binding " + std::to_string(i)] = {double(v)};
  }
  if (epoxy_gl_version() >= 40) ints("draw indirect buffer", GL_DRAW_INDIRECT_BUFFER_BINDING);
  ints("read framebuffer", GL_READ_FRAMEBUFFER_BINDING);
  ints("draw framebuffer", GL_DRAW_FRAMEBUFFER_BINDING);
  ints("renderbuffer", GL_RENDERBUFFER_BINDING);

  GLint active = 0;
  glGetIntegerv(GL_ACTIVE_TEXTURE, &active);
  s["active texture unit"] = {double(active - GL_TEXTURE0)};
  for (int unit = 0; unit < 8; ++unit) {
    glActiveTexture(GLenum(GL_TEXTURE0 + unit));
    ints(("texture 2D on unit " + std::to_string(unit)).c_str(), GL_TEXTURE_BINDING_2D);
    ints(("sampler on unit " + std::to_string(unit)).c_str(), GL_SAMPLER_BINDING);
  }
  glActiveTexture(GLenum(active));

  enabled("blend enabled", GL_BLEND);
  ints("blend src rgb", GL_BLEND_SRC_RGB);
  ints("blend dst rgb", GL_BLEND_DST_RGB);
  ints("blend src alpha", GL_BLEND_SRC_ALPHA);
  ints("blend dst alpha", GL_BLEND_DST_ALPHA);
  ints("blend equation rgb", GL_BLEND_EQUATION_RGB);
  ints("blend equation alpha", GL_BLEND_EQUATION_ALPHA);
  floats("blend color", GL_BLEND_COLOR, 4);
  ints("viewport", GL_VIEWPORT, 4);
  enabled("scissor test", GL_SCISSOR_TEST);
  ints("scissor box", GL_SCISSOR_BOX, 4);
  enabled("depth test", GL_DEPTH_TEST);
  ints("depth func", GL_DEPTH_FUNC);
  bools("depth write mask", GL_DEPTH_WRITEMASK, 1);
  enabled("cull face", GL_CULL_FACE);
  ints("cull face mode", GL_CULL_FACE_MODE);
  ints("front face", GL_FRONT_FACE);
  enabled("stencil test", GL_STENCIL_TEST);
  bools("color write mask", GL_COLOR_WRITEMASK, 4);
  floats("clear color", GL_COLOR_CLEAR_VALUE, 4);
  enabled("framebuffer sRGB", GL_FRAMEBUFFER_SRGB);
  enabled("rasterizer discard", GL_RASTERIZER_DISCARD);
  enabled("polygon offset fill", GL_POLYGON_OFFSET_FILL);
  enabled("sample alpha to coverage", GL_SAMPLE_ALPHA_TO_COVERAGE);
  enabled("primitive restart", GL_PRIMITIVE_RESTART);
  ints("polygon mode", GL_POLYGON_MODE, 1);  // core: one value for both faces

  ints("unpack alignment", GL_UNPACK_ALIGNMENT);
  ints("unpack row length", GL_UNPACK_ROW_LENGTH);
  ints("unpack skip pixels", GL_UNPACK_SKIP_PIXELS);
  ints("unpack skip rows", GL_UNPACK_SKIP_ROWS);
  ints("unpack image height", GL_UNPACK_IMAGE_HEIGHT);
  ints("unpack skip images", GL_UNPACK_SKIP_IMAGES);
  ints("pack alignment", GL_PACK_ALIGNMENT);
  ints("pack row length", GL_PACK_ROW_LENGTH);
  ints("pack skip pixels", GL_PACK_SKIP_PIXELS);
  ints("pack skip rows", GL_PACK_SKIP_ROWS);
  return s;
}

GLuint compile(GLenum type, const char* source) {
  const GLuint shader = glCreateShader(type);
  glShaderSource(shader, 1, &source, nullptr);
  glCompileShader(shader);
  GLint ok = 0;
  glGetShaderiv(shader, GL_COMPILE_STATUS, &ok);
  EXPECT_TRUE(ok) << "test shader does not compile";
  return shader;
}

// GL objects of the "application", and the unusual state it leaves bound.
class AppState {
 public:
  AppState() {
    const GLuint vs = compile(GL_VERTEX_SHADER,
                              "#version 330 core\nlayout(location = 0) in vec2 p;\n"
                              "void main() { gl_Position = vec4(p, 0, 1); }\n");
    const GLuint fs = compile(GL_FRAGMENT_SHADER,
                              "#version 330 core\nout vec4 c;\n"
                              "void main() { c = vec4(1, 0, 1, 1); }\n");
    program_ = glCreateProgram();
    glAttachShader(program_, vs);
    glAttachShader(program_, fs);
    glLinkProgram(program_);
    glDeleteShader(vs);
    glDeleteShader(fs);
    glGenVertexArrays(1, &vao_);
    glGenBuffers(kBuffers, buffers_);
    for (GLuint b : buffers_) {  // give each a store so that every binding is a real buffer
      glBindBuffer(GL_COPY_WRITE_BUFFER, b);
      glBufferData(GL_COPY_WRITE_BUFFER, 4096, nullptr, GL_STATIC_DRAW);
    }
    glGenTextures(2, textures_);
    for (GLuint t : textures_) {
      glBindTexture(GL_TEXTURE_2D, t);
      glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, 4, 4, 0, GL_RGBA, GL_UNSIGNED_BYTE, nullptr);
    }
    glGenSamplers(2, samplers_);
    glGenRenderbuffers(1, &renderbuffer_);
    glBindRenderbuffer(GL_RENDERBUFFER, renderbuffer_);
    glRenderbufferStorage(GL_RENDERBUFFER, GL_RGBA8, 8, 8);
    glGenFramebuffers(1, &read_fb_);
    glBindFramebuffer(GL_FRAMEBUFFER, read_fb_);
    glFramebufferRenderbuffer(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_RENDERBUFFER, renderbuffer_);
  }
  ~AppState() {
    glDeleteFramebuffers(1, &read_fb_);
    glDeleteRenderbuffers(1, &renderbuffer_);
    glDeleteSamplers(2, samplers_);
    glDeleteTextures(2, textures_);
    glDeleteBuffers(kBuffers, buffers_);
    glDeleteVertexArrays(1, &vao_);
    glDeleteProgram(program_);
  }

  // Binds and sets everything unusual. `draw_fb` is where the text must land.
  void set_hostile(GLuint draw_fb, bool break_drawing, bool wireframe) {
    glUseProgram(program_);
    glBindVertexArray(vao_);
    glBindBuffer(GL_ELEMENT_ARRAY_BUFFER, buffers_[0]);
    glBindBuffer(GL_ARRAY_BUFFER, buffers_[1]);
    glBindBuffer(GL_PIXEL_UNPACK_BUFFER, buffers_[2]);
    glBindBuffer(GL_PIXEL_PACK_BUFFER, buffers_[3]);
    glBindBuffer(GL_COPY_READ_BUFFER, buffers_[4]);
    glBindBuffer(GL_COPY_WRITE_BUFFER, buffers_[5]);
    glBindBufferBase(GL_UNIFORM_BUFFER, 0, buffers_[6]);
    glBindBufferBase(GL_UNIFORM_BUFFER, 1, buffers_[7]);
    glBindBuffer(GL_UNIFORM_BUFFER, buffers_[8]);
    if (epoxy_gl_version() >= 40) glBindBuffer(GL_DRAW_INDIRECT_BUFFER, buffers_[9]);
    glBindFramebuffer(GL_DRAW_FRAMEBUFFER, draw_fb);
    glBindFramebuffer(GL_READ_FRAMEBUFFER, read_fb_);
    glBindRenderbuffer(GL_RENDERBUFFER, renderbuffer_);

    glActiveTexture(GL_TEXTURE0);
    glBindTexture(GL_TEXTURE_2D, textures_[0]);
    glBindSampler(0, samplers_[0]);
    glActiveTexture(GL_TEXTURE0 + kHostileUnit);
    glBindTexture(GL_TEXTURE_2D, textures_[1]);
    glBindSampler(kHostileUnit, samplers_[1]);

    glEnable(GL_BLEND);
    glBlendFuncSeparate(GL_ZERO, GL_ONE, GL_ONE_MINUS_DST_ALPHA, GL_SRC_ALPHA_SATURATE);
    glBlendEquationSeparate(GL_MAX, GL_FUNC_REVERSE_SUBTRACT);
    glBlendColor(0.125f, 0.25f, 0.5f, 0.75f);
    glViewport(3, 5, 111, 77);
    glEnable(GL_SCISSOR_TEST);
    glScissor(0, 0, kWidth, kHeight);  // covers everything: clipping is the application's right
    glEnable(GL_DEPTH_TEST);
    glDepthFunc(GL_GREATER);
    glDepthMask(GL_FALSE);
    glEnable(GL_CULL_FACE);
    glCullFace(GL_FRONT_AND_BACK);
    glFrontFace(GL_CW);
    glEnable(GL_STENCIL_TEST);
    glEnable(GL_POLYGON_OFFSET_FILL);
    glEnable(GL_PRIMITIVE_RESTART);
    glClearColor(0.3f, 0.6f, 0.9f, 0.5f);
    if (break_drawing) {
      // State under which no ordinary draw would produce the same pixels.
      glColorMask(GL_TRUE, GL_FALSE, GL_TRUE, GL_FALSE);
      glEnable(GL_RASTERIZER_DISCARD);
      glEnable(GL_SAMPLE_ALPHA_TO_COVERAGE);
    }
    // An application's debug wireframe view (Dear ImGui's GL3 backend guards against it too).
    if (wireframe) glPolygonMode(GL_FRONT_AND_BACK, GL_LINE);

    glPixelStorei(GL_UNPACK_ALIGNMENT, 2);
    glPixelStorei(GL_UNPACK_ROW_LENGTH, 7);
    glPixelStorei(GL_UNPACK_SKIP_PIXELS, 3);
    glPixelStorei(GL_UNPACK_SKIP_ROWS, 4);
    glPixelStorei(GL_UNPACK_IMAGE_HEIGHT, 9);
    glPixelStorei(GL_UNPACK_SKIP_IMAGES, 1);
    glPixelStorei(GL_PACK_ALIGNMENT, 8);
    glPixelStorei(GL_PACK_ROW_LENGTH, 5);
    glPixelStorei(GL_PACK_SKIP_PIXELS, 2);
    glPixelStorei(GL_PACK_SKIP_ROWS, 1);
  }

 private:
  static constexpr int kBuffers = 10;
  GLuint program_ = 0, vao_ = 0, buffers_[kBuffers] = {}, textures_[2] = {}, samplers_[2] = {};
  GLuint renderbuffer_ = 0, read_fb_ = 0;
};

// Back to the GL defaults (with `fb` bound), so that HeadlessGl's clear and read-back behave.
void reset_state(GLuint fb) {
  glUseProgram(0);
  glBindVertexArray(0);
  for (GLenum target : {GL_ARRAY_BUFFER, GL_PIXEL_UNPACK_BUFFER, GL_PIXEL_PACK_BUFFER,
                        GL_COPY_READ_BUFFER, GL_COPY_WRITE_BUFFER, GL_UNIFORM_BUFFER}) {
    glBindBuffer(target, 0);
  }
  glBindBufferBase(GL_UNIFORM_BUFFER, 0, 0);
  glBindBufferBase(GL_UNIFORM_BUFFER, 1, 0);
  if (epoxy_gl_version() >= 40) glBindBuffer(GL_DRAW_INDIRECT_BUFFER, 0);
  glBindFramebuffer(GL_FRAMEBUFFER, fb);
  glBindRenderbuffer(GL_RENDERBUFFER, 0);
  for (int unit : {kHostileUnit, 0}) {
    glActiveTexture(GLenum(GL_TEXTURE0 + unit));
    glBindTexture(GL_TEXTURE_2D, 0);
    glBindSampler(GLuint(unit), 0);
  }
  for (GLenum cap : {GL_BLEND, GL_SCISSOR_TEST, GL_DEPTH_TEST, GL_CULL_FACE, GL_STENCIL_TEST,
                     GL_POLYGON_OFFSET_FILL, GL_PRIMITIVE_RESTART, GL_RASTERIZER_DISCARD,
                     GL_SAMPLE_ALPHA_TO_COVERAGE, GL_FRAMEBUFFER_SRGB}) {
    glDisable(cap);
  }
  glBlendFunc(GL_ONE, GL_ZERO);
  glBlendEquation(GL_FUNC_ADD);
  glBlendColor(0, 0, 0, 0);
  glViewport(0, 0, kWidth, kHeight);
  glScissor(0, 0, kWidth, kHeight);
  glDepthFunc(GL_LESS);
  glDepthMask(GL_TRUE);
  glCullFace(GL_BACK);
  glFrontFace(GL_CCW);
  glColorMask(GL_TRUE, GL_TRUE, GL_TRUE, GL_TRUE);
  glPolygonMode(GL_FRONT_AND_BACK, GL_FILL);
  glClearColor(0, 0, 0, 0);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
  glPixelStorei(GL_PACK_ALIGNMENT, 4);
  for (GLenum p :
       {GL_UNPACK_ROW_LENGTH, GL_UNPACK_SKIP_PIXELS, GL_UNPACK_SKIP_ROWS, GL_UNPACK_IMAGE_HEIGHT,
        GL_UNPACK_SKIP_IMAGES, GL_PACK_ROW_LENGTH, GL_PACK_SKIP_PIXELS, GL_PACK_SKIP_ROWS}) {
    glPixelStorei(p, 0);
  }
}

void drain_gl_errors() {
  while (glGetError() != GL_NO_ERROR) {
  }
}

class GlState : public ::testing::TestWithParam<UploadMode> {
 protected:
  void SetUp() override {
    auto gl = HeadlessGl::create({kWidth, kHeight});
    ASSERT_TRUE(gl.ok()) << gl.status().to_string();
    gl_ = std::move(gl).value();
    ASSERT_TRUE(gl_->make_current().ok());
    GLint fb = 0;
    glGetIntegerv(GL_DRAW_FRAMEBUFFER_BINDING, &fb);
    fb_ = GLuint(fb);
  }

  std::unique_ptr<TextSystem> make_system() {
    TextSystemDesc desc;
    desc.upload_mode_set = true;
    desc.upload_mode = GetParam();
    auto ts = TextSystem::create(desc);
    EXPECT_TRUE(ts.ok()) << ts.status().to_string();
    return ts.ok() ? std::move(ts).value() : nullptr;
  }

  // One frame; new text (new glyphs to upload) on every call with a new `frame`.
  void frame(TextSystem* ts, int frame) {
    TextStyle style;
    style.font = "Sans 22";
    style.color = Color::from_rgba8(0x202020ffu);
    ASSERT_TRUE(ts->begin_frame(kWidth, kHeight).ok());
    const std::string lines[] = {"State is yours, pixels are ours", "Ξεσκεπάζω Съешь ещё 流式字形",
                                 "Frame two: 𝛼 ≠ β — γλώσσα", "नमस्ते مرحبا 😀"};
    ASSERT_TRUE(ts->draw_text(10, 10, lines[frame % 4], style).ok());
    ASSERT_TRUE(ts->measure("measure() too", style).ok());
    ASSERT_TRUE(ts->commit().ok());
    ASSERT_TRUE(ts->draw_text(10, 80, "after commit " + std::to_string(frame), style).ok());
    ASSERT_TRUE(ts->flush().ok());
  }

  std::vector<uint8_t> read_back() {
    reset_state(fb_);
    std::vector<uint8_t> rgba;
    EXPECT_TRUE(gl_->read_pixels(&rgba).ok());
    return rgba;
  }

  // Renders one frame from a clean state and one under hostile state, each with a fresh text
  // system (so that every glyph is uploaded under that state); returns the differing bytes.
  int compare_clean_and_hostile(bool wireframe) {
    std::vector<uint8_t> images[2];
    for (int hostile = 0; hostile < 2; ++hostile) {
      auto ts = make_system();
      if (!ts) return -1;
      AppState app;
      reset_state(fb_);
      gl_->clear(1, 1, 1, 1);
      if (hostile) app.set_hostile(fb_, /*break_drawing=*/!wireframe, wireframe);
      frame(ts.get(), 1);
      EXPECT_TRUE(ts->finish().ok());
      images[hostile] = read_back();
    }
    int ink = 0;
    for (size_t i = 0; i < images[0].size(); i += 4) ink += images[0][i] < 128;
    EXPECT_GT(ink, 200) << "no text drawn in the clean state";
    int differing = 0;
    for (size_t i = 0; i < images[0].size(); ++i) differing += images[0][i] != images[1][i];
    return differing;
  }

  std::unique_ptr<HeadlessGl> gl_;
  GLuint fb_ = 0;
};

TEST_P(GlState, FramesLeaveTheApplicationsStateAsTheyFoundIt) {
  auto ts = make_system();
  ASSERT_NE(ts, nullptr);
  AppState app;
  for (bool break_drawing : {false, true}) {
    for (int f = 0; f < 4; ++f) {
      reset_state(fb_);
      app.set_hostile(fb_, break_drawing, /*wireframe=*/break_drawing);
      drain_gl_errors();
      const Snapshot before = snapshot();
      // The snapshot sees the application's state (not defaults).
      ASSERT_NE(before.at("program")[0], 0);
      ASSERT_EQ(before.at("active texture unit")[0], kHostileUnit);
      ASSERT_EQ(before.at("blend equation rgb")[0], GL_MAX);
      ASSERT_EQ(before.at("unpack row length")[0], 7);
      frame(ts.get(), f + (break_drawing ? 4 : 0));
      EXPECT_EQ(glGetError(), GLenum(GL_NO_ERROR)) << "frame " << f;
      const Snapshot after = snapshot();
      for (const auto& [name, value] : before) {
        EXPECT_EQ(after.at(name), value)
            << name << " changed (frame " << f << (break_drawing ? ", drawing-breaking state" : "")
            << ")";
      }
    }
  }
  reset_state(fb_);
  EXPECT_TRUE(ts->finish().ok());
}

// The library sets what it needs itself: an application's odd state (blending, masks, depth,
// culling, rasterizer discard, bound unpack buffer, pixel-store parameters...) changes none of
// its pixels.
TEST_P(GlState, DrawsTheSamePixelsWhateverTheApplicationsState) {
  EXPECT_EQ(compare_clean_and_hostile(/*wireframe=*/false), 0)
      << "bytes that differ between clean and hostile application state";
}

// glPolygonMode(GL_LINE) left on by the application must not turn text into outlines.
TEST_P(GlState, DrawsFilledQuadsUnderAWireframePolygonMode) {
  EXPECT_EQ(compare_clean_and_hostile(/*wireframe=*/true), 0)
      << "bytes that differ when the application left glPolygonMode(GL_FRONT_AND_BACK, GL_LINE)";
}

// An application that scissors its panel keeps its scissor for glyphstream's draws: nothing is
// lit outside the box, the pixels inside equal an unscissored frame's, and the scissor test and
// box are still the application's afterwards.
TEST_P(GlState, KeepsTheApplicationsScissor) {
  // The panel in top-down pixels, and as glScissor takes it (bottom-up).
  constexpr int kX = 60, kY = 20, kW = 200, kH = 60;
  const GLint box[4] = {kX, kHeight - kY - kH, kW, kH};
  std::vector<uint8_t> images[2];
  for (int scissored = 0; scissored < 2; ++scissored) {
    auto ts = make_system();
    ASSERT_NE(ts, nullptr);
    reset_state(fb_);
    gl_->clear(1, 1, 1, 1);
    if (scissored) {
      glEnable(GL_SCISSOR_TEST);
      glScissor(box[0], box[1], box[2], box[3]);
    }
    frame(ts.get(), 1);
    if (scissored) {
      EXPECT_TRUE(glIsEnabled(GL_SCISSOR_TEST));
      GLint after[4] = {};
      glGetIntegerv(GL_SCISSOR_BOX, after);
      EXPECT_TRUE(std::equal(after, after + 4, box)) << "the scissor box changed";
    }
    EXPECT_TRUE(ts->finish().ok());
    images[scissored] = read_back();
  }
  int lit_outside = 0, differing_inside = 0, ink_inside = 0, ink_outside = 0;
  for (int y = 0; y < kHeight; ++y) {
    for (int x = 0; x < kWidth; ++x) {
      const size_t i = (size_t(y) * kWidth + size_t(x)) * 4;
      const bool inside = x >= kX && x < kX + kW && y >= kY && y < kY + kH;
      const bool ink = images[0][i] != 255 || images[0][i + 1] != 255 || images[0][i + 2] != 255;
      const bool white = images[1][i] == 255 && images[1][i + 1] == 255 && images[1][i + 2] == 255;
      const bool same = std::equal(&images[1][i], &images[1][i] + 4, &images[0][i]);
      (inside ? ink_inside : ink_outside) += ink;
      if (!inside && !white) ++lit_outside;
      if (inside && !same) ++differing_inside;
    }
  }
  EXPECT_GT(ink_inside, 100) << "the case draws text inside the scissor box";
  EXPECT_GT(ink_outside, 100) << "and outside it";
  EXPECT_EQ(lit_outside, 0) << "pixels lit outside the application's scissor box";
  EXPECT_EQ(differing_inside, 0);
}

INSTANTIATE_TEST_SUITE_P(Modes, GlState,
                         ::testing::Values(UploadMode::kAsync, UploadMode::kSync,
                                           UploadMode::kWholePage),
                         [](const ::testing::TestParamInfo<UploadMode>& info) {
                           std::string name(upload_mode_name(info.param));
                           for (char& c : name) c = c == '-' ? '_' : c;
                           return name;
                         });

}  // namespace
}  // namespace glyphstream
