// Keyboard and mouse (see input.h).
#include "input.h"

#include <GLFW/glfw3.h>

#include <algorithm>
#include <cmath>

#include "app.h"

namespace {

void on_key(GLFWwindow* window, int key, int /*scancode*/, int action, int /*mods*/) {
  auto* app = static_cast<App*>(glfwGetWindowUserPointer(window));
  if (action == GLFW_RELEASE || app->opt.auto_scroll) return;
  const double page = std::max(40, app->fb_height - 60);
  switch (key) {
    case GLFW_KEY_DOWN:
      app->scroll_by(40);
      break;
    case GLFW_KEY_UP:
      app->scroll_by(-40);
      break;
    case GLFW_KEY_PAGE_DOWN:
    case GLFW_KEY_SPACE:
      app->scroll_by(page);
      break;
    case GLFW_KEY_PAGE_UP:
      app->scroll_by(-page);
      break;
    case GLFW_KEY_HOME:
      app->scroll = 0;
      break;
    case GLFW_KEY_END:
      app->scroll_by(1e12);
      break;
    case GLFW_KEY_M:
      if (action == GLFW_PRESS) app->cycle_mode();
      break;
    case GLFW_KEY_EQUAL:
    case GLFW_KEY_KP_ADD:
      app->zoom = std::min(8.0f, app->zoom * 1.1f);
      break;
    case GLFW_KEY_MINUS:
    case GLFW_KEY_KP_SUBTRACT:
      app->zoom = std::max(0.25f, app->zoom / 1.1f);
      break;
    case GLFW_KEY_0:
      app->zoom = 1;
      break;
    case GLFW_KEY_Q:
    case GLFW_KEY_ESCAPE:
      glfwSetWindowShouldClose(window, GLFW_TRUE);
      break;
    default:
      break;
  }
}

void on_scroll(GLFWwindow* window, double /*dx*/, double dy) {
  auto* app = static_cast<App*>(glfwGetWindowUserPointer(window));
  if (app->opt.auto_scroll) return;
  if (glfwGetKey(window, GLFW_KEY_LEFT_CONTROL) == GLFW_PRESS ||
      glfwGetKey(window, GLFW_KEY_RIGHT_CONTROL) == GLFW_PRESS) {
    app->zoom = std::clamp(app->zoom * float(std::pow(1.05, dy)), 0.25f, 8.0f);
  } else {
    app->scroll_by(-dy * 60 / app->zoom);
  }
}

}  // namespace

void install_input(GLFWwindow* window, App* app) {
  glfwSetWindowUserPointer(window, app);
  glfwSetKeyCallback(window, on_key);
  glfwSetScrollCallback(window, on_scroll);
}
