#include "glyphstream/types.h"

#include <algorithm>
#include <cmath>

namespace glyphstream {

std::string_view upload_mode_name(UploadMode mode) {
  switch (mode) {
    case UploadMode::kAsync:
      return "async";
    case UploadMode::kSync:
      return "sync";
    case UploadMode::kWholePage:
      return "whole-page";
  }
  return "async";
}

bool parse_upload_mode(std::string_view text, UploadMode* out) {
  if (text == "async")
    *out = UploadMode::kAsync;
  else if (text == "sync")
    *out = UploadMode::kSync;
  else if (text == "whole-page")
    *out = UploadMode::kWholePage;
  else
    return false;
  return true;
}

std::string_view gpu_api_name(GpuApi api) { return api == GpuApi::kVulkan ? "vulkan" : "gl"; }

bool parse_gpu_api(std::string_view text, GpuApi* out) {
  if (text == "gl")
    *out = GpuApi::kGl;
  else if (text == "vulkan")
    *out = GpuApi::kVulkan;
  else
    return false;
  return true;
}

Color Color::from_rgba8(uint32_t rgba) {
  return {float((rgba >> 24) & 0xff) / 255.f, float((rgba >> 16) & 0xff) / 255.f,
          float((rgba >> 8) & 0xff) / 255.f, float(rgba & 0xff) / 255.f};
}

uint32_t Color::to_rgba8() const {
  auto q = [](float v) { return uint32_t(std::lround(std::clamp(v, 0.f, 1.f) * 255.f)); };
  return (q(r) << 24) | (q(g) << 16) | (q(b) << 8) | q(a);
}

}  // namespace glyphstream
