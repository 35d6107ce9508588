// Keyboard and mouse: every binding of the demo is in input.cpp.
#pragma once

struct App;
struct GLFWwindow;

// Sets the window's key and scroll callbacks; they act on `app` (ignored in --auto-scroll).
void install_input(GLFWwindow* window, App* app);
