// GPU timestamps around uploads (on the transfer queue when its family has timestamps) and
// draws, delivered by take_timings() once their frame has completed, never waiting; and the
// staging -> image bandwidth measurement.
#include <algorithm>
#include <chrono>
#include <cstring>

#include "gpu/vulkan/vk_backend_impl.h"

namespace glyphstream::gpu::vk {
namespace {

constexpr uint32_t kQueryPairs = 128;
constexpr size_t kMaxReadyTimings = 256;

Status create_pool(VkDevice device, uint32_t count, VkQueryPool* out) {
  VkQueryPoolCreateInfo info{VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO};
  info.queryType = VK_QUERY_TYPE_TIMESTAMP;
  info.queryCount = count;
  return check(vkCreateQueryPool(device, &info, nullptr, out), "vkCreateQueryPool");
}

}  // namespace

Status VkBackend::create_query_pool() {
  const uint32_t gfx_bits = timestamp_bits(dev_.physical, gfx_family_);
  if (gfx_bits == 0) return {};  // no timestamps: timer_queries_available() says so
  VkPhysicalDeviceProperties props;
  vkGetPhysicalDeviceProperties(dev_.physical, &props);
  timestamp_period_ns_ = double(props.limits.timestampPeriod);
  gfx_timestamp_mask_ = timestamp_mask(gfx_bits);
  upload_timestamp_mask_ = timestamp_mask(timestamp_bits(dev_.physical, upload_family_));
  if (timestamp_bits(dev_.physical, upload_family_) == 0) upload_timestamp_mask_ = 0;
  GS_TRY(create_pool(dev_.device, kQueryPairs * 2, &query_pool_));
  for (uint32_t i = kQueryPairs; i-- > 0;) free_pairs_.push_back(i * 2);
  return {};
}

bool VkBackend::begin_timestamp(VkCommandBuffer cmd, bool upload, uint32_t* out) {
  *out = UINT32_MAX;
  if (!query_pool_ || free_pairs_.empty()) return false;
  const uint32_t first = free_pairs_.back();
  free_pairs_.pop_back();
  vkResetQueryPool(dev_.device, query_pool_, first, 2);  // hostQueryReset (core 1.2)
  vkCmdWriteTimestamp2(cmd, VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT, query_pool_, first);
  TimestampPair pair;
  pair.first_query = first;
  pair.upload = upload;
  pending_pairs_.push_back(pair);
  *out = first;
  return true;
}

void VkBackend::end_timestamp(VkCommandBuffer cmd, uint32_t first_query) {
  vkCmdWriteTimestamp2(cmd, VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT, query_pool_, first_query + 1);
}

void VkBackend::set_timestamp_guard(uint32_t first_query, const Guard& g, bool await_frame) {
  for (TimestampPair& p : pending_pairs_) {
    if (p.first_query != first_query) continue;
    p.guard = g;
    p.await_frame = await_frame;
  }
}

// Moves completed frames' timestamps to ready_timings_ without waiting, oldest frame first.
void VkBackend::collect_timings() {
  while (!pending_pairs_.empty() && pending_pairs_.front().frame_known) {
    const FrameToken frame = pending_pairs_.front().frame;
    size_t n = 0;
    while (n < pending_pairs_.size() && pending_pairs_[n].frame_known &&
           pending_pairs_[n].frame == frame) {
      const TimestampPair& p = pending_pairs_[n];
      // A pair whose submission failed (no guard) is dropped below, never waited for.
      if (p.guard.value != 0 && !reached(dev_.device, p.guard)) return;
      ++n;
    }
    GpuTimings t;
    t.frame = frame;
    for (size_t i = 0; i < n; ++i) {
      const TimestampPair p = pending_pairs_.front();
      pending_pairs_.pop_front();
      GpuSpan span;
      const uint64_t mask =
          p.upload && separate_uploads_ ? upload_timestamp_mask_ : gfx_timestamp_mask_;
      if (p.guard.value != 0 && read_timestamp_pair(dev_.device, query_pool_, p.first_query, mask,
                                                    timestamp_period_ns_, &span)) {
        (p.upload ? t.upload_ns : t.draw_ns) += span.end_ns - span.begin_ns;
        if (p.upload) {
          t.upload_begin_ns =
              t.upload_begin_ns ? std::min(t.upload_begin_ns, span.begin_ns) : span.begin_ns;
          t.upload_end_ns = std::max(t.upload_end_ns, span.end_ns);
        }
      }
      free_pairs_.push_back(p.first_query);
    }
    if (ready_timings_.size() >= kMaxReadyTimings) ready_timings_.erase(ready_timings_.begin());
    ready_timings_.push_back(t);
  }
}

std::vector<GpuTimings> VkBackend::take_timings() {
  completed_frame();
  collect_timings();
  return std::exchange(ready_timings_, {});
}

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
  const uint64_t mask = separate_uploads_ ? upload_timestamp_mask_ : gfx_timestamp_mask_;
  Status s = create_host_buffer(dev_, used, VK_BUFFER_USAGE_TRANSFER_SRC_BIT, &src);
  if (s.ok()) std::memset(src.mapped, 0x5a, used);
  if (s.ok()) {
    s = create_image(dev_, VK_FORMAT_R8_UNORM, kWidth, rows, VK_IMAGE_USAGE_TRANSFER_DST_BIT,
                     families_.data(), uint32_t(families_.size()), &dst);
  }
  if (s.ok() && mask) s = create_pool(dev_.device, 2, &pool);
  CommandRing& ring = separate_uploads_ ? upload_ring_ : gfx_ring_;
  VkSemaphore sem = separate_uploads_ ? upload_sem_ : gfx_sem_;
  uint64_t* counter = separate_uploads_ ? &upload_serial_ : &gfx_serial_;
  double best_seconds = 1e30;
  for (int rep = 0; rep < 6 && s.ok(); ++rep) {
    VkCommandBuffer cmd;
    s = acquire_command(ring, &cmd);
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
    s = submit(separate_uploads_ ? upload_queue_ : gfx_queue_, cmd, {}, sem, counter, &done);
    if (s.ok()) s = wait(dev_.device, done, "measure_upload_bandwidth");
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    GpuSpan span;
    if (s.ok() && pool &&
        read_timestamp_pair(dev_.device, pool, 0, mask, timestamp_period_ns_, &span) &&
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
