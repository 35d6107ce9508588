#include "gpu/vulkan/vk_pages.h"

#include <algorithm>

namespace glyphstream::gpu::vk {
namespace {

constexpr VkImageUsageFlags kPageUsage =
    VK_IMAGE_USAGE_SAMPLED_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT;
// Zeroes new pages on a transfer queue; a row of the widest colour page (32768 x 4 bytes) fits.
constexpr size_t kZeroBufferBytes = size_t(256) << 10;

void copy_old_content(VkCommandBuffer cmd, const PageImage& old, const PageImage& fresh, int keep_w,
                      int keep_h) {
  VkImageCopy copy{};
  copy.srcSubresource = copy.dstSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1};
  copy.extent = {uint32_t(keep_w), uint32_t(keep_h), 1};
  vkCmdCopyImage(cmd, old.image.image, VK_IMAGE_LAYOUT_GENERAL, fresh.image.image,
                 VK_IMAGE_LAYOUT_GENERAL, 1, &copy);
}

}  // namespace

void barrier_before_writes(VkCommandBuffer cmd) {
  memory_barrier(cmd, kPageReadStages | kPageWriteStages,
                 VK_ACCESS_2_TRANSFER_WRITE_BIT | VK_ACCESS_2_TRANSFER_READ_BIT, kPageWriteStages,
                 VK_ACCESS_2_TRANSFER_WRITE_BIT | VK_ACCESS_2_TRANSFER_READ_BIT);
}

VkBufferImageCopy region_for(const Rect& r, size_t offset) {
  VkBufferImageCopy c{};
  c.bufferOffset = offset;
  c.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1};
  c.imageOffset = {r.x, r.y, 0};
  c.imageExtent = {uint32_t(r.w), uint32_t(r.h), 1};
  return c;
}

Status PageImages::init(const DeviceRef& dev, std::span<const uint32_t> families, bool zero_buffer,
                        DescriptorSource* sets) {
  dev_ = dev;
  families_.assign(families.begin(), families.end());
  sets_ = sets;
  GS_TRY(reserve_memory());
  if (!zero_buffer) return {};
  GS_TRY(
      create_host_buffer(dev_, kZeroBufferBytes, VK_BUFFER_USAGE_TRANSFER_SRC_BIT, &zero_buffer_));
  std::fill(zero_buffer_.mapped, zero_buffer_.mapped + zero_buffer_.size, uint8_t(0));
  return {};
}

PageImages::~PageImages() {
  if (!dev_.device) return;
  destroy_buffer(dev_, &zero_buffer_);
  for (auto& [id, page] : pages_) destroy(&page);
  for (Retired& r : retired_) destroy(&r.page);
  memory_.destroy(dev_.device);
}

// Every application has coverage pages; colour pages share their memory type on the drivers we
// know (lavapipe, NVIDIA). Where they do not, the first colour page allocates its own block.
Status PageImages::reserve_memory() {
  VkImageCreateInfo image{VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO};
  image.imageType = VK_IMAGE_TYPE_2D;
  image.format = page_format(PixelFormat::kCoverage8);
  image.extent = {1024, 256, 1};  // the memory type does not depend on the size
  image.mipLevels = image.arrayLayers = 1;
  image.samples = VK_SAMPLE_COUNT_1_BIT;
  image.tiling = VK_IMAGE_TILING_OPTIMAL;
  image.usage = kPageUsage;
  image.sharingMode = families_.size() > 1 ? VK_SHARING_MODE_CONCURRENT : VK_SHARING_MODE_EXCLUSIVE;
  image.queueFamilyIndexCount = families_.size() > 1 ? uint32_t(families_.size()) : 0;
  image.pQueueFamilyIndices = families_.size() > 1 ? families_.data() : nullptr;
  VkDeviceImageMemoryRequirements info{VK_STRUCTURE_TYPE_DEVICE_IMAGE_MEMORY_REQUIREMENTS};
  info.pCreateInfo = &image;
  VkMemoryRequirements2 req{VK_STRUCTURE_TYPE_MEMORY_REQUIREMENTS_2};
  vkGetDeviceImageMemoryRequirements(dev_.device, &info, &req);
  return memory_.reserve(dev_, req.memoryRequirements.memoryTypeBits,
                         VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT);
}

const PageImage* PageImages::find(uint32_t page) const {
  auto it = pages_.find(page);
  return it == pages_.end() ? nullptr : &it->second;
}

bool PageImages::current(const PageDesc& desc) const {
  const PageImage* p = find(desc.page);
  return p && p->format == desc.format && p->image.width == desc.width &&
         p->image.height == desc.height;
}

bool PageImages::format_changes(const PageDesc& desc) const {
  const PageImage* p = find(desc.page);
  return p && p->format != desc.format;
}

Status PageImages::create(const PageDesc& desc, PageImage* out) {
  PageImage page;
  page.format = desc.format;
  GS_TRY(create_image(dev_, page_format(desc.format), desc.width, desc.height, kPageUsage,
                      families_.data(), uint32_t(families_.size()), &page.image, &memory_));
  Status s = sets_->allocate_set(page.image.view, &page.set);
  if (!s.ok()) {
    destroy(&page);
    return s;
  }
  *out = page;
  return {};
}

void PageImages::destroy(PageImage* page) {
  if (page->set) sets_->free_set(page->set);
  destroy_image(dev_, &page->image);
  *page = {};
}

