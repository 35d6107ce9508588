#include "pipeline/atlas_report.h"

namespace glyphstream::pipeline {

std::vector<std::vector<uint8_t>> atlas_debug_images(const atlas::Atlas& atlas,
                                                     std::vector<std::pair<int, int>>* sizes) {
  std::vector<std::vector<uint8_t>> images;
  if (sizes) sizes->clear();
  for (size_t p = 0; p < atlas.page_count(); ++p) {
    const atlas::PageInfo info = atlas.page_info(p);
    images.push_back(atlas.debug_image(p));
    if (sizes) sizes->emplace_back(info.width, info.height);
  }
  return images;
}

}  // namespace glyphstream::pipeline
