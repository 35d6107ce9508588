// The OpenGL presenter (see gl_presenter.h).
#include "gl_presenter.h"

#include <GLFW/glfw3.h>  // also brings <GL/gl.h>: only GL 1.x entry points are needed

#include <cstring>
#include <string>

namespace gs = glyphstream;

namespace {

class GlPresenter : public Presenter {
 public:
  explicit GlPresenter(GLFWwindow* window) : window_(window) {}

  gs::Result<std::unique_ptr<gs::TextSystem>> create_text_system(
      const gs::TextSystemDesc& desc) override {
    return gs::TextSystem::create(desc);  // GL is the default backend; the context is current
  }
  std::string describe() const override {
    return std::string("GL ") + reinterpret_cast<const char*>(glGetString(GL_VERSION));
  }
  gs::Status begin_frame(int w, int h, bool* skip) override {
    *skip = false;
    width_ = w, height_ = h;
    glViewport(0, 0, w, h);
    return {};
  }
  gs::Status begin_pass(gs::TextSystem&, RectI area, const float color[3]) override {
    return clear(area, color);
  }
  gs::Status clear(RectI area, const float color[3]) override {
    glEnable(GL_SCISSOR_TEST);
    glScissor(area.x0, height_ - area.y1, area.x1 - area.x0, area.y1 - area.y0);
    glClearColor(color[0], color[1], color[2], 1);
    glClear(GL_COLOR_BUFFER_BIT);
    glDisable(GL_SCISSOR_TEST);
    return {};
  }
  gs::Status end_pass(gs::TextSystem&, bool /*last*/, std::vector<uint8_t>* rgb) override {
    if (rgb) read_back_buffer(rgb);
    return {};
  }
  gs::Status present() override {
    glfwSwapBuffers(window_);
    return {};
  }
  void wait_idle() override { glFinish(); }

 private:
  // Reads the back buffer (before the swap) as RGB, top row first.
  void read_back_buffer(std::vector<uint8_t>* rgb) const {
    const int w = width_, h = height_;
    std::vector<uint8_t> rgba(size_t(w) * size_t(h) * 4);
    rgb->resize(size_t(w) * size_t(h) * 3);
    glReadBuffer(GL_BACK);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadPixels(0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, rgba.data());
    for (int y = 0; y < h; ++y) {
      const uint8_t* src = rgba.data() + size_t(h - 1 - y) * size_t(w) * 4;
      uint8_t* dst = rgb->data() + size_t(y) * size_t(w) * 3;
      for (int x = 0; x < w; ++x) std::memcpy(dst + x * 3, src + x * 4, 3);
    }
  }

  GLFWwindow* window_;
  int width_ = 0, height_ = 0;
};

}  // namespace

std::unique_ptr<Presenter> make_gl_presenter(GLFWwindow* window) {
  return std::make_unique<GlPresenter>(window);
}
