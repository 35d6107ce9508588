// One RGB8 image to a PNG file (libpng), for the examples' unattended screenshots.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

// Writes w x h tight RGB8 rows, top row first; false if the file cannot be written.
bool write_png_rgb(const std::string& path, const std::vector<uint8_t>& rgb, int w, int h);
