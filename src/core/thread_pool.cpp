#include "core/thread_pool.h"

#include "core/env_options.h"

#include <algorithm>
#include <cstdlib>
#include <exception>
#include <memory>
#include <string>

namespace glyphstream {

ThreadPool::ThreadPool(int threads) {
  for (int i = 1; i < threads; ++i) {
    workers_.emplace_back([this, i] { worker_loop(i); });
  }
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  epoch_.fetch_add(1, std::memory_order_release);
  epoch_.notify_all();
  workers_.clear();  // joins (each leaves once the queue is empty)
}

void ThreadPool::wake(size_t workers) {
  // A futex wake only when a worker sleeps (atomic wait/notify): no mutex is taken, so the
  // caller never queues behind a worker that is going to sleep or waking up.
  epoch_.fetch_add(1, std::memory_order_release);
  for (size_t i = 0; i < workers; ++i) epoch_.notify_one();
}

void ThreadPool::worker_loop(int index) {
  while (true) {
    // Read before looking at the queue: a job pushed after the look bumps the epoch, and the
    // wait below then returns at once.
    const uint32_t seen = epoch_.load(std::memory_order_acquire);
    std::unique_lock lock(mutex_);
    if (jobs_.empty()) {
      if (stopping_) return;
      lock.unlock();
      epoch_.wait(seen, std::memory_order_acquire);
      continue;
    }
    auto job = std::move(jobs_.front());
    jobs_.pop_front();
    ++running_;
    const size_t more = std::min<size_t>(jobs_.size(), 2);
    lock.unlock();
    // Wakes spread from worker to worker, two each: the submitter woke one, so that it never
    // pays for waking them all (on the GPU machine's virtual CPUs, waking 15 idle workers cost
    // the render thread up to 1.7 ms), and 15 workers are up after 4 hand-offs, not 15.
    if (more > 0) wake(more);
    try {
      job(index);
    } catch (...) {
      // A job's failure (say, bad_alloc while rasterizing ahead) must not end the process; its
      // work is simply not done, and whoever needs it redoes it on the calling thread.
    }
    lock.lock();
    --running_;
    if (jobs_.empty() && running_ == 0) idle_.notify_all();
  }
}

void ThreadPool::parallel_for(size_t count, size_t grain,
                              const std::function<void(int, size_t)>& fn) {
  if (count == 0) return;
  if (grain == 0) grain = 1;
  const size_t chunks = (count + grain - 1) / grain;
  if (workers_.empty() || chunks == 1) {
    for (size_t i = 0; i < count; ++i) fn(0, i);
    return;
  }
  // Shared state outlives this call: a helper job queued behind a long background job may run
  // after every item is done; it then finds nothing left and returns.
  struct State {
    std::atomic<size_t> next{0};
    std::atomic<size_t> done{0};
    std::mutex m;
    std::condition_variable cv;
    const std::function<void(int, size_t)>* fn;
    size_t count, grain;
    std::exception_ptr error;
  };
  auto st = std::make_shared<State>();
  st->fn = &fn;
  st->count = count;
  st->grain = grain;
  auto pull = [](State& s, int worker) {
    while (true) {
      const size_t begin = s.next.fetch_add(s.grain);
      if (begin >= s.count) return;
      const size_t end = std::min(s.count, begin + s.grain);
      for (size_t i = begin; i < end; ++i) {
        try {
          (*s.fn)(worker, i);
        } catch (...) {
          // Every item is still counted, so the caller never waits forever; the first
          // exception is rethrown on the caller once all are done.
          std::lock_guard g(s.m);
          if (!s.error) s.error = std::current_exception();
        }
      }
      if (s.done.fetch_add(end - begin) + (end - begin) == s.count) {
        std::lock_guard g(s.m);
        s.cv.notify_all();
      }
    }
  };
  const size_t helpers = std::min(workers_.size(), chunks - 1);
  {
    std::lock_guard lock(mutex_);
    for (size_t h = 0; h < helpers; ++h) {
      jobs_.emplace_back([st, pull](int worker) {
        // fn is only dereferenced while items remain, i.e. while the caller still waits.
        pull(*st, worker);
      });
    }
  }
  wake(1);  // it wakes two more, and so on (worker_loop)
  pull(*st, 0);
  std::unique_lock lock(st->m);
  st->cv.wait(lock, [&] { return st->done.load() == count; });
  if (st->error) std::rethrow_exception(st->error);
}

void ThreadPool::submit(std::function<void(int)> job) {
  std::vector<std::function<void(int)>> one;
  one.push_back(std::move(job));
  submit_batch(std::move(one));
}

void ThreadPool::submit_batch(std::vector<std::function<void(int)>> jobs) {
  if (jobs.empty()) return;
  {
    std::lock_guard lock(mutex_);
    for (auto& job : jobs) jobs_.push_back(std::move(job));
  }
  if (!workers_.empty()) wake(1);  // it wakes two more, and so on (worker_loop)
}

void ThreadPool::drain_inline() {
  if (!workers_.empty()) return;
  while (true) {
    std::function<void(int)> job;
    {
      std::lock_guard lock(mutex_);
      if (jobs_.empty()) return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    job(0);
  }
}

void ThreadPool::wait_idle() {
  if (workers_.empty()) {
    drain_inline();
    return;
  }
  std::unique_lock lock(mutex_);
  idle_.wait(lock, [this] { return jobs_.empty() && running_ == 0; });
}

void ThreadPool::cancel_queued() {
  std::deque<std::function<void(int)>> dropped;  // destroyed outside the lock
  {
    std::lock_guard lock(mutex_);
    dropped.swap(jobs_);
    if (running_ == 0) idle_.notify_all();
  }
}

int ThreadPool::default_threads() {
  if (const std::optional<int> threads = threads_from_environment()) return *threads;
  const unsigned hw = std::thread::hardware_concurrency();
  return hw == 0 ? 1 : int(hw);
}

}  // namespace glyphstream
