// Vulkan 1.3 for glyphstream, two ways in (no Vulkan header here: handles travel as void* for
// dispatchable objects and uint64_t for the others, the way sokol_gfx passes backend handles;
// cast them to and from VkInstance, VkSemaphore, ...).
//
// Headless (tools, tests, servers): VulkanContext creates its own instance and device and an
// offscreen RGBA8 image that glyphstream draws into and read_pixels() reads back.
//
// Embedded (applications): the application fills VulkanDeviceDesc with its own objects and
// the formats of the rendering glyphstream draws in. Per frame it hands glyphstream the command
// buffer it is recording, inside its own dynamic rendering (VulkanFrameTarget), and after the
// frame adds VulkanFrameSync's waits and signal to the vkQueueSubmit2 of that command buffer
// (glyphstream/vulkan_submit.h turns them into VkSemaphoreSubmitInfo entries, no casts).
// glyphstream submits its own upload work to the queues it was given (the application must not
// use them from another thread meanwhile) and never waits for a device or a queue to go idle.
// docs/USING.md has the complete code.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "glyphstream/status.h"
#include "glyphstream/types.h"

namespace glyphstream {

// The application's objects (embedded mode). The device must have been created with Vulkan 1.3
// and the features dynamicRendering, synchronization2 and timelineSemaphore (and hostQueryReset
// for GPU timestamps, dualSrcBlend for LCD text) enabled.
struct VulkanDeviceDesc {
  void* instance = nullptr;         // VkInstance
  void* physical_device = nullptr;  // VkPhysicalDevice
  void* device = nullptr;           // VkDevice
  void* graphics_queue = nullptr;   // VkQueue with GRAPHICS
  uint32_t graphics_family = 0;
  void* transfer_queue = nullptr;  // optional VkQueue of a dedicated transfer family
  uint32_t transfer_family = UINT32_MAX;
  bool host_query_reset = false;  // the device enabled hostQueryReset: GPU timestamps on
  // The device enabled the dualSrcBlend feature: LCD (subpixel) text is drawn with per-channel
  // blending; without it, RenderingStyle's Antialias::kSubpixel falls back to greyscale.
  bool dual_source_blend = false;

