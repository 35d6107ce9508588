#include "core/thread_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <set>
#include <thread>
#include <vector>

namespace glyphstream {
namespace {

TEST(ThreadPool, ParallelForVisitsEveryIndexOnce) {
  for (int threads : {1, 2, 4}) {
    ThreadPool pool(threads);
    EXPECT_EQ(pool.size(), threads);
    std::vector<std::atomic<int>> hits(1000);
    std::atomic<int> max_worker{0};
    pool.parallel_for(hits.size(), 7, [&](int worker, size_t i) {
      hits[i].fetch_add(1);
      int m = max_worker.load();
      while (worker > m && !max_worker.compare_exchange_weak(m, worker)) {
      }
    });
    for (auto& h : hits) EXPECT_EQ(h.load(), 1);
    EXPECT_LT(max_worker.load(), threads);
  }
}

TEST(ThreadPool, SubmittedJobsRunOnWorkersOrInline) {
  for (int threads : {1, 3}) {
    ThreadPool pool(threads);
    std::atomic<int> sum{0};
    std::atomic<bool> caller_ran{false};
    for (int i = 1; i <= 10; ++i) {
      pool.submit([&, i](int worker) {
        sum += i;
        if (worker == 0) caller_ran = true;
      });
    }
    pool.wait_idle();
    EXPECT_EQ(sum.load(), 55);
    EXPECT_EQ(caller_ran.load(), threads == 1);
  }
}

TEST(ThreadPool, BatchedJobsRunOnceEachOnWorkersOrInline) {
  for (int threads : {1, 2, 5}) {
    ThreadPool pool(threads);
    std::vector<std::atomic<int>> runs(37);
    std::atomic<bool> caller_ran{false};
    std::vector<std::function<void(int)>> jobs;
    for (size_t i = 0; i < runs.size(); ++i) {
      jobs.emplace_back([&, i](int worker) {
        runs[i].fetch_add(1);
        if (worker == 0) caller_ran = true;
      });
    }
    pool.submit_batch(std::move(jobs));
    pool.submit_batch({});  // nothing to do
    pool.wait_idle();
    for (auto& r : runs) EXPECT_EQ(r.load(), 1);
    EXPECT_EQ(caller_ran.load(), threads == 1);
  }
}

TEST(ThreadPool, ParallelForCompletesWhileWorkersAreBusy) {
  ThreadPool pool(2);
  std::atomic<bool> release{false};
  pool.submit([&](int) {
    while (!release.load()) std::this_thread::yield();
  });
  std::atomic<int> n{0};
  pool.parallel_for(100, 1, [&](int, size_t) { ++n; });  // the caller does it all
  EXPECT_EQ(n.load(), 100);
  release = true;
  pool.wait_idle();
}

}  // namespace
}  // namespace glyphstream

namespace glyphstream {
namespace {

// A TextSystem going away drops its queued background rasterizations instead of running them
// all (60 KB of CJK prefetched at 1000 px kept the destructor 81 s): jobs not started are
// dropped, the running one finishes.
TEST(ThreadPool, CancelQueuedDropsTheJobsNotStartedAndLetsTheRunningOneFinish) {
  ThreadPool pool(2);  // one worker
  std::atomic<bool> started{false}, release{false}, finished{false};
  std::atomic<int> ran{0};
  pool.submit([&](int) {
    started = true;
    while (!release) std::this_thread::yield();
    finished = true;
  });
  while (!started) std::this_thread::yield();
  std::vector<std::function<void(int)>> jobs;
  for (int i = 0; i < 100; ++i) jobs.emplace_back([&](int) { ++ran; });
  pool.submit_batch(std::move(jobs));
  pool.cancel_queued();
  release = true;
  pool.wait_idle();
  EXPECT_TRUE(finished);
  EXPECT_EQ(ran, 0);
  // The pool still works afterwards.
  pool.submit([&](int) { ++ran; });
  pool.wait_idle();
  EXPECT_EQ(ran, 1);
}

}  // namespace
}  // namespace glyphstream
