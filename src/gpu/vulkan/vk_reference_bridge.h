// Test-only: the CPU reference compositor (gpu/reference_compositor.h) behind declarations that
// do not pull in gpu_device.h. Until the GL split lands, gpu_device.h defines its own
// GlyphInstance and DrawBatch next to backend.h's (identical layouts), so one file cannot
// include both; after the merge the Vulkan tests can include reference_compositor.h directly.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "glyphstream/types.h"

namespace glyphstream::gpu {
struct GlyphInstance;
struct DrawBatch;
}  // namespace glyphstream::gpu

namespace glyphstream::gpu::vktest {

struct RefPage {
  PixelFormat format = PixelFormat::kCoverage8;
  int width = 0;
  int height = 0;
  const uint8_t* pixels = nullptr;
  size_t stride = 0;
};

// composite() of reference_compositor.h.
void reference_composite(const GlyphInstance* instances, size_t instance_count,
                         const DrawBatch* batches, size_t batch_count,
                         const std::vector<RefPage>& pages, int w, int h,
                         std::vector<uint8_t>* rgba);
// compare_images() of reference_compositor.h; *max_diff gets the largest channel difference.
bool reference_compare(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b, int w, int h,
                       int tolerance, std::string* report, int* max_diff);

}  // namespace glyphstream::gpu::vktest
