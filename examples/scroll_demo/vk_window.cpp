// The demo's Vulkan instance, device and swap chain (see vk_window.h).
#include "vk_window.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace gs = glyphstream;

gs::Status vk_check(VkResult r, const char* what) {
  if (r == VK_SUCCESS) return {};
  return {gs::ErrorCode::kContextFailed,
          std::string("scroll_demo: ") + what + " failed (VkResult " + std::to_string(r) + ")"};
}

namespace {

constexpr const char* kValidationLayer = "VK_LAYER_KHRONOS_validation";

std::atomic<int> g_validation_messages{0};

VKAPI_ATTR VkBool32 VKAPI_CALL on_validation_message(
    VkDebugUtilsMessageSeverityFlagBitsEXT severity, VkDebugUtilsMessageTypeFlagsEXT,
    const VkDebugUtilsMessengerCallbackDataEXT* data, void* /*user*/) {
  // glyphstream keeps its atlas pages in VK_IMAGE_LAYOUT_GENERAL on purpose (a layout change
  // would make a transfer-queue copy wait for every frame that samples the page); the layer's
  // performance hint about it is the one message that is not counted, as in glyphstream's own
  // tests (src/gpu/vulkan/vk_context.cpp).
  if (data && data->pMessageIdName &&
      std::strcmp(data->pMessageIdName, "UNASSIGNED-CoreValidation-DrawState-InvalidImageLayout") ==
          0) {
    return VK_FALSE;
  }
  ++g_validation_messages;
  std::fprintf(stderr, "scroll_demo: vulkan validation %s: %s\n",
               severity >= VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT ? "error" : "warning",
               data && data->pMessage ? data->pMessage : "(no message)");
  return VK_FALSE;
}

bool env_flag(const char* name) {
  const char* v = std::getenv(name);
  return v && std::strcmp(v, "1") == 0;
}

// GLYPHSTREAM_VK_DEVICE, as for glyphstream's own contexts: a substring of the device name
// (case-insensitive) that the chosen device must have.
bool wanted_device(const char* name) {
  const char* want = std::getenv("GLYPHSTREAM_VK_DEVICE");
  if (!want || !*want) return true;
  auto lower = [](std::string t) {
    for (char& c : t) c = char(std::tolower(static_cast<unsigned char>(c)));
    return t;
  };
  return lower(name).find(lower(want)) != std::string::npos;
}

bool has_layer(const char* name) {
  uint32_t n = 0;
  vkEnumerateInstanceLayerProperties(&n, nullptr);
  std::vector<VkLayerProperties> layers(n);
  vkEnumerateInstanceLayerProperties(&n, layers.data());
  return std::any_of(layers.begin(), layers.end(), [&](const VkLayerProperties& l) {
    return std::strcmp(l.layerName, name) == 0;
  });
}

// Vulkan 1.3 with the features glyphstream's embedded mode needs (vulkan.h).
bool has_features(VkPhysicalDevice d) {
  VkPhysicalDeviceProperties props;
  vkGetPhysicalDeviceProperties(d, &props);
  if (props.apiVersion < VK_API_VERSION_1_3) return false;
  VkPhysicalDeviceVulkan13Features v13{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES};
  VkPhysicalDeviceVulkan12Features v12{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES};
  v12.pNext = &v13;
  VkPhysicalDeviceFeatures2 f{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2};
  f.pNext = &v12;
  vkGetPhysicalDeviceFeatures2(d, &f);
  return v12.timelineSemaphore && v12.hostQueryReset && v13.dynamicRendering &&
         v13.synchronization2;
}

}  // namespace

int vk_validation_messages() { return g_validation_messages.load(); }

gs::Result<std::unique_ptr<VkWindow>> VkWindow::create(GLFWwindow* window) {
  if (!glfwVulkanSupported()) {
    return gs::Status{gs::ErrorCode::kUnsupported,
                      "scroll_demo: GLFW finds no Vulkan loader (Debian: libvulkan1)"};
  }
  std::unique_ptr<VkWindow> w(new VkWindow());
  GS_TRY(w->create_instance(env_flag("GLYPHSTREAM_VK_VALIDATION")));
  GS_TRY(vk_check(glfwCreateWindowSurface(w->instance_, window, nullptr, &w->surface_),
                  "glfwCreateWindowSurface"));
  GS_TRY(w->pick_physical_device());
  GS_TRY(w->create_device());
  w->choose_format();
  return w;
}

