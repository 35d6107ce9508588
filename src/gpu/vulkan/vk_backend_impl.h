// The Vulkan backend: a thin owner of its parts, mirroring the GL backend's.
//   Submissions   the queues, a timeline and a command-buffer ring per stream (graphics,
//                 upload), the transfer-queue hand-off (vk_submissions.h);
//   Frames        frame tokens, the frame timeline the application signals (embedded) and the
//                 watch on it (vk_frames.h);
//   Timestamps    the query pool of timestamp pairs around uploads and draws (vk_timestamps.h);
//   QuadRenderer  pipelines, descriptor sets, instance buffers, draw recording (vk_renderer.h);
//   PageImages    page images, their memory, growth and retirement (vk_pages.h);
//   StagingRing   the staging slots and the client buffer (vk_staging_ring.h).
// The backend coordinates them: the upload pass (vk_upload.cpp), the draws (vk_draw.cpp),
// frames (vk_backend.cpp), embedded targets and frame sync (vk_embedded.cpp), the bandwidth
// measurement (vk_bandwidth.cpp).
//
// Everything the GPU may still read (ring slots, instance buffers, command buffers, query pairs,
// grown pages' old images) carries a Guard on one of the three timelines and is reused or freed
// only once the guard is reached: the CPU waits only for a ring slot (backpressure), never for
// queue idle. Members are declared in the order they are created; destruction runs the other
// way, after the destructor has waited for glyphstream's own submissions.
#pragma once

#include <string>
#include <vector>

#include "gpu/vulkan/vk_backend.h"
#include "gpu/vulkan/vk_frames.h"
#include "gpu/vulkan/vk_pages.h"
#include "gpu/vulkan/vk_renderer.h"
#include "gpu/vulkan/vk_staging_ring.h"
#include "gpu/vulkan/vk_submissions.h"
#include "gpu/vulkan/vk_timestamps.h"
#include "gpu/vulkan/vk_util.h"

namespace glyphstream::gpu::vk {

class HeadlessContext;

class VkBackend final : public VulkanBackend {
 public:
  VkBackend(const VulkanDeviceDesc& device, const VulkanBackendDesc& desc,
            HeadlessContext* headless);
  ~VkBackend() override;
  Status init();

  // Backend: the upload pass (vk_upload.cpp)
  Status begin_upload(UploadMode mode) override;
  Status ensure_page(const PageDesc& desc, bool* must_upload_whole, UploadStats* stats) override;
  int staging_slot_count() const override { return staging_.size(); }
  bool staging_slot_idle(int slot) override;
  Status wait_staging_slot(int slot) override;
  Result<uint8_t*> map_staging_slot(int slot, size_t bytes) override;
  Status copy_from_staging(int slot, std::span<const StagingCopy> copies) override;
  Status copy_from_client(std::span<const ClientCopy> copies) override;
  Status end_upload() override;
  Status read_texture(uint32_t page, std::vector<uint8_t>* pixels, int* width,
                      int* height) override;

  // Backend: drawing (vk_draw.cpp) and frames (vk_backend.cpp)
  Status draw(const DrawList& list) override;
  Status end_frame(FrameToken frame) override;
  FrameToken completed_frame() override;
  Status wait_frame(FrameToken frame) override;
  Status finish() override;

  // Backend: measurement (vk_bandwidth.cpp) and diagnostics
  bool timer_queries_available() const override { return timestamps_.available(); }
  std::vector<GpuTimings> take_timings() override;
  Result<double> measure_upload_bandwidth(size_t bytes) override;
  std::string name() const override { return "vulkan"; }
  std::string async_path() const override;
  std::string renderer() const override { return renderer_name_; }
  int max_texture_size() const override { return max_texture_size_; }

  // VulkanBackend (vk_embedded.cpp)
  Status set_frame_target(const VulkanFrameTarget& target) override;
  Result<VulkanFrameSync> frame_sync(bool frame_open) const override;
  bool can_wait_within_frame() const override { return headless_ != nullptr; }
  bool dual_source_blend() const override { return device_desc_.dual_source_blend; }
  bool uses_transfer_queue() const override {
    return separate_uploads_ && !submissions_.upload_on_graphics_queue();
  }

 private:
  // vk_backend.cpp: which queue async uploads use.
  QueueSetup choose_queues();
  // Frees the retired page images of completed frames; collects their timestamps.
  void release_completed(FrameToken completed);

  // vk_embedded.cpp: the application's formats and frame signals
  // VulkanDeviceDesc's declared formats, checked against the device (TextSystem::create).
  Status init_embedded_formats();
  // The target's formats, checked against the declared ones (set_vulkan_target).
  Result<RenderFormats> target_formats(const VulkanFrameTarget& target) const;
  // Frames::check_signals, releasing what completed; a refusal ends the frame sync.
  Status check_frame_signals(const char* op);

  // vk_upload.cpp: the pass's command buffers (timestamped, begun with a barrier).
  Status pass_graphics_command(VkCommandBuffer* out);
  Status pass_upload_command(VkCommandBuffer* out);
  // Copies the pass's client rects into the client buffer and records their copies.
  Status record_client_copies();

  // vk_draw.cpp
  Status validate_draw(const DrawList& list) const;

  VulkanDeviceDesc device_desc_;
  VulkanBackendDesc desc_;
  HeadlessContext* headless_ = nullptr;
  DeviceRef dev_;
  std::string renderer_name_;
  int max_texture_size_ = 0;
  bool separate_uploads_ = false;  // async copies in their own submissions (upload stream)

  // The parts, in creation order.
  Submissions submissions_;
  Frames frames_;
  Timestamps timestamps_;
  QuadRenderer quads_;
  PageImages pages_;  // its descriptor sets come from quads_
  StagingRing staging_;

  // The pass in progress.
  UploadMode mode_ = UploadMode::kAsync;
  bool in_pass_ = false;
  VkCommandBuffer pass_gfx_ = VK_NULL_HANDLE;     // setup, inline and client copies
  VkCommandBuffer pass_upload_ = VK_NULL_HANDLE;  // separate-submission copies
  uint32_t pass_gfx_query_ = UINT32_MAX, pass_upload_query_ = UINT32_MAX;
  std::vector<int> pass_gfx_slots_, pass_upload_slots_;
  std::vector<ClientCopy> pass_client_;  // the memory stays valid until end_upload()

  // The frame target: embedded, the application's; headless, the context's image.
  VulkanFrameTarget target_;
  RenderFormats target_formats_;
  // Embedded: the declared formats (VulkanDeviceDesc::color_format != 0).
  bool formats_declared_ = false;
  RenderFormats declared_;
  bool sync_ready_ = false;  // a frame ended since the last set_frame_target
};

}  // namespace glyphstream::gpu::vk
