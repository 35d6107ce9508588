// The Vulkan side of the demo's window, as any application would have it: its own instance
// (validation layer with synchronization validation when GLYPHSTREAM_VK_VALIDATION=1), a GLFW
// window surface, a Vulkan 1.3 device with the features glyphstream needs, a graphics queue
// that can present, a dedicated transfer queue when the device has a transfer-only family, and
// the swap chain (recreated on resize).
#pragma once

#define GLFW_INCLUDE_VULKAN
#include <GLFW/glfw3.h>
#include <glyphstream/status.h>
#include <glyphstream/vulkan.h>

#include <memory>
#include <string>
#include <vector>

glyphstream::Status vk_check(VkResult r, const char* what);

class VkWindow {
 public:
  // Errors: kUnsupported (no Vulkan 1.3 device that can present to the window, a missing
  // layer), kContextFailed.
  static glyphstream::Result<std::unique_ptr<VkWindow>> create(GLFWwindow* window);
  ~VkWindow();

  // (Re)creates the swap chain for a framebuffer of w x h px; waits for the device to go idle
  // first (only here and at exit: never in the frame loop).
  glyphstream::Status recreate_swapchain(int w, int h, bool vsync);

  glyphstream::VulkanDeviceDesc device_desc() const;
  std::string describe() const;
  bool validation() const { return messenger_ != VK_NULL_HANDLE; }

  VkPhysicalDevice physical = VK_NULL_HANDLE;
  VkDevice device = VK_NULL_HANDLE;
  VkQueue graphics_queue = VK_NULL_HANDLE;
  uint32_t graphics_family = UINT32_MAX;
  VkQueue transfer_queue = VK_NULL_HANDLE;  // null without a dedicated transfer family
  uint32_t transfer_family = UINT32_MAX;

  VkSwapchainKHR swapchain = VK_NULL_HANDLE;
  VkFormat format = VK_FORMAT_B8G8R8A8_UNORM;  // chosen once at create()
  VkExtent2D extent{};
  std::vector<VkImage> images;
  std::vector<VkImageView> views;
  // Signalled by the frame's last submission, waited for by its present (one per image: a
  // present may still hold the previous frame's semaphore).
  std::vector<VkSemaphore> rendered;

 private:
  VkWindow() = default;
  glyphstream::Status create_instance(bool validation);
  glyphstream::Status pick_physical_device();
  glyphstream::Status create_device();
  void choose_format();
  void destroy_swapchain_objects();

  VkInstance instance_ = VK_NULL_HANDLE;
  VkDebugUtilsMessengerEXT messenger_ = VK_NULL_HANDLE;
  VkSurfaceKHR surface_ = VK_NULL_HANDLE;
  std::string device_name_;
};

// Validation messages (warnings and errors) of every VkWindow so far, its destruction included;
// each is printed when it arrives.
int vk_validation_messages();