// Once, before glyphstream is created with it (VulkanDeviceDesc::color_format): UNORM as GL's
// default framebuffer, so glyphstream's blending gives the same bytes.
void VkWindow::choose_format() {
  uint32_t nf = 0;
  vkGetPhysicalDeviceSurfaceFormatsKHR(physical, surface_, &nf, nullptr);
  std::vector<VkSurfaceFormatKHR> formats(nf);
  vkGetPhysicalDeviceSurfaceFormatsKHR(physical, surface_, &nf, formats.data());
  const bool bgra = std::any_of(formats.begin(), formats.end(), [](VkSurfaceFormatKHR f) {
    return f.format == VK_FORMAT_B8G8R8A8_UNORM;
  });
  format = bgra ? VK_FORMAT_B8G8R8A8_UNORM : VK_FORMAT_R8G8B8A8_UNORM;
}

gs::Status VkWindow::create_instance(bool validation) {
  VkApplicationInfo app{VK_STRUCTURE_TYPE_APPLICATION_INFO};
  app.pApplicationName = "glyphstream scroll demo";
  app.apiVersion = VK_API_VERSION_1_3;
  uint32_t glfw_count = 0;
  const char** glfw_extensions = glfwGetRequiredInstanceExtensions(&glfw_count);
  std::vector<const char*> extensions(glfw_extensions, glfw_extensions + glfw_count);
  const char* layers[] = {kValidationLayer};
  const VkValidationFeatureEnableEXT enables[] = {
      VK_VALIDATION_FEATURE_ENABLE_SYNCHRONIZATION_VALIDATION_EXT};
  VkValidationFeaturesEXT features{VK_STRUCTURE_TYPE_VALIDATION_FEATURES_EXT};
  VkDebugUtilsMessengerCreateInfoEXT messenger{
      VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT};
  messenger.messageSeverity = VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT |
                              VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT;
  messenger.messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT |
                          VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT |
                          VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT;
  messenger.pfnUserCallback = on_validation_message;
  VkInstanceCreateInfo info{VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO};
  info.pApplicationInfo = &app;
  if (validation) {
    if (!has_layer(kValidationLayer)) {
      return {gs::ErrorCode::kUnsupported,
              "scroll_demo: GLYPHSTREAM_VK_VALIDATION=1, but VK_LAYER_KHRONOS_validation is not "
              "installed (Debian: vulkan-validationlayers)"};
    }
    extensions.push_back(VK_EXT_DEBUG_UTILS_EXTENSION_NAME);
    features.enabledValidationFeatureCount = 1;
    features.pEnabledValidationFeatures = enables;
    features.pNext = &messenger;  // also sees instance creation and destruction
    info.pNext = &features;
    info.enabledLayerCount = 1;
    info.ppEnabledLayerNames = layers;
  }
  info.enabledExtensionCount = uint32_t(extensions.size());
  info.ppEnabledExtensionNames = extensions.data();
  GS_TRY(vk_check(vkCreateInstance(&info, nullptr, &instance_), "vkCreateInstance"));
  if (!validation) return {};
  auto create = reinterpret_cast<PFN_vkCreateDebugUtilsMessengerEXT>(
      vkGetInstanceProcAddr(instance_, "vkCreateDebugUtilsMessengerEXT"));
  if (!create) return {gs::ErrorCode::kUnsupported, "scroll_demo: no VK_EXT_debug_utils"};
  return vk_check(create(instance_, &messenger, nullptr, &messenger_),
                  "vkCreateDebugUtilsMessengerEXT");
}

