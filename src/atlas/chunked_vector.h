// A vector that grows by whole chunks: elements never move, so growth costs one chunk
// allocation instead of copying every element (which broke the 5 us worst case of allocate() at
// ~1k slots), and references stay valid.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

namespace glyphstream::atlas {

template <typename T, size_t kChunk = 1024>
class ChunkedVector {
 public:
  size_t size() const { return size_; }
  T& operator[](size_t i) { return chunks_[i / kChunk][i % kChunk]; }
  const T& operator[](size_t i) const { return chunks_[i / kChunk][i % kChunk]; }
  T& emplace_back() {
    if (size_ == chunks_.size() * kChunk) chunks_.push_back(std::make_unique<T[]>(kChunk));
    return (*this)[size_++];
  }
  T& back() { return (*this)[size_ - 1]; }
  // Allocates (and touches) chunks ahead for `n` elements, so that later emplace_back() calls
  // up to n allocate nothing: growth costs land where the caller chooses (a page opening).
  void reserve(size_t n) {
    while (chunks_.size() * kChunk < n) chunks_.push_back(std::make_unique<T[]>(kChunk));
  }

  template <typename V, typename C>
  struct Iter {
    C* c;
    size_t i;
    V& operator*() const { return (*c)[i]; }
    Iter& operator++() { return ++i, *this; }
    bool operator!=(const Iter& o) const { return i != o.i; }
  };
  Iter<const T, const ChunkedVector> begin() const { return {this, 0}; }
  Iter<const T, const ChunkedVector> end() const { return {this, size_}; }

 private:
  std::vector<std::unique_ptr<T[]>> chunks_;
  size_t size_ = 0;
};

}  // namespace glyphstream::atlas
