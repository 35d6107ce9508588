// Embedded Vulkan: the application's rendering formats (declared in VulkanDeviceDesc, checked
// against the device at creation and against every frame target), the frame target, and the
// frame sync handed to the application's submission (the watch on its signals: vk_frames.h).
// Every error names the public call that returns it.
#include <string>

#include "gpu/vulkan/vk_backend_impl.h"

namespace glyphstream::gpu::vk {
namespace {

bool valid_samples(uint32_t samples) {
  return samples == 0 || (samples <= 64 && (samples & (samples - 1)) == 0);
}

// Formats whose properties may be queried: Vulkan 1.0's range and the formats 1.3 made core.
bool known_format(uint32_t f) {
  return (f >= 1 && f <= uint32_t(VK_FORMAT_ASTC_12x12_SRGB_BLOCK)) ||
         (f >= uint32_t(VK_FORMAT_G8B8G8R8_422_UNORM) &&
          f <= uint32_t(VK_FORMAT_G16_B16_R16_3PLANE_444_UNORM)) ||
         (f >= uint32_t(VK_FORMAT_ASTC_4x4_SFLOAT_BLOCK) &&
          f <= uint32_t(VK_FORMAT_ASTC_12x12_SFLOAT_BLOCK)) ||
         (f >= uint32_t(VK_FORMAT_G8_B8R8_2PLANE_444_UNORM) &&
          f <= uint32_t(VK_FORMAT_G16_B16R16_2PLANE_444_UNORM)) ||
         f == uint32_t(VK_FORMAT_A4R4G4B4_UNORM_PACK16) ||
         f == uint32_t(VK_FORMAT_A4B4G4R4_UNORM_PACK16);
}

std::string format_name(VkFormat f) {
  return f == VK_FORMAT_UNDEFINED ? std::string("none") : std::to_string(uint32_t(f));
}

std::string describe(const RenderFormats& f) {
  return "colour format " + format_name(f.color) + ", depth/stencil format " +
         format_name(f.depth_stencil) + ", " + std::to_string(uint32_t(f.samples)) +
         (f.samples == VK_SAMPLE_COUNT_1_BIT ? " sample" : " samples");
}

// The device can render `f` with glyphstream's pipelines: a blendable colour attachment, a
// depth/stencil attachment, the sample count for both. `where` names the fields.
Status check_formats(VkPhysicalDevice pd, const RenderFormats& f, const std::string& where) {
  auto bad = [&](const std::string& what) {
    return Status(ErrorCode::kInvalidArgument, where + ": " + what);
  };
  if (!known_format(uint32_t(f.color)) || depth_stencil_aspects(f.color) != 0) {
    return bad("colour format " + format_name(f.color) + " is not a Vulkan 1.3 colour format");
  }
  VkFormatProperties props;
  vkGetPhysicalDeviceFormatProperties(pd, f.color, &props);
  if (!(props.optimalTilingFeatures & VK_FORMAT_FEATURE_COLOR_ATTACHMENT_BLEND_BIT)) {
    return bad("the device cannot blend into colour format " + format_name(f.color) +
               " (VK_FORMAT_FEATURE_COLOR_ATTACHMENT_BLEND_BIT)");
  }
  const VkImageAspectFlags aspects = depth_stencil_aspects(f.depth_stencil);
  if (f.depth_stencil != VK_FORMAT_UNDEFINED) {
    if (aspects == 0) {
      return bad("depth/stencil format " + format_name(f.depth_stencil) +
                 " is not a depth or stencil format");
    }
    vkGetPhysicalDeviceFormatProperties(pd, f.depth_stencil, &props);
    if (!(props.optimalTilingFeatures & VK_FORMAT_FEATURE_DEPTH_STENCIL_ATTACHMENT_BIT)) {
      return bad("the device has no depth/stencil attachments of format " +
                 format_name(f.depth_stencil));
    }
  }
  VkPhysicalDeviceProperties device;
  vkGetPhysicalDeviceProperties(pd, &device);
  VkSampleCountFlags counts = device.limits.framebufferColorSampleCounts;
  if (aspects & VK_IMAGE_ASPECT_DEPTH_BIT) counts &= device.limits.framebufferDepthSampleCounts;
  if (aspects & VK_IMAGE_ASPECT_STENCIL_BIT) {
    counts &= device.limits.framebufferStencilSampleCounts;
  }
  if (!(counts & f.samples)) {
    return bad("the device cannot render " + describe(f) + " (framebuffer sample counts)");
  }
  return {};
}

RenderFormats formats_of(uint32_t color, uint32_t depth_stencil, uint32_t samples) {
  return {VkFormat(color), VkFormat(depth_stencil),
          samples == 0 ? VK_SAMPLE_COUNT_1_BIT : VkSampleCountFlagBits(samples)};
}

}  // namespace

Status VkBackend::init_embedded_formats() {
  const VulkanDeviceDesc& d = device_desc_;
  const std::string where = "TextSystem::create (VulkanDeviceDesc formats)";
  if (d.color_format == 0) {
    if (d.depth_stencil_format != 0 || d.samples != 0) {
      return {ErrorCode::kInvalidArgument,
              where +
                  ": depth_stencil_format and samples need color_format (0 declares no "
                  "formats: pipelines are then built at the first set_vulkan_target)"};
    }
    return {};
  }
  if (!valid_samples(d.samples)) {
    return {ErrorCode::kInvalidArgument,
            where + ": samples is " + std::to_string(d.samples) +
                ", not a VkSampleCountFlagBits (1, 2, 4, 8, 16, 32, 64) or 0"};
  }
  declared_ = formats_of(d.color_format, d.depth_stencil_format, d.samples);
  GS_TRY(check_formats(dev_.physical, declared_, where));
  formats_declared_ = true;
  return {};
}

Result<RenderFormats> VkBackend::target_formats(const VulkanFrameTarget& target) const {
  if (!valid_samples(target.samples)) {
    return Status(ErrorCode::kInvalidArgument,
                  "set_vulkan_target: VulkanFrameTarget::samples is " +
                      std::to_string(target.samples) +
                      ", not a VkSampleCountFlagBits (1, 2, 4, 8, 16, 32, 64) or 0");
  }
  const RenderFormats f =
      formats_of(target.color_format, target.depth_stencil_format, target.samples);
  if (!formats_declared_) {
    // Undeclared: each new format set is checked (and its pipelines built) once.
    if (!quads_.has_pipelines(f)) {
      GS_TRY(check_formats(dev_.physical, f, "set_vulkan_target (VulkanFrameTarget formats)"));
    }
    return f;
  }
  if (f != declared_) {
    return Status(ErrorCode::kInvalidArgument,
                  "set_vulkan_target: the target's rendering (" + describe(f) +
                      ") differs from the one declared in VulkanDeviceDesc at "
                      "TextSystem::create (" +
                      describe(declared_) +
                      "): glyphstream's pipelines are built once, for the declared formats; "
                      "declare the pass's formats, or use one TextSystem per format set");
  }
  return f;
}

Status VkBackend::set_frame_target(const VulkanFrameTarget& target) {
  if (headless_) {
    return {ErrorCode::kInvalidArgument,
            "set_vulkan_target: a headless backend draws into its context's image"};
  }
  sync_ready_ = false;
  GS_TRY(check_frame_signals("set_vulkan_target"));
  if (!target.command_buffer || target.color_format == 0 || target.width <= 0 ||
      target.height <= 0) {
    return {ErrorCode::kInvalidArgument,
            "set_vulkan_target: VulkanFrameTarget needs command_buffer, color_format and a "
            "positive width and height"};
  }
  GS_ASSIGN_OR_RETURN(const RenderFormats formats, target_formats(target));
  if (!formats_declared_) {
    GS_TRY(check_linear_light(desc_.linear_light, formats.color));
    GS_TRY(quads_.create_pipelines(formats));  // a lookup after the first time
  }
  target_ = target;
  target_formats_ = formats;
  return {};
}

Result<VulkanFrameSync> VkBackend::frame_sync(bool frame_open) const {
  if (headless_) {
    return Status(ErrorCode::kUnsupported,
                  "vulkan_frame_sync: a headless TextSystem submits its own frames");
  }
  if (frame_open || !sync_ready_) {
    return Status(ErrorCode::kInvalidArgument,
                  "vulkan_frame_sync: no frame to submit: call it after a successful flush() "
                  "(the frame opened by begin_frame() ends there)");
  }
  VulkanFrameSync s;
  auto add = [&](VkSemaphore sem, uint64_t value) {
    VulkanFrameSync::Wait& w = s.waits[s.wait_count++];
    w.semaphore = reinterpret_cast<uint64_t>(sem);
    w.value = value;
    // Vertex input reads instance data written by the host (visible at submission); the
    // fragment shader reads the pages our submissions wrote.
    w.stage_mask = VK_PIPELINE_STAGE_2_FRAGMENT_SHADER_BIT;
  };
  for (const Guard& g : {submissions_.graphics_done(), submissions_.uploads_done()}) {
    if (g.value > 0) add(g.semaphore, g.value);
  }
  s.signal_semaphore = reinterpret_cast<uint64_t>(frames_.semaphore());
  s.signal_value = frames_.last();
  return s;
}

Status VkBackend::check_frame_signals(const char* op) {
  const Status s = frames_.check_signals(op);
  release_completed(frames_.completed());
  if (!s.ok()) sync_ready_ = false;
  return s;
}

}  // namespace glyphstream::gpu::vk
