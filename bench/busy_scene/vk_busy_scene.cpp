// The busy scene on Vulkan (busy_scene.h): VulkanContext's offscreen image, submitted to its
// graphics queue without waiting (a ring of command buffers, each waited for only when reused),
// with timestamps around each pass.
#include <vulkan/vulkan.h>

#include <array>
#include <span>
#include <string>

#include "busy_scene.h"
#include "gpu/vulkan/vk_context.h"
#include "gpu/vulkan/vk_util.h"

namespace glyphstream::bench {
namespace {

using namespace gpu::vk;

// shaders/busy_scene.{vert,frag}, compiled by glslc at build time (CMakeLists.txt).
constexpr uint32_t kBusyVertex[] =
#include "busy_scene.vert.inc"
    ;
constexpr uint32_t kBusyFragment[] =
#include "busy_scene.frag.inc"
    ;

struct BusyPush {
  float color[4];
  uint32_t work;
};

class Pass {
 public:
  Status init(const DeviceRef& dev, uint32_t graphics_family);
  // Waits for its own submissions and destroys everything (before the device).
  void destroy();
  // Records and submits one pass into `target` (VK_IMAGE_LAYOUT_GENERAL, a colour attachment),
  // after every earlier write of it on `queue`; the colour is straight alpha.
  Status draw(VkQueue queue, const Image& target, const float rgba[4], uint32_t work);
  // The most recent pass's device-clock span (ns); waits for it.
  Result<GpuSpan> last_span();

 private:
  struct Slot {
    VkCommandBuffer cmd = VK_NULL_HANDLE;
    VkFence fence = VK_NULL_HANDLE;
  };
  Status create_pipeline(VkFormat format);

