// The conformance suite's linear-light cases (GpuDeviceDesc::linear_light), run by every
// backend's test binary with the rest of the suite (device_conformance_test.cpp): on an sRGB
// target (the variant's create_srgb), every instance kind on coverage, colour and LCD pages,
// dark on light and light on dark, against the reference compositor's linear-light math; and
// the target checks (linear light on a plain target; an sRGB target without it).
#include <algorithm>
#include <cstdio>
#include <string>

#include "device_test_support.h"
#include "image_diff.h"

namespace glyphstream::gpu {
namespace {

constexpr int kWidth = BackendConformance::kWidth;
constexpr int kHeight = BackendConformance::kHeight;

// A grey, a colour and an LCD page, each filled with random pixels from `rng`.
std::vector<SimPage> every_page_kind(std::mt19937& rng) {
  std::vector<SimPage> pages;
  pages.emplace_back(0, PixelFormat::kCoverage8, 64, 64);
  pages.emplace_back(1, PixelFormat::kColor32, 32, 32, 4);
  pages.emplace_back(2, PixelFormat::kLcd24, 64, 64);
  for (SimPage& p : pages) p.write({0, 0, p.width, p.height}, rng);
  return pages;
}

// The variant's backend over an sRGB target; null (and the test skipped) where none is offered.
std::unique_ptr<DeviceHarness> srgb_harness(const DeviceVariant& v) {
  if (!v.create_srgb) return nullptr;
  auto h = v.create_srgb(kWidth, kHeight);
  EXPECT_TRUE(h.ok()) << h.status().to_string();
  return h.ok() ? std::move(h).value() : nullptr;
}

// Instances of every kind from `page` (glyph kinds flagged to sample the batch's colour page
// when `flag_color`), their colours dark (`dark`) or light.
std::vector<GlyphInstance> kinds(std::mt19937& rng, int n, const SimPage& page, bool flag_color,
                                 bool dark) {
  std::vector<GlyphInstance> out =
      random_kind_instances(rng, n, true, page.width, page.height, kWidth, kHeight);
  for (GlyphInstance& g : out) {
    g.color = dark ? (g.color & 0x3f3f3fffu) : (g.color | 0xc0c0c000u);
    if (flag_color && !is_rect_kind(g.kind)) g.kind |= kSampleColorPage;
  }
  return out;
}

// Grey text with emoji in its draw call, a colour page alone, rects on no page, and (with
// dual-source blending) LCD text with emoji: pages 0 (coverage), 1 (colour), 2 (LCD).
void frame(std::mt19937& rng, const std::vector<SimPage>& pages, bool lcd, bool dark,
           std::vector<GlyphInstance>* inst, std::vector<DrawBatch>* batches) {
  inst->clear();
  batches->clear();
  auto add = [&](uint32_t page, uint32_t color_page, std::vector<GlyphInstance> more) {
    batches->push_back({page, uint32_t(inst->size()), uint32_t(more.size()), color_page});
    inst->insert(inst->end(), more.begin(), more.end());
  };
  std::vector<GlyphInstance> grey = kinds(rng, 60, pages[0], false, dark);
  for (const GlyphInstance& g : kinds(rng, 15, pages[1], true, dark)) grey.push_back(g);
  add(0, 1, grey);
  add(1, kNoPage, kinds(rng, 20, pages[1], false, dark));
  std::vector<GlyphInstance> rects = random_kind_instances(rng, 20, false, 0, 0, kWidth, kHeight);
  for (GlyphInstance& g : rects) g.color = dark ? (g.color & 0x3f3f3fffu) : (g.color | 0xc0c0c000u);
  add(kNoPage, kNoPage, rects);
  if (!lcd) return;
  std::vector<GlyphInstance> sub = kinds(rng, 60, pages[2], false, dark);
  for (const GlyphInstance& g : kinds(rng, 15, pages[1], true, dark)) sub.push_back(g);
  add(2, 1, sub);
}

// Draws the list on `h` over a clear, and returns what it left (read back: the stored bytes).
std::vector<uint8_t> draw_over(DeviceHarness& h, GpuDevice& dev, const std::vector<float>& bg,
                               const std::vector<GlyphInstance>& inst,
                               const std::vector<DrawBatch>& batches, uint64_t frame_token,
                               std::vector<uint8_t>* before) {
  EXPECT_TRUE(h.clear(bg[0], bg[1], bg[2], bg[3]).ok());
  EXPECT_TRUE(h.read_pixels(before).ok());
  Status s = dev.draw(inst, batches, kWidth, kHeight);
  EXPECT_TRUE(s.ok()) << s.to_string();
  s = dev.end_frame(frame_token);
  EXPECT_TRUE(s.ok()) << s.to_string();
  std::vector<uint8_t> out;
  EXPECT_TRUE(h.read_pixels(&out).ok());
  return out;
}

// Linear light on an sRGB target: the reference compositor's linear-light math within the
// suite's tolerance (3 per channel), dark text on a light background and light text on a dark
// one (opaque and translucent), every kind on every page kind; and visibly unlike plain
// blending, so that the mode is known to have changed what lands.
TEST_P(BackendConformance, LinearLightOnSrgbTargetMatchesReferenceCompositor) {
  std::unique_ptr<DeviceHarness> h = srgb_harness(GetParam());
  if (!h) GTEST_SKIP() << "no sRGB target for this variant";
  GpuDeviceDesc desc;
  desc.linear_light = true;
  auto made = h->make_device(desc);
  ASSERT_TRUE(made.ok()) << made.status().to_string();
  std::unique_ptr<GpuDevice> dev = std::move(made).value();
  const bool lcd = dev->dual_source_blend();
  std::mt19937 rng(37);
  std::vector<SimPage> pages = every_page_kind(rng);
  ASSERT_TRUE(upload_pages(*dev, pages, UploadMode::kAsync, nullptr).ok());
  const std::vector<CpuPage> cpu = cpu_pages(pages);
  int worst = 0, unlike_plain = 0;
  for (int round = 0; round < 4; ++round) {
    const bool dark_text = round % 2 == 0;
    const float v = dark_text ? 0.92f : 0.08f;
    const std::vector<float> bg = {v, v + 0.02f, v - 0.03f, round < 2 ? 1.f : 0.5f};
    std::vector<GlyphInstance> inst;
    std::vector<DrawBatch> batches;
    frame(rng, pages, lcd, dark_text, &inst, &batches);
    std::vector<uint8_t> want, plain;
    const std::vector<uint8_t> got =
        draw_over(*h, *dev, bg, inst, batches, uint64_t(round + 1), &want);
    plain = want;
    composite(inst, batches, cpu, kWidth, kHeight, &want, /*linear_light=*/true);
    composite(inst, batches, cpu, kWidth, kHeight, &plain);
    const testing::ImageDiff d = testing::diff_images_linear_light(got, want, kWidth, kHeight, 3);
    EXPECT_TRUE(d.match()) << "round " << round
                           << (dark_text ? " (dark on light): " : " (light on dark): ") << d.report;
    worst = std::max(worst, d.max_channel_diff);
    unlike_plain += testing::diff_images(got, plain, kWidth, kHeight, 8).differing_pixels;
  }
  std::printf(
      "linear light%s: max channel difference to the reference: %d; %d pixels over 8 "
      "from plain blending\n",
      lcd ? " (LCD pages too)" : "", worst, unlike_plain);
  EXPECT_GT(unlike_plain, 1000);
  ASSERT_TRUE(dev->finish().ok());
  dev.reset();
  for (const std::string& m : h->take_messages()) ADD_FAILURE() << "validation: " << m;
}

// Linear light needs an sRGB target: on a plain one, creation fails naming the option.
TEST_P(BackendConformance, LinearLightOnPlainTargetIsRejected) {
  GpuDeviceDesc desc;
  desc.linear_light = true;
  auto dev = harness_->make_device(desc);
  ASSERT_FALSE(dev.ok());
  EXPECT_EQ(dev.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(dev.status().message().find("linear_light"), std::string::npos)
      << dev.status().to_string();
}

// An sRGB target without linear light: GL blends the stored values as on any target (the
// plain reference, GL_FRAMEBUFFER_SRGB off); Vulkan cannot (its *_SRGB attachments always
// blend in linear light) and refuses, naming the option.
TEST_P(BackendConformance, SrgbTargetWithoutLinearLight) {
  std::unique_ptr<DeviceHarness> h = srgb_harness(GetParam());
  if (!h) GTEST_SKIP() << "no sRGB target for this variant";
  auto made = h->make_device({});
  if (h->backend_name() == "vulkan") {
    ASSERT_FALSE(made.ok());
    EXPECT_EQ(made.status().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(made.status().message().find("linear_light"), std::string::npos)
        << made.status().to_string();
  } else {
    ASSERT_TRUE(made.ok()) << made.status().to_string();
    std::unique_ptr<GpuDevice> dev = std::move(made).value();
    std::mt19937 rng(41);
    std::vector<SimPage> pages = every_page_kind(rng);
    ASSERT_TRUE(upload_pages(*dev, pages, UploadMode::kAsync, nullptr).ok());
    std::vector<GlyphInstance> inst;
    std::vector<DrawBatch> batches;
    frame(rng, pages, dev->dual_source_blend(), true, &inst, &batches);
    std::vector<uint8_t> want;
    const std::vector<uint8_t> got =
        draw_over(*h, *dev, {0.9f, 0.9f, 0.9f, 1.f}, inst, batches, 1, &want);
    composite(inst, batches, cpu_pages(pages), kWidth, kHeight, &want);
    const testing::ImageDiff d = testing::diff_images_linear_light(got, want, kWidth, kHeight, 3);
    EXPECT_TRUE(d.match()) << d.report;
    ASSERT_TRUE(dev->finish().ok());
  }
  for (const std::string& m : h->take_messages()) ADD_FAILURE() << "validation: " << m;
}

}  // namespace
}  // namespace glyphstream::gpu