// The first device (a discrete GPU preferred; GLYPHSTREAM_VK_DEVICE names one) with the
// features, a graphics family that can present to the surface, and the swap chain extension.
gs::Status VkWindow::pick_physical_device() {
  uint32_t n = 0;
  vkEnumeratePhysicalDevices(instance_, &n, nullptr);
  std::vector<VkPhysicalDevice> devices(n);
  vkEnumeratePhysicalDevices(instance_, &n, devices.data());
  std::stable_partition(devices.begin(), devices.end(), [](VkPhysicalDevice d) {
    VkPhysicalDeviceProperties p;
    vkGetPhysicalDeviceProperties(d, &p);
    return p.deviceType == VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU;
  });
  for (VkPhysicalDevice d : devices) {
    VkPhysicalDeviceProperties props;
    vkGetPhysicalDeviceProperties(d, &props);
    if (!wanted_device(props.deviceName) || !has_features(d)) continue;
    uint32_t qn = 0;
    vkGetPhysicalDeviceQueueFamilyProperties(d, &qn, nullptr);
    std::vector<VkQueueFamilyProperties> families(qn);
    vkGetPhysicalDeviceQueueFamilyProperties(d, &qn, families.data());
    uint32_t graphics = UINT32_MAX, transfer = UINT32_MAX;
    for (uint32_t i = 0; i < qn; ++i) {
      const VkQueueFlags f = families[i].queueFlags;
      VkBool32 present = VK_FALSE;
      vkGetPhysicalDeviceSurfaceSupportKHR(d, i, surface_, &present);
      if ((f & VK_QUEUE_GRAPHICS_BIT) && present && graphics == UINT32_MAX) graphics = i;
      if ((f & VK_QUEUE_TRANSFER_BIT) && !(f & (VK_QUEUE_GRAPHICS_BIT | VK_QUEUE_COMPUTE_BIT)) &&
          transfer == UINT32_MAX) {
        transfer = i;
      }
    }
    if (graphics == UINT32_MAX) continue;
    physical = d, graphics_family = graphics, transfer_family = transfer;
    device_name_ = props.deviceName;
    return {};
  }
  return {gs::ErrorCode::kUnsupported,
          "scroll_demo: no Vulkan 1.3 device with dynamic rendering, synchronization2, timeline "
          "semaphores and host query reset that can present to the window" +
              std::string(std::getenv("GLYPHSTREAM_VK_DEVICE") ? " (GLYPHSTREAM_VK_DEVICE is set)"
                                                               : "")};
}

gs::Status VkWindow::create_device() {
  const float priority = 1.f;
  VkDeviceQueueCreateInfo queues[2] = {{VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO},
                                       {VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO}};
  queues[0].queueFamilyIndex = graphics_family;
  queues[0].queueCount = 1;
  queues[0].pQueuePriorities = &priority;
  queues[1] = queues[0];
  queues[1].queueFamilyIndex = transfer_family;
  VkPhysicalDeviceVulkan12Features v12{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES};
  VkPhysicalDeviceVulkan13Features v13{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES};
  v12.timelineSemaphore = VK_TRUE;
  v12.hostQueryReset = VK_TRUE;
  v12.pNext = &v13;
  v13.dynamicRendering = VK_TRUE;
  v13.synchronization2 = VK_TRUE;
  const char* extensions[] = {VK_KHR_SWAPCHAIN_EXTENSION_NAME};
  VkDeviceCreateInfo info{VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO};
  info.pNext = &v12;
  info.queueCreateInfoCount = transfer_family != UINT32_MAX ? 2 : 1;
  info.pQueueCreateInfos = queues;
  info.enabledExtensionCount = 1;
  info.ppEnabledExtensionNames = extensions;
  GS_TRY(vk_check(vkCreateDevice(physical, &info, nullptr, &device), "vkCreateDevice"));
  vkGetDeviceQueue(device, graphics_family, 0, &graphics_queue);
  if (transfer_family != UINT32_MAX) vkGetDeviceQueue(device, transfer_family, 0, &transfer_queue);
  return {};
}