  DeviceRef dev_;
  VkCommandPool pool_ = VK_NULL_HANDLE;
  std::array<Slot, 3> slots_{};
  int next_ = 0, last_ = -1;
  VkQueryPool queries_ = VK_NULL_HANDLE;  // two per slot
  double period_ns_ = 1;
  uint64_t mask_ = 0;
  VkShaderModule vert_ = VK_NULL_HANDLE, frag_ = VK_NULL_HANDLE;
  VkPipelineLayout layout_ = VK_NULL_HANDLE;
  VkPipeline pipeline_ = VK_NULL_HANDLE;
  VkFormat pipeline_format_ = VK_FORMAT_UNDEFINED;
};

Status Pass::init(const DeviceRef& dev, uint32_t graphics_family) {
  dev_ = dev;
  VkCommandPoolCreateInfo pool{VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
  pool.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;
  pool.queueFamilyIndex = graphics_family;
  GS_TRY(check(vkCreateCommandPool(dev_.device, &pool, nullptr, &pool_), "busy scene pool"));
  for (Slot& slot : slots_) {
    VkCommandBufferAllocateInfo alloc{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
    alloc.commandPool = pool_;
    alloc.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
    alloc.commandBufferCount = 1;
    GS_TRY(check(vkAllocateCommandBuffers(dev_.device, &alloc, &slot.cmd), "busy scene cmd"));
    VkFenceCreateInfo fence{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
    fence.flags = VK_FENCE_CREATE_SIGNALED_BIT;
    GS_TRY(check(vkCreateFence(dev_.device, &fence, nullptr, &slot.fence), "busy scene fence"));
  }
  if (const uint32_t bits = timestamp_bits(dev_.physical, graphics_family); bits > 0) {
    VkPhysicalDeviceProperties props;
    vkGetPhysicalDeviceProperties(dev_.physical, &props);
    period_ns_ = double(props.limits.timestampPeriod);
    mask_ = timestamp_mask(bits);
    VkQueryPoolCreateInfo info{VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO};
    info.queryType = VK_QUERY_TYPE_TIMESTAMP;
    info.queryCount = uint32_t(slots_.size() * 2);
    GS_TRY(check(vkCreateQueryPool(dev_.device, &info, nullptr, &queries_), "busy scene queries"));
  }
  GS_TRY(create_module(dev_.device, std::span<const uint32_t>(kBusyVertex), &vert_));
  GS_TRY(create_module(dev_.device, std::span<const uint32_t>(kBusyFragment), &frag_));
  VkPushConstantRange push{VK_SHADER_STAGE_FRAGMENT_BIT, 0, sizeof(BusyPush)};
  VkPipelineLayoutCreateInfo pl{VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO};
  pl.pushConstantRangeCount = 1;
  pl.pPushConstantRanges = &push;
  return check(vkCreatePipelineLayout(dev_.device, &pl, nullptr, &layout_), "busy scene layout");
}

void Pass::destroy() {
  if (!dev_.device) return;
  for (Slot& slot : slots_) {
    if (!slot.fence) continue;
    vkWaitForFences(dev_.device, 1, &slot.fence, VK_TRUE, UINT64_MAX);
    vkDestroyFence(dev_.device, slot.fence, nullptr);
  }
  if (pipeline_) vkDestroyPipeline(dev_.device, pipeline_, nullptr);
  if (layout_) vkDestroyPipelineLayout(dev_.device, layout_, nullptr);
  if (vert_) vkDestroyShaderModule(dev_.device, vert_, nullptr);
  if (frag_) vkDestroyShaderModule(dev_.device, frag_, nullptr);
  if (queries_) vkDestroyQueryPool(dev_.device, queries_, nullptr);
  if (pool_) vkDestroyCommandPool(dev_.device, pool_, nullptr);
  *this = Pass();
}

// No blending, no vertex input, viewport and scissor dynamic.
Status Pass::create_pipeline(VkFormat format) {
  if (pipeline_ && pipeline_format_ == format) return {};
  if (pipeline_) vkDestroyPipeline(dev_.device, pipeline_, nullptr), pipeline_ = VK_NULL_HANDLE;
  GraphicsPipelineDesc desc;
  desc.vertex = vert_;
  desc.fragment = frag_;
  desc.color_format = format;
  desc.layout = layout_;
  GS_TRY(create_graphics_pipeline(dev_.device, desc, &pipeline_, "busy scene pipeline"));
  pipeline_format_ = format;
  return {};
}

Status Pass::draw(VkQueue queue, const Image& target, const float rgba[4], uint32_t work) {
  if (work > kMaxBusySceneWork) {
    return {ErrorCode::kInvalidArgument, "busy scene: work " + std::to_string(work) + " is above " +
                                             std::to_string(kMaxBusySceneWork)};
  }
  GS_TRY(create_pipeline(target.format));
  Slot& slot = slots_[size_t(next_)];
  GS_TRY(check(vkWaitForFences(dev_.device, 1, &slot.fence, VK_TRUE, UINT64_MAX), "busy scene"));
  GS_TRY(check(vkResetCommandBuffer(slot.cmd, 0), "busy scene"));
  GS_TRY(begin_one_time(slot.cmd));
  const uint32_t first_query = uint32_t(next_) * 2;
  if (queries_) {
    vkResetQueryPool(dev_.device, queries_, first_query, 2);  // hostQueryReset
    vkCmdWriteTimestamp2(slot.cmd, VK_PIPELINE_STAGE_2_TOP_OF_PIPE_BIT, queries_, first_query);
  }
  // Earlier clears, copies and draws into the image (the text of the frame before) come first.
  memory_barrier(
      slot.cmd,
      VK_PIPELINE_STAGE_2_ALL_TRANSFER_BIT | VK_PIPELINE_STAGE_2_COLOR_ATTACHMENT_OUTPUT_BIT,
      VK_ACCESS_2_TRANSFER_WRITE_BIT | VK_ACCESS_2_TRANSFER_READ_BIT |
          VK_ACCESS_2_COLOR_ATTACHMENT_WRITE_BIT | VK_ACCESS_2_COLOR_ATTACHMENT_READ_BIT,
      VK_PIPELINE_STAGE_2_COLOR_ATTACHMENT_OUTPUT_BIT, VK_ACCESS_2_COLOR_ATTACHMENT_WRITE_BIT);
  begin_rendering(slot.cmd, target, VK_ATTACHMENT_LOAD_OP_DONT_CARE);  // every pixel is written
  const VkViewport vp{0, 0, float(target.width), float(target.height), 0, 1};
  const VkRect2D area{{0, 0}, {uint32_t(target.width), uint32_t(target.height)}};
  vkCmdSetViewport(slot.cmd, 0, 1, &vp);
  vkCmdSetScissor(slot.cmd, 0, 1, &area);
  vkCmdBindPipeline(slot.cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, pipeline_);
  const BusyPush push{{rgba[0], rgba[1], rgba[2], rgba[3]}, work};
  vkCmdPushConstants(slot.cmd, layout_, VK_SHADER_STAGE_FRAGMENT_BIT, 0, sizeof push, &push);
  vkCmdDraw(slot.cmd, 3, 1, 0, 0);
  vkCmdEndRendering(slot.cmd);
  if (queries_) {
    vkCmdWriteTimestamp2(slot.cmd, VK_PIPELINE_STAGE_2_BOTTOM_OF_PIPE_BIT, queries_,
                         first_query + 1);
  }
  GS_TRY(check(vkEndCommandBuffer(slot.cmd), "busy scene"));
  VkCommandBufferSubmitInfo cb{VK_STRUCTURE_TYPE_COMMAND_BUFFER_SUBMIT_INFO};
  cb.commandBuffer = slot.cmd;
  VkSubmitInfo2 submit{VK_STRUCTURE_TYPE_SUBMIT_INFO_2};
  submit.commandBufferInfoCount = 1;
  submit.pCommandBufferInfos = &cb;
  GS_TRY(check(vkResetFences(dev_.device, 1, &slot.fence), "busy scene"));
  GS_TRY(check(vkQueueSubmit2(queue, 1, &submit, slot.fence), "busy scene submit"));
  last_ = next_;
  next_ = (next_ + 1) % int(slots_.size());
  return {};
}

Result<GpuSpan> Pass::last_span() {
  if (last_ < 0) return Status(ErrorCode::kInvalidArgument, "busy scene: none drawn yet");
  if (!queries_) return Status(ErrorCode::kUnsupported, "busy scene: no timestamps");
  const Slot& slot = slots_[size_t(last_)];
  GS_TRY(check(vkWaitForFences(dev_.device, 1, &slot.fence, VK_TRUE, UINT64_MAX), "busy scene"));
  GpuSpan span;
  if (!read_timestamp_pair(dev_.device, queries_, uint32_t(last_) * 2, mask_, period_ns_, &span)) {
    return Status(ErrorCode::kGpuError, "busy scene: its timestamps are not available");
  }
  return span;
}

class VkBusyScene final : public BusyScene {
 public:
  explicit VkBusyScene(HeadlessContext* context) : context_(context) {}
  ~VkBusyScene() override { pass_.destroy(); }
  Status init() {
    const VulkanDeviceDesc d = context_->device_desc();
    queue_ = static_cast<VkQueue>(d.graphics_queue);
    return pass_.init(device_ref(d), d.graphics_family);
  }
  Status draw(const Color& c, uint32_t work) override {
    const float rgba[4] = {c.r, c.g, c.b, c.a};
    return pass_.draw(queue_, context_->target(), rgba, work);
  }
  Result<double> time(uint32_t work) override {
    const float black[4] = {0, 0, 0, 1};
    GS_TRY(pass_.draw(queue_, context_->target(), black, work));
    GS_ASSIGN_OR_RETURN(const GpuSpan span, pass_.last_span());
    return double(span.end_ns - span.begin_ns) / 1e6;
  }
  Result<GpuSpan> last_span() override { return pass_.last_span(); }

 private:
  HeadlessContext* context_;
  VkQueue queue_ = VK_NULL_HANDLE;
  Pass pass_;
};

}  // namespace

Result<std::unique_ptr<BusyScene>> BusyScene::create(VulkanContext* vk) {
  // Every VulkanContext is the library's headless context (VulkanContext::create).
  auto* context = dynamic_cast<HeadlessContext*>(vk);
  if (!context) return Status(ErrorCode::kInvalidArgument, "busy scene: no VulkanContext");
  auto scene = std::make_unique<VkBusyScene>(context);
  GS_TRY(scene->init());
  return Result<std::unique_ptr<BusyScene>>(std::move(scene));
}

}  // namespace glyphstream::bench
