// The OpenGL side of a GLFW window as a Presenter: glyphstream draws into the default
// framebuffer of the window's context (current on the calling thread, 3.3 core or newer);
// clears are scissored glClears; the read-back is glReadPixels of the back buffer.
#pragma once

#include <memory>

#include "presenter.h"

struct GLFWwindow;

std::unique_ptr<Presenter> make_gl_presenter(GLFWwindow* window);
