// --backend gl: a GLFW window with an OpenGL 3.3 core context; glyphstream draws into its
// default framebuffer.
#include <GLFW/glfw3.h>  // also brings <GL/gl.h>: the demo needs only GL 1.x entry points

#include <cstdio>
#include <cstring>
#include <string>

#include "app.h"
#include "backends.h"

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

int run_gl(const Options& opt) {
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
  GLFWwindow* window = create_demo_window(opt);
  if (!window) {
    std::fprintf(stderr, "scroll_demo: cannot create a window with an OpenGL 3.3 core context\n");
    return 1;
  }
  glfwMakeContextCurrent(window);
  glfwSwapInterval(opt.auto_scroll ? 0 : 1);  // vsync only when someone watches
  int exit_code = 0;
  {
    GlPresenter presenter(window);
    exit_code = run_demo(window, opt, presenter);
  }
  glfwDestroyWindow(window);
  return exit_code;
}
