// --backend gl: a GLFW window with an OpenGL 3.3 core context; glyphstream draws into its
// default framebuffer.
#include <GLFW/glfw3.h>

#include <cstdio>
#include <memory>

#include "app.h"
#include "backends.h"
#include "gl_presenter.h"

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
    const std::unique_ptr<Presenter> presenter = make_gl_presenter(window);
    exit_code = run_demo(window, opt, *presenter);
  }
  glfwDestroyWindow(window);
  return exit_code;
}
