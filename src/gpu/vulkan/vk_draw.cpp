// The draws on Vulkan: the backend validates a draw list and hands it to the renderer
// (vk_renderer.h), headless as its own graphics submission into the context's image, embedded
// recorded into the application's command buffer inside its rendering.
#include <cstring>

#include "gpu/vulkan/vk_backend_impl.h"
#include "gpu/vulkan/vk_context.h"

namespace glyphstream::gpu::vk {

Status VkBackend::validate_draw(const DrawList& list) const {
  if (list.viewport_width <= 0 || list.viewport_height <= 0) {
    return {ErrorCode::kInvalidArgument, "draw: viewport size must be positive"};
  }
  for (const DrawBatch& b : list.batches) {
    if (uint64_t(b.first) + b.count > list.instances.size()) {
      return {ErrorCode::kInvalidArgument, "draw: a batch reaches past the instance span"};
    }
    if (b.count > 0 && b.page != kNoPage && !pages_.find(b.page)) {
      return {ErrorCode::kInvalidArgument,
              "draw: batch uses page " + std::to_string(b.page) + ", which was never uploaded"};
    }
    if (b.count > 0 && b.color_page != kNoPage && !pages_.find(b.color_page)) {
      return {ErrorCode::kInvalidArgument, "draw: batch uses colour page " +
                                               std::to_string(b.color_page) +
                                               ", which was never uploaded"};
    }
  }
  if (in_pass_) return {ErrorCode::kInvalidArgument, "draw: inside an upload pass"};
  return {};
}

Status VkBackend::draw(const DrawList& list) {
  if (!headless_) {
    sync_ready_ = false;  // until end_frame
    GS_TRY(check_frame_signals("flush"));
  }
  GS_TRY(validate_draw(list));
  if (list.instances.empty() || list.batches.empty()) return {};
  if (!headless_ && !target_.command_buffer) {
    return {ErrorCode::kInvalidArgument,
            "flush: no target for the frame's draws: call TextSystem::set_vulkan_target() with "
            "the command buffer inside the application's rendering before flush()"};
  }
  const RenderFormats& formats = target_formats_;
  GS_ASSIGN_OR_RETURN(InstanceBuffer * buffer, quads_.instance_buffer(list.instances.size_bytes()));
  std::memcpy(buffer->buffer.mapped, list.instances.data(), list.instances.size_bytes());
  if (!headless_) {
    VkCommandBuffer cmd = static_cast<VkCommandBuffer>(target_.command_buffer);
    uint32_t query = UINT32_MAX;
    timestamps_.begin(cmd, /*upload=*/false, &query);
    quads_.record(cmd, list, buffer->buffer.buffer, formats, {target_.width, target_.height},
                  pages_);
    if (query != UINT32_MAX) timestamps_.end(cmd, query), timestamps_.set_guard(query, {}, true);
    buffer->await_frame = true;
    return {};
  }
  const Image& target = headless_->target();
  VkCommandBuffer cmd;
  GS_TRY(submissions_.acquire(Stream::kGraphics, &cmd));
  uint32_t query = UINT32_MAX;
  timestamps_.begin(cmd, /*upload=*/false, &query);
  // The context's clears and earlier draws into the image come first.
  memory_barrier(
      cmd, VK_PIPELINE_STAGE_2_ALL_TRANSFER_BIT | VK_PIPELINE_STAGE_2_COLOR_ATTACHMENT_OUTPUT_BIT,
      VK_ACCESS_2_TRANSFER_WRITE_BIT | VK_ACCESS_2_COLOR_ATTACHMENT_WRITE_BIT,
      VK_PIPELINE_STAGE_2_COLOR_ATTACHMENT_OUTPUT_BIT,
      VK_ACCESS_2_COLOR_ATTACHMENT_READ_BIT | VK_ACCESS_2_COLOR_ATTACHMENT_WRITE_BIT);
  begin_rendering(cmd, target, VK_ATTACHMENT_LOAD_OP_LOAD);
  quads_.record(cmd, list, buffer->buffer.buffer, formats, {target.width, target.height}, pages_);
  vkCmdEndRendering(cmd);
  if (query != UINT32_MAX) timestamps_.end(cmd, query);
  Guard done;
  // The vertex stage may start before the copies land; sampling waits for them.
  GS_TRY(submissions_.submit_graphics(cmd, &done, VK_PIPELINE_STAGE_2_FRAGMENT_SHADER_BIT));
  if (query != UINT32_MAX) timestamps_.set_guard(query, done, false);
  buffer->guard = done;
  return {};
}

}  // namespace glyphstream::gpu::vk
