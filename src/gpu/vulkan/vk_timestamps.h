// GPU timestamps on Vulkan: a query pool of timestamp pairs around uploads (on the transfer
// queue when its family has timestamps) and draws, delivered per frame by take() once the frame
// has completed, never waiting.
#pragma once

#include <deque>
#include <vector>

#include "gpu/backend.h"
#include "gpu/vulkan/vk_util.h"

namespace glyphstream::gpu::vk {

// A query pool of `count` timestamps.
Status create_timestamp_pool(VkDevice device, uint32_t count, VkQueryPool* out);

class Timestamps {
 public:
  Timestamps() = default;
  ~Timestamps();
  Timestamps(const Timestamps&) = delete;
  Timestamps& operator=(const Timestamps&) = delete;

  // Reads the families' timestamp bits; creates the pool when the graphics family has them.
  // `separate_uploads`: upload pairs are written on the upload family.
  Status init(const DeviceRef& dev, uint32_t gfx_family, uint32_t upload_family,
              bool separate_uploads);
  bool available() const { return pool_ != VK_NULL_HANDLE; }
  bool upload_family_has_timestamps() const { return upload_mask_ != 0; }
  // The valid bits and the period of the queue async uploads use (the bandwidth measurement).
  uint64_t async_mask() const { return separate_uploads_ ? upload_mask_ : gfx_mask_; }
  double period_ns() const { return period_ns_; }

  // Writes the first timestamp of a pair; returns its index in *out (false: none free).
  bool begin(VkCommandBuffer cmd, bool upload, uint32_t* out);
  void end(VkCommandBuffer cmd, uint32_t first_query);
  // The submission the pair is in; `await_frame`: known at end_frame (embedded draws).
  void set_guard(uint32_t first_query, const Guard& g, bool await_frame);
  // Pairs written since the last end_frame belong to `frame`; those awaiting the frame's guard
  // get `frame_guard`.
  void end_frame(FrameToken frame, const Guard& frame_guard);
  // Moves completed frames' timestamps to the ready list without waiting, oldest frame first.
  void collect();
  std::vector<GpuTimings> take() { return std::exchange(ready_, {}); }

 private:
  // A pair of timestamps around an upload or a draw.
  struct Pair {
    uint32_t first_query = 0;
    bool upload = false;
    Guard guard;
    bool await_frame = false;  // embedded draws: guard known at end_frame
    bool frame_known = false;
    FrameToken frame = 0;
  };

  VkDevice device_ = VK_NULL_HANDLE;
  bool separate_uploads_ = false;
  VkQueryPool pool_ = VK_NULL_HANDLE;
  double period_ns_ = 1;
  uint64_t gfx_mask_ = 0, upload_mask_ = 0;
  std::vector<uint32_t> free_pairs_;
  std::deque<Pair> pending_;
  std::vector<GpuTimings> ready_;
};

}  // namespace glyphstream::gpu::vk
