// The reference packer for the packing benchmark: shelf next-fit, as in the design this project
// replaces. One open shelf at a time; a glyph that does not fit in it closes it and opens the next
// shelf below, as tall as that glyph. Nothing is ever freed. No gutter, as the atlas.
// Benchmark baseline only: plain C++, not part of the installed library.
#pragma once

#include <cstddef>

namespace glyphstream::baseline {

class ShelfNextFitPacker {
 public:
  ShelfNextFitPacker(int width, int height) : width_(width), height_(height) {}
  // Places a w x h glyph; false when the page refuses it.
  bool allocate(int w, int h, int* x, int* y);
  size_t used_area() const { return used_area_; }  // pixels placed

 private:
  int width_;
  int height_;
  int shelf_y_ = 0;
  int shelf_h_ = 0;
  int cursor_x_ = 0;
  size_t used_area_ = 0;
};

}  // namespace glyphstream::baseline
