// The FreeType side of kept outlines (issue 26), and their arena.
#include "text/kept_outline.h"

#include FT_BITMAP_H
#include FT_OUTLINE_H

#include <algorithm>
#include <cstring>
#include <memory>
#include <type_traits>

namespace glyphstream::text {
namespace {

// The arena's layout of an outline: points, then contour ends (16-byte aligned), then tags.
template <typename Outline>
struct Layout {
  using Point = std::remove_pointer_t<decltype(Outline::points)>;
  using Contour = std::remove_pointer_t<decltype(Outline::contours)>;
  using Tag = std::remove_pointer_t<decltype(Outline::tags)>;
  size_t points, contours, tags;
  Layout(size_t n_points, size_t n_contours)
      : points(n_points * sizeof(Point)),
        contours((n_contours * sizeof(Contour) + 15) & ~size_t(15)),
        tags(n_points * sizeof(Tag)) {}
};

}  // namespace

KeptOutline keep_outline(const FT_Outline& o, OutlineArena& arena) {
  const Layout<FT_Outline> l(size_t(o.n_points), size_t(o.n_contours));
  uint8_t* data = arena.take(l.points + l.contours + l.tags);
  std::memcpy(data, o.points, l.points);
  std::memcpy(data + l.points, o.contours, size_t(o.n_contours) * sizeof(*o.contours));
  std::memcpy(data + l.points + l.contours, o.tags, l.tags);
  KeptOutline kept;
  kept.data = data;
  kept.n_points = o.n_points;
  kept.n_contours = o.n_contours;
  kept.flags = o.flags;
  return kept;
}

FT_Error render_kept_outline(FT_Library library, const KeptOutline& kept, uint8_t* dst,
                             size_t stride) {
  using L = Layout<FT_Outline>;
  const L l(size_t(kept.n_points), size_t(kept.n_contours));
  uint8_t* data = const_cast<uint8_t*>(kept.data);  // FreeType only reads it
  FT_Outline o{};
  o.n_points = static_cast<decltype(o.n_points)>(kept.n_points);
  o.n_contours = static_cast<decltype(o.n_contours)>(kept.n_contours);
  o.points = reinterpret_cast<L::Point*>(data);
  o.contours = reinterpret_cast<L::Contour*>(data + l.points);
  o.tags = reinterpret_cast<L::Tag*>(data + l.points + l.contours);
  o.flags = kept.flags;
  return render_grey_outline(library, o, kept.width, kept.height, dst, stride);
}

FT_Error render_grey_outline(FT_Library library, const FT_Outline& outline, int width, int height,
                             uint8_t* dst, size_t stride) {
  FT_Bitmap target;
  FT_Bitmap_Init(&target);
  target.rows = static_cast<unsigned>(height);
  target.width = static_cast<unsigned>(width);
  target.pitch = static_cast<int>(stride);  // positive pitch: row 0 of the buffer is the top row
  target.buffer = dst;
  target.num_grays = 256;
  target.pixel_mode = FT_PIXEL_MODE_GRAY;
  return FT_Outline_Get_Bitmap(library, const_cast<FT_Outline*>(&outline), &target);
}

uint8_t* OutlineArena::take(size_t bytes) {
  bytes = (bytes + 15) & ~size_t(15);
  for (; block_ < blocks_.size(); ++block_, used_ = 0) {
    if (used_ + bytes <= sizes_[block_]) {
      uint8_t* p = blocks_[block_].get() + used_;
      used_ += bytes;
      return p;
    }
  }
  const size_t size = std::max(kBlock, bytes);
  blocks_.push_back(std::make_unique_for_overwrite<uint8_t[]>(size));
  sizes_.push_back(size);
  block_ = blocks_.size() - 1;
  used_ = bytes;
  return blocks_.back().get();
}

void OutlineArena::reset() {
  size_t kept = 0, n = 0;
  while (n < blocks_.size() && kept + sizes_[n] <= kKeptBytes) kept += sizes_[n++];
  blocks_.resize(n);
  sizes_.resize(n);
  block_ = 0;
  used_ = 0;
}

size_t OutlineArena::capacity() const {
  size_t total = 0;
  for (size_t s : sizes_) total += s;
  return total;
}

}  // namespace glyphstream::text
