// Submissions on Vulkan: the graphics queue and the queue async uploads go to (a dedicated
// transfer queue, or the graphics queue itself), a timeline semaphore for each stream and a ring
// of command buffers per stream, recycled once their submission's guard is reached. Every later
// graphics submission waits for the newest upload submission at the stages that read the pages:
// the transfer-queue hand-off.
#pragma once

#include <span>
#include <vector>

#include "gpu/vulkan/vk_util.h"

namespace glyphstream::gpu::vk {

// Where a submission goes: the graphics stream (gfx queue, gfx timeline) or the upload stream
// (the transfer queue or the graphics queue, the upload timeline).
enum class Stream : uint8_t { kGraphics, kUpload };

struct QueueSetup {
  VkQueue graphics = VK_NULL_HANDLE;
  uint32_t graphics_family = 0;
  VkQueue upload = VK_NULL_HANDLE;  // the graphics queue when uploads have no queue of their own
  uint32_t upload_family = 0;
};

class Submissions {
 public:
  Submissions() = default;
  // Destroys the command pools and timelines; the owner has waited for every submission.
  ~Submissions();
  Submissions(const Submissions&) = delete;
  Submissions& operator=(const Submissions&) = delete;

  Status init(VkDevice device, const QueueSetup& queues);

  // A command buffer of the stream's ring, begun (one-time submit).
  Status acquire(Stream stream, VkCommandBuffer* out);
  // Ends and submits `cmd` (from acquire(stream)), signalling the stream's next timeline value,
  // returned in *guard; the command buffer is reused once that value is reached.
  Status submit(Stream stream, VkCommandBuffer cmd, std::span<const VkSemaphoreSubmitInfo> waits,
                Guard* guard);
  // A graphics submission that waits for the newest upload submission at `stages` (where it
  // first reads pages: the draws, the fragment shader).
  Status submit_graphics(VkCommandBuffer cmd, Guard* guard,
                         VkPipelineStageFlags2 stages = VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT);
  // Blocks until both streams' submissions so far have completed.
  Status wait_idle(const char* op) const;

  // The newest submission of each stream ({semaphore, 0} before any).
  Guard graphics_done() const { return {gfx_sem_, gfx_serial_}; }
  Guard uploads_done() const { return {upload_sem_, upload_serial_}; }
  bool upload_on_graphics_queue() const { return queues_.upload == queues_.graphics; }
  uint32_t graphics_family() const { return queues_.graphics_family; }
  uint32_t upload_family() const { return queues_.upload_family; }
  // The families page images are shared by (concurrently when two).
  const std::vector<uint32_t>& families() const { return families_; }

 private:
  struct Ring {
    VkCommandPool pool = VK_NULL_HANDLE;
    struct Entry {
      VkCommandBuffer cmd = VK_NULL_HANDLE;
      Guard guard;
      bool in_use = false;
    };
    std::vector<Entry> entries;
  };
  Status create_ring(Ring& ring, uint32_t family);
  Status add_command(Ring& ring);  // a new idle entry
  static void set_command_guard(Ring& ring, VkCommandBuffer cmd, const Guard& g);
  Ring& ring(Stream s) { return s == Stream::kGraphics ? gfx_ring_ : upload_ring_; }

  VkDevice device_ = VK_NULL_HANDLE;
  QueueSetup queues_;
  std::vector<uint32_t> families_;
  VkSemaphore gfx_sem_ = VK_NULL_HANDLE, upload_sem_ = VK_NULL_HANDLE;
  uint64_t gfx_serial_ = 0, upload_serial_ = 0;
  Ring gfx_ring_, upload_ring_;
};

}  // namespace glyphstream::gpu::vk
