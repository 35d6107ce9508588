// Atlas pages on Vulkan: one image (and view) per page in VK_IMAGE_LAYOUT_GENERAL after its
// first transition, its memory a range of a MemoryPool block, its descriptor set from the
// renderer (a DescriptorSource). A new or grown page is initialized on the GPU (zeroes, and the
// old texels copied over); a replaced image is retired and freed once the frame that last used
// it has completed.
#pragma once

#include <span>
#include <unordered_map>
#include <vector>

#include "gpu/backend.h"
#include "gpu/vulkan/vk_memory.h"
#include "gpu/vulkan/vk_util.h"

namespace glyphstream::gpu::vk {

// Page writes (clears, growth copies, buffer copies) and every later reader of a page.
constexpr VkPipelineStageFlags2 kPageWriteStages =
    VK_PIPELINE_STAGE_2_COPY_BIT | VK_PIPELINE_STAGE_2_CLEAR_BIT;
constexpr VkPipelineStageFlags2 kPageReadStages =
    VK_PIPELINE_STAGE_2_FRAGMENT_SHADER_BIT | VK_PIPELINE_STAGE_2_COPY_BIT;

// Earlier samplers and copies of the pages, then these writes (WAR and WAW).
void barrier_before_writes(VkCommandBuffer cmd);
// The copy of rect `r` from a buffer at `offset` (tight rows).
VkBufferImageCopy region_for(const Rect& r, size_t offset);

struct PageImage {
  Image image;
  VkDescriptorSet set = VK_NULL_HANDLE;
  PixelFormat format = PixelFormat::kCoverage8;
};

// Where page images get their descriptor sets (the renderer's pool).
class DescriptorSource {
 public:
  virtual Status allocate_set(VkImageView view, VkDescriptorSet* out) = 0;
  virtual void free_set(VkDescriptorSet set) = 0;

 protected:
  ~DescriptorSource() = default;
};

class PageImages {
 public:
  PageImages() = default;
  // Frees every image, retired ones included; the owner has waited for the GPU, and `sets`
  // outlives this.
  ~PageImages();
  PageImages(const PageImages&) = delete;
  PageImages& operator=(const PageImages&) = delete;

  // Reserves the first block of page memory. `families`: the queue families images are shared
  // by; `zero_buffer`: initialization by copies (a transfer queue has no clears) is used.
  Status init(const DeviceRef& dev, std::span<const uint32_t> families, bool zero_buffer,
              DescriptorSource* sets);

  // nullptr when the page has no image.
  const PageImage* find(uint32_t page) const;
  // The page has an image of `desc`'s format and size.
  bool current(const PageDesc& desc) const;
  // The page has an image of another format.
  bool format_changes(const PageDesc& desc) const;

  // An image for `desc` with its descriptor set; not yet the page's (install()).
  Status create(const PageDesc& desc, PageImage* out);
  void destroy(PageImage* page);
  // Records `fresh`'s first content into `cmd` (zeroes, and the texels of the page's old image
  // when it has the same format) and makes it the page's image; the old one is retired. By
  // copies on an upload queue (`by_copies`), else a clear in the graphics stream. Returns
  // whether an old image was replaced; *grown: its texels were copied.
  bool install(VkCommandBuffer cmd, uint32_t page, const PageImage& fresh, bool by_copies,
               bool* grown);

  // One vkCmdCopyBufferToImage per run of regions that target the same page.
  void record_copies(VkCommandBuffer cmd, VkBuffer src, std::span<const VkBufferImageCopy> regions,
                     std::span<const uint32_t> pages) const;

  // Images retired since the last end_frame were last used by `frame`.
  void end_frame(FrameToken frame);
  // Frees the retired images of frames up to `completed`.
  void release(FrameToken completed);
  // Everything submitted has completed: frees every retired image, except (`keep_unended`) one
  // retired after the last end_frame (embedded: it may be in a command buffer the application
  // has not submitted yet).
  void release_all(bool keep_unended);

 private:
  // A grown or replaced page image, freed once the frame that last used it has completed.
  struct Retired {
    PageImage page;
    bool frame_known = false;
    FrameToken frame = 0;
  };
  Status reserve_memory();
  void initialize_on_graphics(VkCommandBuffer cmd, const PageImage& fresh, const PageImage* old,
                              int keep_w, int keep_h);
  void initialize_by_copies(VkCommandBuffer cmd, const PageImage& fresh, const PageImage* old,
                            int keep_w, int keep_h);

  DeviceRef dev_;
  std::vector<uint32_t> families_;
  DescriptorSource* sets_ = nullptr;
  MemoryPool memory_;
  Buffer zero_buffer_;  // initialization by copies: zeroes new texels (transfer queue)
  std::unordered_map<uint32_t, PageImage> pages_;
  std::vector<Retired> retired_;
};

}  // namespace glyphstream::gpu::vk
