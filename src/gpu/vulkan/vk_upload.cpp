// The upload pass on Vulkan: the backend's coordination of page images (vk_pages.h), the
// staging ring (vk_staging_ring.h), submissions (vk_submissions.h) and timestamps: copies in
// the graphics stream or in their own submission, and the sync / whole-page path that waits
// inside the pass.
#include <algorithm>
#include <cstring>

#include "gpu/vulkan/vk_backend_impl.h"

namespace glyphstream::gpu::vk {
namespace {

size_t align_up(size_t v, size_t a) { return (v + a - 1) / a * a; }

bool contains(const std::vector<int>& v, int slot) {
  return std::count(v.begin(), v.end(), slot) > 0;
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
    GS_TRY(submissions_.acquire(Stream::kGraphics, &pass_gfx_));
    timestamps_.begin(pass_gfx_, /*upload=*/true, &pass_gfx_query_);
    barrier_before_writes(pass_gfx_);
  }
  *out = pass_gfx_;
  return {};
}

Status VkBackend::pass_upload_command(VkCommandBuffer* out) {
  if (!pass_upload_) {
    GS_TRY(submissions_.acquire(Stream::kUpload, &pass_upload_));
    if (timestamps_.upload_family_has_timestamps())
      timestamps_.begin(pass_upload_, /*upload=*/true, &pass_upload_query_);
    // On the graphics queue this orders the copies after earlier draws (no hazard in fact: the
    // atlas never rewrites texels a frame in flight samples, but the barrier costs nothing).
    // A transfer queue relies on that atlas guarantee: waiting for the draws would serialize.
    if (submissions_.upload_on_graphics_queue()) barrier_before_writes(pass_upload_);
  }
  *out = pass_upload_;
  return {};
}

Status VkBackend::ensure_page(const PageDesc& desc, bool* must_upload_whole, UploadStats* stats) {
  *must_upload_whole = false;
  if (!in_pass_) return {ErrorCode::kInvalidArgument, "ensure_page: outside an upload pass"};
  if (desc.width <= 0 || desc.height <= 0 || desc.width > max_texture_size_ ||
      desc.height > max_texture_size_) {
    return {ErrorCode::kInvalidArgument, "ensure_page: page " + std::to_string(desc.page) +
                                             " has size " + std::to_string(desc.width) + "x" +
                                             std::to_string(desc.height)};
  }
  if (pages_.current(desc)) return {};
  PageImage fresh;
  GS_TRY(pages_.create(desc, &fresh));
  // Async with separate submissions: the page is made beside its copies, on the upload queue,
  // so a frame's uploads never wait for the graphics queue (the application's drawing in
  // front of them) and the draws wait only for the uploads.
  // A page id reused with another format is uploaded whole through the graphics stream: it is
  // made there too, before that upload.
  const bool format_change = pages_.format_changes(desc);
  const bool on_upload_queue = mode_ == UploadMode::kAsync && separate_uploads_ && !format_change;
  VkCommandBuffer cmd;
  Status s = on_upload_queue ? pass_upload_command(&cmd) : pass_graphics_command(&cmd);
  if (!s.ok()) {
    pages_.destroy(&fresh);
    return s;
  }
  bool grown = false;
  const bool replaced = pages_.install(cmd, desc.page, fresh, on_upload_queue, &grown);
  if (grown) ++stats->copy_commands;  // GPU-side: no bytes cross the bus
  // Zeroed like GL's new pages: only a page id reused with another format needs its content
  // whole (the dirty rects of a new page cover everything written to it).
  *must_upload_whole = format_change;
  if (replaced) ++stats->textures_recreated;
  return {};
}

bool VkBackend::staging_slot_idle(int slot) {
  if (!staging_.valid(slot)) return false;
  // Copies recorded in this pass but not yet submitted read it too.
  if (contains(pass_gfx_slots_, slot) || contains(pass_upload_slots_, slot)) return false;
  return staging_.idle(slot);
}

Status VkBackend::wait_staging_slot(int slot) {
  if (!staging_.valid(slot)) {
    return {ErrorCode::kInvalidArgument, "wait_staging_slot: no slot " + std::to_string(slot)};
  }
  if (contains(pass_gfx_slots_, slot) || contains(pass_upload_slots_, slot)) {
    return {ErrorCode::kInvalidArgument,
            "wait_staging_slot: slot " + std::to_string(slot) + " is used twice in one pass"};
  }
  return staging_.wait(slot);
}

Result<uint8_t*> VkBackend::map_staging_slot(int slot, size_t bytes) {
  if (!staging_slot_idle(slot)) {
    return Status(ErrorCode::kInvalidArgument, "map_staging_slot: slot is missing or busy");
  }
  return staging_.map(slot, bytes);
}

Status VkBackend::copy_from_staging(int slot, std::span<const StagingCopy> copies) {
  if (!in_pass_) return {ErrorCode::kInvalidArgument, "copy_from_staging: outside a pass"};
  if (!staging_.valid(slot)) {
    return {ErrorCode::kInvalidArgument, "copy_from_staging: no slot " + std::to_string(slot)};
  }
  std::vector<VkBufferImageCopy> regions;
  std::vector<uint32_t> pages;
  for (const StagingCopy& c : copies) {
    const PageImage* page = pages_.find(c.page);
    if (!page || page->format != c.format || c.offset % kStagingAlign != 0) {
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
  pages_.record_copies(cmd, staging_.buffer(slot), regions, pages);
  return {};
}

// Sync and whole-page: the rects are validated now and copied at end_upload() into one host
// buffer whose copies go into the graphics stream; end_upload() then waits for them (the kill
// switch's simple, correct path). Any number of calls per pass.
Status VkBackend::copy_from_client(std::span<const ClientCopy> copies) {
  if (!in_pass_) return {ErrorCode::kInvalidArgument, "copy_from_client: outside a pass"};
  for (const ClientCopy& c : copies) {
    const PageImage* page = pages_.find(c.page);
    const size_t row = size_t(std::max(c.rect.w, 0)) * size_t(texel_bytes(c.format));
    if (!page || page->format != c.format || (!c.rect.empty() && !c.pixels) ||
        (c.rect.h > 1 && c.stride < row) || c.rect.x < 0 || c.rect.y < 0 ||
        c.rect.right() > page->image.width || c.rect.bottom() > page->image.height) {
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
    total += align_up(size_t(c.rect.w) * size_t(texel_bytes(c.format)) * size_t(c.rect.h),
                      kStagingAlign);
  }
  GS_ASSIGN_OR_RETURN(Buffer * client, staging_.client_buffer(total));
  std::vector<VkBufferImageCopy> regions;
  std::vector<uint32_t> pages;
  size_t offset = 0;
  for (const ClientCopy& c : pass_client_) {
    const size_t row = size_t(c.rect.w) * size_t(texel_bytes(c.format));
    for (int y = 0; y < c.rect.h; ++y) {
      std::memcpy(client->mapped + offset + size_t(y) * row, c.pixels + size_t(y) * c.stride, row);
    }
    regions.push_back(region_for(c.rect, offset));
    pages.push_back(c.page);
    offset += align_up(row * size_t(c.rect.h), kStagingAlign);
  }
  VkCommandBuffer cmd;
  GS_TRY(pass_graphics_command(&cmd));
  pages_.record_copies(cmd, client->buffer, regions, pages);
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
    if (pass_gfx_query_ != UINT32_MAX) timestamps_.end(pass_gfx_, pass_gfx_query_);
    GS_TRY(submissions_.submit_graphics(pass_gfx_, &gfx_done));
    if (pass_gfx_query_ != UINT32_MAX) timestamps_.set_guard(pass_gfx_query_, gfx_done, false);
    for (int slot : pass_gfx_slots_) staging_.set_guard(slot, gfx_done);
    if (!pass_client_.empty()) staging_.set_client_guard(gfx_done);
  }
  if (pass_upload_) {
    if (pass_upload_query_ != UINT32_MAX) timestamps_.end(pass_upload_, pass_upload_query_);
    std::vector<VkSemaphoreSubmitInfo> waits;
    if (gfx_done.value) {
      // This pass's clears and growth copies come first (rare: only when a page changes size).
      VkSemaphoreSubmitInfo w{VK_STRUCTURE_TYPE_SEMAPHORE_SUBMIT_INFO};
      w.semaphore = gfx_done.semaphore;
      w.value = gfx_done.value;
      w.stageMask = VK_PIPELINE_STAGE_2_COPY_BIT;
      waits.push_back(w);
    }
    Guard done;
    GS_TRY(submissions_.submit(Stream::kUpload, pass_upload_, waits, &done));
    if (pass_upload_query_ != UINT32_MAX) timestamps_.set_guard(pass_upload_query_, done, false);
    for (int slot : pass_upload_slots_) staging_.set_guard(slot, done);
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
  const PageImage* p = pages_.find(page);
  if (!p) {
    return {ErrorCode::kInvalidArgument, "read_texture: no image for page " + std::to_string(page)};
  }
  if (!pixels) return {ErrorCode::kInvalidArgument, "read_texture: null output"};
  if (in_pass_) return {ErrorCode::kInvalidArgument, "read_texture: inside an upload pass"};
  const Image& img = p->image;
  const size_t bytes = size_t(img.width) * size_t(img.height) * size_t(texel_bytes(p->format));
  Buffer readback;
  GS_TRY(create_host_buffer(dev_, bytes, VK_BUFFER_USAGE_TRANSFER_DST_BIT, &readback));
  VkCommandBuffer cmd;
  Status s = submissions_.acquire(Stream::kGraphics, &cmd);
  Guard done;
  if (s.ok()) {
    memory_barrier(cmd, kPageWriteStages, VK_ACCESS_2_TRANSFER_WRITE_BIT,
                   VK_PIPELINE_STAGE_2_COPY_BIT, VK_ACCESS_2_TRANSFER_READ_BIT);
    VkBufferImageCopy region = region_for({0, 0, img.width, img.height}, 0);
    vkCmdCopyImageToBuffer(cmd, img.image, VK_IMAGE_LAYOUT_GENERAL, readback.buffer, 1, &region);
    memory_barrier(cmd, VK_PIPELINE_STAGE_2_COPY_BIT, VK_ACCESS_2_TRANSFER_WRITE_BIT,
                   VK_PIPELINE_STAGE_2_HOST_BIT, VK_ACCESS_2_HOST_READ_BIT);
    s = submissions_.submit_graphics(cmd, &done);
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
