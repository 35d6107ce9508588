// The Vulkan backend's state, shared by vk_backend.cpp (frames, submissions), vk_upload.cpp
// (pages and the upload pass), vk_draw.cpp (pipelines and draws) and vk_timing.cpp
// (timestamps, bandwidth).
//
// Three timeline semaphores:
//   gfx_sem_     signalled by glyphstream's own graphics-queue submissions (serials);
//   upload_sem_  signalled by the separate upload submissions (transfer queue, or the graphics
//                queue when forced); every later graphics submission waits for its newest value
//                at the stages that read the atlas;
//   frame_sem_   embedded mode: the application's frame submission signals the frame token.
// Everything the GPU may still read (ring slots, instance buffers, command buffers, query pairs,
// grown pages' old images) carries a Guard on one of them and is reused or freed only once the
// guard is reached: the CPU waits only for a ring slot (backpressure), never for queue idle.
#pragma once

#include <deque>
#include <map>
#include <unordered_map>
#include <vector>

#include "gpu/vulkan/vk_backend.h"
#include "gpu/vulkan/vk_memory.h"
#include "gpu/vulkan/vk_util.h"

namespace glyphstream::gpu::vk {

class HeadlessContext;

struct PageImage {
  Image image;
  VkDescriptorSet set = VK_NULL_HANDLE;
  PixelFormat format = PixelFormat::kCoverage8;
};

// A grown or replaced page image, freed once the frame that last used it has completed.
struct RetiredImage {
  PageImage page;
  bool frame_known = false;
  FrameToken frame = 0;
};

struct StagingSlot {
  Buffer buffer;
  Guard guard;
};

// Host-visible instance data of one draw; embedded draws learn their guard at end_frame.
struct InstanceBuffer {
  Buffer buffer;
  Guard guard;
  bool await_frame = false;
};

// Command buffers of one queue family, recycled once their submission's guard is reached.
struct CommandRing {
  VkCommandPool pool = VK_NULL_HANDLE;
  struct Entry {
    VkCommandBuffer cmd = VK_NULL_HANDLE;
    Guard guard;
    bool in_use = false;
  };
  std::vector<Entry> entries;
};

// A pair of timestamps around an upload or a draw.
struct TimestampPair {
  uint32_t first_query = 0;
  bool upload = false;
  Guard guard;
  bool await_frame = false;  // embedded draws: guard known at end_frame
  bool frame_known = false;
  FrameToken frame = 0;
};

// The attachments of the rendering the pipelines draw in (their pipeline-rendering formats).
struct RenderFormats {
  VkFormat color = VK_FORMAT_UNDEFINED;
  VkFormat depth_stencil = VK_FORMAT_UNDEFINED;  // none
  VkSampleCountFlagBits samples = VK_SAMPLE_COUNT_1_BIT;
  auto operator<=>(const RenderFormats&) const = default;
};

// A frame is complete when its graphics work (or the application's frame submission) and
// the upload submissions before its end have completed.
struct FrameRecord {
  FrameToken frame = 0;
  Guard guard;
  Guard uploads;
};

class VkBackend final : public VulkanBackend {
 public:
  VkBackend(const VulkanDeviceDesc& device, const VulkanBackendDesc& desc,
            HeadlessContext* headless);
  ~VkBackend() override;
  Status init();

  // Backend: the upload pass (vk_upload.cpp)
  Status begin_upload(UploadMode mode) override;
  Status ensure_page(const PageDesc& desc, bool* must_upload_whole, UploadStats* stats) override;
  int staging_slot_count() const override { return int(slots_.size()); }
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

  // Backend: measurement (vk_timing.cpp) and diagnostics
  bool timer_queries_available() const override { return query_pool_ != VK_NULL_HANDLE; }
  std::vector<GpuTimings> take_timings() override;
  Result<double> measure_upload_bandwidth(size_t bytes) override;
  std::string name() const override { return "vulkan"; }
  std::string async_path() const override;
  std::string renderer() const override { return renderer_; }
  int max_texture_size() const override { return max_texture_size_; }

