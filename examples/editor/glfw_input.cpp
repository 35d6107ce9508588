// GLFW's callbacks as InputEvents (see glfw_input.h).
#include "glfw_input.h"

#include <GLFW/glfw3.h>

#include "input.h"

namespace {

WindowInput* state_of(GLFWwindow* window) {
  return static_cast<WindowInput*>(glfwGetWindowUserPointer(window));
}

void deliver(GLFWwindow* window, const InputEvent& e) {
  WindowInput* s = state_of(window);
  glyphstream::Status st = apply(*s->editor, e, &s->quit);
  if (!st.ok() && s->error.ok()) s->error = st;
  if (s->quit) glfwSetWindowShouldClose(window, GLFW_TRUE);
}

// Window coordinates to framebuffer px (they differ on scaled displays).
void cursor_px(GLFWwindow* window, double x, double y, float* px, float* py) {
  int ww = 0, wh = 0, fw = 0, fh = 0;
  glfwGetWindowSize(window, &ww, &wh);
  glfwGetFramebufferSize(window, &fw, &fh);
  *px = float(ww > 0 ? x * fw / ww : x);
  *py = float(wh > 0 ? y * fh / wh : y);
}

void on_button(GLFWwindow* window, int button, int action, int mods) {
  if (button != GLFW_MOUSE_BUTTON_LEFT) return;
  double cx = 0, cy = 0;
  glfwGetCursorPos(window, &cx, &cy);
  InputEvent e;
  e.kind = action == GLFW_PRESS ? InputEvent::Kind::kPress : InputEvent::Kind::kRelease;
  cursor_px(window, cx, cy, &e.x, &e.y);
  e.shift = (mods & GLFW_MOD_SHIFT) != 0;
  deliver(window, e);
}

void on_cursor(GLFWwindow* window, double cx, double cy) {
  if (glfwGetMouseButton(window, GLFW_MOUSE_BUTTON_LEFT) != GLFW_PRESS) return;
  InputEvent e;
  e.kind = InputEvent::Kind::kMove;
  cursor_px(window, cx, cy, &e.x, &e.y);
  deliver(window, e);
}

void on_scroll(GLFWwindow* window, double /*dx*/, double dy) {
  InputEvent e;
  e.kind = InputEvent::Kind::kScroll;
  e.y = float(-dy * 48);
  deliver(window, e);
}

Key key_of(int key, int mods) {
  switch (key) {
    case GLFW_KEY_LEFT:
      return Key::kLeft;
    case GLFW_KEY_RIGHT:
      return Key::kRight;
    case GLFW_KEY_UP:
      return Key::kUp;
    case GLFW_KEY_DOWN:
      return Key::kDown;
    case GLFW_KEY_HOME:
      return Key::kHome;
    case GLFW_KEY_END:
      return Key::kEnd;
    case GLFW_KEY_A:
      return (mods & GLFW_MOD_CONTROL) ? Key::kSelectAll : Key::kAlign;
    case GLFW_KEY_Q:
    case GLFW_KEY_ESCAPE:
      return Key::kQuit;
    default:
      return Key::kNone;
  }
}

void on_key(GLFWwindow* window, int key, int /*scancode*/, int action, int mods) {
  if (action == GLFW_RELEASE) return;
  InputEvent e;
  e.kind = InputEvent::Kind::kKey;
  e.key = key_of(key, mods);
  e.shift = (mods & GLFW_MOD_SHIFT) != 0;
  if (e.key == Key::kAlign && action == GLFW_REPEAT) return;
  if (e.key != Key::kNone) deliver(window, e);
}

}  // namespace

void install_glfw_input(GLFWwindow* window, WindowInput* state) {
  glfwSetWindowUserPointer(window, state);
  glfwSetMouseButtonCallback(window, on_button);
  glfwSetCursorPosCallback(window, on_cursor);
  glfwSetScrollCallback(window, on_scroll);
  glfwSetKeyCallback(window, on_key);
}
