#include "pipeline/batch_order.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

namespace glyphstream::pipeline {
namespace {

struct Quad {
  float x, y, w, h;
  uint32_t page;
  bool color = false;  // on a colour page
};

gpu::GlyphInstance instance(const Quad& q, uint32_t id) {
  gpu::GlyphInstance inst;
  inst.x = q.x, inst.y = q.y, inst.w = q.w, inst.h = q.h;
  inst.color = id;  // the quad's draw-order index, to find it in the batches
  return inst;
}

// Where each quad (by draw-order index) ends up in the flattened batches; checks that every
// batch holds quads of its own pages only, the colour page's flagged when the batch has both.
std::vector<size_t> drawn_positions(const BatchOrder& order, const std::vector<Quad>& quads) {
  std::vector<size_t> position(quads.size(), SIZE_MAX);
  size_t next = 0;
  for (size_t b = 0; b < order.batch_count(); ++b) {
    for (const gpu::GlyphInstance& inst : order.instances_of(b)) {
      const Quad& q = quads[inst.color];
      const bool flagged = gpu::samples_color_page(inst.kind);
      EXPECT_EQ(flagged, q.color && order.color_page_of(b) != gpu::kNoPage);
      EXPECT_EQ(q.page, flagged ? order.color_page_of(b) : order.page_of(b));
      position[inst.color] = next++;
    }
  }
  EXPECT_EQ(next, quads.size());
  return position;
}

BatchOrder batched(const std::vector<Quad>& quads, int width, int height) {
  BatchOrder order;
  order.begin(width, height);
  for (size_t i = 0; i < quads.size(); ++i)
    order.add(instance(quads[i], uint32_t(i)), quads[i].page,
              quads[i].color ? PixelFormat::kColor32 : PixelFormat::kCoverage8);
  return order;
}

TEST(BatchOrder, OnePageIsOneBatchInDrawOrder) {
  const std::vector<Quad> quads = {{0, 0, 10, 10, 2}, {5, 5, 10, 10, 2}, {2, 2, 3, 3, 2}};
  const BatchOrder order = batched(quads, 64, 64);
  ASSERT_EQ(order.batch_count(), 1u);
  EXPECT_EQ(drawn_positions(order, quads), (std::vector<size_t>{0, 1, 2}));
}

// Interleaved pages whose quads do not overlap (touching edges included) cost a batch per
// page, as grouping by page did.
TEST(BatchOrder, PagesThatDoNotOverlapCostOneBatchEach) {
  std::vector<Quad> quads;
  for (int i = 0; i < 40; ++i) quads.push_back({float(i) * 8.0f, 10, 8, 12, uint32_t(i % 3)});
  const BatchOrder order = batched(quads, 400, 40);
  EXPECT_EQ(order.batch_count(), 3u);
  drawn_positions(order, quads);
}

// A quad over a quad of another page drawn before it, whose page's batch comes later, starts
// a batch of its own; the next quad of the first page joins it.
TEST(BatchOrder, OverlapOnAnotherPageSplitsInDrawOrder) {
  const std::vector<Quad> quads = {{0, 0, 10, 10, 0},  {20, 0, 10, 10, 1}, {25, 5, 10, 10, 0},
                                   {40, 0, 10, 10, 0}, {60, 0, 10, 10, 1}, {0, 30, 10, 10, 1}};
  const BatchOrder order = batched(quads, 100, 100);
  ASSERT_EQ(order.batch_count(), 3u);
  EXPECT_EQ(drawn_positions(order, quads), (std::vector<size_t>{0, 1, 4, 5, 2, 3}));
}

// Text on a coverage page and emoji on a colour page, each over the one before: one batch in
// draw order, the emoji flagged to sample the batch's colour page.
TEST(BatchOrder, OnePageOfEachFormatIsOneBatch) {
  std::vector<Quad> quads;
  for (int i = 0; i < 30; ++i) {
    quads.push_back({float(i) * 3.0f, 5, 10, 10, i % 2 ? 7u : 4u, i % 2 == 1});
  }
  const BatchOrder order = batched(quads, 128, 32);
  ASSERT_EQ(order.batch_count(), 1u);
  EXPECT_EQ(order.page_of(0), 4u);
  EXPECT_EQ(order.color_page_of(0), 7u);
  const std::vector<size_t> at = drawn_positions(order, quads);
  for (size_t i = 0; i < quads.size(); ++i) EXPECT_EQ(at[i], i);
}

// Colour quads alone: the batch draws from its colour page as its page, unflagged; once a
// coverage quad joins, the colour quads (also those before it) are flagged.
TEST(BatchOrder, ColourSlotAloneIsThePage) {
  const std::vector<Quad> emoji = {{0, 0, 10, 10, 3, true}, {5, 0, 10, 10, 3, true}};
  const BatchOrder alone = batched(emoji, 64, 64);
  ASSERT_EQ(alone.batch_count(), 1u);
  EXPECT_EQ(alone.page_of(0), 3u);
  EXPECT_EQ(alone.color_page_of(0), gpu::kNoPage);
  drawn_positions(alone, emoji);
  std::vector<Quad> mixed = emoji;
  mixed.push_back({2, 2, 10, 10, 0});
  mixed.push_back({8, 2, 10, 10, 3, true});
  const BatchOrder both = batched(mixed, 64, 64);
  ASSERT_EQ(both.batch_count(), 1u);
  EXPECT_EQ(both.page_of(0), 0u);
  EXPECT_EQ(both.color_page_of(0), 3u);
  EXPECT_EQ(drawn_positions(both, mixed), (std::vector<size_t>{0, 1, 2, 3}));
}

// A second colour page overlapping the first splits; a coverage quad then fills the empty
// coverage slot of the last batch instead of starting one more.
TEST(BatchOrder, SecondPageOfAFormatSplitsAndFillsEmptySlots) {
  const std::vector<Quad> quads = {{0, 0, 10, 10, 0},       {2, 0, 10, 10, 1, true},
                                   {4, 0, 10, 10, 2, true}, {6, 0, 10, 10, 5},
                                   {8, 0, 10, 10, 0},       {40, 40, 4, 4, 1, true}};
  const BatchOrder order = batched(quads, 64, 64);
  ASSERT_EQ(order.batch_count(), 3u);
  EXPECT_EQ(order.page_of(1), 5u);  // page 5 took batch 1's empty coverage slot
  EXPECT_EQ(order.color_page_of(1), 2u);
  // Page 0 again, over batch 1's quads: a third batch; page 1's quad far away joins batch 0.
  EXPECT_EQ(drawn_positions(order, quads), (std::vector<size_t>{0, 1, 3, 4, 5, 2}));
}

// Random quads on random pages, partly off the viewport and with fractional edges: every pair
// that overlaps on the viewport is drawn in draw order, and batches stay fewer than quads.
// With `formats`, odd pages are colour pages.
void check_random_order(bool formats) {
  std::mt19937 rng(formats ? 29 : 17);
  std::uniform_real_distribution<float> pos(-40.0f, 300.0f), size(0.5f, 60.0f);
  for (int round = 0; round < 40; ++round) {
    const int width = 200 + round * 37, height = 120 + round * 11;
    const uint32_t pages = 1 + uint32_t(round % 4);
    std::vector<Quad> quads;
    for (int i = 0; i < 300; ++i) {
      const uint32_t page = uint32_t(rng() % pages);
      quads.push_back({pos(rng), pos(rng), size(rng), size(rng), page, formats && page % 2 == 1});
    }
    const BatchOrder order = batched(quads, width, height);
    const std::vector<size_t> at = drawn_positions(order, quads);
    for (size_t i = 0; i < quads.size(); ++i) {
      for (size_t j = i + 1; j < quads.size(); ++j) {
        const Quad &a = quads[i], &b = quads[j];
        const float x0 = std::max({a.x, b.x, 0.0f}), y0 = std::max({a.y, b.y, 0.0f});
        const float x1 = std::min({a.x + a.w, b.x + b.w, float(width)});
        const float y1 = std::min({a.y + a.h, b.y + b.h, float(height)});
        if (x0 < x1 && y0 < y1) {
          ASSERT_LT(at[i], at[j]) << "round " << round << ": " << i << ", " << j;
        }
      }
    }
    EXPECT_LE(order.batch_count(), quads.size());
    // One page, or one page of each format: one batch.
    if (pages == 1 || (formats && pages == 2)) {
      EXPECT_EQ(order.batch_count(), 1u);
    }
  }
}

TEST(BatchOrder, EveryOverlappingPairKeepsItsOrder) { check_random_order(false); }

TEST(BatchOrder, EveryOverlappingPairKeepsItsOrderWithTwoFormats) { check_random_order(true); }

// add_run() (a layout memo's quads, colour glyphs flagged as memos flag them) gives the same
// batches, in the same order with the same flags, as add() quad by quad: whole runs on the first
// batch (text, text and emoji, emoji alone then text) and quad by quad otherwise (a mixed run,
// a run on a second page of a format).
TEST(BatchOrder, RunsBatchAsTheirQuadsDo) {
  using Runs = std::vector<std::vector<Quad>>;
  const std::vector<Runs> cases = {
      {{{0, 0, 8, 8, 0}, {8, 0, 8, 8, 0}}, {{0, 4, 8, 8, 0}}},
      {{{0, 0, 8, 8, 0}, {4, 0, 8, 8, 1, true}}, {{2, 2, 8, 8, 1, true}, {6, 0, 8, 8, 0}}},
      {{{0, 0, 8, 8, 1, true}}, {{2, 2, 8, 8, 0}, {3, 3, 8, 8, 1, true}}},
      {{{0, 0, 8, 8, 0}}, {{0, 0, 8, 8, 2}, {20, 0, 8, 8, 0}}, {{1, 1, 8, 8, 2}}},
      {{{0, 0, 8, 8, 0}, {2, 0, 8, 8, 2}}, {{1, 1, 8, 8, 0}, {1, 2, 8, 8, 1, true}}},
  };
  for (size_t c = 0; c < cases.size(); ++c) {
    std::vector<Quad> all;
    BatchOrder runs;
    runs.begin(64, 64);
    for (const std::vector<Quad>& run : cases[c]) {
      std::vector<gpu::GlyphInstance> insts;
      std::vector<uint32_t> pages;
      RunPages rp;
      for (const Quad& q : run) {
        gpu::GlyphInstance inst = instance(q, uint32_t(all.size()));
        if (q.color) inst.kind |= gpu::kSampleColorPage;
        insts.push_back(inst);
        pages.push_back(q.page | (q.color ? kColorPageBit : 0u));
        rp.add(q.page, q.color);
        all.push_back(q);
      }
      runs.add_run(insts.data(), pages.data(), insts.size(), rp);
    }
    const BatchOrder quads = batched(all, 64, 64);
    ASSERT_EQ(runs.batch_count(), quads.batch_count()) << "case " << c;
    for (size_t b = 0; b < quads.batch_count(); ++b) {
      EXPECT_EQ(runs.page_of(b), quads.page_of(b)) << "case " << c;
      EXPECT_EQ(runs.color_page_of(b), quads.color_page_of(b)) << "case " << c;
      const auto r = runs.instances_of(b), q = quads.instances_of(b);
      ASSERT_EQ(r.size(), q.size()) << "case " << c;
      for (size_t i = 0; i < r.size(); ++i) {
        EXPECT_EQ(r[i].color, q[i].color) << "case " << c;
        EXPECT_EQ(r[i].kind, q[i].kind) << "case " << c;
      }
    }
    drawn_positions(runs, all);
  }
}

}  // namespace
}  // namespace glyphstream::pipeline
