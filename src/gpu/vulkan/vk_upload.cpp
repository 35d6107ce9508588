// The upload pass on Vulkan: page images (created, grown by a GPU-side copy, retired behind
// frame tokens), the staging ring, copies in the graphics stream or in their own submission,
// and the sync / whole-page path that waits inside the pass.
#include <algorithm>
#include <cstring>

#include "gpu/vulkan/vk_backend_impl.h"

namespace glyphstream::gpu::vk {
namespace {

// Page writes (clears, growth copies, buffer copies) and every later reader of a page.
constexpr VkPipelineStageFlags2 kPageWriteStages =
    VK_PIPELINE_STAGE_2_COPY_BIT | VK_PIPELINE_STAGE_2_CLEAR_BIT;
constexpr VkPipelineStageFlags2 kPageReadStages =
    VK_PIPELINE_STAGE_2_FRAGMENT_SHADER_BIT | VK_PIPELINE_STAGE_2_COPY_BIT;

constexpr VkImageUsageFlags kPageUsage =
    VK_IMAGE_USAGE_SAMPLED_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT;

size_t align_up(size_t v, size_t a) { return (v + a - 1) / a * a; }

VkBufferImageCopy region_for(const Rect& r, size_t offset) {
  VkBufferImageCopy c{};
  c.bufferOffset = offset;
  c.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1};
  c.imageOffset = {r.x, r.y, 0};
  c.imageExtent = {uint32_t(r.w), uint32_t(r.h), 1};
  return c;
}

// Earlier samplers and copies of the pages, then these writes (WAR and WAW).
void barrier_before_writes(VkCommandBuffer cmd) {
  memory_barrier(cmd, kPageReadStages | kPageWriteStages,
                 VK_ACCESS_2_TRANSFER_WRITE_BIT | VK_ACCESS_2_TRANSFER_READ_BIT, kPageWriteStages,
                 VK_ACCESS_2_TRANSFER_WRITE_BIT | VK_ACCESS_2_TRANSFER_READ_BIT);
}

}  // namespace

Status VkBackend::begin_upload(UploadMode mode) {
  if (in_pass_) return {ErrorCode::kInvalidArgument, "begin_upload: a pass is already open"};
  mode_ = mode;
  in_pass_ = true;
  pass_gfx_ = pass_upload_ = VK_NULL_HANDLE;
  pass_gfx_query_ = pass_upload_query_ = UINT32_MAX;
  pass_gfx_slots_.clear();
  pass_upload_slots_.clear();
  pass_client_.clear();
  return {};
}

Status VkBackend::pass_graphics_command(VkCommandBuffer* out) {
  if (!pass_gfx_) {
    GS_TRY(acquire_command(gfx_ring_, &pass_gfx_));
    begin_timestamp(pass_gfx_, /*upload=*/true, &pass_gfx_query_);
    barrier_before_writes(pass_gfx_);
  }
  *out = pass_gfx_;
  return {};
}

Status VkBackend::pass_upload_command(VkCommandBuffer* out) {
  if (!pass_upload_) {
    GS_TRY(acquire_command(upload_ring_, &pass_upload_));
    if (upload_timestamp_mask_) begin_timestamp(pass_upload_, /*upload=*/true, &pass_upload_query_);
    // On the graphics queue this orders the copies after earlier draws (no hazard in fact: the
    // atlas never rewrites texels a frame in flight samples, but the barrier costs nothing).
    // A transfer queue relies on that atlas guarantee: waiting for the draws would serialize.
    if (upload_queue_ == gfx_queue_) barrier_before_writes(pass_upload_);
  }
  *out = pass_upload_;
  return {};
}

// Every application has coverage pages; colour pages share their memory type on the drivers we
// know (lavapipe, NVIDIA). Where they do not, the first colour page allocates its own block.
Status VkBackend::reserve_page_memory() {
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
  return page_memory_.reserve(dev_, req.memoryRequirements.memoryTypeBits,
                              VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT);
}

