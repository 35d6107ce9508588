#include "gpu/vulkan/vk_submissions.h"

namespace glyphstream::gpu::vk {
namespace {

constexpr int kReservedCommands = 2;  // per ring, allocated at creation

}  // namespace

Status Submissions::init(VkDevice device, const QueueSetup& queues) {
  device_ = device;
  queues_ = queues;
  families_ = {queues.graphics_family};
  if (queues.upload_family != queues.graphics_family) families_.push_back(queues.upload_family);
  GS_TRY(create_timeline(device_, &gfx_sem_));
  GS_TRY(create_timeline(device_, &upload_sem_));
  GS_TRY(create_ring(gfx_ring_, queues.graphics_family));
  return create_ring(upload_ring_, queues.upload_family);
}

Submissions::~Submissions() {
  if (!device_) return;
  for (Ring* r : {&gfx_ring_, &upload_ring_}) {
    if (r->pool) vkDestroyCommandPool(device_, r->pool, nullptr);
  }
  for (VkSemaphore s : {gfx_sem_, upload_sem_}) {
    if (s) vkDestroySemaphore(device_, s, nullptr);
  }
}

Status Submissions::create_ring(Ring& ring, uint32_t family) {
  VkCommandPoolCreateInfo info{VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
  info.flags =
      VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT | VK_COMMAND_POOL_CREATE_TRANSIENT_BIT;
  info.queueFamilyIndex = family;
  GS_TRY(check(vkCreateCommandPool(device_, &info, nullptr, &ring.pool), "vkCreateCommandPool"));
  // A frame uses up to two of the graphics ring (upload pass, draw), one of the upload ring.
  for (int i = 0; i < kReservedCommands; ++i) GS_TRY(add_command(ring));
  return {};
}

Status Submissions::add_command(Ring& ring) {
  Ring::Entry e;
  VkCommandBufferAllocateInfo info{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
  info.commandPool = ring.pool;
  info.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
  info.commandBufferCount = 1;
  GS_TRY(check(vkAllocateCommandBuffers(device_, &info, &e.cmd), "vkAllocateCommandBuffers"));
  ring.entries.push_back(e);
  return {};
}

Status Submissions::acquire(Stream stream, VkCommandBuffer* out) {
  Ring& r = ring(stream);
  for (Ring::Entry& e : r.entries) {
    if (e.in_use || !reached(device_, e.guard)) continue;
    GS_TRY(check(vkResetCommandBuffer(e.cmd, 0), "vkResetCommandBuffer"));
    e.in_use = true;
    *out = e.cmd;
    return begin_one_time(e.cmd);
  }
  GS_TRY(add_command(r));
  r.entries.back().in_use = true;
  *out = r.entries.back().cmd;
  return begin_one_time(*out);
}

void Submissions::set_command_guard(Ring& ring, VkCommandBuffer cmd, const Guard& g) {
  for (Ring::Entry& e : ring.entries) {
    if (e.cmd == cmd) e = {cmd, g, false};
  }
}

Status Submissions::submit(Stream stream, VkCommandBuffer cmd,
                           std::span<const VkSemaphoreSubmitInfo> waits, Guard* guard) {
  const bool gfx = stream == Stream::kGraphics;
  Ring& r = ring(stream);
  const VkSemaphore signal = gfx ? gfx_sem_ : upload_sem_;
  uint64_t& counter = gfx ? gfx_serial_ : upload_serial_;
  GS_TRY(check(vkEndCommandBuffer(cmd), "vkEndCommandBuffer"));
  VkCommandBufferSubmitInfo cb{VK_STRUCTURE_TYPE_COMMAND_BUFFER_SUBMIT_INFO};
  cb.commandBuffer = cmd;
  VkSemaphoreSubmitInfo sig{VK_STRUCTURE_TYPE_SEMAPHORE_SUBMIT_INFO};
  sig.semaphore = signal;
  sig.value = counter + 1;
  sig.stageMask = VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT;
  VkSubmitInfo2 info{VK_STRUCTURE_TYPE_SUBMIT_INFO_2};
  info.waitSemaphoreInfoCount = uint32_t(waits.size());
  info.pWaitSemaphoreInfos = waits.data();
  info.commandBufferInfoCount = 1;
  info.pCommandBufferInfos = &cb;
  info.signalSemaphoreInfoCount = 1;
  info.pSignalSemaphoreInfos = &sig;
  const VkQueue queue = gfx ? queues_.graphics : queues_.upload;
  Status s = check(vkQueueSubmit2(queue, 1, &info, VK_NULL_HANDLE), "vkQueueSubmit2");
  if (!s.ok()) {
    set_command_guard(r, cmd, {});
    return s;
  }
  counter += 1;
  *guard = {signal, counter};
  set_command_guard(r, cmd, *guard);
  return {};
}

Status Submissions::submit_graphics(VkCommandBuffer cmd, Guard* guard,
                                    VkPipelineStageFlags2 stages) {
  std::vector<VkSemaphoreSubmitInfo> waits;
  if (upload_serial_ > 0) {
    VkSemaphoreSubmitInfo w{VK_STRUCTURE_TYPE_SEMAPHORE_SUBMIT_INFO};
    w.semaphore = upload_sem_;
    w.value = upload_serial_;
    w.stageMask = stages;
    waits.push_back(w);
  }
  return submit(Stream::kGraphics, cmd, waits, guard);
}

Status Submissions::wait_idle(const char* op) const {
  GS_TRY(wait(device_, graphics_done(), op));
  return wait(device_, uploads_done(), op);
}

}  // namespace glyphstream::gpu::vk