  // VulkanBackend
  Status set_frame_target(const VulkanFrameTarget& target) override;
  Result<VulkanFrameSync> frame_sync(bool frame_open) const override;
  bool can_wait_within_frame() const override { return headless_ != nullptr; }
  bool dual_source_blend() const override { return device_desc_.dual_source_blend; }
  bool uses_transfer_queue() const override {
    return separate_uploads_ && upload_family_ != gfx_family_;
  }

 private:
  // vk_backend.cpp
  Status create_rings();
  Status acquire_command(CommandRing& ring, VkCommandBuffer* out);
  Status add_command(CommandRing& ring);  // a new idle entry
  void set_command_guard(CommandRing& ring, VkCommandBuffer cmd, const Guard& g);
  // Submits `cmd` and signals the next value of `signal`; returns that value in *guard.
  Status submit(VkQueue queue, VkCommandBuffer cmd, std::span<const VkSemaphoreSubmitInfo> waits,
                VkSemaphore signal, uint64_t* counter, Guard* guard);
  // `stages`: where the submission first reads pages (the draws: the fragment shader).
  Status submit_graphics(VkCommandBuffer cmd, Guard* guard,
                         VkPipelineStageFlags2 stages = VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT);
  // Graphics submissions wait for the newest upload submission at the stages that read pages.
  std::vector<VkSemaphoreSubmitInfo> graphics_waits(VkPipelineStageFlags2 stages) const;
  void release_completed();
  // Waits for glyphstream's own submissions, and with `frames` for the application's too.
  Status wait_all(bool frames, const char* op);

  // vk_embedded.cpp: the application's formats and frame signals
  // VulkanDeviceDesc's declared formats, checked against the device (TextSystem::create).
  Status init_embedded_formats();
  // The target's formats, checked against the declared ones (set_vulkan_target).
  Result<RenderFormats> target_formats(const VulkanFrameTarget& target) const;
  // An error once too many flushed frames were never signalled by the application (`op`: the
  // public call that reports it).
  Status check_frame_signals(const char* op);
  // Waits for an application frame token, at most kSignalTimeout: then the error above.
  Status wait_frame_signal(const Guard& g, const char* op);
  std::string unsignalled_message(const char* op) const;

  // vk_upload.cpp
  // The first block of page memory, allocated at creation (see MemoryPool::reserve).
  Status reserve_page_memory();
  // A new or grown page's first content (zero, and the old page's texels when it grows).
  void initialize_page_on_graphics(VkCommandBuffer cmd, const PageImage& fresh,
                                   const PageImage* old, int keep_w, int keep_h);
  void initialize_page_by_copies(VkCommandBuffer cmd, const PageImage& fresh, const PageImage* old,
                                 int keep_w, int keep_h);
  void copy_old_content(VkCommandBuffer cmd, const PageImage& old, const PageImage& fresh,
                        int keep_w, int keep_h);
  Status create_page_image(const PageDesc& desc, PageImage* out);
  Status pass_graphics_command(VkCommandBuffer* out);
  Status pass_upload_command(VkCommandBuffer* out);
  void record_regions(VkCommandBuffer cmd, VkBuffer src, std::span<const VkBufferImageCopy> regions,
                      std::span<const uint32_t> pages);
  Status prepare_client_buffer(size_t bytes);
  // Copies the pass's client rects into the client buffer and records their copies.
  Status record_client_copies();
  void retire(PageImage page);
  void destroy_page(PageImage* page);

  // vk_draw.cpp
  Status create_draw_objects();
  void destroy_draw_objects();
  // Every variant for a format set (headless and declared embedded formats: at creation;
  // undeclared: at the first set_frame_target of each set).
  Status create_pipelines(const RenderFormats& formats);
  Status reserve_instance_buffers();
  // page_format kRectPipeline: the variant that samples nothing (kNoPage batches).
  Result<VkPipeline> pipeline(int page_format, const RenderFormats& formats);
  Status allocate_descriptor(PageImage* page);
  Result<InstanceBuffer*> instance_buffer(size_t bytes);
  void record_draw(VkCommandBuffer cmd, const DrawList& list, VkBuffer instances,
                   const RenderFormats& formats, std::pair<int, int> target_size);
  Status validate_draw(const DrawList& list) const;

