// GLFW's callbacks as InputEvents (input.h): the only place that knows GLFW's key codes.
#pragma once

#include <glyphstream/status.h>

struct GLFWwindow;
class Editor;

struct WindowInput {
  Editor* editor = nullptr;
  glyphstream::Status error;  // the first failure of an applied event
  bool quit = false;
};

// Installs the mouse, key and scroll callbacks of `window`, acting on `state` (which must
// outlive the window's callbacks).
void install_glfw_input(GLFWwindow* window, WindowInput* state);
