#include "core/claim_queue.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

namespace glyphstream {
namespace {

struct Item {
  int value = 0;
  std::atomic<int> runs{0};
};

TEST(ClaimQueue, TakesPublishedItemsInOrderOnly) {
  ClaimQueue<Item> q;
  q.push()->value = 10;
  q.push()->value = 11;
  EXPECT_EQ(q.try_take(), ClaimQueue<Item>::kNone);  // pushed, not yet published
  q.publish();
  EXPECT_EQ(q.try_take(), 0u);
  EXPECT_EQ(q[0].value, 10);
  EXPECT_EQ(q.try_take(), 1u);
  EXPECT_EQ(q.try_take(), ClaimQueue<Item>::kNone);
  EXPECT_EQ(q.size(), 2u);
}

TEST(ClaimQueue, FullAndClosedQueuesRefusePushes) {
  ClaimQueue<Item> q(3);  // rounded up to one chunk
  for (size_t i = 0; i < ClaimQueue<Item>::kChunk; ++i) ASSERT_NE(q.push(), nullptr);
  EXPECT_EQ(q.push(), nullptr);
  ClaimQueue<Item> r;
  r.close();
  EXPECT_TRUE(r.closed());
  EXPECT_EQ(r.push(), nullptr);
}

TEST(ClaimQueue, DrainReturnsOnceClosedAndEmpty) {
  ClaimQueue<Item> q;
  q.push();
  q.close();
  int taken = 0;
  q.drain([&](size_t) { ++taken; });  // does not sleep: closed
  EXPECT_EQ(taken, 1);
}

// Workers sleep between bursts and are woken by each publish; the producer takes items too, as
// commit() does. Every item runs exactly once, across chunk boundaries.
TEST(ClaimQueue, EveryItemRunsExactlyOnceUnderConcurrentTakers) {
  for (int round = 0; round < 20; ++round) {
    ClaimQueue<Item> q(4096);
    std::vector<std::jthread> workers;
    for (int w = 0; w < 4; ++w) {
      workers.emplace_back([&q] { q.drain([&q](size_t i) { q[i].runs.fetch_add(1); }); });
    }
    size_t pushed = 0;
    for (int burst = 0; burst < 12; ++burst) {
      for (int k = 0; k < 1 + burst * 37; ++k) {
        q.push()->value = int(pushed++);
      }
      q.publish();
      if (burst % 3 == 0) std::this_thread::sleep_for(std::chrono::microseconds(200));
      if (const size_t i = q.try_take(); i != ClaimQueue<Item>::kNone) q[i].runs.fetch_add(1);
    }
    q.close();
    while (true) {  // the producer helps, as commit() does
      const size_t i = q.try_take();
      if (i == ClaimQueue<Item>::kNone) break;
      q[i].runs.fetch_add(1);
    }
    workers.clear();  // joins: drain() returned in every worker
    ASSERT_EQ(q.size(), pushed);
    for (size_t i = 0; i < pushed; ++i) {
      ASSERT_EQ(q[i].runs.load(), 1) << "item " << i;
      ASSERT_EQ(q[i].value, int(i));
    }
  }
}

}  // namespace
}  // namespace glyphstream