Status VkBackend::create_page_image(const PageDesc& desc, PageImage* out) {
  PageImage page;
  page.format = desc.format;
  GS_TRY(create_image(dev_, page_format(desc.format), desc.width, desc.height, kPageUsage,
                      families_.data(), uint32_t(families_.size()), &page.image, &page_memory_));
  Status s = allocate_descriptor(&page);
  if (!s.ok()) {
    destroy_page(&page);
    return s;
  }
  *out = page;
  return {};
}

void VkBackend::destroy_page(PageImage* page) {
  if (page->set) vkFreeDescriptorSets(dev_.device, descriptor_pool_, 1, &page->set);
  destroy_image(dev_, &page->image);
  *page = {};
}

void VkBackend::retire(PageImage page) { retired_.push_back({page, false, 0}); }

Status VkBackend::ensure_page(const PageDesc& desc, bool* must_upload_whole, UploadStats* stats) {
  *must_upload_whole = false;
  if (!in_pass_) return {ErrorCode::kInvalidArgument, "ensure_page: outside an upload pass"};
  if (desc.width <= 0 || desc.height <= 0 || desc.width > max_texture_size_ ||
      desc.height > max_texture_size_) {
    return {ErrorCode::kInvalidArgument, "ensure_page: page " + std::to_string(desc.page) +
                                             " has size " + std::to_string(desc.width) + "x" +
                                             std::to_string(desc.height)};
  }
  auto it = pages_.find(desc.page);
  if (it != pages_.end() && it->second.format == desc.format &&
      it->second.image.width == desc.width && it->second.image.height == desc.height) {
    return {};
  }
  PageImage fresh;
  GS_TRY(create_page_image(desc, &fresh));
  // Async with separate submissions: the page is made beside its copies, on the upload queue,
  // so a frame's uploads never wait for the graphics queue (the application's drawing in
  // front of them) and the draws wait only for the uploads.
  // A page id reused with another format is uploaded whole through the graphics stream: it is
  // made there too, before that upload.
  const bool format_change = it != pages_.end() && it->second.format != desc.format;
  const bool on_upload_queue = mode_ == UploadMode::kAsync && separate_uploads_ && !format_change;
  VkCommandBuffer cmd;
  Status s = on_upload_queue ? pass_upload_command(&cmd) : pass_graphics_command(&cmd);
  if (!s.ok()) {
    destroy_page(&fresh);
    return s;
  }
  PageImage* old = it == pages_.end() ? nullptr : &it->second;
  const bool grow = old && old->format == desc.format;
  const int keep_w = grow ? std::min(old->image.width, desc.width) : 0;
  const int keep_h = grow ? std::min(old->image.height, desc.height) : 0;
  // New storage is undefined; never-written atlas pixels must read as zero.
  if (on_upload_queue) {
    initialize_page_by_copies(cmd, fresh, grow ? old : nullptr, keep_w, keep_h);
  } else {
    initialize_page_on_graphics(cmd, fresh, grow ? old : nullptr, keep_w, keep_h);
  }
  if (grow) ++stats->copy_commands;  // GPU-side: no bytes cross the bus
  // Zeroed like GL's new pages: only a page id reused with another format needs its content
  // whole (the dirty rects of a new page cover everything written to it).
  *must_upload_whole = format_change;
  if (!old) {
    pages_[desc.page] = fresh;
    return {};
  }
  retire(*old);  // frames in flight may still sample it: freed when their token signals
  *old = fresh;
  ++stats->textures_recreated;
  return {};
}

