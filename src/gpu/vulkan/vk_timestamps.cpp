#include "gpu/vulkan/vk_timestamps.h"

#include <algorithm>
#include <utility>

namespace glyphstream::gpu::vk {
namespace {

constexpr uint32_t kQueryPairs = 128;
constexpr size_t kMaxReadyTimings = 256;

}  // namespace

Status create_timestamp_pool(VkDevice device, uint32_t count, VkQueryPool* out) {
  VkQueryPoolCreateInfo info{VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO};
  info.queryType = VK_QUERY_TYPE_TIMESTAMP;
  info.queryCount = count;
  return check(vkCreateQueryPool(device, &info, nullptr, out), "vkCreateQueryPool");
}

Timestamps::~Timestamps() {
  if (device_ && pool_) vkDestroyQueryPool(device_, pool_, nullptr);
}

Status Timestamps::init(const DeviceRef& dev, uint32_t gfx_family, uint32_t upload_family,
                        bool separate_uploads) {
  device_ = dev.device;
  separate_uploads_ = separate_uploads;
  const uint32_t gfx_bits = timestamp_bits(dev.physical, gfx_family);
  if (gfx_bits == 0) return {};  // no timestamps: available() says so
  VkPhysicalDeviceProperties props;
  vkGetPhysicalDeviceProperties(dev.physical, &props);
  period_ns_ = double(props.limits.timestampPeriod);
  gfx_mask_ = timestamp_mask(gfx_bits);
  const uint32_t upload_bits = timestamp_bits(dev.physical, upload_family);
  upload_mask_ = upload_bits == 0 ? 0 : timestamp_mask(upload_bits);
  GS_TRY(create_timestamp_pool(device_, kQueryPairs * 2, &pool_));
  for (uint32_t i = kQueryPairs; i-- > 0;) free_pairs_.push_back(i * 2);
  return {};
}

bool Timestamps::begin(VkCommandBuffer cmd, bool upload, uint32_t* out) {
  *out = UINT32_MAX;
  if (!pool_ || free_pairs_.empty()) return false;
  const uint32_t first = free_pairs_.back();
  free_pairs_.pop_back();
  vkResetQueryPool(device_, pool_, first, 2);  // hostQueryReset (core 1.2)
  vkCmdWriteTimestamp2(cmd, VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT, pool_, first);
  Pair pair;
  pair.first_query = first;
  pair.upload = upload;
  pending_.push_back(pair);
  *out = first;
  return true;
}

void Timestamps::end(VkCommandBuffer cmd, uint32_t first_query) {
  vkCmdWriteTimestamp2(cmd, VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT, pool_, first_query + 1);
}

void Timestamps::set_guard(uint32_t first_query, const Guard& g, bool await_frame) {
  for (Pair& p : pending_) {
    if (p.first_query != first_query) continue;
    p.guard = g;
    p.await_frame = await_frame;
  }
}

void Timestamps::end_frame(FrameToken frame, const Guard& frame_guard) {
  for (Pair& p : pending_) {
    if (p.frame_known) continue;
    p.frame_known = true;
    p.frame = frame;
    if (p.await_frame) p.guard = frame_guard, p.await_frame = false;
  }
}

void Timestamps::collect() {
  while (!pending_.empty() && pending_.front().frame_known) {
    const FrameToken frame = pending_.front().frame;
    size_t n = 0;
    while (n < pending_.size() && pending_[n].frame_known && pending_[n].frame == frame) {
      const Pair& p = pending_[n];
      // A pair whose submission failed (no guard) is dropped below, never waited for.
      if (p.guard.value != 0 && !reached(device_, p.guard)) return;
      ++n;
    }
    GpuTimings t;
    t.frame = frame;
    for (size_t i = 0; i < n; ++i) {
      const Pair p = pending_.front();
      pending_.pop_front();
      GpuSpan span;
      const uint64_t mask = p.upload && separate_uploads_ ? upload_mask_ : gfx_mask_;
      if (p.guard.value != 0 &&
          read_timestamp_pair(device_, pool_, p.first_query, mask, period_ns_, &span)) {
        (p.upload ? t.upload_ns : t.draw_ns) += span.end_ns - span.begin_ns;
        if (p.upload) {
          t.upload_begin_ns =
              t.upload_begin_ns ? std::min(t.upload_begin_ns, span.begin_ns) : span.begin_ns;
          t.upload_end_ns = std::max(t.upload_end_ns, span.end_ns);
        }
      }
      free_pairs_.push_back(p.first_query);
    }
    if (ready_.size() >= kMaxReadyTimings) ready_.erase(ready_.begin());
    ready_.push_back(t);
  }
}

}  // namespace glyphstream::gpu::vk
