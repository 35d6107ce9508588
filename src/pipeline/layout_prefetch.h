// Layouts ahead of drawing (TextSystem::prefetch_layout): a text and style laid out on a worker
// thread with a Layouter of that worker's, which has its own Pango context and font map
// (Pango's font maps and contexts are never used by two threads at once; fontconfig and the
// FontRegistry are thread-safe), so paragraphs of one frame are laid out in parallel. The
// workers' Layouters outlive their TextSystem (at most kMaxSpareLayouters kept in the process):
// a font map warms up once (its fonts opened, their glyph metrics loaded), not per TextSystem. The
// result is the same as the caller's own layout (layout_prefetch_test.cpp compares every glyph
// of the oracle cases).
//
// A PendingLayout is taken exactly once: by the layout cache's lookup (LayoutCache::get), which
// waits for a running job, or lays out a job no worker has started on the caller itself (the job
// then does nothing): a text is never laid out twice, and a queued job is never waited for
// behind other background work.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/thread_pool.h"
#include "glyphstream/status.h"
#include "text/font_registry.h"
#include "text/layout.h"

namespace glyphstream::pipeline {

struct PendingLayout {
  PendingLayout(std::string t, text::LayoutParams p) : text(std::move(t)), params(std::move(p)) {}
  const std::string text;
  const text::LayoutParams params;

  enum class State { kQueued, kRunning, kDone, kTaken };
  // True when a worker has finished it (its result waits).
  bool done();

 private:
  friend class LayoutPrefetcher;
  std::mutex mutex_;
  std::condition_variable finished_;
  State state_ = State::kQueued;
  std::optional<Result<text::LayoutResult>> result_;
};

class LayoutPrefetcher {
 public:
  static constexpr size_t kMaxSpareLayouters = 64;
  // `pool` and `registry` outlive the prefetcher.
  LayoutPrefetcher(ThreadPool* pool, text::FontRegistry* registry);
  // Jobs not started do nothing when they run (or are dropped by ThreadPool::cancel_queued);
  // waits for the running ones.
  ~LayoutPrefetcher();
  LayoutPrefetcher(const LayoutPrefetcher&) = delete;
  LayoutPrefetcher& operator=(const LayoutPrefetcher&) = delete;

  // False with no worker threads (threads = 1): there is nothing to lay out ahead on.
  bool enabled() const { return pool_->size() > 1; }
  // Queues the layout on a worker.
  void submit(std::shared_ptr<PendingLayout> pending);
  // The result, once: a finished job's, a running job's (waited for), or, for a job no worker
  // has started, laid out here by `layouter` (the caller's; may be null when done() is true).
  static Result<text::LayoutResult> take(PendingLayout& pending, text::Layouter* layouter);
  // The result is not wanted: a job not started does nothing.
  static void drop(PendingLayout& pending);
  // Layouts done on workers since creation (tests).
  uint64_t laid_out_on_workers() const {
    return shared_->on_workers.load(std::memory_order_relaxed);
  }

 private:
  // What jobs share, kept alive by every queued job.
  struct Shared {
    text::FontRegistry* registry = nullptr;
    // One Layouter per worker index (a font map of its own), used only by that worker; taken
    // from the process's spares at the worker's first layout and given back when the last job
    // is gone, so that the next TextSystem's workers find their fonts loaded.
    std::vector<std::unique_ptr<text::Layouter>> layouters;
    ~Shared();
    std::atomic<bool> cancelled{false};
    std::atomic<uint64_t> on_workers{0};
    std::mutex mutex;
    std::condition_variable idle;
    int running = 0;  // under mutex
  };
  static void run(Shared& shared, int worker, PendingLayout& pending);
  static Result<text::LayoutResult> lay_out(Shared& shared, int worker, PendingLayout& pending);

  ThreadPool* pool_;
  std::shared_ptr<Shared> shared_;
};

}  // namespace glyphstream::pipeline