  // The rendering glyphstream draws in (every VulkanFrameTarget must match it): its pipelines
  // are built for these formats once, at TextSystem::create(). They neither test nor write
  // depth or stencil: text lands over whatever the pass holds, in recording order.
  // color_format 0: not declared; pipelines are then built at the first set_vulkan_target() of
  // each format set (a stall in that frame).
  uint32_t color_format = 0;          // VkFormat of the colour attachment
  uint32_t depth_stencil_format = 0;  // VkFormat of the depth/stencil attachment; 0: none
  uint32_t samples = 0;               // VkSampleCountFlagBits of the attachments; 0: 1
};

// Where the next draws go (embedded mode): a command buffer in the recording state, inside
// vkCmdBeginRendering with one colour attachment of `color_format` and, when
// depth_stencil_format is not 0, a depth/stencil attachment of it, all of `samples` samples (a
// multisampled pass may resolve). The formats must equal VulkanDeviceDesc's (else
// set_vulkan_target() returns kInvalidArgument). glyphstream binds its own pipeline,
// descriptor set, vertex buffer, viewport and scissor: rebind yours afterwards.
struct VulkanFrameTarget {
  void* command_buffer = nullptr;  // VkCommandBuffer
  uint32_t color_format = 0;       // VkFormat of the colour attachment
  int width = 0;                   // render area, px
  int height = 0;
  uint32_t depth_stencil_format = 0;  // VkFormat of the depth/stencil attachment; 0: none
  uint32_t samples = 0;               // VkSampleCountFlagBits; 0: 1
};

// What the application's submission of the frame's command buffer must wait for and signal
// (VkSemaphoreSubmitInfo entries; glyphstream/vulkan_submit.h converts them): the waits make
// the frame see every upload committed before it; the signal tells glyphstream when the frame's
// resources (staging, instance data, retired page images) are free again. A submission that
// never signals is reported: once more than frames_in_flight + 4 flushed frames are unsignalled
// and the oldest stays so for 5 s, set_vulkan_target() and flush() return kInvalidArgument
// saying so (and finish()/throttle() too, instead of waiting forever), rather than holding the
// resources of every frame.
struct VulkanFrameSync {
  static constexpr uint32_t kMaxWaits = 2;
  struct Wait {
    uint64_t semaphore = 0;  // VkSemaphore (timeline)
    uint64_t value = 0;
    uint64_t stage_mask = 0;  // VkPipelineStageFlags2
  };
  Wait waits[kMaxWaits];
  uint32_t wait_count = 0;
  uint64_t signal_semaphore = 0;  // VkSemaphore (timeline)
  uint64_t signal_value = 0;      // the frame token
};

// A span of the device's timestamp clock, in nanoseconds (FrameStats::gpu_upload_begin_ns /
// gpu_upload_end_ns).
struct GpuSpan {
  uint64_t begin_ns = 0;
  uint64_t end_ns = 0;
};

struct VulkanContextDesc {
  int width = 0;   // offscreen image, default 1024
  int height = 0;  // default 768
  // Substring of the device name to pick (case-insensitive); empty: GLYPHSTREAM_VK_DEVICE,
  // else the first discrete GPU, else the first device with Vulkan 1.3.
  std::string device_name;
  // Khronos validation with synchronization validation; also on with GLYPHSTREAM_VK_VALIDATION=1.
  // Every message is recorded (take_validation_messages).
  bool validation = false;
  // Use a dedicated transfer queue family (TRANSFER without GRAPHICS and COMPUTE) if the device
  // has one.
  bool use_transfer_queue = true;
  // The offscreen image is VK_FORMAT_R8G8B8A8_SRGB instead of R8G8B8A8_UNORM: a target for
  // TextSystemDesc::linear_light. clear() takes the stored (encoded) values, as HeadlessGl's
  // does, and read_pixels() gives the stored bytes.
  bool srgb = false;
};

class VulkanContext {
 public:
  // Errors: kUnsupported (no Vulkan 1.3 device, a missing feature or layer), kContextFailed.
  // The first call also creates a bare VkInstance that lives until the process ends, so that
  // the drivers stay loaded however many contexts come and go (NVIDIA's driver takes static TLS
  // at each load that glibc never gives back).
  static Result<std::unique_ptr<VulkanContext>> create(const VulkanContextDesc& desc = {});
  virtual ~VulkanContext() = default;

  virtual int width() const = 0;
  virtual int height() const = 0;
  virtual std::string renderer() const = 0;  // device name, driver, API version
  virtual bool has_transfer_queue() const = 0;
  virtual bool validation_enabled() const = 0;
  virtual bool srgb() const { return false; }  // the offscreen image is R8G8B8A8_SRGB
  // Validation messages recorded since the last call (empty without validation).
  virtual std::vector<std::string> take_validation_messages() = 0;
  // The objects, as an application would pass them (the transfer queue only when used).
  virtual VulkanDeviceDesc device_desc() const = 0;

  // Re-creates the offscreen image at a new size (content cleared to transparent), like
  // HeadlessGl::resize. Waits for the graphics queue to finish what may still draw into the old
  // image (headless only: a tool's set-up step, not a per-frame call).
  virtual Status resize(int width, int height) = 0;
  // Clears the offscreen image to the colour as given (like HeadlessGl::clear).
  virtual Status clear(float r, float g, float b, float a) = 0;
  // Reads the offscreen image back as premultiplied RGBA8, top row first, tight rows; waits for
  // the work submitted before it (on glyphstream's own timeline, never device idle).
  virtual Status read_pixels(std::vector<uint8_t>* rgba) = 0;
};

}  // namespace glyphstream
