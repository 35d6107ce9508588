// Misuse of the public API on real OpenGL (Mesa llvmpipe in CI): out-of-range settings and
// values are refused with kInvalidArgument, extreme positions are culled without overflow, a
// second thread gets kWrongThread instead of corrupting the owner's frame, and errors name
// their real cause. Each case also checks that the text queued by the owner is still drawn
// exactly (read back and compared with the CPU reference). Issue 15, items 6, 8, 9 and 10.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <limits>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "cpu_reference.h"
#include "glyphstream/headless_gl.h"
#include "glyphstream/text_system.h"
#include "glyphstream/vulkan.h"
#include "good_text_fixture.h"

namespace glyphstream {
namespace {

constexpr int kWidth = 320;
constexpr int kHeight = 96;

class ApiMisuse : public testing::GoodTextTest {
 protected:
  ApiMisuse() : GoodTextTest(kWidth, kHeight) {}

  // Flushes, reads back, and compares the whole image with the good text alone drawn by the
  // CPU reference (nothing else may have been drawn).
  void flush_and_expect_only_good_text() {
    EXPECT_GT(flush_and_count_good_ink(), 50);
    expect_good_text_exact(/*whole_frame=*/true);
  }
};

// --- item 6: resource limits in TextSystemDesc ------------------------------------------------

TEST_F(ApiMisuse, DescriptionValuesAboveTheirBoundsAreRefused) {
  struct Case {
    const char* name;
    void (*set)(TextSystemDesc&);
  };
  const Case cases[] = {
      {"staging_ring_depth", [](TextSystemDesc& d) { d.staging_ring_depth = 1000000; }},
      {"staging_ring_depth",
       [](TextSystemDesc& d) { d.staging_ring_depth = TextSystemDesc::kMaxStagingRingDepth + 1; }},
      {"staging_ring_depth", [](TextSystemDesc& d) { d.staging_ring_depth = -1; }},
      {"frames_in_flight",
       [](TextSystemDesc& d) { d.frames_in_flight = TextSystemDesc::kMaxFramesInFlight + 1; }},
      {"frames_in_flight", [](TextSystemDesc& d) { d.frames_in_flight = -1; }},
      {"layout_cache_entries",
       [](TextSystemDesc& d) {
         d.layout_cache_entries = TextSystemDesc::kMaxLayoutCacheEntries + 1;
       }},
      {"atlas_budget_bytes",
       [](TextSystemDesc& d) { d.atlas_budget_bytes = TextSystemDesc::kMaxAtlasBudgetBytes + 1; }},
      {"page", [](TextSystemDesc& d) { d.page_width = TextSystemDesc::kMaxPageSize + 1; }},
      {"page", [](TextSystemDesc& d) { d.page_max_height = TextSystemDesc::kMaxPageSize + 1; }},
      {"threads", [](TextSystemDesc& d) { d.threads = TextSystemDesc::kMaxThreads + 1; }},
  };
  for (const Case& c : cases) {
    TextSystemDesc desc;
    c.set(desc);
    auto ts = TextSystem::create(desc);
    ASSERT_FALSE(ts.ok()) << c.name;
    EXPECT_EQ(ts.status().code(), ErrorCode::kInvalidArgument) << c.name;
    EXPECT_NE(ts.status().message().find(c.name), std::string::npos) << ts.status().message();
  }
  // The bounds themselves are accepted, and the system draws.
  TextSystemDesc desc;
  desc.staging_ring_depth = TextSystemDesc::kMaxStagingRingDepth;
  desc.frames_in_flight = TextSystemDesc::kMaxFramesInFlight;
  desc.layout_cache_entries = TextSystemDesc::kMaxLayoutCacheEntries;
  make_system(desc);
  begin_with_good_text();
  flush_and_expect_only_good_text();
}

// --- item 8: invalid values ---------------------------------------------------------------------

TEST_F(ApiMisuse, UploadModeOutOfRangeIsRefused) {
  make_system();
  const UploadMode before = ts_->upload_mode();
  const Status s = ts_->set_upload_mode(UploadMode(7));
  EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument) << s.to_string();
  EXPECT_EQ(ts_->upload_mode(), before);
  EXPECT_TRUE(ts_->set_upload_mode(UploadMode::kSync).ok());
  EXPECT_EQ(ts_->upload_mode(), UploadMode::kSync);
  begin_with_good_text();
  flush_and_expect_only_good_text();

