// The conformance suite's clip cases (backend.h: GlyphInstance::clip), run by every backend's
// test binary with the rest of the suite (device_conformance_test.cpp): per-instance clips in
// one draw call against the reference compositor, and a clipped frame against the unclipped
// one (equal inside, untouched outside).
#include <algorithm>
#include <cstdio>

#include "device_test_support.h"

namespace glyphstream::gpu {
namespace {

constexpr int kWidth = BackendConformance::kWidth;
constexpr int kHeight = BackendConformance::kHeight;

// A random clip: inside the viewport, past it (up to the "no clip" default), or empty.
InstanceClip random_clip(std::mt19937& rng) {
  InstanceClip c;
  switch (rng() % 5) {
    case 0:
      return c;  // the default: nothing clipped
    case 1:
      c.x0 = c.x1 = uint16_t(rng() % kWidth);  // empty
      c.y1 = uint16_t(kHeight);
      return c;
    default:
      c.x0 = uint16_t(rng() % kWidth), c.y0 = uint16_t(rng() % kHeight);
      c.x1 = uint16_t(c.x0 + 1 + rng() % (kWidth + 40 - c.x0));
      c.y1 = uint16_t(c.y0 + 1 + rng() % (kHeight + 40 - c.y0));
      return c;
  }
}

std::vector<SimPage> filled_pages(std::mt19937& rng) {
  std::vector<SimPage> pages;
  pages.emplace_back(0, PixelFormat::kCoverage8, 64, 64);
  pages.emplace_back(1, PixelFormat::kColor32, 32, 32, 4);
  for (SimPage& p : pages) p.write({0, 0, p.width, p.height}, rng);
  return pages;
}

// Every instance kind, each with its own clip, in the suite's four batches (one draw call
// each, whatever the clips): the GPU keeps exactly the pixels the reference compositor keeps.
TEST_P(BackendConformance, PerInstanceClipsMatchReferenceCompositor) {
  auto dev = make_device();
  ASSERT_TRUE(dev);
  std::mt19937 rng(29);
  std::vector<SimPage> pages = filled_pages(rng);
  ASSERT_TRUE(upload_pages(*dev, pages, UploadMode::kAsync, nullptr).ok());
  const std::vector<CpuPage> cpu = cpu_pages(pages);
  int worst = 0;
  for (int round = 0; round < 4; ++round) {
    std::vector<GlyphInstance> inst;
    std::vector<DrawBatch> batches;
    random_kind_batches(rng, cpu, kWidth, kHeight, &inst, &batches);
    for (GlyphInstance& g : inst) g.clip = random_clip(rng);
    worst = std::max(worst, draw_matches_reference(*dev, inst, batches, cpu, round));
  }
  std::printf("per-instance clips: max channel difference to the reference: %d\n", worst);
  ASSERT_TRUE(dev->finish().ok());
}

// One clip on every instance: inside it the frame equals the unclipped frame byte for byte,
// outside it the clear colour is untouched.
TEST_P(BackendConformance, ClipKeepsExactPixelsInsideAndNothingOutside) {
  auto dev = make_device();
  ASSERT_TRUE(dev);
  std::mt19937 rng(31);
  std::vector<SimPage> pages = filled_pages(rng);
  ASSERT_TRUE(upload_pages(*dev, pages, UploadMode::kAsync, nullptr).ok());
  const std::vector<CpuPage> cpu = cpu_pages(pages);
  std::vector<GlyphInstance> inst;
  std::vector<DrawBatch> batches;
  random_kind_batches(rng, cpu, kWidth, kHeight, &inst, &batches);
  clear(0.25f, 0.5f, 0.75f, 1.f);
  const std::vector<uint8_t> background = screen();
  ASSERT_TRUE(dev->draw(inst, batches, kWidth, kHeight).ok());
  ASSERT_TRUE(dev->end_frame(1).ok());
  const std::vector<uint8_t> unclipped = screen();
  InstanceClip clip;
  clip.x0 = 37, clip.y0 = 21, clip.x1 = 181, clip.y1 = 140;
  for (GlyphInstance& g : inst) g.clip = clip;
  clear(0.25f, 0.5f, 0.75f, 1.f);
  ASSERT_TRUE(dev->draw(inst, batches, kWidth, kHeight).ok());
  ASSERT_TRUE(dev->end_frame(2).ok());
  const std::vector<uint8_t> clipped = screen();
  int inside_changed = 0, outside_lit = 0, inside_ink = 0;
  for (int y = 0; y < kHeight; ++y) {
    for (int x = 0; x < kWidth; ++x) {
      const size_t i = (size_t(y) * kWidth + size_t(x)) * 4;
      const bool in = x >= clip.x0 && x < clip.x1 && y >= clip.y0 && y < clip.y1;
      const bool same = std::equal(&clipped[i], &clipped[i] + 4, &unclipped[i]);
      const bool bg = std::equal(&clipped[i], &clipped[i] + 4, &background[i]);
      if (in && !same) ++inside_changed;
      if (in && !std::equal(&unclipped[i], &unclipped[i] + 4, &background[i])) ++inside_ink;
      if (!in && !bg) ++outside_lit;
    }
  }
  EXPECT_GT(inside_ink, 1000);  // the case draws something inside the clip
  EXPECT_EQ(inside_changed, 0);
  EXPECT_EQ(outside_lit, 0);
  ASSERT_TRUE(dev->finish().ok());
}

}  // namespace
}  // namespace glyphstream::gpu