bool PageImages::install(VkCommandBuffer cmd, uint32_t page, const PageImage& fresh, bool by_copies,
                         bool* grown) {
  auto it = pages_.find(page);
  PageImage* old = it == pages_.end() ? nullptr : &it->second;
  const bool grow = old && old->format == fresh.format;
  const int keep_w = grow ? std::min(old->image.width, fresh.image.width) : 0;
  const int keep_h = grow ? std::min(old->image.height, fresh.image.height) : 0;
  // New storage is undefined; never-written atlas pixels must read as zero.
  if (by_copies) {
    initialize_by_copies(cmd, fresh, grow ? old : nullptr, keep_w, keep_h);
  } else {
    initialize_on_graphics(cmd, fresh, grow ? old : nullptr, keep_w, keep_h);
  }
  *grown = grow;
  if (!old) {
    pages_[page] = fresh;
    return false;
  }
  // Frames in flight may still sample it: freed when their token signals.
  retired_.push_back({*old, false, 0});
  *old = fresh;
  return true;
}

// Graphics stream: one clear, then the old content copied over it.
void PageImages::initialize_on_graphics(VkCommandBuffer cmd, const PageImage& fresh,
                                        const PageImage* old, int keep_w, int keep_h) {
  image_to_general(cmd, fresh.image.image, VK_PIPELINE_STAGE_2_CLEAR_BIT,
                   VK_ACCESS_2_TRANSFER_WRITE_BIT);
  const VkClearColorValue zero{};
  const VkImageSubresourceRange range{VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
  vkCmdClearColorImage(cmd, fresh.image.image, VK_IMAGE_LAYOUT_GENERAL, &zero, 1, &range);
  if (old) {
    memory_barrier(cmd, VK_PIPELINE_STAGE_2_CLEAR_BIT, VK_ACCESS_2_TRANSFER_WRITE_BIT,
                   VK_PIPELINE_STAGE_2_COPY_BIT, VK_ACCESS_2_TRANSFER_WRITE_BIT);
    copy_old_content(cmd, *old, fresh, keep_w, keep_h);
  }
  // Later writes in this pass (copies into the new image) come after the clear and the copy.
  barrier_before_writes(cmd);
}

// Transfer queue (no vkCmdClearColorImage there): the old content copied, the rest zeroed by
// copies from a zero buffer, in bands of at most its size. Earlier uploads on this queue that
// wrote the old image come first; later copies in this pass come after.
void PageImages::initialize_by_copies(VkCommandBuffer cmd, const PageImage& fresh,
                                      const PageImage* old, int keep_w, int keep_h) {
  memory_barrier(cmd, VK_PIPELINE_STAGE_2_COPY_BIT, VK_ACCESS_2_TRANSFER_WRITE_BIT,
                 VK_PIPELINE_STAGE_2_COPY_BIT,
                 VK_ACCESS_2_TRANSFER_READ_BIT | VK_ACCESS_2_TRANSFER_WRITE_BIT);
  image_to_general(cmd, fresh.image.image, VK_PIPELINE_STAGE_2_COPY_BIT,
                   VK_ACCESS_2_TRANSFER_WRITE_BIT);
  if (old) copy_old_content(cmd, *old, fresh, keep_w, keep_h);
  const size_t bpp = size_t(texel_bytes(fresh.format));
  std::vector<VkBufferImageCopy> regions;
  auto zero_rect = [&](int x, int y, int w, int h) {
    if (w <= 0 || h <= 0) return;
    const int rows = int(std::max<size_t>(1, zero_buffer_.size / (size_t(w) * bpp)));
    for (int y0 = y; y0 < y + h; y0 += rows) {
      regions.push_back(region_for({x, y0, w, std::min(rows, y + h - y0)}, 0));
    }
  };
  zero_rect(keep_w, 0, fresh.image.width - keep_w, keep_h);              // right of the old
  zero_rect(0, keep_h, fresh.image.width, fresh.image.height - keep_h);  // below it
  if (!regions.empty()) {
    vkCmdCopyBufferToImage(cmd, zero_buffer_.buffer, fresh.image.image, VK_IMAGE_LAYOUT_GENERAL,
                           uint32_t(regions.size()), regions.data());
  }
  memory_barrier(cmd, VK_PIPELINE_STAGE_2_COPY_BIT, VK_ACCESS_2_TRANSFER_WRITE_BIT,
                 VK_PIPELINE_STAGE_2_COPY_BIT,
                 VK_ACCESS_2_TRANSFER_READ_BIT | VK_ACCESS_2_TRANSFER_WRITE_BIT);
}

void PageImages::record_copies(VkCommandBuffer cmd, VkBuffer src,
                               std::span<const VkBufferImageCopy> regions,
                               std::span<const uint32_t> pages) const {
  size_t i = 0;
  while (i < regions.size()) {
    size_t j = i + 1;
    while (j < regions.size() && pages[j] == pages[i]) ++j;
    vkCmdCopyBufferToImage(cmd, src, find(pages[i])->image.image, VK_IMAGE_LAYOUT_GENERAL,
                           uint32_t(j - i), regions.data() + i);
    i = j;
  }
}

void PageImages::end_frame(FrameToken frame) {
  for (Retired& r : retired_) {
    if (!r.frame_known) r.frame_known = true, r.frame = frame;
  }
}

void PageImages::release(FrameToken completed) {
  auto done = [&](const Retired& r) { return r.frame_known && r.frame <= completed; };
  for (Retired& r : retired_) {
    if (done(r)) destroy(&r.page);
  }
  std::erase_if(retired_, done);
}

void PageImages::release_all(bool keep_unended) {
  std::erase_if(retired_, [&](Retired& r) {
    if (keep_unended && !r.frame_known) return false;
    destroy(&r.page);
    return true;
  });
}

}  // namespace glyphstream::gpu::vk
