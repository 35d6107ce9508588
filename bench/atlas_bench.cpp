// Allocation time on a page about 90% full (the targets: median <= 100 ns, worst <= 5 us).
// Each iteration fills a fresh 1024^2 page to 88% (untimed), then times the allocations that take
// it from 88% to 92%. Glyph sizes mix Latin UI text (narrow, 8-16 px tall) and CJK (13-30 px
// squares). A second pair of benchmarks measures the steady state of a full atlas that recycles
// space through LRU shelf eviction, as the text system runs it. The BM_Packer ones time the shelf
// packer alone (src/atlas/shelf_packer.h): placement without pages, frames or pixels.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <memory>
#include <random>
#include <vector>

#include "atlas/atlas.h"
#include "atlas/glyph_cache.h"
#include "atlas/shelf_packer.h"

namespace {

using glyphstream::PixelFormat;
using namespace glyphstream::atlas;
using Clock = std::chrono::steady_clock;

constexpr int kPage = 1024;
constexpr double kPageArea = double(kPage) * kPage;

struct Glyph {
  int w, h;
};

Glyph random_glyph(std::mt19937& rng) {
  if (rng() % 10 < 7) return {3 + int(rng() % 10), 8 + int(rng() % 9)};
  const int s = 13 + int(rng() % 18);
  return {s - int(rng() % 3), s};
}

AtlasConfig one_page() {
  AtlasConfig c;
  c.page_width = kPage;
  c.page_initial_height = kPage;
  c.page_max_height = kPage;
  c.memory_budget_bytes = size_t(kPage) * kPage;  // one R8 page: nothing else to fall back on
  return c;
}

double occupancy(const Atlas& a) { return double(a.counters().used_area) / kPageArea; }

// A fresh page filled to `level` (frame 1, so nothing is evictable: refusals are real refusals).
std::unique_ptr<Atlas> filled(std::mt19937& rng, double level) {
  auto atlas = std::make_unique<Atlas>(one_page());
  atlas->begin_frame(1);
  while (occupancy(*atlas) < level) {
    const Glyph g = random_glyph(rng);
    if (atlas->allocate(PixelFormat::kCoverage8, g.w, g.h).status != AllocStatus::kOk) break;
  }
  return atlas;
}

std::vector<Glyph> batch_to(std::mt19937& rng, double from, double to) {
  std::vector<Glyph> out;
  double area = 0;
  while (area < (to - from) * kPageArea) {
    out.push_back(random_glyph(rng));
    area += double(out.back().w) * double(out.back().h);
  }
  return out;
}

// Batch timing (no clock overhead) of the allocations that take a fresh page from 88% to 92%:
// `fill(rng, level)` makes the filled allocator, `place(allocator, glyph)` answers whether the
// glyph was placed. per_alloc is the mean time of one allocation.
template <typename Fill, typename Place>
void time_88_to_92(benchmark::State& state, Fill fill, Place place) {
  std::mt19937 rng(1234);
  uint64_t allocs = 0, full = 0;
  for (auto _ : state) {
    auto allocator = fill(rng, 0.88);
    const std::vector<Glyph> glyphs = batch_to(rng, 0.88, 0.92);
    const auto t0 = Clock::now();
    for (const Glyph& g : glyphs) full += !place(*allocator, g);
    state.SetIterationTime(std::chrono::duration<double>(Clock::now() - t0).count());
    allocs += glyphs.size();
  }
  state.counters["per_alloc"] =
      benchmark::Counter(double(allocs), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["refused_pct"] = 100.0 * double(full) / double(std::max<uint64_t>(1, allocs));
}

void BM_AllocateAt90PercentFull(benchmark::State& state) {
  time_88_to_92(state, filled, [](Atlas& atlas, const Glyph& g) {
    return atlas.allocate(PixelFormat::kCoverage8, g.w, g.h).status == AllocStatus::kOk;
  });
}
BENCHMARK(BM_AllocateAt90PercentFull)
    ->UseManualTime()
    ->Iterations(1000)
    ->Unit(benchmark::kMicrosecond);

// Per-call timing for the distribution: median, p99 and worst single allocation (each includes
// the ~20 ns of two steady_clock reads). The allocator is deterministic, so every sequence runs
// kRepeats times on identical fresh atlases: a call's intrinsic cost is its fastest repeat, and
// the worst of those is the allocator's worst case with the machine's noise (preemption,
// interrupts, another tenant's cache traffic) taken out. Both are reported; a raw outlier whose
// repeats were fast was the machine, not the allocator.
void BM_AllocateAt90PercentFullPerCall(benchmark::State& state) {
  constexpr int kRepeats = 5;
  std::vector<double> raw, intrinsic;
  uint32_t seed = 5678;
  for (auto _ : state) {
    std::vector<double> best;
    double elapsed = 0;
    for (int rep = 0; rep < kRepeats; ++rep) {
      std::mt19937 rng(seed);
      std::unique_ptr<Atlas> atlas = filled(rng, 0.88);
      const std::vector<Glyph> glyphs = batch_to(rng, 0.88, 0.92);
      best.resize(glyphs.size(), 1e300);
      const auto t0 = Clock::now();
      for (size_t i = 0; i < glyphs.size(); ++i) {
        const auto a = Clock::now();
        benchmark::DoNotOptimize(
            atlas->allocate(PixelFormat::kCoverage8, glyphs[i].w, glyphs[i].h));
        const double ns = std::chrono::duration<double, std::nano>(Clock::now() - a).count();
        raw.push_back(ns);
        best[i] = std::min(best[i], ns);
      }
      elapsed += std::chrono::duration<double>(Clock::now() - t0).count();
    }
    intrinsic.insert(intrinsic.end(), best.begin(), best.end());
    state.SetIterationTime(elapsed / kRepeats);
    ++seed;
  }
  auto over_5us = [](const std::vector<double>& v) {
    return double(v.end() - std::upper_bound(v.begin(), v.end(), 5000.0));
  };
  std::sort(raw.begin(), raw.end());
  std::sort(intrinsic.begin(), intrinsic.end());
  state.counters["allocs"] = double(intrinsic.size());
  state.counters["p50_ns"] = intrinsic[intrinsic.size() / 2];
  state.counters["p99_ns"] = intrinsic[intrinsic.size() * 99 / 100];
  state.counters["p999_ns"] = intrinsic[intrinsic.size() * 999 / 1000];
  state.counters["max_ns"] = intrinsic.back();
  state.counters["over_5us"] = over_5us(intrinsic);
  state.counters["raw_max_ns"] = raw.back();
  state.counters["raw_over_5us"] = over_5us(raw);
  state.counters["raw_calls"] = double(raw.size());
}
BENCHMARK(BM_AllocateAt90PercentFullPerCall)
    ->UseManualTime()
    ->Iterations(1000)
    ->Unit(benchmark::kMicrosecond);

// Steady state of a full atlas: every frame draws 64 new glyphs; the GPU completes frames one
// frame late; space comes back only through LRU shelf eviction. Reports the occupancy it holds.
void BM_AllocateSteadyStateWithEviction(benchmark::State& state) {
  std::mt19937 rng(42);
  Atlas atlas(one_page());
  uint64_t frame = 1;
  atlas.begin_frame(frame);
  uint64_t allocs = 0, full = 0;
  double occupancy_sum = 0;
  uint64_t frames = 0;
  for (auto _ : state) {
    atlas.begin_frame(++frame);
    atlas.set_completed_frame(frame - 1);
    for (int i = 0; i < 64; ++i) {
      const Glyph g = random_glyph(rng);
      full += atlas.allocate(PixelFormat::kCoverage8, g.w, g.h).status != AllocStatus::kOk;
    }
    benchmark::DoNotOptimize(atlas.take_evicted());
    allocs += 64;
    if (frame > 1000) occupancy_sum += occupancy(atlas), ++frames;  // after the first fill
  }
  state.counters["per_alloc"] =
      benchmark::Counter(double(allocs), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["occupancy"] = occupancy(atlas);
  state.counters["occupancy_mean"] = frames ? occupancy_sum / double(frames) : 0.0;
  state.counters["refused_pct"] = 100.0 * double(full) / double(std::max<uint64_t>(1, allocs));
  state.counters["evicted_shelves"] = double(atlas.counters().evicted_shelves);
}
BENCHMARK(BM_AllocateSteadyStateWithEviction)->Unit(benchmark::kMicrosecond);

// A cache hit's atlas work: touch (LRU update) and lookup.
void BM_TouchAndLookup(benchmark::State& state) {
  std::mt19937 rng(7);
  Atlas atlas(one_page());
  atlas.begin_frame(1);
  std::vector<AllocHandle> live;
  while (occupancy(atlas) < 0.9) {
    const Glyph g = random_glyph(rng);
    AllocResult r = atlas.allocate(PixelFormat::kCoverage8, g.w, g.h);
    if (r.status != AllocStatus::kOk) break;
    live.push_back(r.alloc.handle);
  }
  size_t i = 0;
  for (auto _ : state) {
    const AllocHandle h = live[i++ % live.size()];
    atlas.touch(h);
    benchmark::DoNotOptimize(atlas.lookup(h));
  }
}
BENCHMARK(BM_TouchAndLookup);

// The shelf packer alone, as BM_AllocateAt90PercentFull: a 1024^2 page filled to 88% (untimed),
// then the allocations that take it to 92% (the glyphs' own sizes, as the atlas asks for them).
std::unique_ptr<ShelfPacker> packer_filled(std::mt19937& rng, double level) {
  auto packer = std::make_unique<ShelfPacker>(PackerConfig{kPage, kPage, 1});
  packer->add_page(PixelFormat::kCoverage8, kPage);
  while (double(packer->used_area()) / kPageArea < level) {
    const Glyph g = random_glyph(rng);
    if (packer->allocate(PixelFormat::kCoverage8, g.w, g.h).status != PackStatus::kOk) break;
  }
  return packer;
}

void BM_PackerAllocateAt90PercentFull(benchmark::State& state) {
  time_88_to_92(state, packer_filled, [](ShelfPacker& packer, const Glyph& g) {
    return packer.allocate(PixelFormat::kCoverage8, g.w, g.h).status == PackStatus::kOk;
  });
}
BENCHMARK(BM_PackerAllocateAt90PercentFull)
    ->UseManualTime()
    ->Iterations(1000)
    ->Unit(benchmark::kMicrosecond);

// Churn on a full packer: free a random rectangle, place a random one, as a cache that keeps
// its size does. The occupancy it settles at is reported.
void BM_PackerFreeAndAllocateChurn(benchmark::State& state) {
  std::mt19937 rng(99);
  std::unique_ptr<ShelfPacker> packer = packer_filled(rng, 0.9);
  std::vector<uint32_t> live;
  for (uint32_t i = 0; i < packer->slot_count(); ++i) live.push_back(i);
  uint64_t full = 0, ops = 0;
  for (auto _ : state) {
    const size_t i = rng() % live.size();
    packer->free(live[i]);
    const Glyph g = random_glyph(rng);
    const PackResult r = packer->allocate(PixelFormat::kCoverage8, g.w, g.h);
    if (r.status == PackStatus::kOk) {
      live[i] = r.placement.slot;
    } else {
      live[i] = live.back();
      live.pop_back();
      ++full;
    }
    ++ops;
  }
  state.counters["refused_pct"] = 100.0 * double(full) / double(std::max<uint64_t>(1, ops));
  state.counters["occupancy_pct"] = 100.0 * double(packer->used_area()) / kPageArea;
}
BENCHMARK(BM_PackerFreeAndAllocateChurn);

}  // namespace

namespace {

// Issue 26: the caller's bookkeeping per new glyph of the cold page (6,630 distinct glyphs at
// 14, 20 and 32 px, CJK-like boxes): a fresh atlas (default pages and budget) and glyph cache,
// then per glyph what FramePipeline::pack_direct does besides rasterizing: allocate, mark dirty,
// insert into the cache. ns_per_glyph is the number the 150 ns target is about.
void BM_ColdPageBookkeeping(benchmark::State& state) {
  std::mt19937 rng(26);
  std::vector<std::pair<GlyphKey, Glyph>> glyphs;
  for (int size : {14, 20, 32}) {
    for (uint32_t id = 0; id < 2210; ++id) {
      const int w = size - 2 + int(rng() % 4), h = size - 3 + int(rng() % 5);
      glyphs.push_back(
          {GlyphKey{1u + id % 2, 1000u + id * 7u, uint32_t(size) * 64u, uint8_t(id % 4), 0, 0},
           Glyph{w, h}});
    }
  }
  double total_ns = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto atlas = std::make_unique<Atlas>(AtlasConfig{});
    auto cache = std::make_unique<GlyphCache>();
    atlas->begin_frame(1);
    state.ResumeTiming();
    const auto t0 = Clock::now();
    const int part = int(state.range(0));  // 0: all; 1: the atlas alone; 2: the cache alone
    uint32_t n = 0;
    for (const auto& [key, g] : glyphs) {
      AllocResult r;
      if (part != 2) {
        r = atlas->allocate(PixelFormat::kCoverage8, g.w, g.h);
        if (r.status != AllocStatus::kOk) state.SkipWithError("atlas full");
        atlas->mark_dirty(r.alloc.handle);
      } else {
        r.alloc.handle = AllocHandle{n++, 1};
      }
      if (part == 1) continue;
      CachedGlyph entry;
      entry.handle = r.alloc.handle;
      entry.page = r.alloc.page;
      entry.rect = r.alloc.rect;
      cache->insert(key, entry);
    }
    total_ns +=
        double(std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t0).count());
    state.PauseTiming();
    atlas.reset();
    cache.reset();
    state.ResumeTiming();
  }
  state.counters["ns_per_glyph"] = total_ns / double(state.iterations()) / double(glyphs.size());
}
BENCHMARK(BM_ColdPageBookkeeping)->Arg(0)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);

}  // namespace
