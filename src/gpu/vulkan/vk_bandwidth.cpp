// The staging -> image bandwidth measurement on the queue async uploads use.
#include <algorithm>
#include <chrono>
#include <cstring>

#include "gpu/vulkan/vk_backend_impl.h"

namespace glyphstream::gpu::vk {

// One large staging -> image copy on the queue async uploads use, timed with timestamps where
// that queue has them (CPU time of submit + wait otherwise); the best of five after a warm-up.
// Its buffer, image and query pool are its own and destroyed before it returns.
Result<double> VkBackend::measure_upload_bandwidth(size_t bytes) {
  if (in_pass_) return Status(ErrorCode::kInvalidArgument, "measure_upload_bandwidth: in a pass");
  constexpr int kWidth = 4096;  // R8 texels per row
  const int rows = int(std::clamp<size_t>(bytes / kWidth, 16, 16384));
  const size_t used = size_t(kWidth) * size_t(rows);
  Buffer src;
  Image dst;
  VkQueryPool pool = VK_NULL_HANDLE;
  const uint64_t mask = timestamps_.async_mask();
  Status s = create_host_buffer(dev_, used, VK_BUFFER_USAGE_TRANSFER_SRC_BIT, &src);
  if (s.ok()) std::memset(src.mapped, 0x5a, used);
  if (s.ok()) {
    s = create_image(dev_, VK_FORMAT_R8_UNORM, kWidth, rows, VK_IMAGE_USAGE_TRANSFER_DST_BIT,
                     submissions_.families().data(), uint32_t(submissions_.families().size()),
                     &dst);
  }
  if (s.ok() && mask) s = create_timestamp_pool(dev_.device, 2, &pool);
  const Stream stream = separate_uploads_ ? Stream::kUpload : Stream::kGraphics;
  double best_seconds = 1e30;
  for (int rep = 0; rep < 6 && s.ok(); ++rep) {
    VkCommandBuffer cmd;
    s = submissions_.acquire(stream, &cmd);
    if (!s.ok()) break;
    if (rep == 0)
      image_to_general(cmd, dst.image, VK_PIPELINE_STAGE_2_COPY_BIT,
                       VK_ACCESS_2_TRANSFER_WRITE_BIT);
    memory_barrier(cmd, VK_PIPELINE_STAGE_2_COPY_BIT, VK_ACCESS_2_TRANSFER_WRITE_BIT,
                   VK_PIPELINE_STAGE_2_COPY_BIT, VK_ACCESS_2_TRANSFER_WRITE_BIT);
    if (pool) vkResetQueryPool(dev_.device, pool, 0, 2);
    if (pool) vkCmdWriteTimestamp2(cmd, VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT, pool, 0);
    VkBufferImageCopy region{};
    region.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1};
    region.imageExtent = {uint32_t(kWidth), uint32_t(rows), 1};
    vkCmdCopyBufferToImage(cmd, src.buffer, dst.image, VK_IMAGE_LAYOUT_GENERAL, 1, &region);
    if (pool) vkCmdWriteTimestamp2(cmd, VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT, pool, 1);
    const auto start = std::chrono::steady_clock::now();
    Guard done;
    s = submissions_.submit(stream, cmd, {}, &done);
    if (s.ok()) s = wait(dev_.device, done, "measure_upload_bandwidth");
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    GpuSpan span;
    if (s.ok() && pool &&
        read_timestamp_pair(dev_.device, pool, 0, mask, timestamps_.period_ns(), &span) &&
        span.end_ns > span.begin_ns) {
      seconds = double(span.end_ns - span.begin_ns) / 1e9;
    }
    if (rep > 0) best_seconds = std::min(best_seconds, seconds);  // rep 0 warms up
  }
  if (pool) vkDestroyQueryPool(dev_.device, pool, nullptr);
  destroy_image(dev_, &dst);
  destroy_buffer(dev_, &src);
  if (!s.ok()) return s;
  return double(used) / best_seconds / 1e9;
}

}  // namespace glyphstream::gpu::vk
