// The unattended screenshot: PNG output and the check of the last frame.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "app.h"

#include "png_write.h"  // write_png_rgb

// What the last frame must show.
struct ScreenshotLayout {
  int width = 0, height = 0;
  std::vector<std::pair<size_t, RectI>> visible;  // document line index, its box
  RectI panel{};
};

// Writes the PNG, prints its checksum and the check's counts; returns false if the file cannot
// be written or (with `check`) the frame lacks text where it must have it.
bool save_and_check_screenshot(const std::string& path, const std::vector<uint8_t>& rgb,
                               const ScreenshotLayout& layout, bool check);
