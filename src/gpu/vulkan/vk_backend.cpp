// The Vulkan backend: set-up, submissions on timeline semaphores, frames and their tokens.
#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "core/env_options.h"
#include "gpu/vulkan/vk_backend_impl.h"
#include "gpu/vulkan/vk_context.h"

namespace glyphstream::gpu::vk {
namespace {

constexpr int kDefaultRingDepth = 3;
constexpr size_t kDefaultSlotBytes = size_t(4) << 20;
// Zeroes new pages on a transfer queue; a row of the widest colour page (32768 x 4 bytes) fits.
constexpr size_t kZeroBufferBytes = size_t(256) << 10;
constexpr int kReservedCommands = 2;  // per ring, allocated at creation
constexpr int kDefaultFramesInFlight = 2;
// Embedded: flushed frames beyond frames_in_flight that may be unsignalled before the oldest
// is waited for (and, unsignalled after 5 s, reported: vk_embedded.cpp): a frame slot of the
// application may hold several glyphstream frames (the demo: two).
constexpr size_t kExtraUnsignalledFrames = 4;

// A transfer-only family may restrict copies to whole blocks; ours are texel-exact.
bool exact_transfer_granularity(VkPhysicalDevice pd, uint32_t family) {
  uint32_t n = 0;
  vkGetPhysicalDeviceQueueFamilyProperties(pd, &n, nullptr);
  std::vector<VkQueueFamilyProperties> props(n);
  vkGetPhysicalDeviceQueueFamilyProperties(pd, &n, props.data());
  if (family >= n) return false;
  const VkExtent3D g = props[family].minImageTransferGranularity;
  return g.width == 1 && g.height == 1 && g.depth == 1;
}

// GLYPHSTREAM_VK_UPLOAD_PATH=graphics|separate|auto: the bench compares the paths on one device.
// An unknown value is ignored with a warning (core/env_options).
VulkanUploadPath upload_path_from_env() {
  const std::string v = vk_upload_path_from_environment().value_or("auto");
  if (v == "graphics") return VulkanUploadPath::kGraphicsStream;
  if (v == "separate") return VulkanUploadPath::kSeparateSubmission;
  return VulkanUploadPath::kAuto;
}

}  // namespace

VkBackend::VkBackend(const VulkanDeviceDesc& device, const VulkanBackendDesc& desc,
                     HeadlessContext* headless)
    : device_desc_(device), desc_(desc), headless_(headless) {
  dev_.physical = static_cast<VkPhysicalDevice>(device.physical_device);
  dev_.device = static_cast<VkDevice>(device.device);
  gfx_queue_ = static_cast<VkQueue>(device.graphics_queue);
  gfx_family_ = device.graphics_family;
}

Status VkBackend::init() {
  if (!dev_.physical || !dev_.device || !gfx_queue_) {
    return {ErrorCode::kInvalidArgument,
            "TextSystem::create: VulkanDeviceDesc needs physical_device, device and "
            "graphics_queue"};
  }
  vkGetPhysicalDeviceMemoryProperties(dev_.physical, &dev_.memory);
  VkPhysicalDeviceProperties props;
  vkGetPhysicalDeviceProperties(dev_.physical, &props);
  if (props.apiVersion < VK_API_VERSION_1_3) {
    return {ErrorCode::kUnsupported,
            "TextSystem::create: the device (VulkanDeviceDesc::physical_device) lacks Vulkan 1.3"};
  }
  renderer_ = std::string(props.deviceName) + " / Vulkan " +
              std::to_string(VK_API_VERSION_MAJOR(props.apiVersion)) + "." +
              std::to_string(VK_API_VERSION_MINOR(props.apiVersion));
  max_texture_size_ = int(std::min<uint32_t>(props.limits.maxImageDimension2D, 32768));
  if (desc_.staging_ring_depth <= 0) desc_.staging_ring_depth = kDefaultRingDepth;
  if (desc_.upload_path == VulkanUploadPath::kAuto) desc_.upload_path = upload_path_from_env();
  if (desc_.staging_slot_bytes == 0) desc_.staging_slot_bytes = kDefaultSlotBytes;
  if (desc_.frames_in_flight <= 0) desc_.frames_in_flight = kDefaultFramesInFlight;
  max_unsignalled_frames_ = size_t(desc_.frames_in_flight) + kExtraUnsignalledFrames;
  if (!headless_) GS_TRY(init_embedded_formats());

  VkQueue transfer = static_cast<VkQueue>(device_desc_.transfer_queue);
  const bool has_transfer = transfer && device_desc_.transfer_family != gfx_family_ &&
                            exact_transfer_granularity(dev_.physical, device_desc_.transfer_family);
  separate_uploads_ = desc_.upload_path == VulkanUploadPath::kSeparateSubmission ||
                      (desc_.upload_path == VulkanUploadPath::kAuto && has_transfer);
  upload_queue_ = separate_uploads_ && has_transfer ? transfer : gfx_queue_;
  upload_family_ = separate_uploads_ && has_transfer ? device_desc_.transfer_family : gfx_family_;
  families_ = {gfx_family_};
  if (upload_family_ != gfx_family_) families_.push_back(upload_family_);

  GS_TRY(create_timeline(dev_.device, &gfx_sem_));
  GS_TRY(create_timeline(dev_.device, &upload_sem_));
  GS_TRY(create_timeline(dev_.device, &frame_sem_));
  GS_TRY(create_rings());
  GS_TRY(create_draw_objects());
  if (desc_.enable_timestamps && device_desc_.host_query_reset) GS_TRY(create_query_pool());
  // What the first frame would otherwise create (once per backend, as GL creates its program
  // and instance buffer in init()): page memory, instance buffers, pipelines for a known target.
  GS_TRY(reserve_page_memory());
  GS_TRY(reserve_instance_buffers());
  if (separate_uploads_) {
    GS_TRY(create_host_buffer(dev_, kZeroBufferBytes, VK_BUFFER_USAGE_TRANSFER_SRC_BIT,
                              &zero_buffer_));
    std::fill(zero_buffer_.mapped, zero_buffer_.mapped + zero_buffer_.size, uint8_t(0));
  }
  if (headless_) target_formats_ = {headless_->target().format};
  if (headless_ || formats_declared_)
    GS_TRY(create_pipelines(headless_ ? target_formats_ : declared_));
  return {};
}

Status VkBackend::create_rings() {
  for (auto [ring, family] :
       {std::pair{&gfx_ring_, gfx_family_}, {&upload_ring_, upload_family_}}) {
    VkCommandPoolCreateInfo info{VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
    info.flags =
        VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT | VK_COMMAND_POOL_CREATE_TRANSIENT_BIT;
    info.queueFamilyIndex = family;
    GS_TRY(check(vkCreateCommandPool(dev_.device, &info, nullptr, &ring->pool),
                 "vkCreateCommandPool"));
    // A frame uses up to two of the graphics ring (upload pass, draw), one of the upload ring.
    for (int i = 0; i < kReservedCommands; ++i) GS_TRY(add_command(*ring));
  }
  // The ring's slots are created and touched now: first use in a frame would cost a stall.
  slots_.resize(size_t(desc_.staging_ring_depth));
  for (StagingSlot& slot : slots_) {
    GS_TRY(create_host_buffer(dev_, desc_.staging_slot_bytes, VK_BUFFER_USAGE_TRANSFER_SRC_BIT,
                              &slot.buffer));
    std::fill(slot.buffer.mapped, slot.buffer.mapped + slot.buffer.size, uint8_t(0));
  }
  return {};
}

VkBackend::~VkBackend() {
  if (!dev_.device) return;
  // Our own timelines only: every submission of ours has signalled one of them.
  // Our own submissions only; the application's frames must be complete before it destroys
  // anything they use (the usual Vulkan rule), and waiting for one it never submitted would hang.
  (void)wait_all(/*frames=*/false, "~VkBackend");
  for (StagingSlot& s : slots_) destroy_buffer(dev_, &s.buffer);
  destroy_buffer(dev_, &client_buffer_);
  destroy_buffer(dev_, &zero_buffer_);
  for (InstanceBuffer& b : instance_buffers_) destroy_buffer(dev_, &b.buffer);
  for (auto& [id, page] : pages_) destroy_page(&page);
  for (RetiredImage& r : retired_) destroy_page(&r.page);
  page_memory_.destroy(dev_.device);
  destroy_draw_objects();
  if (query_pool_) vkDestroyQueryPool(dev_.device, query_pool_, nullptr);
  for (CommandRing* ring : {&gfx_ring_, &upload_ring_}) {
    if (ring->pool) vkDestroyCommandPool(dev_.device, ring->pool, nullptr);
  }
  for (VkSemaphore s : {gfx_sem_, upload_sem_, frame_sem_}) {
    if (s) vkDestroySemaphore(dev_.device, s, nullptr);
  }
}

std::string VkBackend::async_path() const {
  if (!separate_uploads_) return "staging ring, copies in the graphics stream with barriers";
  if (upload_family_ != gfx_family_) {
    return "staging ring, copies on the dedicated transfer queue (family " +
           std::to_string(upload_family_) + "), timeline semaphore, concurrent sharing";
  }
  return "staging ring, copies in separate graphics-queue submissions, timeline semaphore";
}

Status VkBackend::acquire_command(CommandRing& ring, VkCommandBuffer* out) {
  for (CommandRing::Entry& e : ring.entries) {
    if (e.in_use || !reached(dev_.device, e.guard)) continue;
    GS_TRY(check(vkResetCommandBuffer(e.cmd, 0), "vkResetCommandBuffer"));
    e.in_use = true;
    *out = e.cmd;
    return begin_one_time(e.cmd);
  }
  GS_TRY(add_command(ring));
  ring.entries.back().in_use = true;
  *out = ring.entries.back().cmd;
  return begin_one_time(*out);
}

Status VkBackend::add_command(CommandRing& ring) {
  CommandRing::Entry e;
  VkCommandBufferAllocateInfo info{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
  info.commandPool = ring.pool;
  info.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
  info.commandBufferCount = 1;
  GS_TRY(check(vkAllocateCommandBuffers(dev_.device, &info, &e.cmd), "vkAllocateCommandBuffers"));
  ring.entries.push_back(e);
  return {};
}

void VkBackend::set_command_guard(CommandRing& ring, VkCommandBuffer cmd, const Guard& g) {
  for (CommandRing::Entry& e : ring.entries) {
    if (e.cmd == cmd) e = {cmd, g, false};
  }
}

Status VkBackend::submit(VkQueue queue, VkCommandBuffer cmd,
                         std::span<const VkSemaphoreSubmitInfo> waits, VkSemaphore signal,
                         uint64_t* counter, Guard* guard) {
  CommandRing& ring = queue == gfx_queue_ && signal == gfx_sem_ ? gfx_ring_ : upload_ring_;
  GS_TRY(check(vkEndCommandBuffer(cmd), "vkEndCommandBuffer"));
  VkCommandBufferSubmitInfo cb{VK_STRUCTURE_TYPE_COMMAND_BUFFER_SUBMIT_INFO};
  cb.commandBuffer = cmd;
  VkSemaphoreSubmitInfo sig{VK_STRUCTURE_TYPE_SEMAPHORE_SUBMIT_INFO};
  sig.semaphore = signal;
  sig.value = *counter + 1;
  sig.stageMask = VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT;
  VkSubmitInfo2 info{VK_STRUCTURE_TYPE_SUBMIT_INFO_2};
  info.waitSemaphoreInfoCount = uint32_t(waits.size());
  info.pWaitSemaphoreInfos = waits.data();
  info.commandBufferInfoCount = 1;
  info.pCommandBufferInfos = &cb;
  info.signalSemaphoreInfoCount = 1;
  info.pSignalSemaphoreInfos = &sig;
  Status s = check(vkQueueSubmit2(queue, 1, &info, VK_NULL_HANDLE), "vkQueueSubmit2");
  if (!s.ok()) {
    set_command_guard(ring, cmd, {});
    return s;
  }
  *counter += 1;
  *guard = {signal, *counter};
  set_command_guard(ring, cmd, *guard);
  return {};
}

std::vector<VkSemaphoreSubmitInfo> VkBackend::graphics_waits(VkPipelineStageFlags2 stages) const {
  std::vector<VkSemaphoreSubmitInfo> waits;
  if (upload_serial_ > 0) {
    VkSemaphoreSubmitInfo w{VK_STRUCTURE_TYPE_SEMAPHORE_SUBMIT_INFO};
    w.semaphore = upload_sem_;
    w.value = upload_serial_;
    w.stageMask = stages;
    waits.push_back(w);
  }
  return waits;
}

Status VkBackend::submit_graphics(VkCommandBuffer cmd, Guard* guard, VkPipelineStageFlags2 stages) {
  const auto waits = graphics_waits(stages);
  return submit(gfx_queue_, cmd, waits, gfx_sem_, &gfx_serial_, guard);
}

Status VkBackend::end_frame(FrameToken frame) {
  if (in_pass_) return {ErrorCode::kInvalidArgument, "end_frame: inside an upload pass"};
  // A frame that drew nothing adds a token to signal too: refused the same way once too many
  // were never signalled.
  if (!headless_) GS_TRY(check_frame_signals("flush"));
  for (RetiredImage& r : retired_) {
    if (!r.frame_known) r.frame_known = true, r.frame = frame;
  }
  for (TimestampPair& p : pending_pairs_) {
    if (p.frame_known) continue;
    p.frame_known = true;
    p.frame = frame;
    if (p.await_frame) p.guard = {frame_sem_, frame}, p.await_frame = false;
  }
  if (headless_) {
    // Every submission so far is in order on the graphics queue or waited for by it.
    frames_.push_back({frame, {gfx_sem_, gfx_serial_}, {upload_sem_, upload_serial_}});
  } else {
    for (InstanceBuffer& b : instance_buffers_) {
      if (b.await_frame) b.guard = {frame_sem_, frame}, b.await_frame = false;
    }
    frames_.push_back({frame, {frame_sem_, frame}, {upload_sem_, upload_serial_}});
    target_ = {};
    sync_ready_ = true;
  }
  last_frame_ = std::max(last_frame_, frame);
  completed_frame();
  collect_timings();  // never waits; frees query pairs of completed frames
  return {};
}

void VkBackend::release_completed() {
  auto done = [&](const RetiredImage& r) { return r.frame_known && r.frame <= completed_; };
  for (RetiredImage& r : retired_) {
    if (done(r)) destroy_page(&r.page);
  }
  std::erase_if(retired_, done);
}

FrameToken VkBackend::completed_frame() {
  while (!frames_.empty() && reached(dev_.device, frames_.front().guard) &&
         reached(dev_.device, frames_.front().uploads)) {
    completed_ = std::max(completed_, frames_.front().frame);
    frames_.pop_front();
  }
  release_completed();
  return completed_;
}

Status VkBackend::wait_frame(FrameToken frame) {
  while (!frames_.empty() && frames_.front().frame <= frame) {
    // Embedded: the application's signal, which may never come (reported, not waited forever).
    GS_TRY(headless_ ? wait(dev_.device, frames_.front().guard, "wait_frame")
                     : wait_frame_signal(frames_.front().guard, "throttle"));
    GS_TRY(wait(dev_.device, frames_.front().uploads, "wait_frame"));
    completed_ = std::max(completed_, frames_.front().frame);
    frames_.pop_front();
  }
  release_completed();
  collect_timings();
  return {};
}

Status VkBackend::wait_all(bool frames, const char* op) {
  GS_TRY(wait(dev_.device, {gfx_sem_, gfx_serial_}, op));
  GS_TRY(wait(dev_.device, {upload_sem_, upload_serial_}, op));
  if (frames && !headless_) GS_TRY(wait_frame_signal({frame_sem_, last_frame_}, op));
  return {};
}

Status VkBackend::finish() {
  if (in_pass_) return {ErrorCode::kInvalidArgument, "finish: inside an upload pass"};
  GS_TRY(wait_all(/*frames=*/true, "finish"));
  frames_.clear();
  completed_ = std::max(completed_, last_frame_);
  // Headless: nothing can use a retired image any more. Embedded: one retired after the last
  // end_frame may be in a command buffer the application has not submitted yet.
  std::erase_if(retired_, [&](RetiredImage& r) {
    if (!headless_ && !r.frame_known) return false;
    destroy_page(&r.page);
    return true;
  });
  collect_timings();
  return {};
}

}  // namespace glyphstream::gpu::vk

namespace glyphstream::gpu {

Result<std::unique_ptr<VulkanBackend>> create_vulkan_backend(VulkanContext& context,
                                                             const VulkanBackendDesc& desc) {
  auto* headless = dynamic_cast<vk::HeadlessContext*>(&context);
  if (!headless)
    return Status(ErrorCode::kInvalidArgument, "create_vulkan_backend: foreign context");
  auto backend = std::make_unique<vk::VkBackend>(context.device_desc(), desc, headless);
  GS_TRY(backend->init());
  return Result<std::unique_ptr<VulkanBackend>>(std::move(backend));
}

Result<std::unique_ptr<VulkanBackend>> create_vulkan_backend(const VulkanDeviceDesc& device,
                                                             const VulkanBackendDesc& desc) {
  auto backend = std::make_unique<vk::VkBackend>(device, desc, nullptr);
  // The application's device: every error names the public call that reports it.
  const Status s = backend->init();
  if (!s.ok() && s.message().rfind("TextSystem::create", 0) != 0) {
    return Status(s.code(), "TextSystem::create (VulkanDeviceDesc): " + s.message());
  }
  GS_TRY(s);
  return Result<std::unique_ptr<VulkanBackend>>(std::move(backend));
}

}  // namespace glyphstream::gpu
