// The two ways the demo draws: each creates its window, runs run_demo() with its Presenter and
// returns the exit code. glfwInit() has been called; main() terminates GLFW.
#pragma once

#include "options.h"

struct GLFWwindow;

int run_gl(const Options& opt);      // demo_gl.cpp
int run_vulkan(const Options& opt);  // demo_vulkan.cpp

// The demo's window, with the client-API hints already set (a fixed size in --auto-scroll
// keeps unattended runs comparable). Null on failure (GLFW's error callback has said why).
GLFWwindow* create_demo_window(const Options& opt);
