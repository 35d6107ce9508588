// FramePacket (frame_packet.h) without a device: what an owning packet holds, and a used packet
// sized on the render side for the largest frame so far (FramePacket::reserve) takes a frame no
// larger without reallocating on the building thread.
#include "pipeline/frame_packet.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <thread>
#include <vector>

namespace glyphstream::pipeline {
namespace {

// A coverage page of 64 x 40 (stride 70) with `rects` dirty rects of 10 x 6 each.
struct Page {
  std::vector<uint8_t> pixels = std::vector<uint8_t>(70 * 40, 7);
  std::vector<Rect> dirty;
  explicit Page(int rects) {
    for (int i = 0; i < rects; ++i) dirty.push_back(Rect{(i % 5) * 12, (i / 5) * 8, 10, 6});
  }
  gpu::PageUpload upload() const {
    gpu::PageUpload u;
    u.page = 0;
    u.width = 64;
    u.height = 40;
    u.pixels = pixels.data();
    u.stride = 70;
    u.dirty = dirty;
    return u;
  }
};

void fill(FramePacket* p, const Page& page, size_t instances, size_t batches) {
  const gpu::PageUpload u = page.upload();
  p->add_upload({&u, 1}, UploadMode::kAsync);
  const std::vector<gpu::GlyphInstance> inst(instances);
  const std::vector<gpu::DrawBatch> bat(batches);
  p->add_draw(inst, bat, 64, 40);
  p->add_end_frame(1, /*app_frame=*/true);
}

bool operator==(const FramePacket::Sizes& a, const FramePacket::Sizes& b) {
  return a.pixels == b.pixels && a.rects == b.rects && a.instances == b.instances &&
         a.batches == b.batches;
}

TEST(FramePacket, AnOwningPacketCopiesTheRectsAndTheDraws) {
  FramePacket p(/*owning=*/true);
  const Page page(12);
  fill(&p, page, 300, 4);
  const FramePacket::Sizes s = p.sizes();
  EXPECT_GE(s.pixels, 12u * 10 * 6);  // each rect's rows, 16-byte aligned
  EXPECT_LT(s.pixels, 12u * (10 * 6 + 16));
  EXPECT_EQ(s.rects, 12u);
  EXPECT_EQ(s.instances, 300u);
  EXPECT_EQ(s.batches, 4u);
  EXPECT_EQ(p.frame(), 1u);
  EXPECT_TRUE(p.ends_app_frame());
  p.clear();
  EXPECT_TRUE(p.empty());
  EXPECT_TRUE(p.sizes() == FramePacket::Sizes{});
  // A referring packet copies nothing.
  FramePacket r(/*owning=*/false);
  fill(&r, page, 300, 4);
  EXPECT_TRUE(r.sizes() == FramePacket::Sizes{});
}

TEST(FramePacket, ReservedForTheLargestFrameItTakesOneNoLargerWithoutGrowing) {
  const Page big(25), small(3);
  FramePacket used(/*owning=*/true);
  fill(&used, small, 10, 1);
  FramePacket::Sizes high = used.sizes();
  FramePacket largest(/*owning=*/true);
  fill(&largest, big, 4000, 9);
  high.grow_to(largest.sizes());
  EXPECT_TRUE(high == largest.sizes());
  used.clear();
  used.reserve(high);
  const FramePacket::Sizes room = used.capacities();
  EXPECT_GE(room.pixels, high.pixels);
  EXPECT_GE(room.rects, high.rects);
  EXPECT_GE(room.instances, high.instances);
  EXPECT_GE(room.batches, high.batches);
  EXPECT_TRUE(used.sizes() == FramePacket::Sizes{}) << "reserving stages nothing";
  for (const Page* page : {&big, &small, &big}) {
    fill(&used, *page, page == &big ? 4000 : 10, page == &big ? 9 : 1);
    EXPECT_TRUE(used.capacities() == room) << "grew for a frame no larger than the largest";
    used.clear();
  }
  // Reserving less than it has keeps what it has.
  used.reserve(FramePacket::Sizes{});
  EXPECT_TRUE(used.capacities() == room);
}

// An upload of kParallelCopyBytes or more is copied on the ParallelFor add_upload() gets (here:
// its items in reverse order, from two threads), a smaller one on the caller; both copies hold
// every rect's rows at its place.
TEST(FramePacket, ALargeUploadIsCopiedOnTheWorkersItIsLent) {
  constexpr int kW = 512, kH = 512, kStride = 520, kRw = 32, kRh = 8;  // rows of 32: no padding
  std::vector<uint8_t> pixels(size_t(kStride) * kH);
  for (size_t i = 0; i < pixels.size(); ++i) pixels[i] = uint8_t(i * 131 + i / 977);
  std::vector<Rect> dirty;
  for (int y = 0; y + kRh <= kH; y += kRh)
    for (int x = 0; x + kRw <= kW; x += kRw) dirty.push_back(Rect{x, y, kRw, kRh});
  ASSERT_GE(dirty.size() * kRw * kRh, FramePacket::kParallelCopyBytes);
  std::vector<uint8_t> want;
  for (const Rect& r : dirty)
    for (int y = 0; y < r.h; ++y)
      for (int x = 0; x < r.w; ++x) want.push_back(pixels[size_t(r.y + y) * kStride + r.x + x]);
  size_t parallel_items = 0;
  const FramePacket::ParallelFor parallel = [&](size_t n, const std::function<void(size_t)>& fn) {
    parallel_items += n;
    std::thread other([&] {
      for (size_t i = n; i-- > n / 2;) fn(i);
    });
    for (size_t i = n / 2; i-- > 0;) fn(i);
    other.join();
  };
  for (size_t rects : {dirty.size(), size_t(40)}) {
    gpu::PageUpload u;
    u.width = kW;
    u.height = kH;
    u.pixels = pixels.data();
    u.stride = kStride;
    u.dirty = std::span<const Rect>(dirty.data(), rects);
    FramePacket p(/*owning=*/true);
    parallel_items = 0;
    p.add_upload({&u, 1}, UploadMode::kAsync, {}, &parallel);
    EXPECT_EQ(parallel_items, rects == dirty.size() ? rects : 0u) << rects << " rects";
    const std::span<const uint8_t> staged = p.staged();
    ASSERT_EQ(staged.size(), rects * kRw * kRh);
    EXPECT_TRUE(std::equal(staged.begin(), staged.end(), want.begin())) << rects << " rects";
  }
}

}  // namespace
}  // namespace glyphstream::pipeline