  // vk_timing.cpp
  Status create_query_pool();
  // Writes the first timestamp of a pair; returns its index in *out (false: none free).
  bool begin_timestamp(VkCommandBuffer cmd, bool upload, uint32_t* out);
  void end_timestamp(VkCommandBuffer cmd, uint32_t first_query);
  void set_timestamp_guard(uint32_t first_query, const Guard& g, bool await_frame);
  void collect_timings();

  VulkanDeviceDesc device_desc_;
  VulkanBackendDesc desc_;
  HeadlessContext* headless_ = nullptr;
  DeviceRef dev_;
  std::string renderer_;
  int max_texture_size_ = 0;
  VkQueue gfx_queue_ = VK_NULL_HANDLE;
  uint32_t gfx_family_ = 0;
  VkQueue upload_queue_ = VK_NULL_HANDLE;  // where async copies go when separate_uploads_
  uint32_t upload_family_ = 0;
  bool separate_uploads_ = false;
  std::vector<uint32_t> families_;  // page images are shared by these (concurrent when 2)

  VkSemaphore gfx_sem_ = VK_NULL_HANDLE, upload_sem_ = VK_NULL_HANDLE, frame_sem_ = VK_NULL_HANDLE;
  uint64_t gfx_serial_ = 0, upload_serial_ = 0;
  FrameToken last_frame_ = 0;
  std::deque<FrameRecord> frames_;
  FrameToken completed_ = 0;

  CommandRing gfx_ring_, upload_ring_;
  std::vector<StagingSlot> slots_;
  Buffer client_buffer_;  // sync and whole-page copies: client bytes go through it
  Buffer zero_buffer_;    // separate submissions: zeroes new pages by copies (transfer queue)
  Guard client_guard_;

  // The pass in progress.
  UploadMode mode_ = UploadMode::kAsync;
  bool in_pass_ = false;
  VkCommandBuffer pass_gfx_ = VK_NULL_HANDLE;     // setup, inline and client copies
  VkCommandBuffer pass_upload_ = VK_NULL_HANDLE;  // separate-submission copies
  uint32_t pass_gfx_query_ = UINT32_MAX, pass_upload_query_ = UINT32_MAX;
  std::vector<int> pass_gfx_slots_, pass_upload_slots_;
  std::vector<ClientCopy> pass_client_;  // the memory stays valid until end_upload()

  MemoryPool page_memory_;
  std::unordered_map<uint32_t, PageImage> pages_;
  std::vector<RetiredImage> retired_;

  // Drawing.
  VkSampler sampler_ = VK_NULL_HANDLE;
  VkDescriptorSetLayout set_layout_ = VK_NULL_HANDLE;
  VkDescriptorPool descriptor_pool_ = VK_NULL_HANDLE;
  VkPipelineLayout pipeline_layout_ = VK_NULL_HANDLE;  // set 0: page, set 1: colour page
  VkShaderModule vert_ = VK_NULL_HANDLE, frag_ = VK_NULL_HANDLE;
  VkShaderModule rect_frag_ = VK_NULL_HANDLE;  // kNoPage batches: samples nothing
  VkShaderModule lcd_frag_ = VK_NULL_HANDLE;   // kLcd32 pages: dual-source output
  std::map<std::pair<int, RenderFormats>, VkPipeline> pipelines_;  // (page format, formats)
  std::vector<InstanceBuffer> instance_buffers_;
  VulkanFrameTarget target_;
  RenderFormats target_formats_;  // the current target's (headless: the context image's)

  // Embedded: the declared formats (VulkanDeviceDesc::color_format != 0) and frame signals.
  bool formats_declared_ = false;
  RenderFormats declared_;
  bool sync_ready_ = false;      // a frame ended since the last set_frame_target
  bool signal_missing_ = false;  // reported: the oldest unsignalled frame timed out
  size_t max_unsignalled_frames_ = 0;

  // Timestamps.
  VkQueryPool query_pool_ = VK_NULL_HANDLE;
  double timestamp_period_ns_ = 1;
  uint64_t gfx_timestamp_mask_ = 0, upload_timestamp_mask_ = 0;
  std::vector<uint32_t> free_pairs_;
  std::deque<TimestampPair> pending_pairs_;
  std::vector<GpuTimings> ready_timings_;
};

}  // namespace glyphstream::gpu::vk
