// The Vulkan side of a GLFW window as a Presenter, glyphstream embedded in the application's
// frame (glyphstream/vulkan.h): each pass records a clear and glyphstream's draws into its own
// command buffer inside vkCmdBeginRendering and submits it with glyphstream's frame sync; the
// first pass waits for the acquired image, the last one transitions it for presentation (and
// for a screenshot copies it into a host buffer). The CPU waits only for the fence of the
// frame slot it reuses. See docs/USING.md ("Vulkan: glyphstream embedded").
#pragma once

#include <glyphstream/vulkan.h>

#include "presenter.h"
#include "vk_window.h"

constexpr int kVkFrameSlots = 2;
constexpr int kVkPassesPerFrame = 2;

// A host-visible buffer the last frame is copied into for --screenshot.
struct Readback {
  VkDevice device = VK_NULL_HANDLE;
  VkBuffer buffer = VK_NULL_HANDLE;
  VkDeviceMemory memory = VK_NULL_HANDLE;
  const uint8_t* mapped = nullptr;
  size_t size = 0;

  glyphstream::Status ensure(const VkWindow& win, size_t bytes);
  void release();
};

// One frame in flight: its two command buffers (one per pass), the fence its last submission
// signals, and the semaphore its acquire signals.
struct FrameSlot {
  VkCommandPool pool = VK_NULL_HANDLE;
  VkCommandBuffer cmd[kVkPassesPerFrame] = {};
  VkFence done = VK_NULL_HANDLE;
  VkSemaphore acquired = VK_NULL_HANDLE;
};

class VulkanPresenter : public Presenter {
 public:
  VulkanPresenter(VkWindow& win, bool vsync) : win_(win), vsync_(vsync) {}
  ~VulkanPresenter() override;
  glyphstream::Status init();

  glyphstream::Result<std::unique_ptr<glyphstream::TextSystem>> create_text_system(
      const glyphstream::TextSystemDesc& desc) override {
    glyphstream::TextSystemDesc d = desc;
    const glyphstream::VulkanDeviceDesc device =
        win_.device_desc();  // with the swap chain's format
    d.backend = glyphstream::GpuApi::kVulkan;
    d.vulkan.device = &device;  // copied at create(), which builds the pipelines for it
    return glyphstream::TextSystem::create(d);
  }
  std::string describe() const override { return win_.describe(); }
  glyphstream::Status begin_frame(int w, int h, bool* skip) override;
  glyphstream::Status begin_pass(glyphstream::TextSystem& ts, RectI area,
                                 const float color[3]) override;
  glyphstream::Status clear(RectI area, const float color[3]) override;
  glyphstream::Status end_pass(glyphstream::TextSystem& ts, bool last,
                               std::vector<uint8_t>* rgb) override;
  glyphstream::Status present() override;
  void wait_idle() override { vkDeviceWaitIdle(win_.device); }

 private:
  void record_final_transition(VkCommandBuffer cmd, bool read_back);
  glyphstream::Status submit(glyphstream::TextSystem& ts, VkCommandBuffer cmd, bool last);
  void copy_out(std::vector<uint8_t>* rgb) const;

  VkWindow& win_;
  bool vsync_;
  FrameSlot slots_[kVkFrameSlots];
  int slot_ = 0;
  int pass_ = 0;
  uint32_t image_ = 0;
  bool recreate_ = true;
  Readback readback_;
};
