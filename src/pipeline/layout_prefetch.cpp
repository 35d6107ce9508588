#include "pipeline/layout_prefetch.h"

#include <exception>
#include <new>
#include <utility>

namespace glyphstream::pipeline {
namespace {

// Layouters with font maps of their own, kept for the next TextSystem's workers. Never destroyed
// (reachable at exit): their Pango and FreeType objects would go after fontconfig's.
struct Spares {
  std::mutex mutex;
  std::vector<std::unique_ptr<text::Layouter>> layouters;
};
Spares& spares() {
  static Spares* const kSpares = new Spares;
  return *kSpares;
}

}  // namespace

LayoutPrefetcher::Shared::~Shared() {
  Spares& s = spares();
  std::lock_guard<std::mutex> lock(s.mutex);
  for (auto& layouter : layouters) {
    if (layouter != nullptr && s.layouters.size() < kMaxSpareLayouters) {
      s.layouters.push_back(std::move(layouter));
    }
  }
}

bool PendingLayout::done() {
  std::lock_guard<std::mutex> lock(mutex_);
  return state_ == State::kDone;
}

LayoutPrefetcher::LayoutPrefetcher(ThreadPool* pool, text::FontRegistry* registry)
    : pool_(pool), shared_(std::make_shared<Shared>()) {
  shared_->registry = registry;
  shared_->layouters.resize(size_t(pool->size()));
}

LayoutPrefetcher::~LayoutPrefetcher() {
  shared_->cancelled.store(true, std::memory_order_release);
  std::unique_lock<std::mutex> lock(shared_->mutex);
  shared_->idle.wait(lock, [this] { return shared_->running == 0; });
}

void LayoutPrefetcher::submit(std::shared_ptr<PendingLayout> pending) {
  pool_->submit([shared = shared_, pending = std::move(pending)](int worker) {
    run(*shared, worker, *pending);
  });
}

void LayoutPrefetcher::run(Shared& shared, int worker, PendingLayout& pending) {
  {
    std::lock_guard<std::mutex> lock(shared.mutex);
    if (shared.cancelled.load(std::memory_order_acquire)) return;
    ++shared.running;
  }
  bool started = false;
  {
    std::lock_guard<std::mutex> lock(pending.mutex_);
    if (pending.state_ == PendingLayout::State::kQueued) {
      pending.state_ = PendingLayout::State::kRunning;
      started = true;
    }
  }
  if (started) {
    Result<text::LayoutResult> result = lay_out(shared, worker, pending);
    {
      std::lock_guard<std::mutex> lock(pending.mutex_);
      pending.result_.emplace(std::move(result));
      pending.state_ = PendingLayout::State::kDone;
    }
    pending.finished_.notify_all();
    shared.on_workers.fetch_add(1, std::memory_order_relaxed);
  }
  std::lock_guard<std::mutex> lock(shared.mutex);
  if (--shared.running == 0) shared.idle.notify_all();
}

Result<text::LayoutResult> LayoutPrefetcher::lay_out(Shared& shared, int worker,
                                                     PendingLayout& pending) {
  // A job runs on a worker thread: nothing may escape it.
  try {
    std::unique_ptr<text::Layouter>& layouter = shared.layouters[size_t(worker)];
    if (layouter == nullptr) {
      Spares& spare = spares();
      std::lock_guard<std::mutex> lock(spare.mutex);
      if (!spare.layouters.empty()) {
        layouter = std::move(spare.layouters.back());
        spare.layouters.pop_back();
      }
    }
    if (layouter == nullptr) {
      GS_ASSIGN_OR_RETURN(layouter, text::Layouter::create_unshared(shared.registry));
    }
    layouter->rebind(shared.registry);  // this TextSystem's face ids, the fonts added lately
    return layouter->layout(pending.text, pending.params);
  } catch (const std::bad_alloc&) {
    return Status(ErrorCode::kOutOfMemory, "prefetched layout: out of memory");
  } catch (const std::exception& e) {
    return Status(ErrorCode::kInternal, std::string("prefetched layout: ") + e.what());
  } catch (...) {
    return Status(ErrorCode::kInternal, "prefetched layout: unknown exception");
  }
}

Result<text::LayoutResult> LayoutPrefetcher::take(PendingLayout& pending,
                                                  text::Layouter* layouter) {
  std::unique_lock<std::mutex> lock(pending.mutex_);
  if (pending.state_ == PendingLayout::State::kQueued) {
    pending.state_ = PendingLayout::State::kTaken;  // the job, when it runs, does nothing
    lock.unlock();
    if (layouter == nullptr) return Status(ErrorCode::kInternal, "prefetched layout not done");
    return layouter->layout(pending.text, pending.params);
  }
  pending.finished_.wait(lock, [&] { return pending.state_ == PendingLayout::State::kDone; });
  pending.state_ = PendingLayout::State::kTaken;
  return std::move(*pending.result_);
}

void LayoutPrefetcher::drop(PendingLayout& pending) {
  std::lock_guard<std::mutex> lock(pending.mutex_);
  if (pending.state_ == PendingLayout::State::kQueued)
    pending.state_ = PendingLayout::State::kTaken;
}

}  // namespace glyphstream::pipeline
