// Drawing on Vulkan: one pipeline per (page format, target formats) with premultiplied-alpha
// blending (kLcd24 pages: the GS_LCD fragment shader, dual-source blending), a descriptor set
// per page image from its pool (bound as set 0 for a batch's page, set 1 for its colour page),
// host-visible instance buffers recycled behind their guards, and the recording of a draw list
// into a command buffer inside a rendering.
#pragma once

#include <map>
#include <utility>
#include <vector>

#include "gpu/backend.h"
#include "gpu/vulkan/vk_pages.h"
#include "gpu/vulkan/vk_util.h"

namespace glyphstream::gpu::vk {

// The attachments of the rendering the pipelines draw in (their pipeline-rendering formats).
struct RenderFormats {
  VkFormat color = VK_FORMAT_UNDEFINED;
  VkFormat depth_stencil = VK_FORMAT_UNDEFINED;  // none
  VkSampleCountFlagBits samples = VK_SAMPLE_COUNT_1_BIT;
  auto operator<=>(const RenderFormats&) const = default;
};

// Host-visible instance data of one draw; embedded draws learn their guard at end_frame.
struct InstanceBuffer {
  Buffer buffer;
  Guard guard;
  bool await_frame = false;
};

class QuadRenderer final : public DescriptorSource {
 public:
  QuadRenderer() = default;
  // Pipelines, shaders, layouts, the descriptor pool, the instance buffers: the owner has waited
  // for the GPU, and the page images' sets are freed.
  ~QuadRenderer();
  QuadRenderer(const QuadRenderer&) = delete;
  QuadRenderer& operator=(const QuadRenderer&) = delete;

  // The sampler, layouts, pool and shader modules (the LCD one with `dual_source_blend`), and
  // the first instance buffers.
  Status init(const DeviceRef& dev, bool dual_source_blend);
  // Every variant for a format set (headless and declared embedded formats: at creation;
  // undeclared: at the first set_frame_target of each set); a lookup after the first time.
  Status create_pipelines(const RenderFormats& formats);
  bool has_pipelines(const RenderFormats& formats) const;

  // DescriptorSource: a page image's set.
  Status allocate_set(VkImageView view, VkDescriptorSet* out) override;
  void free_set(VkDescriptorSet set) override;

  // An idle buffer of at least `bytes` (grown, or a new one, when none is).
  Result<InstanceBuffer*> instance_buffer(size_t bytes);
  // Embedded: the buffers of the frame's draws are free once `frame_guard` is reached.
  void end_frame(const Guard& frame_guard);

  // Records the list's batches (inside a rendering of `formats`, `target_size` large).
  void record(VkCommandBuffer cmd, const DrawList& list, VkBuffer instances,
              const RenderFormats& formats, std::pair<int, int> target_size,
              const PageImages& pages);

 private:
  Status create_objects(bool dual_source_blend);
  // page_format kRectPipeline: the variant that samples nothing (kNoPage batches).
  Result<VkPipeline> pipeline(int page_format, const RenderFormats& formats);

  DeviceRef dev_;
  VkSampler sampler_ = VK_NULL_HANDLE;
  VkDescriptorSetLayout set_layout_ = VK_NULL_HANDLE;
  VkDescriptorPool descriptor_pool_ = VK_NULL_HANDLE;
  VkPipelineLayout pipeline_layout_ = VK_NULL_HANDLE;  // set 0: page, set 1: colour page
  VkShaderModule vert_ = VK_NULL_HANDLE, frag_ = VK_NULL_HANDLE;
  VkShaderModule rect_frag_ = VK_NULL_HANDLE;  // kNoPage batches: samples nothing
  VkShaderModule lcd_frag_ = VK_NULL_HANDLE;   // kLcd24 pages: dual-source output
  std::map<std::pair<int, RenderFormats>, VkPipeline> pipelines_;  // (page format, formats)
  std::vector<InstanceBuffer> instance_buffers_;
};

}  // namespace glyphstream::gpu::vk
