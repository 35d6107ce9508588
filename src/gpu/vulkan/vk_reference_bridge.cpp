#include "gpu/vulkan/vk_reference_bridge.h"

#include "image_diff.h"
#include "reference_compositor.h"

namespace glyphstream::gpu::vktest {

void reference_composite(const GlyphInstance* instances, size_t instance_count,
                         const DrawBatch* batches, size_t batch_count,
                         const std::vector<RefPage>& pages, int w, int h,
                         std::vector<uint8_t>* rgba) {
  std::vector<CpuPage> cpu;
  for (const RefPage& p : pages) cpu.push_back({p.format, p.width, p.height, p.pixels, p.stride});
  composite({instances, instance_count}, {batches, batch_count}, cpu, w, h, rgba);
}

bool reference_compare(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b, int w, int h,
                       int tolerance, std::string* report, int* max_diff) {
  const testing::ImageDiff diff = testing::diff_images(a, b, w, h, tolerance);
  if (report) *report = diff.report;
  if (max_diff) *max_diff = diff.max_channel_diff;
  return diff.match();
}

}  // namespace glyphstream::gpu::vktest
