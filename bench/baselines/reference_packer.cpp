#include "baselines/reference_packer.h"

namespace glyphstream::baseline {

bool ShelfNextFitPacker::allocate(int w, int h, int* x, int* y) {
  if (w <= 0 || h <= 0 || w > width_ || h > height_) return false;
  if (shelf_h_ == 0 || cursor_x_ + w > width_ || h > shelf_h_) {
    // Next fit: the current shelf is closed for good.
    const int next_y = shelf_y_ + shelf_h_;
    if (next_y + h > height_) return false;
    shelf_y_ = next_y;
    shelf_h_ = h;
    cursor_x_ = 0;
  }
  *x = cursor_x_;
  *y = shelf_y_;
  cursor_x_ += w;
  used_area_ += size_t(w) * size_t(h);
  return true;
}

}  // namespace glyphstream::baseline
