// The Vulkan backend: set-up of its parts, frames and their tokens, the factories.
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
}

QueueSetup VkBackend::choose_queues() {
  QueueSetup q;
  q.graphics = static_cast<VkQueue>(device_desc_.graphics_queue);
  q.graphics_family = device_desc_.graphics_family;
  VkQueue transfer = static_cast<VkQueue>(device_desc_.transfer_queue);
  const bool has_transfer = transfer && device_desc_.transfer_family != q.graphics_family &&
                            exact_transfer_granularity(dev_.physical, device_desc_.transfer_family);
  separate_uploads_ = desc_.upload_path == VulkanUploadPath::kSeparateSubmission ||
                      (desc_.upload_path == VulkanUploadPath::kAuto && has_transfer);
  q.upload = separate_uploads_ && has_transfer ? transfer : q.graphics;
  q.upload_family =
      separate_uploads_ && has_transfer ? device_desc_.transfer_family : q.graphics_family;
  return q;
}

Status VkBackend::init() {
  if (!dev_.physical || !dev_.device || !device_desc_.graphics_queue) {
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
  renderer_name_ = std::string(props.deviceName) + " / Vulkan " +
                   std::to_string(VK_API_VERSION_MAJOR(props.apiVersion)) + "." +
                   std::to_string(VK_API_VERSION_MINOR(props.apiVersion));
  max_texture_size_ = int(std::min<uint32_t>(props.limits.maxImageDimension2D, 32768));
  if (desc_.staging_ring_depth <= 0) desc_.staging_ring_depth = kDefaultRingDepth;
  if (desc_.upload_path == VulkanUploadPath::kAuto) desc_.upload_path = upload_path_from_env();
  if (desc_.staging_slot_bytes == 0) desc_.staging_slot_bytes = kDefaultSlotBytes;
  if (desc_.frames_in_flight <= 0) desc_.frames_in_flight = kDefaultFramesInFlight;
  if (!headless_) GS_TRY(init_embedded_formats());

  GS_TRY(submissions_.init(dev_.device, choose_queues()));
  GS_TRY(frames_.init(dev_.device, /*embedded=*/!headless_,
                      size_t(desc_.frames_in_flight) + kExtraUnsignalledFrames));
  if (desc_.enable_timestamps && device_desc_.host_query_reset) {
    GS_TRY(timestamps_.init(dev_, submissions_.graphics_family(), submissions_.upload_family(),
                            separate_uploads_));
  }
  // What the first frame would otherwise create (once per backend, as GL creates its program
  // and instance buffer in init()): page memory, instance buffers, pipelines for a known target,
  // the ring's slots.
  GS_TRY(quads_.init(dev_, device_desc_.dual_source_blend));
  GS_TRY(pages_.init(dev_, submissions_.families(), /*zero_buffer=*/separate_uploads_, &quads_));
  GS_TRY(staging_.init(dev_, desc_.staging_ring_depth, desc_.staging_slot_bytes));
  if (headless_) target_formats_ = {headless_->target().format};
  if (headless_ || formats_declared_) {
    const RenderFormats& formats = headless_ ? target_formats_ : declared_;
    GS_TRY(check_linear_light(desc_.linear_light, formats.color));
    GS_TRY(quads_.create_pipelines(formats));
  }
  return {};
}

VkBackend::~VkBackend() {
  if (!dev_.device) return;
  // Our own submissions only; the application's frames must be complete before it destroys
  // anything they use (the usual Vulkan rule), and waiting for one it never submitted would hang.
  // The parts then free their objects, the last created first.
  (void)submissions_.wait_idle("~VkBackend");
}

std::string VkBackend::async_path() const {
  if (!separate_uploads_) return "staging ring, copies in the graphics stream with barriers";
  if (!submissions_.upload_on_graphics_queue()) {
    return "staging ring, copies on the dedicated transfer queue (family " +
           std::to_string(submissions_.upload_family()) +
           "), timeline semaphore, concurrent sharing";
  }
  return "staging ring, copies in separate graphics-queue submissions, timeline semaphore";
}

Status VkBackend::end_frame(FrameToken frame) {
  if (in_pass_) return {ErrorCode::kInvalidArgument, "end_frame: inside an upload pass"};
  // A frame that drew nothing adds a token to signal too: refused the same way once too many
  // were never signalled.
  if (!headless_) GS_TRY(check_frame_signals("flush"));
  const Guard frame_guard{frames_.semaphore(), frame};
  pages_.end_frame(frame);
  timestamps_.end_frame(frame, frame_guard);
  // Headless: every submission so far is in order on the graphics queue or waited for by it.
  frames_.end(frame, submissions_.graphics_done(), submissions_.uploads_done());
  if (!headless_) {
    quads_.end_frame(frame_guard);
    target_ = {};
    sync_ready_ = true;
  }
  completed_frame();
  timestamps_.collect();  // never waits; frees query pairs of completed frames
  return {};
}

void VkBackend::release_completed(FrameToken completed) { pages_.release(completed); }

FrameToken VkBackend::completed_frame() {
  const FrameToken completed = frames_.poll();
  release_completed(completed);
  return completed;
}

Status VkBackend::wait_frame(FrameToken frame) {
  GS_TRY(frames_.wait(frame));
  release_completed(frames_.completed());
  timestamps_.collect();
  return {};
}

Status VkBackend::finish() {
  if (in_pass_) return {ErrorCode::kInvalidArgument, "finish: inside an upload pass"};
  GS_TRY(submissions_.wait_idle("finish"));
  GS_TRY(frames_.wait_last_signal("finish"));
  frames_.complete_all();
  // Headless: nothing can use a retired image any more. Embedded: one retired after the last
  // end_frame may be in a command buffer the application has not submitted yet.
  pages_.release_all(/*keep_unended=*/!headless_);
  timestamps_.collect();
  return {};
}

std::vector<GpuTimings> VkBackend::take_timings() {
  completed_frame();
  timestamps_.collect();
  return timestamps_.take();
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
