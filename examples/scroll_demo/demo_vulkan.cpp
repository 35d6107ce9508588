// --backend vulkan: the demo's own Vulkan 1.3 device and swap chain (vk_window.h), with
// glyphstream embedded. Each displayed frame: acquire; pass 1 records a clear and the
// document's draws into one command buffer inside vkCmdBeginRendering and submits it with
// glyphstream's frame sync (and the acquire semaphore); pass 2 records the panel's clear and
// the overlay's draws into a second one, the transition to present (and for --screenshot the
// copy into a host buffer), and submits it with its own frame sync; then present. Two
// glyphstream frames, two submissions: each frame's token is signalled by the submission that
// carries its draws (glyphstream/vulkan_submit.h's entries, appended as they are). The CPU
// waits only for its own fence of the frame slot it reuses.
#include <algorithm>
#include <cstdio>
#include <cstring>

#include "app.h"
#include "backends.h"
#include "vk_presenter.h"
#include "vk_window.h"

namespace gs = glyphstream;

int run_vulkan(const Options& opt) {
  glfwWindowHint(GLFW_CLIENT_API, GLFW_NO_API);
  GLFWwindow* window = create_demo_window(opt);
  if (!window) {
    std::fprintf(stderr, "scroll_demo: cannot create a window for Vulkan\n");
    return 1;
  }
  int exit_code = 1;
  {
    auto win = VkWindow::create(window);
    if (!win.ok()) {
      std::fprintf(stderr, "%s\n", win.status().to_string().c_str());
    } else {
      VulkanPresenter presenter(**win, !opt.auto_scroll);  // vsync only when someone watches
      const gs::Status st = presenter.init();
      if (!st.ok()) {
        std::fprintf(stderr, "%s\n", st.to_string().c_str());
      } else {
        exit_code = run_demo(window, opt, presenter);
      }
    }
  }
  if (vk_validation_messages() > 0) {
    std::fprintf(stderr, "scroll_demo: %d Vulkan validation message(s): failing\n",
                 vk_validation_messages());
    exit_code = 1;
  }
  glfwDestroyWindow(window);
  return exit_code;
}
