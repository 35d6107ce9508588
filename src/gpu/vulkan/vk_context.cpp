// The headless context: instance (with the validation layer and synchronization validation when
// asked), device choice, a graphics queue and a dedicated transfer queue where the device has
// one, and the offscreen image that read_pixels() reads back.
#include "gpu/vulkan/vk_context.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include "core/env_options.h"
#include "gpu/srgb.h"

namespace glyphstream::gpu::vk {
namespace {

constexpr const char* kValidationLayer = "VK_LAYER_KHRONOS_validation";

std::string lower(std::string s) {
  for (char& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

VKAPI_ATTR VkBool32 VKAPI_CALL record_message(VkDebugUtilsMessageSeverityFlagBitsEXT severity,
                                              VkDebugUtilsMessageTypeFlagsEXT,
                                              const VkDebugUtilsMessengerCallbackDataEXT* data,
                                              void* user) {
  auto* log = static_cast<MessageLog*>(user);
  // Pages and the offscreen image stay in VK_IMAGE_LAYOUT_GENERAL on purpose: a layout change
  // writes the whole image, so a copy on the transfer queue would have to wait for every frame
  // in flight that samples the page. The layer's performance hint against GENERAL is the one
  // message not recorded.
  if (data && data->pMessageIdName &&
      std::strcmp(data->pMessageIdName, "UNASSIGNED-CoreValidation-DrawState-InvalidImageLayout") ==
          0) {
    return VK_FALSE;
  }
  std::string text =
      severity >= VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT ? "error: " : "warning: ";
  text += data && data->pMessage ? data->pMessage : "(no message)";
  std::lock_guard lock(log->mutex);
  log->messages.push_back(std::move(text));
  return VK_FALSE;
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

// Whether the device has Vulkan 1.3 and every feature glyphstream enables.
bool suitable(VkPhysicalDevice pd) {
  VkPhysicalDeviceProperties props;
  vkGetPhysicalDeviceProperties(pd, &props);
  if (props.apiVersion < VK_API_VERSION_1_3) return false;
  VkPhysicalDeviceVulkan12Features v12{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES};
  VkPhysicalDeviceVulkan13Features v13{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES};
  v12.pNext = &v13;
  VkPhysicalDeviceFeatures2 f{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2};
  f.pNext = &v12;
  vkGetPhysicalDeviceFeatures2(pd, &f);
  return v12.timelineSemaphore && v12.hostQueryReset && v13.dynamicRendering &&
         v13.synchronization2;
}

// The NVIDIA driver (libnvidia-tls) takes static TLS, which glibc does not give back when the
// loader unloads the driver at vkDestroyInstance: each reload takes more, and after about 30
// contexts created and destroyed in one process vkCreateInstance finds no driver (measured on
// the H100; a larger glibc.rtld.optional_static_tls made all of them pass). One bare instance
// (no layers, no extensions) kept for the life of the process keeps the drivers loaded, so a
// later instance only counts a reference. Its failure is not ours to report: the real instance
// reports its own.
void keep_drivers_loaded() {
  static const VkInstance kept = [] {
    VkInstanceCreateInfo info{VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO};
    VkInstance instance = VK_NULL_HANDLE;
    if (vkCreateInstance(&info, nullptr, &instance) != VK_SUCCESS) instance = VK_NULL_HANDLE;
    return instance;
  }();
  (void)kept;
}

}  // namespace

HeadlessContext::~HeadlessContext() {
  if (dev_.device) {
    // Our own work only: the context's fence and whatever the backend left is already done
    // (the backend waits for its timeline in its destructor).
    if (fence_) vkWaitForFences(dev_.device, 1, &fence_, VK_TRUE, UINT64_MAX);
    destroy_buffer(dev_, &readback_);
    destroy_image(dev_, &target_);
    if (fence_) vkDestroyFence(dev_.device, fence_, nullptr);
    if (pool_) vkDestroyCommandPool(dev_.device, pool_, nullptr);
    vkDestroyDevice(dev_.device, nullptr);
  }
  if (messenger_) {
    auto destroy = reinterpret_cast<PFN_vkDestroyDebugUtilsMessengerEXT>(
        vkGetInstanceProcAddr(instance_, "vkDestroyDebugUtilsMessengerEXT"));
    if (destroy) destroy(instance_, messenger_, nullptr);
  }
  if (instance_) vkDestroyInstance(instance_, nullptr);
}

Status HeadlessContext::create_instance(bool validation) {
  keep_drivers_loaded();
  VkApplicationInfo app{VK_STRUCTURE_TYPE_APPLICATION_INFO};
  app.pApplicationName = "glyphstream";
  app.pEngineName = "glyphstream";
  app.apiVersion = VK_API_VERSION_1_3;
  VkInstanceCreateInfo info{VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO};
  info.pApplicationInfo = &app;
  const char* layers[] = {kValidationLayer};
  const char* extensions[] = {VK_EXT_DEBUG_UTILS_EXTENSION_NAME};
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
  messenger.pfnUserCallback = record_message;
  messenger.pUserData = &log_;
  if (validation) {
    if (!has_layer(kValidationLayer)) {
      return {ErrorCode::kUnsupported,
              "VulkanContext: validation asked for, but VK_LAYER_KHRONOS_validation is not "
              "installed (Debian: vulkan-validationlayers)"};
    }
    features.enabledValidationFeatureCount = 1;
    features.pEnabledValidationFeatures = enables;
    // The messenger in pNext also sees instance creation and destruction.
    features.pNext = &messenger;
    info.pNext = &features;
    info.enabledLayerCount = 1;
    info.ppEnabledLayerNames = layers;
    info.enabledExtensionCount = 1;
    info.ppEnabledExtensionNames = extensions;
  }
  VkResult r = vkCreateInstance(&info, nullptr, &instance_);
  if (r == VK_ERROR_INCOMPATIBLE_DRIVER) {
    return {ErrorCode::kUnsupported, "VulkanContext: no Vulkan driver (vkCreateInstance)"};
  }
  GS_TRY(check(r, "VulkanContext: vkCreateInstance"));
  if (validation) {
    auto create = reinterpret_cast<PFN_vkCreateDebugUtilsMessengerEXT>(
        vkGetInstanceProcAddr(instance_, "vkCreateDebugUtilsMessengerEXT"));
    if (!create) return {ErrorCode::kUnsupported, "VulkanContext: no VK_EXT_debug_utils"};
    GS_TRY(check(create(instance_, &messenger, nullptr, &messenger_),
                 "VulkanContext: vkCreateDebugUtilsMessengerEXT"));
  }
  return {};
}

Status HeadlessContext::pick_physical_device(const std::string& wanted) {
  uint32_t n = 0;
  vkEnumeratePhysicalDevices(instance_, &n, nullptr);
  std::vector<VkPhysicalDevice> devices(n);
  vkEnumeratePhysicalDevices(instance_, &n, devices.data());
  std::string seen;
  int best_rank = -1;
  for (VkPhysicalDevice pd : devices) {
    VkPhysicalDeviceProperties props;
    vkGetPhysicalDeviceProperties(pd, &props);
    seen += std::string(seen.empty() ? "" : ", ") + props.deviceName;
    if (!suitable(pd)) continue;
    if (!wanted.empty() && lower(props.deviceName).find(lower(wanted)) == std::string::npos) {
      continue;
    }
    const int rank = props.deviceType == VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU     ? 3
                     : props.deviceType == VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU ? 2
                                                                                  : 1;
    if (rank > best_rank) {
      best_rank = rank;
      dev_.physical = pd;
      renderer_ = std::string(props.deviceName) + " / Vulkan " +
                  std::to_string(VK_API_VERSION_MAJOR(props.apiVersion)) + "." +
                  std::to_string(VK_API_VERSION_MINOR(props.apiVersion)) + "." +
                  std::to_string(VK_API_VERSION_PATCH(props.apiVersion));
    }
  }
  if (!dev_.physical) {
    return {ErrorCode::kUnsupported,
            "VulkanContext: no Vulkan 1.3 device with dynamic rendering, synchronization2, "
            "timeline semaphores and host query reset" +
                (wanted.empty() ? std::string() : " named like '" + wanted + "'") +
                " (devices: " + (seen.empty() ? "none" : seen) + ")"};
  }
  vkGetPhysicalDeviceMemoryProperties(dev_.physical, &dev_.memory);
  uint32_t qn = 0;
  vkGetPhysicalDeviceQueueFamilyProperties(dev_.physical, &qn, nullptr);
  std::vector<VkQueueFamilyProperties> families(qn);
  vkGetPhysicalDeviceQueueFamilyProperties(dev_.physical, &qn, families.data());
  graphics_family_ = UINT32_MAX;
  for (uint32_t i = 0; i < qn; ++i) {
    const VkQueueFlags f = families[i].queueFlags;
    if ((f & VK_QUEUE_GRAPHICS_BIT) && graphics_family_ == UINT32_MAX) graphics_family_ = i;
    if ((f & VK_QUEUE_TRANSFER_BIT) && !(f & (VK_QUEUE_GRAPHICS_BIT | VK_QUEUE_COMPUTE_BIT)) &&
        transfer_candidate_ == UINT32_MAX) {
      transfer_candidate_ = i;
    }
  }
  if (graphics_family_ == UINT32_MAX) {
    return {ErrorCode::kUnsupported, "VulkanContext: the device has no graphics queue"};
  }
  return {};
}

Status HeadlessContext::create_device(bool use_transfer) {
  const float priority = 1.f;
  VkDeviceQueueCreateInfo queues[2] = {{VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO},
                                       {VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO}};
  queues[0].queueFamilyIndex = graphics_family_;
  queues[0].queueCount = 1;
  queues[0].pQueuePriorities = &priority;
  queues[1] = queues[0];
  queues[1].queueFamilyIndex = transfer_candidate_;
  const bool transfer = use_transfer && transfer_candidate_ != UINT32_MAX;
  VkPhysicalDeviceVulkan12Features v12{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES};
  VkPhysicalDeviceVulkan13Features v13{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES};
  v12.timelineSemaphore = VK_TRUE;
  v12.hostQueryReset = VK_TRUE;
  v12.pNext = &v13;
  v13.dynamicRendering = VK_TRUE;
  v13.synchronization2 = VK_TRUE;
  // dualSrcBlend where the device has it (LCD text; lavapipe and desktop GPUs do).
  VkPhysicalDeviceFeatures2 have{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2};
  vkGetPhysicalDeviceFeatures2(dev_.physical, &have);
  VkPhysicalDeviceFeatures2 features{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2};
  features.features.dualSrcBlend = have.features.dualSrcBlend;
  dual_source_blend_ = have.features.dualSrcBlend == VK_TRUE;
  features.pNext = &v12;
  VkDeviceCreateInfo info{VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO};
  info.pNext = &features;
  info.queueCreateInfoCount = transfer ? 2 : 1;
  info.pQueueCreateInfos = queues;
  GS_TRY(check(vkCreateDevice(dev_.physical, &info, nullptr, &dev_.device),
               "VulkanContext: vkCreateDevice"));
  vkGetDeviceQueue(dev_.device, graphics_family_, 0, &graphics_queue_);
  if (transfer) {
    transfer_family_ = transfer_candidate_;
    vkGetDeviceQueue(dev_.device, transfer_family_, 0, &transfer_queue_);
  }
  return {};
}

Status HeadlessContext::init(const VulkanContextDesc& desc) {
  width_ = desc.width > 0 ? desc.width : 1024;
  height_ = desc.height > 0 ? desc.height : 768;
  srgb_ = desc.srgb;
  GS_TRY(create_instance(desc.validation || vk_validation_from_environment()));
  std::string wanted = desc.device_name;
  if (wanted.empty()) wanted = vk_device_from_environment();
  GS_TRY(pick_physical_device(wanted));
  GS_TRY(create_device(desc.use_transfer_queue));

  VkCommandPoolCreateInfo pool{VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
  pool.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;
  pool.queueFamilyIndex = graphics_family_;
  GS_TRY(check(vkCreateCommandPool(dev_.device, &pool, nullptr, &pool_), "vkCreateCommandPool"));
  VkCommandBufferAllocateInfo alloc{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
  alloc.commandPool = pool_;
  alloc.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
  alloc.commandBufferCount = 1;
  GS_TRY(check(vkAllocateCommandBuffers(dev_.device, &alloc, &cmd_), "vkAllocateCommandBuffers"));
  VkFenceCreateInfo fence{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
  fence.flags = VK_FENCE_CREATE_SIGNALED_BIT;  // the destructor's wait returns if never used
  GS_TRY(check(vkCreateFence(dev_.device, &fence, nullptr, &fence_), "vkCreateFence"));
  return create_target(width_, height_);
}

Status HeadlessContext::create_target(int width, int height) {
  width_ = width;
  height_ = height;
  GS_TRY(create_image(dev_, srgb_ ? VK_FORMAT_R8G8B8A8_SRGB : VK_FORMAT_R8G8B8A8_UNORM, width_,
                      height_,
                      VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT |
                          VK_IMAGE_USAGE_TRANSFER_DST_BIT,
                      nullptr, 0, &target_));
  GS_TRY(create_host_buffer(dev_, size_t(width_) * size_t(height_) * 4,
                            VK_BUFFER_USAGE_TRANSFER_DST_BIT, &readback_));
  GS_TRY(submit_and_wait(
      [&](VkCommandBuffer cmd) {
        image_to_general(cmd, target_.image, VK_PIPELINE_STAGE_2_CLEAR_BIT,
                         VK_ACCESS_2_TRANSFER_WRITE_BIT);
      },
      "VulkanContext: initial layout"));
  return clear(0, 0, 0, 0);
}

Status HeadlessContext::resize(int width, int height) {
  if (width <= 0 || height <= 0 || width > 16384 || height > 16384) {
    return {ErrorCode::kInvalidArgument, "VulkanContext::resize: size out of 1..16384"};
  }
  // The backend's draws into the old image run on this queue.
  GS_TRY(check(vkQueueWaitIdle(graphics_queue_), "vkQueueWaitIdle"));
  destroy_buffer(dev_, &readback_);
  destroy_image(dev_, &target_);
  return create_target(width, height);
}

template <typename Fn>
Status HeadlessContext::submit_and_wait(Fn&& fn, const char* op) {
  GS_TRY(check(vkResetCommandBuffer(cmd_, 0), op));
  GS_TRY(begin_one_time(cmd_));
  fn(cmd_);
  GS_TRY(check(vkEndCommandBuffer(cmd_), op));
  VkCommandBufferSubmitInfo cb{VK_STRUCTURE_TYPE_COMMAND_BUFFER_SUBMIT_INFO};
  cb.commandBuffer = cmd_;
  VkSubmitInfo2 submit{VK_STRUCTURE_TYPE_SUBMIT_INFO_2};
  submit.commandBufferInfoCount = 1;
  submit.pCommandBufferInfos = &cb;
  GS_TRY(check(vkResetFences(dev_.device, 1, &fence_), op));
  GS_TRY(check(vkQueueSubmit2(graphics_queue_, 1, &submit, fence_), op));
  return check(vkWaitForFences(dev_.device, 1, &fence_, VK_TRUE, UINT64_MAX), op);
}

std::vector<std::string> HeadlessContext::take_validation_messages() {
  std::lock_guard lock(log_.mutex);
  return std::exchange(log_.messages, {});
}

VulkanDeviceDesc HeadlessContext::device_desc() const {
  VulkanDeviceDesc d;
  d.instance = instance_;
  d.physical_device = dev_.physical;
  d.device = dev_.device;
  d.graphics_queue = graphics_queue_;
  d.graphics_family = graphics_family_;
  d.transfer_queue = transfer_queue_;
  d.transfer_family = transfer_family_;
  d.host_query_reset = true;
  d.dual_source_blend = dual_source_blend_;
  return d;
}

// Every earlier submission on the graphics queue (the backend's draws included) is in the first
// scope of these barriers: no wait for the device.
Status HeadlessContext::clear(float r, float g, float b, float a) {
  // An sRGB image encodes the clear colour: decoded first, it stores what glClear stores.
  auto stored = [&](float v) { return srgb_ ? srgb_to_linear(v) : v; };
  VkClearColorValue color{};
  color.float32[0] = stored(r), color.float32[1] = stored(g), color.float32[2] = stored(b);
  color.float32[3] = a;
  return submit_and_wait(
      [&](VkCommandBuffer cmd) {
        memory_barrier(
            cmd,
            VK_PIPELINE_STAGE_2_COLOR_ATTACHMENT_OUTPUT_BIT | VK_PIPELINE_STAGE_2_ALL_TRANSFER_BIT,
            VK_ACCESS_2_COLOR_ATTACHMENT_WRITE_BIT | VK_ACCESS_2_COLOR_ATTACHMENT_READ_BIT |
                VK_ACCESS_2_TRANSFER_WRITE_BIT | VK_ACCESS_2_TRANSFER_READ_BIT,
            VK_PIPELINE_STAGE_2_CLEAR_BIT, VK_ACCESS_2_TRANSFER_WRITE_BIT);
        const VkImageSubresourceRange range{VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
        vkCmdClearColorImage(cmd, target_.image, VK_IMAGE_LAYOUT_GENERAL, &color, 1, &range);
      },
      "VulkanContext::clear");
}

Status HeadlessContext::read_pixels(std::vector<uint8_t>* rgba) {
  if (!rgba) return {ErrorCode::kInvalidArgument, "read_pixels: null output"};
  GS_TRY(submit_and_wait(
      [&](VkCommandBuffer cmd) {
        memory_barrier(
            cmd,
            VK_PIPELINE_STAGE_2_COLOR_ATTACHMENT_OUTPUT_BIT | VK_PIPELINE_STAGE_2_ALL_TRANSFER_BIT,
            VK_ACCESS_2_COLOR_ATTACHMENT_WRITE_BIT | VK_ACCESS_2_TRANSFER_WRITE_BIT,
            VK_PIPELINE_STAGE_2_COPY_BIT, VK_ACCESS_2_TRANSFER_READ_BIT);
        VkBufferImageCopy region{};
        region.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1};
        region.imageExtent = {uint32_t(width_), uint32_t(height_), 1};
        vkCmdCopyImageToBuffer(cmd, target_.image, VK_IMAGE_LAYOUT_GENERAL, readback_.buffer, 1,
                               &region);
        memory_barrier(cmd, VK_PIPELINE_STAGE_2_COPY_BIT, VK_ACCESS_2_TRANSFER_WRITE_BIT,
                       VK_PIPELINE_STAGE_2_HOST_BIT, VK_ACCESS_2_HOST_READ_BIT);
      },
      "VulkanContext::read_pixels"));
  rgba->assign(readback_.mapped, readback_.mapped + size_t(width_) * size_t(height_) * 4);
  return {};
}

}  // namespace glyphstream::gpu::vk

namespace glyphstream {

Result<std::unique_ptr<VulkanContext>> VulkanContext::create(const VulkanContextDesc& desc) {
  auto ctx = std::make_unique<gpu::vk::HeadlessContext>();
  GS_TRY(ctx->init(desc));
  return Result<std::unique_ptr<VulkanContext>>(std::move(ctx));
}

}  // namespace glyphstream
