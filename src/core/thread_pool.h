// A small work pool on std::jthread. Chosen over TBB because the pipeline needs two things
// only (a blocking parallel-for whose caller works too, and fire-and-forget background jobs)
// plus a stable worker index, so that each worker owns its FreeType objects; that is ~150 lines
// with no dependency and deterministic ownership.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace glyphstream {

class ThreadPool {
 public:
  // `threads` counts the calling thread: threads - 1 workers are started. threads <= 1 means
  // everything runs inline on the caller.
  explicit ThreadPool(int threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  // Total threads including the caller; worker indices are 0 (the caller) .. size() - 1.
  int size() const { return int(workers_.size()) + 1; }

  // Runs fn(worker, i) for every i in [0, count), the caller included, and returns when all
  // are done. `worker` identifies the thread, so that per-thread state can be indexed by it.
  // Items are handed out in chunks of `grain`.
  void parallel_for(size_t count, size_t grain,
                    const std::function<void(int worker, size_t index)>& fn);

  // Queues a job for a worker thread (index >= 1); with no workers, it runs at the next
  // drain_inline() on the caller instead.
  void submit(std::function<void(int worker)> job);
  // The same for many jobs: queued under one lock, one worker woken (each worker that takes a
  // job wakes up to two more while jobs remain, so the caller never wakes them all).
  void submit_batch(std::vector<std::function<void(int worker)>> jobs);
  // Runs queued jobs on the caller when there are no workers (threads <= 1).
  void drain_inline();
  // Blocks until every submitted job has finished.
  void wait_idle();
  // Drops the jobs no thread has started (for shutdown: a TextSystem going away does not wait
  // for a queue of background rasterizations); running jobs go on.
  void cancel_queued();

  // Default thread count: GLYPHSTREAM_THREADS if set and valid, else hardware concurrency.
  static int default_threads();

 private:
  void worker_loop(int index);
  // Lets `workers` sleeping workers (if any) look at the queue.
  void wake(size_t workers);

  std::mutex mutex_;
  std::condition_variable idle_;
  std::deque<std::function<void(int)>> jobs_;
  size_t running_ = 0;
  bool stopping_ = false;           // under mutex_
  std::atomic<uint32_t> epoch_{0};  // bumped after every push: sleeping workers wait on it
  std::vector<std::jthread> workers_;
};

}  // namespace glyphstream
