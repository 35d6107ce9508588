// Page storage: the CPU image of every page, within a memory budget. A page's memory is
// reserved once at its largest size (calloc: fresh memory the kernel hands out already zero, so
// nothing is cleared or copied when the page opens or grows; untouched rows cost no physical
// memory). Where things go on a page is the packer's business, not this one's.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "glyphstream/types.h"

namespace glyphstream::atlas {

// Zeroed bytes reserved at `capacity`, of which the first size() are in use.
class PageBuffer {
 public:
  PageBuffer() = default;
  PageBuffer(PageBuffer&& o) noexcept { swap(o); }
  PageBuffer& operator=(PageBuffer&& o) noexcept;
  ~PageBuffer();
  // Reserves `capacity` zero bytes and exposes the first `size`; throws bad_alloc like a vector.
  void reset(size_t size, size_t capacity);
  // Grows within the reservation: the new bytes are already zero.
  void grow(size_t size);
  uint8_t* data() { return data_; }
  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }

 private:
  void swap(PageBuffer& o) noexcept;
  uint8_t* data_ = nullptr;
  size_t size_ = 0, capacity_ = 0;
};

struct StoredPage {
  PixelFormat format = PixelFormat::kCoverage8;
  int width = 0;
  int height = 0;
  uint32_t generation = 0;  // bumps each time the pixels move (growth, recycling)
  PageBuffer pixels;
  size_t stride() const { return size_t(width) * size_t(bytes_per_pixel(format)); }
};

class PageStore {
 public:
  PageStore(int page_width, int page_max_height, size_t budget_bytes);

  size_t count() const { return pages_.size(); }
  const StoredPage& page(size_t i) const { return pages_[i]; }
  uint8_t* pixels(size_t i) { return pages_[i].pixels.data(); }
  size_t bytes() const { return bytes_; }  // of all pages at their current heights
  size_t total_area() const { return total_area_; }
  uint64_t growths() const { return growths_; }
  size_t budget() const { return budget_; }

  size_t bytes_for(PixelFormat format, int height) const;
  bool fits(size_t extra_bytes) const { return bytes_ + extra_bytes <= budget_; }
  // Whether a page of `bytes` fits once page i is dropped.
  bool fits_instead_of(size_t i, size_t bytes) const {
    return bytes_ - pages_[i].pixels.size() + bytes <= budget_;
  }

  // Each throws std::bad_alloc when memory cannot be had, leaving the store as it was.
  void append(PixelFormat format, int height);
  void replace(size_t i, PixelFormat format, int height);  // new, zeroed pixels
  void grow(size_t i, int height);                         // doubling up to `height`

 private:
  StoredPage make_page(PixelFormat format, int height) const;

  int width_;
  int max_height_;
  size_t budget_;
  std::vector<StoredPage> pages_;
  size_t bytes_ = 0;
  size_t total_area_ = 0;
  uint64_t growths_ = 0;
};

// Fault injection for tests (see atlas.h): page allocations of at least this size fail.
void set_page_failure_threshold(size_t min_bytes);

}  // namespace glyphstream::atlas