// Graphics stream: one clear, then the old content copied over it.
void VkBackend::initialize_page_on_graphics(VkCommandBuffer cmd, const PageImage& fresh,
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
void VkBackend::initialize_page_by_copies(VkCommandBuffer cmd, const PageImage& fresh,
                                          const PageImage* old, int keep_w, int keep_h) {
  memory_barrier(cmd, VK_PIPELINE_STAGE_2_COPY_BIT, VK_ACCESS_2_TRANSFER_WRITE_BIT,
                 VK_PIPELINE_STAGE_2_COPY_BIT,
                 VK_ACCESS_2_TRANSFER_READ_BIT | VK_ACCESS_2_TRANSFER_WRITE_BIT);
  image_to_general(cmd, fresh.image.image, VK_PIPELINE_STAGE_2_COPY_BIT,
                   VK_ACCESS_2_TRANSFER_WRITE_BIT);
  if (old) copy_old_content(cmd, *old, fresh, keep_w, keep_h);
  const size_t bpp = size_t(bytes_per_pixel(fresh.format));
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

void VkBackend::copy_old_content(VkCommandBuffer cmd, const PageImage& old, const PageImage& fresh,
                                 int keep_w, int keep_h) {
  VkImageCopy copy{};
  copy.srcSubresource = copy.dstSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1};
  copy.extent = {uint32_t(keep_w), uint32_t(keep_h), 1};
  vkCmdCopyImage(cmd, old.image.image, VK_IMAGE_LAYOUT_GENERAL, fresh.image.image,
                 VK_IMAGE_LAYOUT_GENERAL, 1, &copy);
}

bool VkBackend::staging_slot_idle(int slot) {
  if (slot < 0 || size_t(slot) >= slots_.size()) return false;
  // Copies recorded in this pass but not yet submitted read it too.
  auto pending = [&](const std::vector<int>& v) {
    return std::count(v.begin(), v.end(), slot) > 0;
  };
  if (pending(pass_gfx_slots_) || pending(pass_upload_slots_)) return false;
  return reached(dev_.device, slots_[size_t(slot)].guard);
}

Status VkBackend::wait_staging_slot(int slot) {
  if (slot < 0 || size_t(slot) >= slots_.size()) {
    return {ErrorCode::kInvalidArgument, "wait_staging_slot: no slot " + std::to_string(slot)};
  }
  for (const std::vector<int>* v : {&pass_gfx_slots_, &pass_upload_slots_}) {
    if (std::count(v->begin(), v->end(), slot) > 0) {
      return {ErrorCode::kInvalidArgument,
              "wait_staging_slot: slot " + std::to_string(slot) + " is used twice in one pass"};
    }
  }
  return wait(dev_.device, slots_[size_t(slot)].guard, "wait_staging_slot");
}

Result<uint8_t*> VkBackend::map_staging_slot(int slot, size_t bytes) {
  if (!staging_slot_idle(slot)) {
    return Status(ErrorCode::kInvalidArgument, "map_staging_slot: slot is missing or busy");
  }
  StagingSlot& s = slots_[size_t(slot)];
  if (s.buffer.size < bytes) {
    size_t size = std::max(desc_.staging_slot_bytes, s.buffer.size);
    while (size < bytes) size *= 2;
    destroy_buffer(dev_, &s.buffer);
    GS_TRY(create_host_buffer(dev_, size, VK_BUFFER_USAGE_TRANSFER_SRC_BIT, &s.buffer));
  }
  return s.buffer.mapped;
}

// One vkCmdCopyBufferToImage per run of regions that target the same page.
void VkBackend::record_regions(VkCommandBuffer cmd, VkBuffer src,
                               std::span<const VkBufferImageCopy> regions,
                               std::span<const uint32_t> pages) {
  size_t i = 0;
  while (i < regions.size()) {
    size_t j = i + 1;
    while (j < regions.size() && pages[j] == pages[i]) ++j;
    vkCmdCopyBufferToImage(cmd, src, pages_[pages[i]].image.image, VK_IMAGE_LAYOUT_GENERAL,
                           uint32_t(j - i), regions.data() + i);
    i = j;
  }
}

Status VkBackend::copy_from_staging(int slot, std::span<const StagingCopy> copies) {
  if (!in_pass_) return {ErrorCode::kInvalidArgument, "copy_from_staging: outside a pass"};
  if (slot < 0 || size_t(slot) >= slots_.size()) {
    return {ErrorCode::kInvalidArgument, "copy_from_staging: no slot " + std::to_string(slot)};
  }
  std::vector<VkBufferImageCopy> regions;
  std::vector<uint32_t> pages;
  for (const StagingCopy& c : copies) {
    auto it = pages_.find(c.page);
    if (it == pages_.end() || it->second.format != c.format || c.offset % kStagingAlign != 0) {
      return {ErrorCode::kInvalidArgument,
              "copy_from_staging: page " + std::to_string(c.page) + " unknown or mismatched"};
    }
    if (c.rect.empty()) continue;
    regions.push_back(region_for(c.rect, c.offset));
    pages.push_back(c.page);
  }
  if (regions.empty()) return {};
  VkCommandBuffer cmd;
  if (separate_uploads_) {
    GS_TRY(pass_upload_command(&cmd));
    pass_upload_slots_.push_back(slot);
  } else {
    GS_TRY(pass_graphics_command(&cmd));
    pass_gfx_slots_.push_back(slot);
  }
  record_regions(cmd, slots_[size_t(slot)].buffer.buffer, regions, pages);
  return {};
}

Status VkBackend::prepare_client_buffer(size_t bytes) {
  GS_TRY(wait(dev_.device, client_guard_, "copy_from_client"));  // the previous pass waited
  if (client_buffer_.size >= bytes) return {};
  destroy_buffer(dev_, &client_buffer_);
  size_t size = std::max(desc_.staging_slot_bytes, client_buffer_.size);
  while (size < bytes) size *= 2;
  return create_host_buffer(dev_, size, VK_BUFFER_USAGE_TRANSFER_SRC_BIT, &client_buffer_);
}

// Sync and whole-page: the rects are validated now and copied at end_upload() into one host
// buffer whose copies go into the graphics stream; end_upload() then waits for them (the kill
// switch's simple, correct path). Any number of calls per pass.
Status VkBackend::copy_from_client(std::span<const ClientCopy> copies) {
  if (!in_pass_) return {ErrorCode::kInvalidArgument, "copy_from_client: outside a pass"};
  for (const ClientCopy& c : copies) {
    auto it = pages_.find(c.page);
    const size_t row = size_t(std::max(c.rect.w, 0)) * size_t(bytes_per_pixel(c.format));
    if (it == pages_.end() || it->second.format != c.format || (!c.rect.empty() && !c.pixels) ||
        (c.rect.h > 1 && c.stride < row) || c.rect.x < 0 || c.rect.y < 0 ||
        c.rect.right() > it->second.image.width || c.rect.bottom() > it->second.image.height) {
      return {ErrorCode::kInvalidArgument,
              "copy_from_client: page " + std::to_string(c.page) + " unknown or bad copy"};
    }
  }
  for (const ClientCopy& c : copies) {
    if (!c.rect.empty()) pass_client_.push_back(c);
  }
  return {};
}

Status VkBackend::record_client_copies() {
  if (pass_client_.empty()) return {};
  size_t total = 0;
  for (const ClientCopy& c : pass_client_) {
    total += align_up(size_t(c.rect.w) * size_t(bytes_per_pixel(c.format)) * size_t(c.rect.h),
                      kStagingAlign);
  }
  GS_TRY(prepare_client_buffer(total));
  std::vector<VkBufferImageCopy> regions;
  std::vector<uint32_t> pages;
  size_t offset = 0;
  for (const ClientCopy& c : pass_client_) {
    const size_t row = size_t(c.rect.w) * size_t(bytes_per_pixel(c.format));
    for (int y = 0; y < c.rect.h; ++y) {
      std::memcpy(client_buffer_.mapped + offset + size_t(y) * row, c.pixels + size_t(y) * c.stride,
                  row);
    }
    regions.push_back(region_for(c.rect, offset));
    pages.push_back(c.page);
    offset += align_up(row * size_t(c.rect.h), kStagingAlign);
  }
  VkCommandBuffer cmd;
  GS_TRY(pass_graphics_command(&cmd));
  record_regions(cmd, client_buffer_.buffer, regions, pages);
  return {};
}

Status VkBackend::end_upload() {
  if (!in_pass_) return {ErrorCode::kInvalidArgument, "end_upload: no pass open"};
  in_pass_ = false;
  Status client = record_client_copies();
  Guard gfx_done;
  if (pass_gfx_) {
    // Copies and clears before every later reader of the pages.
    memory_barrier(pass_gfx_, kPageWriteStages, VK_ACCESS_2_TRANSFER_WRITE_BIT, kPageReadStages,
                   VK_ACCESS_2_SHADER_SAMPLED_READ_BIT | VK_ACCESS_2_TRANSFER_READ_BIT |
                       VK_ACCESS_2_TRANSFER_WRITE_BIT);
    if (pass_gfx_query_ != UINT32_MAX) end_timestamp(pass_gfx_, pass_gfx_query_);
    GS_TRY(submit_graphics(pass_gfx_, &gfx_done));
    if (pass_gfx_query_ != UINT32_MAX) set_timestamp_guard(pass_gfx_query_, gfx_done, false);
    for (int slot : pass_gfx_slots_) slots_[size_t(slot)].guard = gfx_done;
    if (!pass_client_.empty()) client_guard_ = gfx_done;
  }
  if (pass_upload_) {
    if (pass_upload_query_ != UINT32_MAX) end_timestamp(pass_upload_, pass_upload_query_);
    std::vector<VkSemaphoreSubmitInfo> waits;
    if (gfx_done.value) {
      // This pass's clears and growth copies come first (rare: only when a page changes size).
      VkSemaphoreSubmitInfo w{VK_STRUCTURE_TYPE_SEMAPHORE_SUBMIT_INFO};
      w.semaphore = gfx_sem_;
      w.value = gfx_done.value;
      w.stageMask = VK_PIPELINE_STAGE_2_COPY_BIT;
      waits.push_back(w);
    }
    Guard done;
    GS_TRY(submit(upload_queue_, pass_upload_, waits, upload_sem_, &upload_serial_, &done));
    if (pass_upload_query_ != UINT32_MAX) set_timestamp_guard(pass_upload_query_, done, false);
    for (int slot : pass_upload_slots_) slots_[size_t(slot)].guard = done;
  }
  pass_gfx_ = pass_upload_ = VK_NULL_HANDLE;
  pass_gfx_slots_.clear();
  pass_upload_slots_.clear();
  pass_client_.clear();
  GS_TRY(client);
  if (mode_ != UploadMode::kAsync && gfx_done.value) {
    return wait(dev_.device, gfx_done, "end_upload: waiting for the copies (sync mode)");
  }
  return {};
}

Status VkBackend::read_texture(uint32_t page, std::vector<uint8_t>* pixels, int* width,
                               int* height) {
  auto it = pages_.find(page);
  if (it == pages_.end()) {
    return {ErrorCode::kInvalidArgument, "read_texture: no image for page " + std::to_string(page)};
  }
  if (!pixels) return {ErrorCode::kInvalidArgument, "read_texture: null output"};
  if (in_pass_) return {ErrorCode::kInvalidArgument, "read_texture: inside an upload pass"};
  const Image& img = it->second.image;
  const size_t bytes =
      size_t(img.width) * size_t(img.height) * size_t(bytes_per_pixel(it->second.format));
  Buffer readback;
  GS_TRY(create_host_buffer(dev_, bytes, VK_BUFFER_USAGE_TRANSFER_DST_BIT, &readback));
  VkCommandBuffer cmd;
  Status s = acquire_command(gfx_ring_, &cmd);
  Guard done;
  if (s.ok()) {
    memory_barrier(cmd, kPageWriteStages, VK_ACCESS_2_TRANSFER_WRITE_BIT,
                   VK_PIPELINE_STAGE_2_COPY_BIT, VK_ACCESS_2_TRANSFER_READ_BIT);
    VkBufferImageCopy region = region_for({0, 0, img.width, img.height}, 0);
    vkCmdCopyImageToBuffer(cmd, img.image, VK_IMAGE_LAYOUT_GENERAL, readback.buffer, 1, &region);
    memory_barrier(cmd, VK_PIPELINE_STAGE_2_COPY_BIT, VK_ACCESS_2_TRANSFER_WRITE_BIT,
                   VK_PIPELINE_STAGE_2_HOST_BIT, VK_ACCESS_2_HOST_READ_BIT);
    s = submit_graphics(cmd, &done);
  }
  if (s.ok()) s = wait(dev_.device, done, "read_texture");
  if (s.ok()) {
    pixels->assign(readback.mapped, readback.mapped + bytes);
    if (width) *width = img.width;
    if (height) *height = img.height;
  }
  destroy_buffer(dev_, &readback);
  return s;
}

}  // namespace glyphstream::gpu::vk
