// Small Vulkan helpers shared by the backend's files: errors as Status, memory, buffers and
// images with their own allocation, one-line barriers, and timeline-semaphore guards.
#pragma once

#include <vulkan/vulkan.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "glyphstream/status.h"
#include "glyphstream/types.h"
#include "glyphstream/vulkan.h"

namespace glyphstream::gpu::vk {

const char* result_name(VkResult r);
// kOk for VK_SUCCESS; kOutOfMemory for the out-of-memory results; kGpuError otherwise.
Status check(VkResult r, const char* op);

VkFormat page_format(PixelFormat f);

class MemoryPool;

// The device-level objects every helper needs.
struct DeviceRef {
  VkPhysicalDevice physical = VK_NULL_HANDLE;
  VkDevice device = VK_NULL_HANDLE;
  VkPhysicalDeviceMemoryProperties memory{};
};
// The devices of an application's (or a VulkanContext's) VulkanDeviceDesc, memory included.
DeviceRef device_ref(const VulkanDeviceDesc& d);

// A buffer with its own memory (a few per ring, never one per glyph or per frame).
Result<uint32_t> find_memory_type(const DeviceRef& d, uint32_t type_bits,
                                  VkMemoryPropertyFlags want);

struct Buffer {
  VkBuffer buffer = VK_NULL_HANDLE;
  VkDeviceMemory memory = VK_NULL_HANDLE;
  uint8_t* mapped = nullptr;  // persistently mapped, host-coherent
  size_t size = 0;
};
// Host-visible, host-coherent, persistently mapped.
Status create_host_buffer(const DeviceRef& d, size_t size, VkBufferUsageFlags usage, Buffer* out);
void destroy_buffer(const DeviceRef& d, Buffer* b);

struct Image {
  VkImage image = VK_NULL_HANDLE;
  VkDeviceMemory memory = VK_NULL_HANDLE;
  VkImageView view = VK_NULL_HANDLE;
  VkFormat format = VK_FORMAT_UNDEFINED;
  int width = 0;
  int height = 0;
  MemoryPool* pool = nullptr;  // the memory is a range of a pool block, not its own
  VkDeviceSize offset = 0;
};
// A 2D device-local image, with a view when `usage` can use one. `families` (when count > 1) makes
// it concurrently shared between those queue families: no ownership transfers. With `pool`,
// the memory is a range of one of its blocks.
Status create_image(const DeviceRef& d, VkFormat format, int width, int height,
                    VkImageUsageFlags usage, const uint32_t* families, uint32_t family_count,
                    Image* out, MemoryPool* pool = nullptr);
void destroy_image(const DeviceRef& d, Image* img);

// A global memory barrier (sync2). Images stay in VK_IMAGE_LAYOUT_GENERAL after their first
// transition, so global barriers are enough and no layout change ever writes a whole image.
void memory_barrier(VkCommandBuffer cmd, VkPipelineStageFlags2 src_stage, VkAccessFlags2 src_access,
                    VkPipelineStageFlags2 dst_stage, VkAccessFlags2 dst_access);
// UNDEFINED -> GENERAL for a fresh image, after `src_stage` work and before `dst_stage`.
void image_to_general(VkCommandBuffer cmd, VkImage image, VkPipelineStageFlags2 dst_stage,
                      VkAccessFlags2 dst_access);

// A point on a timeline semaphore: the GPU is done with something once `semaphore` reaches
// `value`. Value 0 means "never used".
struct Guard {
  VkSemaphore semaphore = VK_NULL_HANDLE;
  uint64_t value = 0;
};
Status create_timeline(VkDevice device, VkSemaphore* out);
// Never blocks.
bool reached(VkDevice device, const Guard& g);
// Blocks until reached (timeouts of 1 s repeated; a lost device is an error).
Status wait(VkDevice device, const Guard& g, const char* op);

Status begin_one_time(VkCommandBuffer cmd);

// vkCmdBeginRendering over the whole of `target` (one colour attachment in
// VK_IMAGE_LAYOUT_GENERAL, stored); `load` says what the pass starts from.
void begin_rendering(VkCommandBuffer cmd, const Image& target, VkAttachmentLoadOp load);

// A shader module from SPIR-V words (vk_shaders.h).
Status create_module(VkDevice device, std::span<const uint32_t> code, VkShaderModule* out);

// The timestamp bits of a queue family's timestamps (0: none, or no such family).
uint32_t timestamp_bits(VkPhysicalDevice pd, uint32_t family);
// The mask of a timestamp's valid bits.
inline uint64_t timestamp_mask(uint32_t bits) {
  return bits >= 64 ? ~uint64_t(0) : (uint64_t(1) << bits) - 1;
}
// Two timestamps written at `first` and `first + 1`, on the device clock in ns (the second may
// have wrapped past `mask`); false while they are not available.
bool read_timestamp_pair(VkDevice device, VkQueryPool pool, uint32_t first, uint64_t mask,
                         double period_ns, GpuSpan* out);

// A graphics pipeline for dynamic rendering into one colour attachment (and a depth/stencil
// attachment it neither tests nor writes): fill, no culling, viewport and scissor dynamic. Zero
// means default (sokol style): no vertex input, a triangle list, no blending, no depth/stencil
// attachment, one sample.
struct GraphicsPipelineDesc {
  VkShaderModule vertex = VK_NULL_HANDLE;
  VkShaderModule fragment = VK_NULL_HANDLE;
  const VkSpecializationInfo* fragment_specialization = nullptr;
  const VkSpecializationInfo* vertex_specialization = nullptr;
  const VkPipelineVertexInputStateCreateInfo* vertex_input = nullptr;
  VkPrimitiveTopology topology = VK_PRIMITIVE_TOPOLOGY_TRIANGLE_LIST;
  bool premultiplied_blend = false;  // src + dst * (1 - src.a); otherwise src replaces dst
  // With premultiplied_blend: src + dst * (1 - src1), each channel by the fragment shader's
  // second output (dualSrcBlend; LCD glyphs).
  bool dual_source_blend = false;
  VkFormat color_format = VK_FORMAT_UNDEFINED;
  VkFormat depth_stencil_format = VK_FORMAT_UNDEFINED;
  VkSampleCountFlagBits samples = VkSampleCountFlagBits(0);
  VkPipelineLayout layout = VK_NULL_HANDLE;
};
// Whether writes to a colour attachment of `format` are sRGB-encoded (an *_SRGB 8-bit format).
bool is_srgb_format(VkFormat format);
// Vulkan encodes every write to an *_SRGB attachment and blends it in linear light: the
// pipelines then decode the colours, and TextSystemDesc::linear_light must say so
// (kInvalidArgument naming the option when it and the colour format disagree).
Status check_linear_light(bool linear_light, VkFormat color_format);
// The aspects of a depth/stencil format (0: none, or not a depth/stencil format).
VkImageAspectFlags depth_stencil_aspects(VkFormat format);
Status create_graphics_pipeline(VkDevice device, const GraphicsPipelineDesc& desc, VkPipeline* out,
                                const char* op);

}  // namespace glyphstream::gpu::vk
