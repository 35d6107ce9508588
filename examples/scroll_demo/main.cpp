// scroll_demo: an application with its own window that draws a long, scrolling multilingual
// document with glyphstream every frame, plus an overlay of per-frame statistics drawn with
// glyphstream too. Built against the installed package only. Two backends: an OpenGL 3.3
// context (default) or the demo's own Vulkan 1.3 device and swap chain (--backend vulkan),
// with glyphstream embedded into its command buffers.
//
// Interactive: mouse wheel, arrows, PageUp/PageDown, Home/End scroll; Ctrl + wheel or +/- zoom
// (TextSystem::draw_text_scaled; 0 resets); M cycles the upload mode
// (async -> sync -> whole-page); Q or Escape quits.
// Unattended: --auto-scroll --frames N --screenshot FILE.png [--upload-mode MODE] [--check]
//
// Files: options (command line), document (the text), app (scroll state and the frame loop
// both backends share), overlay (statistics panel), input (key and wheel bindings),
// screenshot (PNG and check), demo_gl and demo_vulkan + vk_window (one per backend).
#include <GLFW/glfw3.h>

#include <cstdio>

#include "backends.h"
#include "options.h"

namespace {

void on_glfw_error(int code, const char* message) {
  std::fprintf(stderr, "scroll_demo: GLFW error 0x%x: %s\n", code, message);
}

}  // namespace

GLFWwindow* create_demo_window(const Options& opt) {
  glfwWindowHint(GLFW_RESIZABLE, opt.auto_scroll ? GLFW_FALSE : GLFW_TRUE);
  return glfwCreateWindow(opt.width, opt.height, "glyphstream scroll demo", nullptr, nullptr);
}

int main(int argc, char** argv) {
  Options opt;
  const int parsed = parse_options(argc, argv, &opt);
  if (parsed != 0) return parsed < 0 ? 0 : parsed;
  glfwSetErrorCallback(on_glfw_error);
  if (!glfwInit()) {
    std::fprintf(stderr, "scroll_demo: cannot initialize GLFW (is DISPLAY set?)\n");
    return 1;
  }
  const int exit_code = opt.backend == glyphstream::GpuApi::kVulkan ? run_vulkan(opt) : run_gl(opt);
  glfwTerminate();
  return exit_code;
}
