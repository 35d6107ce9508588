// An append-only work queue that one producer fills while workers take the items in order as
// they appear, with no lock anywhere: pushing is a store and a release of the new count, taking
// is a compare-exchange on the next index, and a worker with nothing to take sleeps on the count
// (a futex) until the producer publishes more or closes the queue. Closing says that nothing
// more will come: workers then return once every published item is taken.
//
// The rasterizer hand-off uses it: draw_text() pushes the keys of new glyphs, the workers
// rasterize them as they arrive, and commit() takes the ones nobody has started yet. Items live
// in fixed chunks, so that a push never moves an item another thread reads.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace glyphstream {

template <typename T>
class ClaimQueue {
 public:
  static constexpr size_t kNone = SIZE_MAX;
  static constexpr size_t kChunk = 256;

  // `capacity` is rounded up to whole chunks, at most 2^31 items; memory is taken per chunk.
  explicit ClaimQueue(size_t capacity = size_t(1) << 18)
      : chunks_((std::min<size_t>(capacity, kClosed) + kChunk - 1) / kChunk) {}
  ClaimQueue(const ClaimQueue&) = delete;
  ClaimQueue& operator=(const ClaimQueue&) = delete;

  // Producer only. A default-constructed item to fill before publish(); nullptr when the queue
  // is full or closed.
  T* push() {
    if (closed_ || pushed_ == chunks_.size() * kChunk) return nullptr;
    std::unique_ptr<T[]>& chunk = chunks_[pushed_ / kChunk];
    if (!chunk) chunk = std::make_unique<T[]>(kChunk);
    return &chunk[pushed_++ % kChunk];
  }
  // Producer only: makes every pushed item visible to the workers and wakes sleeping ones.
  void publish() { release(uint32_t(pushed_) | (closed_ ? kClosed : 0)); }
  // Producer only: publishes and tells the workers that nothing more will come.
  void close() {
    closed_ = true;
    publish();
  }
  bool closed() const { return closed_; }
  // Producer only: items pushed so far.
  size_t size() const { return pushed_; }

  // An item by index: the producer may use any pushed one; others, published ones only.
  T& operator[](size_t i) { return chunks_[i / kChunk][i % kChunk]; }

  // Takes the next published item nobody has taken; kNone when there is none now.
  size_t try_take() {
    const uint32_t published = state_.load(std::memory_order_acquire) & ~kClosed;
    uint32_t next = next_.load(std::memory_order_relaxed);
    while (next < published) {
      if (next_.compare_exchange_weak(next, next + 1, std::memory_order_acq_rel,
                                      std::memory_order_relaxed)) {
        return next;
      }
    }
    return kNone;
  }

  // Worker loop: runs fn(index) for each item it takes, sleeping while there is none, until
  // the queue is closed and every published item is taken.
  template <typename Fn>
  void drain(Fn&& fn) {
    while (true) {
      if (const size_t i = try_take(); i != kNone) {
        fn(i);
        continue;
      }
      const uint32_t state = state_.load(std::memory_order_seq_cst);
      if ((state & ~kClosed) > next_.load(std::memory_order_seq_cst)) continue;  // more came
      if (state & kClosed) return;
      // Announce the sleep, then look again: publish() stores the state before it reads
      // sleepers_, so either it sees this sleeper or this thread sees the new state.
      sleepers_.fetch_add(1, std::memory_order_seq_cst);
      if (state_.load(std::memory_order_seq_cst) == state) {
        state_.wait(state, std::memory_order_seq_cst);
      }
      sleepers_.fetch_sub(1, std::memory_order_seq_cst);
    }
  }

 private:
  static constexpr uint32_t kClosed = 1u << 31;

  void release(uint32_t state) {
    state_.store(state, std::memory_order_seq_cst);
    if (sleepers_.load(std::memory_order_seq_cst) > 0) state_.notify_all();
  }

  std::vector<std::unique_ptr<T[]>> chunks_;  // sized once: never reallocated
  size_t pushed_ = 0;                         // producer only
  bool closed_ = false;                       // producer only
  std::atomic<uint32_t> state_{0};            // published count | kClosed
  std::atomic<uint32_t> next_{0};             // next index to take
  std::atomic<int> sleepers_{0};
};

}  // namespace glyphstream
