#include "baselines/reference_packer.h"

namespace glyphstream::baseline {

bool ShelfNextFitPacker::allocate(int w, int h, int* x, int* y) {
  const int pw = w + 2, ph = h + 2;
  if (w <= 0 || h <= 0 || pw > width_ || ph > height_) return false;
  if (shelf_h_ == 0 || cursor_x_ + pw > width_ || ph > shelf_h_) {
    // Next fit: the current shelf is closed for good.
    const int next_y = shelf_y_ + shelf_h_;
    if (next_y + ph > height_) return false;
    shelf_y_ = next_y;
    shelf_h_ = ph;
    cursor_x_ = 0;
  }
  *x = cursor_x_ + 1;
  *y = shelf_y_ + 1;
  cursor_x_ += pw;
  used_area_ += size_t(pw) * size_t(ph);
  return true;
}

}  // namespace glyphstream::baseline
