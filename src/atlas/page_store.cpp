#include "atlas/page_store.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <new>
#include <utility>

namespace glyphstream::atlas {
namespace {

std::atomic<size_t> g_fail_page_alloc_at_least{0};

}  // namespace

void set_page_failure_threshold(size_t min_bytes) {
  g_fail_page_alloc_at_least.store(min_bytes, std::memory_order_relaxed);
}

PageBuffer& PageBuffer::operator=(PageBuffer&& o) noexcept {
  PageBuffer tmp(std::move(o));
  swap(tmp);
  return *this;
}

PageBuffer::~PageBuffer() { std::free(data_); }

void PageBuffer::reset(size_t size, size_t capacity) {
  const size_t fail_at = g_fail_page_alloc_at_least.load(std::memory_order_relaxed);
  if (fail_at != 0 && capacity >= fail_at) throw std::bad_alloc();
  uint8_t* fresh = static_cast<uint8_t*>(std::calloc(capacity, 1));
  if (!fresh) throw std::bad_alloc();
  std::free(data_);
  data_ = fresh;
  size_ = size;
  capacity_ = capacity;
}

void PageBuffer::grow(size_t size) {
  if (size > capacity_) throw std::bad_alloc();  // callers grow within the page's maximum
  size_ = std::max(size_, size);
}

void PageBuffer::swap(PageBuffer& o) noexcept {
  std::swap(data_, o.data_);
  std::swap(size_, o.size_);
  std::swap(capacity_, o.capacity_);
}

PageStore::PageStore(int page_width, int page_max_height, size_t budget_bytes)
    : width_(page_width), max_height_(page_max_height), budget_(budget_bytes) {}

size_t PageStore::bytes_for(PixelFormat format, int height) const {
  return size_t(height) * size_t(width_) * size_t(bytes_per_pixel(format));
}

StoredPage PageStore::make_page(PixelFormat format, int height) const {
  StoredPage p;
  p.format = format;
  p.width = width_;
  p.height = height;
  p.pixels.reset(bytes_for(format, height), bytes_for(format, max_height_));
  return p;
}

void PageStore::append(PixelFormat format, int height) {
  pages_.push_back(make_page(format, height));
  bytes_ += pages_.back().pixels.size();
  total_area_ += size_t(width_) * size_t(height);
}

void PageStore::replace(size_t i, PixelFormat format, int height) {
  StoredPage fresh = make_page(format, height);  // built aside: a failure changes nothing
  StoredPage& old = pages_[i];
  bytes_ -= old.pixels.size();
  total_area_ -= size_t(old.width) * size_t(old.height);
  fresh.generation = old.generation + 1;  // new storage for an old page
  old = std::move(fresh);
  bytes_ += old.pixels.size();
  total_area_ += size_t(width_) * size_t(height);
}

void PageStore::grow(size_t i, int height) {
  StoredPage& p = pages_[i];
  const size_t extra = bytes_for(p.format, height) - p.pixels.size();
  p.pixels.grow(bytes_for(p.format, height));  // first: if it fails, the page is unchanged
  total_area_ += size_t(height - p.height) * size_t(p.width);
  while (p.height < height) {
    p.height = std::min(p.height * 2, max_height_);
    ++p.generation;
    ++growths_;
  }
  bytes_ += extra;
}

}  // namespace glyphstream::atlas
