// The offscreen image a tool draws into, on either backend: GL through HeadlessGl (EGL) or
// Vulkan through VulkanContext. The tools create one, hand it to their TextSystemDesc, clear it
// and read it back without branching on the backend.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "glyphstream/status.h"
#include "glyphstream/text_system.h"
#include "glyphstream/types.h"
#include "glyphstream/vulkan.h"

namespace glyphstream::tools {

struct HeadlessTargetDesc {
  GpuApi api = GpuApi::kGl;
  int width = 0;   // default 1024
  int height = 0;  // default 768
  // Vulkan: the Khronos validation layer with synchronization validation (messages are kept
  // for take_validation_messages).
  bool validation = false;
  // An sRGB image (HeadlessGlDesc / VulkanContextDesc::srgb): configure() then turns on
  // TextSystemDesc::linear_light (--linear-light). clear() and read_pixels() take and give the
  // stored, encoded values.
  bool srgb = false;
};

class HeadlessTarget {
 public:
  static Result<std::unique_ptr<HeadlessTarget>> create(const HeadlessTargetDesc& desc);
  virtual ~HeadlessTarget() = default;

  virtual GpuApi api() const = 0;
  virtual int width() const = 0;
  virtual int height() const = 0;
  // The device and how it is reached ("llvmpipe ... via EGL surfaceless", "lavapipe ...").
  virtual std::string description() const = 0;
  // Points the description at this target (backend, the Vulkan context, linear light for an
  // sRGB target).
  virtual void configure(TextSystemDesc* desc) = 0;
  // GL: makes the context current on the calling thread; Vulkan: nothing to do.
  virtual Status make_current() = 0;
  // Content undefined afterwards.
  virtual Status resize(int width, int height) = 0;
  // Straight-alpha colour.
  virtual Status clear(const Color& color) = 0;
  // Premultiplied RGBA8, top row first, tight rows; waits for the GPU.
  virtual Status read_pixels(std::vector<uint8_t>* rgba) = 0;
  // The bench's W5 "busy GPU": the application's own drawing before the text, replacing the
  // clear (bench/busy_scene/busy_scene.h, bench support made at the first call); not waited
  // for. kInvalidArgument for work above bench::kMaxBusySceneWork.
  virtual Status draw_busy_scene(const Color& color, uint32_t work) = 0;
  // One busy scene's GPU time, ms (waits for it).
  virtual Result<double> time_busy_scene(uint32_t work) = 0;
  // Vulkan: where the most recent busy scene ran on the device clock; kUnsupported on GL.
  virtual Result<GpuSpan> last_busy_scene_span() {
    return Status(ErrorCode::kUnsupported, "busy scene spans are measured on Vulkan only");
  }
  // Vulkan with validation: what the layer reported since the last call.
  virtual std::vector<std::string> take_validation_messages() { return {}; }
};

// kInternal naming every validation message the target recorded (GLYPHSTREAM_VK_VALIDATION=1
// turns the layer on): a tool run under validation fails on any.
Status check_validation(HeadlessTarget* target);

}  // namespace glyphstream::tools
