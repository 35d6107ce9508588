#include "gpu/vulkan/vk_util.h"

#include <string>
#include <vector>

#include "gpu/vulkan/vk_memory.h"

namespace glyphstream::gpu::vk {

Result<uint32_t> find_memory_type(const DeviceRef& d, uint32_t type_bits,
                                  VkMemoryPropertyFlags want) {
  for (uint32_t i = 0; i < d.memory.memoryTypeCount; ++i) {
    if ((type_bits & (1u << i)) && (d.memory.memoryTypes[i].propertyFlags & want) == want) {
      return i;
    }
  }
  return Status(ErrorCode::kUnsupported, "no Vulkan memory type with the needed properties");
}

namespace {

Status allocate(const DeviceRef& d, const VkMemoryRequirements& req, VkMemoryPropertyFlags want,
                VkDeviceMemory* out) {
  GS_ASSIGN_OR_RETURN(const uint32_t type, find_memory_type(d, req.memoryTypeBits, want));
  VkMemoryAllocateInfo info{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
  info.allocationSize = req.size;
  info.memoryTypeIndex = type;
  return check(vkAllocateMemory(d.device, &info, nullptr, out), "vkAllocateMemory");
}

}  // namespace

const char* result_name(VkResult r) {
  switch (r) {
    case VK_SUCCESS:
      return "VK_SUCCESS";
    case VK_NOT_READY:
      return "VK_NOT_READY";
    case VK_TIMEOUT:
      return "VK_TIMEOUT";
    case VK_ERROR_OUT_OF_HOST_MEMORY:
      return "VK_ERROR_OUT_OF_HOST_MEMORY";
    case VK_ERROR_OUT_OF_DEVICE_MEMORY:
      return "VK_ERROR_OUT_OF_DEVICE_MEMORY";
    case VK_ERROR_INITIALIZATION_FAILED:
      return "VK_ERROR_INITIALIZATION_FAILED";
    case VK_ERROR_DEVICE_LOST:
      return "VK_ERROR_DEVICE_LOST";
    case VK_ERROR_LAYER_NOT_PRESENT:
      return "VK_ERROR_LAYER_NOT_PRESENT";
    case VK_ERROR_EXTENSION_NOT_PRESENT:
      return "VK_ERROR_EXTENSION_NOT_PRESENT";
    case VK_ERROR_FEATURE_NOT_PRESENT:
      return "VK_ERROR_FEATURE_NOT_PRESENT";
    case VK_ERROR_INCOMPATIBLE_DRIVER:
      return "VK_ERROR_INCOMPATIBLE_DRIVER";
    default:
      return "VkResult error";
  }
}

Status check(VkResult r, const char* op) {
  if (r == VK_SUCCESS) return {};
  const ErrorCode code = (r == VK_ERROR_OUT_OF_HOST_MEMORY || r == VK_ERROR_OUT_OF_DEVICE_MEMORY)
                             ? ErrorCode::kOutOfMemory
                             : ErrorCode::kGpuError;
  return {code, std::string(op) + ": " + result_name(r) + " (" + std::to_string(int(r)) + ")"};
}

// Coverage and LCD pages are R8 (an LCD page three texels a pixel, backend.h), colour RGBA8.
VkFormat page_format(PixelFormat f) {
  return f == PixelFormat::kColor32 ? VK_FORMAT_R8G8B8A8_UNORM : VK_FORMAT_R8_UNORM;
}

Status create_host_buffer(const DeviceRef& d, size_t size, VkBufferUsageFlags usage, Buffer* out) {
  Buffer b;
  VkBufferCreateInfo info{VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
  info.size = size;
  info.usage = usage;
  info.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
  GS_TRY(check(vkCreateBuffer(d.device, &info, nullptr, &b.buffer), "vkCreateBuffer"));
  VkMemoryRequirements req;
  vkGetBufferMemoryRequirements(d.device, b.buffer, &req);
  Status s =
      allocate(d, req, VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT,
               &b.memory);
  if (s.ok()) s = check(vkBindBufferMemory(d.device, b.buffer, b.memory, 0), "vkBindBufferMemory");
  void* mapped = nullptr;
  if (s.ok())
    s = check(vkMapMemory(d.device, b.memory, 0, VK_WHOLE_SIZE, 0, &mapped), "vkMapMemory");
  if (!s.ok()) {
    destroy_buffer(d, &b);
    return s;
  }
  b.mapped = static_cast<uint8_t*>(mapped);
  b.size = size;
  *out = b;
  return {};
}

void destroy_buffer(const DeviceRef& d, Buffer* b) {
  if (b->buffer) vkDestroyBuffer(d.device, b->buffer, nullptr);
  if (b->memory) vkFreeMemory(d.device, b->memory, nullptr);  // unmaps too
  *b = {};
}

Status create_image(const DeviceRef& d, VkFormat format, int width, int height,
                    VkImageUsageFlags usage, const uint32_t* families, uint32_t family_count,
                    Image* out, MemoryPool* pool) {
  Image img;
  img.format = format;
  img.width = width;
  img.height = height;
  VkImageCreateInfo info{VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO};
  info.imageType = VK_IMAGE_TYPE_2D;
  info.format = format;
  info.extent = {uint32_t(width), uint32_t(height), 1};
  info.mipLevels = 1;
  info.arrayLayers = 1;
  info.samples = VK_SAMPLE_COUNT_1_BIT;
  info.tiling = VK_IMAGE_TILING_OPTIMAL;
  info.usage = usage;
  info.sharingMode = family_count > 1 ? VK_SHARING_MODE_CONCURRENT : VK_SHARING_MODE_EXCLUSIVE;
  info.queueFamilyIndexCount = family_count > 1 ? family_count : 0;
  info.pQueueFamilyIndices = family_count > 1 ? families : nullptr;
  info.initialLayout = VK_IMAGE_LAYOUT_UNDEFINED;
  GS_TRY(check(vkCreateImage(d.device, &info, nullptr, &img.image), "vkCreateImage"));
  VkMemoryRequirements req;
  vkGetImageMemoryRequirements(d.device, img.image, &req);
  Status s =
      pool ? pool->allocate(d, req, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT, &img.memory, &img.offset)
           : allocate(d, req, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT, &img.memory);
  if (s.ok()) img.pool = pool;
  if (s.ok()) {
    s = check(vkBindImageMemory(d.device, img.image, img.memory, img.offset), "vkBindImageMemory");
  }
  const VkImageUsageFlags viewed =
      VK_IMAGE_USAGE_SAMPLED_BIT | VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT | VK_IMAGE_USAGE_STORAGE_BIT;
  if (s.ok() && (usage & viewed)) {
    VkImageViewCreateInfo v{VK_STRUCTURE_TYPE_IMAGE_VIEW_CREATE_INFO};
    v.image = img.image;
    v.viewType = VK_IMAGE_VIEW_TYPE_2D;
    v.format = format;
    v.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
    s = check(vkCreateImageView(d.device, &v, nullptr, &img.view), "vkCreateImageView");
  }
  if (!s.ok()) {
    destroy_image(d, &img);
    return s;
  }
  *out = img;
  return {};
}

void destroy_image(const DeviceRef& d, Image* img) {
  if (img->view) vkDestroyImageView(d.device, img->view, nullptr);
  if (img->image) vkDestroyImage(d.device, img->image, nullptr);
  if (img->memory && img->pool) img->pool->release(d.device, img->memory, img->offset);
  if (img->memory && !img->pool) vkFreeMemory(d.device, img->memory, nullptr);
  *img = {};
}

void memory_barrier(VkCommandBuffer cmd, VkPipelineStageFlags2 src_stage, VkAccessFlags2 src_access,
                    VkPipelineStageFlags2 dst_stage, VkAccessFlags2 dst_access) {
  VkMemoryBarrier2 b{VK_STRUCTURE_TYPE_MEMORY_BARRIER_2};
  b.srcStageMask = src_stage;
  b.srcAccessMask = src_access;
  b.dstStageMask = dst_stage;
  b.dstAccessMask = dst_access;
  VkDependencyInfo dep{VK_STRUCTURE_TYPE_DEPENDENCY_INFO};
  dep.memoryBarrierCount = 1;
  dep.pMemoryBarriers = &b;
  vkCmdPipelineBarrier2(cmd, &dep);
}

void image_to_general(VkCommandBuffer cmd, VkImage image, VkPipelineStageFlags2 dst_stage,
                      VkAccessFlags2 dst_access) {
  VkImageMemoryBarrier2 b{VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER_2};
  b.srcStageMask = VK_PIPELINE_STAGE_2_NONE;
  b.srcAccessMask = VK_ACCESS_2_NONE;
  b.dstStageMask = dst_stage;
  b.dstAccessMask = dst_access;
  b.oldLayout = VK_IMAGE_LAYOUT_UNDEFINED;
  b.newLayout = VK_IMAGE_LAYOUT_GENERAL;
  b.srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
  b.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
  b.image = image;
  b.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
  VkDependencyInfo dep{VK_STRUCTURE_TYPE_DEPENDENCY_INFO};
  dep.imageMemoryBarrierCount = 1;
  dep.pImageMemoryBarriers = &b;
  vkCmdPipelineBarrier2(cmd, &dep);
}

Status create_timeline(VkDevice device, VkSemaphore* out) {
  VkSemaphoreTypeCreateInfo type{VK_STRUCTURE_TYPE_SEMAPHORE_TYPE_CREATE_INFO};
  type.semaphoreType = VK_SEMAPHORE_TYPE_TIMELINE;
  type.initialValue = 0;
  VkSemaphoreCreateInfo info{VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO};
  info.pNext = &type;
  return check(vkCreateSemaphore(device, &info, nullptr, out), "vkCreateSemaphore (timeline)");
}

bool reached(VkDevice device, const Guard& g) {
  if (g.value == 0 || !g.semaphore) return true;
  uint64_t v = 0;
  if (vkGetSemaphoreCounterValue(device, g.semaphore, &v) != VK_SUCCESS) return false;
  return v >= g.value;
}

Status wait(VkDevice device, const Guard& g, const char* op) {
  if (g.value == 0 || !g.semaphore) return {};
  VkSemaphoreWaitInfo info{VK_STRUCTURE_TYPE_SEMAPHORE_WAIT_INFO};
  info.semaphoreCount = 1;
  info.pSemaphores = &g.semaphore;
  info.pValues = &g.value;
  VkResult r = VK_TIMEOUT;
  while (r == VK_TIMEOUT) r = vkWaitSemaphores(device, &info, 1'000'000'000);
  return check(r, op);
}

Status begin_one_time(VkCommandBuffer cmd) {
  VkCommandBufferBeginInfo begin{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
  begin.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
  return check(vkBeginCommandBuffer(cmd, &begin), "vkBeginCommandBuffer");
}

Status create_module(VkDevice device, std::span<const uint32_t> code, VkShaderModule* out) {
  VkShaderModuleCreateInfo info{VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO};
  info.codeSize = code.size_bytes();
  info.pCode = code.data();
  return check(vkCreateShaderModule(device, &info, nullptr, out), "vkCreateShaderModule");
}

uint32_t timestamp_bits(VkPhysicalDevice pd, uint32_t family) {
  uint32_t n = 0;
  vkGetPhysicalDeviceQueueFamilyProperties(pd, &n, nullptr);
  std::vector<VkQueueFamilyProperties> props(n);
  vkGetPhysicalDeviceQueueFamilyProperties(pd, &n, props.data());
  return family < n ? props[family].timestampValidBits : 0;
}

bool is_srgb_format(VkFormat format) {
  switch (format) {
    case VK_FORMAT_R8_SRGB:
    case VK_FORMAT_R8G8_SRGB:
    case VK_FORMAT_R8G8B8_SRGB:
    case VK_FORMAT_B8G8R8_SRGB:
    case VK_FORMAT_R8G8B8A8_SRGB:
    case VK_FORMAT_B8G8R8A8_SRGB:
    case VK_FORMAT_A8B8G8R8_SRGB_PACK32:
      return true;
    default:
      return false;
  }
}

Status check_linear_light(bool linear_light, VkFormat color_format) {
  if (linear_light == is_srgb_format(color_format)) return {};
  const std::string format = "(VkFormat " + std::to_string(uint32_t(color_format)) + ")";
  return {ErrorCode::kInvalidArgument,
          linear_light ? "TextSystemDesc::linear_light: the target's colour format " + format +
                             " is not an *_SRGB format; draw into an sRGB image "
                             "(VulkanContextDesc::srgb, an *_SRGB color_format) or leave "
                             "linear_light off"
                       : "the target's colour format " + format +
                             " is *_SRGB: Vulkan blends it in linear light, so set "
                             "TextSystemDesc::linear_light (or render into a UNORM view of it)"};
}

VkImageAspectFlags depth_stencil_aspects(VkFormat format) {
  switch (format) {
    case VK_FORMAT_D16_UNORM:
    case VK_FORMAT_X8_D24_UNORM_PACK32:
    case VK_FORMAT_D32_SFLOAT:
      return VK_IMAGE_ASPECT_DEPTH_BIT;
    case VK_FORMAT_S8_UINT:
      return VK_IMAGE_ASPECT_STENCIL_BIT;
    case VK_FORMAT_D16_UNORM_S8_UINT:
    case VK_FORMAT_D24_UNORM_S8_UINT:
    case VK_FORMAT_D32_SFLOAT_S8_UINT:
      return VK_IMAGE_ASPECT_DEPTH_BIT | VK_IMAGE_ASPECT_STENCIL_BIT;
    default:
      return 0;
  }
}

Status create_graphics_pipeline(VkDevice device, const GraphicsPipelineDesc& desc, VkPipeline* out,
                                const char* op) {
  VkPipelineShaderStageCreateInfo stages[2] = {
      {VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO},
      {VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO}};
  stages[0].stage = VK_SHADER_STAGE_VERTEX_BIT;
  stages[0].module = desc.vertex;
  stages[0].pName = "main";
  stages[0].pSpecializationInfo = desc.vertex_specialization;
  stages[1].stage = VK_SHADER_STAGE_FRAGMENT_BIT;
  stages[1].module = desc.fragment;
  stages[1].pName = "main";
  stages[1].pSpecializationInfo = desc.fragment_specialization;
  const VkPipelineVertexInputStateCreateInfo no_input{
      VK_STRUCTURE_TYPE_PIPELINE_VERTEX_INPUT_STATE_CREATE_INFO};
  VkPipelineInputAssemblyStateCreateInfo assembly{
      VK_STRUCTURE_TYPE_PIPELINE_INPUT_ASSEMBLY_STATE_CREATE_INFO};
  assembly.topology = desc.topology;
  VkPipelineViewportStateCreateInfo viewport{VK_STRUCTURE_TYPE_PIPELINE_VIEWPORT_STATE_CREATE_INFO};
  viewport.viewportCount = viewport.scissorCount = 1;
  VkPipelineRasterizationStateCreateInfo raster{
      VK_STRUCTURE_TYPE_PIPELINE_RASTERIZATION_STATE_CREATE_INFO};
  raster.polygonMode = VK_POLYGON_MODE_FILL;
  raster.cullMode = VK_CULL_MODE_NONE;
  raster.lineWidth = 1.f;
  VkPipelineMultisampleStateCreateInfo ms{VK_STRUCTURE_TYPE_PIPELINE_MULTISAMPLE_STATE_CREATE_INFO};
  ms.rasterizationSamples = desc.samples ? desc.samples : VK_SAMPLE_COUNT_1_BIT;
  // Depth and stencil untouched: the pass's attachment is the application's.
  VkPipelineDepthStencilStateCreateInfo depth{
      VK_STRUCTURE_TYPE_PIPELINE_DEPTH_STENCIL_STATE_CREATE_INFO};
  VkPipelineColorBlendAttachmentState blend{};
  if (desc.premultiplied_blend) {
    blend.blendEnable = VK_TRUE;
    blend.srcColorBlendFactor = blend.srcAlphaBlendFactor = VK_BLEND_FACTOR_ONE;
    blend.dstColorBlendFactor = blend.dstAlphaBlendFactor = VK_BLEND_FACTOR_ONE_MINUS_SRC_ALPHA;
    if (desc.dual_source_blend) {
      blend.dstColorBlendFactor = VK_BLEND_FACTOR_ONE_MINUS_SRC1_COLOR;
      blend.dstAlphaBlendFactor = VK_BLEND_FACTOR_ONE_MINUS_SRC1_ALPHA;
    }
    blend.colorBlendOp = blend.alphaBlendOp = VK_BLEND_OP_ADD;
  }
  blend.colorWriteMask = VK_COLOR_COMPONENT_R_BIT | VK_COLOR_COMPONENT_G_BIT |
                         VK_COLOR_COMPONENT_B_BIT | VK_COLOR_COMPONENT_A_BIT;
  VkPipelineColorBlendStateCreateInfo cb{VK_STRUCTURE_TYPE_PIPELINE_COLOR_BLEND_STATE_CREATE_INFO};
  cb.attachmentCount = 1;
  cb.pAttachments = &blend;
  const VkDynamicState dyn_states[] = {VK_DYNAMIC_STATE_VIEWPORT, VK_DYNAMIC_STATE_SCISSOR};
  VkPipelineDynamicStateCreateInfo dyn{VK_STRUCTURE_TYPE_PIPELINE_DYNAMIC_STATE_CREATE_INFO};
  dyn.dynamicStateCount = 2;
  dyn.pDynamicStates = dyn_states;
  VkPipelineRenderingCreateInfo rendering{VK_STRUCTURE_TYPE_PIPELINE_RENDERING_CREATE_INFO};
  rendering.colorAttachmentCount = 1;
  rendering.pColorAttachmentFormats = &desc.color_format;
  const VkImageAspectFlags aspects = depth_stencil_aspects(desc.depth_stencil_format);
  if (aspects & VK_IMAGE_ASPECT_DEPTH_BIT)
    rendering.depthAttachmentFormat = desc.depth_stencil_format;
  if (aspects & VK_IMAGE_ASPECT_STENCIL_BIT) {
    rendering.stencilAttachmentFormat = desc.depth_stencil_format;
  }
  VkGraphicsPipelineCreateInfo info{VK_STRUCTURE_TYPE_GRAPHICS_PIPELINE_CREATE_INFO};
  info.pNext = &rendering;
  info.stageCount = 2;
  info.pStages = stages;
  info.pVertexInputState = desc.vertex_input ? desc.vertex_input : &no_input;
  info.pInputAssemblyState = &assembly;
  info.pViewportState = &viewport;
  info.pRasterizationState = &raster;
  info.pMultisampleState = &ms;
  info.pDepthStencilState = aspects ? &depth : nullptr;
  info.pColorBlendState = &cb;
  info.pDynamicState = &dyn;
  info.layout = desc.layout;
  return check(vkCreateGraphicsPipelines(device, VK_NULL_HANDLE, 1, &info, nullptr, out), op);
}

bool read_timestamp_pair(VkDevice device, VkQueryPool pool, uint32_t first, uint64_t mask,
                         double period_ns, GpuSpan* out) {
  uint64_t ticks[2] = {};
  if (vkGetQueryPoolResults(device, pool, first, 2, sizeof ticks, ticks, sizeof(uint64_t),
                            VK_QUERY_RESULT_64_BIT) != VK_SUCCESS) {
    return false;
  }
  const uint64_t delta = ((ticks[1] & mask) - (ticks[0] & mask)) & mask;
  out->begin_ns = uint64_t(double(ticks[0] & mask) * period_ns);
  out->end_ns = out->begin_ns + uint64_t(double(delta) * period_ns);
  return true;
}

void begin_rendering(VkCommandBuffer cmd, const Image& target, VkAttachmentLoadOp load) {
  VkRenderingAttachmentInfo color{VK_STRUCTURE_TYPE_RENDERING_ATTACHMENT_INFO};
  color.imageView = target.view;
  color.imageLayout = VK_IMAGE_LAYOUT_GENERAL;
  color.loadOp = load;
  color.storeOp = VK_ATTACHMENT_STORE_OP_STORE;
  VkRenderingInfo rendering{VK_STRUCTURE_TYPE_RENDERING_INFO};
  rendering.renderArea = {{0, 0}, {uint32_t(target.width), uint32_t(target.height)}};
  rendering.layerCount = 1;
  rendering.colorAttachmentCount = 1;
  rendering.pColorAttachments = &color;
  vkCmdBeginRendering(cmd, &rendering);
}

DeviceRef device_ref(const VulkanDeviceDesc& d) {
  DeviceRef dev;
  dev.physical = static_cast<VkPhysicalDevice>(d.physical_device);
  dev.device = static_cast<VkDevice>(d.device);
  if (dev.physical) vkGetPhysicalDeviceMemoryProperties(dev.physical, &dev.memory);
  return dev;
}

}  // namespace glyphstream::gpu::vk