  TextSystemDesc desc;
  desc.upload_mode_set = true;
  desc.upload_mode = UploadMode(9);
  auto ts = TextSystem::create(desc);
  ASSERT_FALSE(ts.ok());
  EXPECT_EQ(ts.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(ts.status().message().find("upload_mode"), std::string::npos) << ts.status().message();
}

TEST_F(ApiMisuse, HugePositionsAreCulledWithoutOverflow) {
  // Run under UBSan by the sanitizer job: before the fix, these overflowed a signed int.
  make_system();
  begin_with_good_text();
  const float max = std::numeric_limits<float>::max();
  const float positions[][2] = {{-2147483600.0f, 10}, {2147483600.0f, 10}, {10, -2147483600.0f},
                                {10, 2147483600.0f},  {-max, -max},        {max, max},
                                {-1e20f, 1e20f},      {-16777300.0f, 10}};
  for (const auto& p : positions) {
    const Status s = ts_->draw_text(p[0], p[1], "jÉ Overflow? 世界 ÅÉ", good_style());
    EXPECT_TRUE(s.ok()) << p[0] << ", " << p[1] << ": " << s.to_string();
  }
  // Not finite: refused.
  for (float bad : {std::nanf(""), std::numeric_limits<float>::infinity()}) {
    EXPECT_EQ(ts_->draw_text(bad, 10, "x", good_style()).code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(ts_->draw_text(10, -bad, "x", good_style()).code(), ErrorCode::kInvalidArgument);
  }
  flush_and_expect_only_good_text();
}

TEST_F(ApiMisuse, DebugAtlasImagesWithoutSizes) {
  make_system();
  begin_with_good_text();
  flush_and_expect_only_good_text();
  const auto images = ts_->debug_atlas_images(nullptr);
  EXPECT_EQ(images.size(), ts_->atlas_page_count());
  EXPECT_FALSE(images.empty());
}

// --- item 9: one TextSystem used from two threads ----------------------------------------------

TEST_F(ApiMisuse, SecondThreadGetsWrongThreadAndTheOwnersFrameDraws) {
  make_system();
  const UploadMode mode = ts_->upload_mode();
  begin_with_good_text();
  std::vector<Status> results;
  size_t other_pages = 99;
  std::vector<FrameStats> other_stats(1);
  std::thread other([&] {
    TextSystem& ts = *ts_;
    results.push_back(ts.begin_frame(kWidth, kHeight));
    results.push_back(ts.draw_text(20, 50, "from another thread", good_style()));
    results.push_back(ts.prefetch("prefetched elsewhere", good_style()));
    results.push_back(ts.measure("measured elsewhere", good_style()).status());
    results.push_back(ts.commit());
    results.push_back(ts.flush());
    results.push_back(ts.set_upload_mode(UploadMode::kSync));
    results.push_back(ts.add_font_file("/nonexistent.ttf"));
    results.push_back(ts.throttle(0));
    results.push_back(ts.finish());
    results.push_back(ts.measure_upload_bandwidth(1024).status());
    other_pages = ts.atlas_page_count();
    other_stats = ts.take_frame_stats();
  });
  other.join();
  ASSERT_EQ(results.size(), 11u);
  for (size_t i = 0; i < results.size(); ++i) {
    EXPECT_EQ(results[i].code(), ErrorCode::kWrongThread) << i << ": " << results[i].to_string();
  }
  EXPECT_EQ(other_pages, 0u);
  EXPECT_TRUE(other_stats.empty());
  EXPECT_EQ(ts_->upload_mode(), mode);
  // The owner's frame is intact: only the good text is drawn.
  flush_and_expect_only_good_text();
  EXPECT_EQ(ts_->take_frame_stats().size(), 1u);
}

// --- item 10: the reason a glyph was refused ----------------------------------------------------

TEST_F(ApiMisuse, GlyphRefusedByTheBudgetBlamesTheBudget) {
  TextSystemDesc desc;
  desc.atlas_budget_bytes = 1;
  make_system(desc);
  gl_->clear(kBackground.r, kBackground.g, kBackground.b, kBackground.a);
  ASSERT_TRUE(ts_->begin_frame(kWidth, kHeight).ok());
  ASSERT_TRUE(ts_->draw_text(kGoodX, kGoodY, "A", good_style()).ok());
  ASSERT_TRUE(ts_->flush().ok());
  const FrameStats& st = ts_->last_frame_stats();
  EXPECT_EQ(st.raster_errors, 1u);
  ASSERT_EQ(st.raster_error_messages.size(), 1u);
  const std::string& why = st.raster_error_messages[0];
  EXPECT_NE(why.find("atlas budget of 1 bytes"), std::string::npos) << why;
  EXPECT_EQ(why.find("larger than an atlas page"), std::string::npos) << why;
}

// The backend choice: Vulkan needs exactly one way in; what only Vulkan has says kUnsupported
// elsewhere, and the GL system names its backend.
TEST_F(ApiMisuse, BackendChoiceIsCheckedAndVulkanOnlyCallsSayUnsupportedOnGl) {
  TextSystemDesc desc;
  desc.backend = GpuApi::kVulkan;
  EXPECT_EQ(TextSystem::create(desc).status().code(), ErrorCode::kInvalidArgument);
  desc.backend = GpuApi(7);
  EXPECT_EQ(TextSystem::create(desc).status().code(), ErrorCode::kInvalidArgument);
  auto gl = TextSystem::create({});
  ASSERT_TRUE(gl.ok()) << gl.status().to_string();
  EXPECT_EQ((*gl)->backend_name(), "gl");
  EXPECT_EQ((*gl)->set_vulkan_target(VulkanFrameTarget{}).code(), ErrorCode::kUnsupported);
  EXPECT_EQ((*gl)->vulkan_frame_sync().status().code(), ErrorCode::kUnsupported);
}

TEST(ApiMisuseVulkan, HeadlessSystemRefusesAnEmbeddedTarget) {
  VulkanContextDesc cd;
  cd.validation = true;
  auto ctx = VulkanContext::create(cd);
  ASSERT_TRUE(ctx.ok()) << ctx.status().to_string();
  {
    TextSystemDesc desc;
    desc.backend = GpuApi::kVulkan;
    desc.vulkan.context = ctx->get();
    auto ts = TextSystem::create(desc);
    ASSERT_TRUE(ts.ok()) << ts.status().to_string();
    EXPECT_EQ((*ts)->backend_name(), "vulkan");
    EXPECT_EQ((*ts)->set_vulkan_target(VulkanFrameTarget{}).code(), ErrorCode::kUnsupported);
    const VulkanDeviceDesc device = (*ctx)->device_desc();
    desc.vulkan.device = &device;  // both ways in at once
    EXPECT_EQ(TextSystem::create(desc).status().code(), ErrorCode::kInvalidArgument);
  }
  for (const std::string& m : (*ctx)->take_validation_messages()) ADD_FAILURE() << m;
}

}  // namespace
}  // namespace glyphstream
