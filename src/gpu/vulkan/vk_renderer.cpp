#include "gpu/vulkan/vk_renderer.h"

#include <algorithm>

#include "gpu/vulkan/vk_shaders.h"

namespace glyphstream::gpu::vk {
namespace {

static_assert(sizeof(GlyphInstance) == 40, "the vertex layout below assumes 40-byte instances");

// The pipeline key of kNoPage batches (not a PixelFormat).
constexpr int kRectPipeline = -1;

constexpr uint32_t kMaxPageSets = 1024;
constexpr size_t kMinInstanceBytes = 64 * 1024;
// Created with the backend: the first frame's draw and the next one's (the first still in
// flight) find a buffer (1,600 glyphs each) without a vkAllocateMemory.
constexpr size_t kReservedInstanceBuffers = 2;

}  // namespace

Status QuadRenderer::create_objects(bool dual_source_blend) {
  VkSamplerCreateInfo sampler{VK_STRUCTURE_TYPE_SAMPLER_CREATE_INFO};
  sampler.magFilter = sampler.minFilter = VK_FILTER_NEAREST;
  sampler.addressModeU = sampler.addressModeV = sampler.addressModeW =
      VK_SAMPLER_ADDRESS_MODE_CLAMP_TO_EDGE;
  GS_TRY(check(vkCreateSampler(dev_.device, &sampler, nullptr, &sampler_), "vkCreateSampler"));
  VkDescriptorSetLayoutBinding binding{};
  binding.binding = 0;
  binding.descriptorType = VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER;
  binding.descriptorCount = 1;
  binding.stageFlags = VK_SHADER_STAGE_FRAGMENT_BIT;
  binding.pImmutableSamplers = &sampler_;
  VkDescriptorSetLayoutCreateInfo layout{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO};
  layout.bindingCount = 1;
  layout.pBindings = &binding;
  GS_TRY(check(vkCreateDescriptorSetLayout(dev_.device, &layout, nullptr, &set_layout_),
               "vkCreateDescriptorSetLayout"));
  VkDescriptorPoolSize size{VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, kMaxPageSets};
  VkDescriptorPoolCreateInfo pool{VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO};
  pool.flags = VK_DESCRIPTOR_POOL_CREATE_FREE_DESCRIPTOR_SET_BIT;
  pool.maxSets = kMaxPageSets;
  pool.poolSizeCount = 1;
  pool.pPoolSizes = &size;
  GS_TRY(check(vkCreateDescriptorPool(dev_.device, &pool, nullptr, &descriptor_pool_),
               "vkCreateDescriptorPool"));
  VkPushConstantRange push{VK_SHADER_STAGE_VERTEX_BIT, 0, sizeof(float) * 2};
  VkPipelineLayoutCreateInfo pl{VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO};
  // Set 0: the batch's page; set 1: its colour page (kSampleColorPage glyphs). Both of the one
  // per-page layout: a page's own set serves as either.
  const VkDescriptorSetLayout sets[2] = {set_layout_, set_layout_};
  pl.setLayoutCount = 2;
  pl.pSetLayouts = sets;
  pl.pushConstantRangeCount = 1;
  pl.pPushConstantRanges = &push;
  GS_TRY(check(vkCreatePipelineLayout(dev_.device, &pl, nullptr, &pipeline_layout_),
               "vkCreatePipelineLayout"));
  GS_TRY(create_module(dev_.device, glyph_vertex_spirv(), &vert_));
  GS_TRY(create_module(dev_.device, rect_fragment_spirv(), &rect_frag_));
  if (dual_source_blend) {
    GS_TRY(create_module(dev_.device, lcd_fragment_spirv(), &lcd_frag_));
  }
  return create_module(dev_.device, glyph_fragment_spirv(), &frag_);
}

QuadRenderer::~QuadRenderer() {
  if (!dev_.device) return;
  for (InstanceBuffer& b : instance_buffers_) destroy_buffer(dev_, &b.buffer);
  for (auto& [key, p] : pipelines_) vkDestroyPipeline(dev_.device, p, nullptr);
  pipelines_.clear();
  if (vert_) vkDestroyShaderModule(dev_.device, vert_, nullptr);
  if (frag_) vkDestroyShaderModule(dev_.device, frag_, nullptr);
  if (rect_frag_) vkDestroyShaderModule(dev_.device, rect_frag_, nullptr);
  if (lcd_frag_) vkDestroyShaderModule(dev_.device, lcd_frag_, nullptr);
  if (pipeline_layout_) vkDestroyPipelineLayout(dev_.device, pipeline_layout_, nullptr);
  if (descriptor_pool_) vkDestroyDescriptorPool(dev_.device, descriptor_pool_, nullptr);
  if (set_layout_) vkDestroyDescriptorSetLayout(dev_.device, set_layout_, nullptr);
  if (sampler_) vkDestroySampler(dev_.device, sampler_, nullptr);
}

Result<VkPipeline> QuadRenderer::pipeline(int page_format, const RenderFormats& formats) {
  const auto key = std::make_pair(page_format, formats);
  if (auto it = pipelines_.find(key); it != pipelines_.end()) return it->second;
  // Constant 0: the page is a colour page; 1: linear light (an *_SRGB target, both stages).
  const int constants[2] = {page_format == int(PixelFormat::kColor32) ? 1 : 0,
                            is_srgb_format(formats.color) ? 1 : 0};
  const VkSpecializationMapEntry entries[2] = {{0, 0, sizeof(int)}, {1, sizeof(int), sizeof(int)}};
  VkSpecializationInfo spec{2, entries, sizeof constants, constants};
  const VkVertexInputBindingDescription binding{0, sizeof(GlyphInstance),
                                                VK_VERTEX_INPUT_RATE_INSTANCE};
  const VkVertexInputAttributeDescription attrs[5] = {
      {0, 0, VK_FORMAT_R32G32B32A32_SFLOAT, uint32_t(offsetof(GlyphInstance, x))},
      {1, 0, VK_FORMAT_R16G16B16A16_UINT, uint32_t(offsetof(GlyphInstance, u))},
      {2, 0, VK_FORMAT_R32_UINT, uint32_t(offsetof(GlyphInstance, color))},
      {3, 0, VK_FORMAT_R32_UINT, uint32_t(offsetof(GlyphInstance, kind))},
      {4, 0, VK_FORMAT_R16G16B16A16_UINT, uint32_t(offsetof(GlyphInstance, clip))}};
  VkPipelineVertexInputStateCreateInfo input{
      VK_STRUCTURE_TYPE_PIPELINE_VERTEX_INPUT_STATE_CREATE_INFO};
  input.vertexBindingDescriptionCount = 1;
  input.pVertexBindingDescriptions = &binding;
  input.vertexAttributeDescriptionCount = 5;
  input.pVertexAttributeDescriptions = attrs;
  GraphicsPipelineDesc desc;
  desc.vertex = vert_;
  const bool lcd = page_format == int(PixelFormat::kLcd24);
  desc.fragment = page_format == kRectPipeline ? rect_frag_ : lcd ? lcd_frag_ : frag_;
  desc.dual_source_blend = lcd;
  desc.fragment_specialization = &spec;
  desc.vertex_specialization = &spec;
  desc.vertex_input = &input;
  desc.topology = VK_PRIMITIVE_TOPOLOGY_TRIANGLE_STRIP;
  desc.premultiplied_blend = true;
  desc.color_format = formats.color;
  desc.depth_stencil_format = formats.depth_stencil;
  desc.samples = formats.samples;
  desc.layout = pipeline_layout_;
  VkPipeline p = VK_NULL_HANDLE;
  GS_TRY(create_graphics_pipeline(dev_.device, desc, &p, "vkCreateGraphicsPipelines"));
  pipelines_[key] = p;
  return p;
}

Status QuadRenderer::create_pipelines(const RenderFormats& formats) {
  for (const int f : {int(PixelFormat::kCoverage8), int(PixelFormat::kColor32), kRectPipeline,
                      int(PixelFormat::kLcd24)}) {
    if (f == int(PixelFormat::kLcd24) && !lcd_frag_) continue;  // no dualSrcBlend: never drawn
    GS_ASSIGN_OR_RETURN([[maybe_unused]] VkPipeline p, pipeline(f, formats));
  }
  return {};
}

Status QuadRenderer::init(const DeviceRef& dev, bool dual_source_blend) {
  dev_ = dev;
  GS_TRY(create_objects(dual_source_blend));
  // What the first frame would otherwise create (once per backend, as GL creates its instance
  // buffer in init()).
  instance_buffers_.resize(kReservedInstanceBuffers);
  for (InstanceBuffer& b : instance_buffers_) {
    GS_TRY(
        create_host_buffer(dev_, kMinInstanceBytes, VK_BUFFER_USAGE_VERTEX_BUFFER_BIT, &b.buffer));
  }
  return {};
}

bool QuadRenderer::has_pipelines(const RenderFormats& formats) const {
  return pipelines_.count({int(PixelFormat::kCoverage8), formats}) > 0;
}

void QuadRenderer::end_frame(const Guard& frame_guard) {
  for (InstanceBuffer& b : instance_buffers_) {
    if (b.await_frame) b.guard = frame_guard, b.await_frame = false;
  }
}

Status QuadRenderer::allocate_set(VkImageView view, VkDescriptorSet* out) {
  VkDescriptorSetAllocateInfo info{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO};
  info.descriptorPool = descriptor_pool_;
  info.descriptorSetCount = 1;
  info.pSetLayouts = &set_layout_;
  GS_TRY(check(vkAllocateDescriptorSets(dev_.device, &info, out), "vkAllocateDescriptorSets"));
  VkDescriptorImageInfo image{VK_NULL_HANDLE, view, VK_IMAGE_LAYOUT_GENERAL};
  VkWriteDescriptorSet write{VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET};
  write.dstSet = *out;
  write.descriptorCount = 1;
  write.descriptorType = VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER;
  write.pImageInfo = &image;
  vkUpdateDescriptorSets(dev_.device, 1, &write, 0, nullptr);
  return {};
}

void QuadRenderer::free_set(VkDescriptorSet set) {
  vkFreeDescriptorSets(dev_.device, descriptor_pool_, 1, &set);
}

Result<InstanceBuffer*> QuadRenderer::instance_buffer(size_t bytes) {
  InstanceBuffer* idle = nullptr;
  for (InstanceBuffer& b : instance_buffers_) {
    if (b.await_frame || !reached(dev_.device, b.guard)) continue;
    if (b.buffer.size >= bytes) return &b;
    idle = &b;
  }
  if (!idle) idle = &instance_buffers_.emplace_back();
  // Grown rarely: the size doubles, so a steady workload stops allocating.
  size_t size = std::max(kMinInstanceBytes, idle->buffer.size * 2);
  while (size < bytes) size *= 2;
  destroy_buffer(dev_, &idle->buffer);
  GS_TRY(create_host_buffer(dev_, size, VK_BUFFER_USAGE_VERTEX_BUFFER_BIT, &idle->buffer));
  idle->guard = {};
  return idle;
}

void QuadRenderer::record(VkCommandBuffer cmd, const DrawList& list, VkBuffer instances,
                          const RenderFormats& formats, std::pair<int, int> target_size,
                          const PageImages& pages) {
  const VkViewport viewport{0, 0, float(list.viewport_width), float(list.viewport_height), 0, 1};
  vkCmdSetViewport(cmd, 0, 1, &viewport);
  // The scissor stays inside the render target.
  const VkRect2D scissor{{0, 0},
                         {uint32_t(std::min(list.viewport_width, target_size.first)),
                          uint32_t(std::min(list.viewport_height, target_size.second))}};
  vkCmdSetScissor(cmd, 0, 1, &scissor);
  const float size[2] = {float(list.viewport_width), float(list.viewport_height)};
  vkCmdPushConstants(cmd, pipeline_layout_, VK_SHADER_STAGE_VERTEX_BIT, 0, sizeof size, size);
  const VkDeviceSize offset = 0;
  vkCmdBindVertexBuffers(cmd, 0, 1, &instances, &offset);
  VkPipeline bound = VK_NULL_HANDLE;
  VkDescriptorSet bound_sets[2] = {VK_NULL_HANDLE, VK_NULL_HANDLE};
  for (const DrawBatch& b : list.batches) {
    if (b.count == 0) continue;
    const PageImage* page = b.page == kNoPage ? nullptr : pages.find(b.page);
    Result<VkPipeline> p = pipeline(page ? int(page->format) : kRectPipeline, formats);
    if (!p.ok()) continue;  // created with the formats (init, set_frame_target): a lookup
    if (*p != bound) vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, bound = *p);
    if (page) {
      // Set 1 is sampled only by kSampleColorPage glyphs: without a colour page, the page's own
      // set fills it (the layout needs every set bound).
      const PageImage* color = b.color_page == kNoPage ? page : pages.find(b.color_page);
      const VkDescriptorSet sets[2] = {page->set, color->set};
      if (sets[0] != bound_sets[0] || sets[1] != bound_sets[1]) {
        vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, pipeline_layout_, 0, 2, sets,
                                0, nullptr);
        bound_sets[0] = sets[0], bound_sets[1] = sets[1];
      }
    }
    vkCmdDraw(cmd, 4, b.count, 0, b.first);  // firstInstance: the batch's first glyph
  }
}

}  // namespace glyphstream::gpu::vk