gs::Status VkWindow::recreate_swapchain(int w, int h, bool vsync) {
  GS_TRY(vk_check(vkDeviceWaitIdle(device), "vkDeviceWaitIdle"));
  VkSurfaceCapabilitiesKHR caps;
  GS_TRY(vk_check(vkGetPhysicalDeviceSurfaceCapabilitiesKHR(physical, surface_, &caps),
                  "vkGetPhysicalDeviceSurfaceCapabilitiesKHR"));
  if (!(caps.supportedUsageFlags & VK_IMAGE_USAGE_TRANSFER_SRC_BIT)) {
    return {gs::ErrorCode::kUnsupported, "scroll_demo: swap chain images cannot be read back"};
  }
  extent =
      caps.currentExtent.width != UINT32_MAX
          ? caps.currentExtent
          : VkExtent2D{
                std::clamp(uint32_t(w), caps.minImageExtent.width, caps.maxImageExtent.width),
                std::clamp(uint32_t(h), caps.minImageExtent.height, caps.maxImageExtent.height)};
  VkSwapchainCreateInfoKHR info{VK_STRUCTURE_TYPE_SWAPCHAIN_CREATE_INFO_KHR};
  info.surface = surface_;
  info.minImageCount = caps.maxImageCount ? std::min(caps.minImageCount + 1, caps.maxImageCount)
                                          : caps.minImageCount + 1;
  info.imageFormat = format;
  info.imageColorSpace = VK_COLOR_SPACE_SRGB_NONLINEAR_KHR;
  info.imageExtent = extent;
  info.imageArrayLayers = 1;
  info.imageUsage = VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT;
  info.imageSharingMode = VK_SHARING_MODE_EXCLUSIVE;
  info.preTransform = caps.currentTransform;
  info.compositeAlpha = VK_COMPOSITE_ALPHA_OPAQUE_BIT_KHR;
  // Unattended runs do not wait for a display refresh (IMMEDIATE is not always there; FIFO is).
  info.presentMode = VK_PRESENT_MODE_FIFO_KHR;
  if (!vsync) {
    uint32_t nm = 0;
    vkGetPhysicalDeviceSurfacePresentModesKHR(physical, surface_, &nm, nullptr);
    std::vector<VkPresentModeKHR> modes(nm);
    vkGetPhysicalDeviceSurfacePresentModesKHR(physical, surface_, &nm, modes.data());
    if (std::find(modes.begin(), modes.end(), VK_PRESENT_MODE_IMMEDIATE_KHR) != modes.end()) {
      info.presentMode = VK_PRESENT_MODE_IMMEDIATE_KHR;
    }
  }
  info.clipped = VK_TRUE;
  info.oldSwapchain = swapchain;
  VkSwapchainKHR created = VK_NULL_HANDLE;
  const gs::Status st =
      vk_check(vkCreateSwapchainKHR(device, &info, nullptr, &created), "vkCreateSwapchainKHR");
  destroy_swapchain_objects();
  GS_TRY(st);
  swapchain = created;
  uint32_t ni = 0;
  vkGetSwapchainImagesKHR(device, swapchain, &ni, nullptr);
  images.resize(ni);
  vkGetSwapchainImagesKHR(device, swapchain, &ni, images.data());
  for (VkImage image : images) {
    VkImageViewCreateInfo view{VK_STRUCTURE_TYPE_IMAGE_VIEW_CREATE_INFO};
    view.image = image;
    view.viewType = VK_IMAGE_VIEW_TYPE_2D;
    view.format = format;
    view.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
    views.push_back(VK_NULL_HANDLE);
    GS_TRY(vk_check(vkCreateImageView(device, &view, nullptr, &views.back()), "vkCreateImageView"));
    VkSemaphoreCreateInfo sem{VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO};
    rendered.push_back(VK_NULL_HANDLE);
    GS_TRY(
        vk_check(vkCreateSemaphore(device, &sem, nullptr, &rendered.back()), "vkCreateSemaphore"));
  }
  return {};
}

void VkWindow::destroy_swapchain_objects() {
  for (VkImageView v : views) vkDestroyImageView(device, v, nullptr);
  for (VkSemaphore s : rendered) vkDestroySemaphore(device, s, nullptr);
  views.clear();
  rendered.clear();
  images.clear();
  if (swapchain) vkDestroySwapchainKHR(device, swapchain, nullptr);
  swapchain = VK_NULL_HANDLE;
}

gs::VulkanDeviceDesc VkWindow::device_desc() const {
  gs::VulkanDeviceDesc d;
  d.instance = instance_;
  d.physical_device = physical;
  d.device = device;
  d.graphics_queue = graphics_queue;
  d.graphics_family = graphics_family;
  d.transfer_queue = transfer_queue;
  d.transfer_family = transfer_queue ? transfer_family : UINT32_MAX;
  d.host_query_reset = true;
  d.color_format = uint32_t(format);  // the swap chain's; no depth, one sample
  return d;
}

std::string VkWindow::describe() const {
  return "Vulkan 1.3 (" + device_name_ + (transfer_queue ? ", transfer queue" : "") +
         (validation() ? ", validation" : "") + ")";
}

VkWindow::~VkWindow() {
  if (device) {
    vkDeviceWaitIdle(device);
    destroy_swapchain_objects();
    vkDestroyDevice(device, nullptr);
  }
  if (surface_) vkDestroySurfaceKHR(instance_, surface_, nullptr);
  if (messenger_) {
    auto destroy = reinterpret_cast<PFN_vkDestroyDebugUtilsMessengerEXT>(
        vkGetInstanceProcAddr(instance_, "vkDestroyDebugUtilsMessengerEXT"));
    if (destroy) destroy(instance_, messenger_, nullptr);
  }
  if (instance_) vkDestroyInstance(instance_, nullptr);
}
