// Embedded Vulkan through the public API (issue 16): the test plays the application
// (gpu/vulkan/vk_test_app.h: its own image, command buffer, dynamic rendering and submission)
// on the device of a headless VulkanContext created with the validation layer and
// synchronization validation; any message fails the test. Frames are read back from the
// application's image and compared with the CPU reference.
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cpu_reference.h"
#include "glyphstream/text_system.h"
#include "glyphstream/vulkan.h"
#include "gpu/vulkan/vk_test_app.h"
#include "image_diff.h"

namespace glyphstream {
namespace {

constexpr int kWidth = 720;
constexpr int kHeight = 160;
const Color kBackground{1, 1, 1, 1};

struct DrawCall {
  float x, y;
  std::string text;
};

// A frame that never returns aborts the test binary with a message instead of blocking the
// test run: the bug guarded against is a mid-frame flush waiting for a submission that the
// application makes only after the frame. (A hang detector, not a timing assertion.)
class HangGuard {
 public:
  explicit HangGuard(std::string what)
      : what_(std::move(what)), thread_([this] {
          std::unique_lock<std::mutex> lock(mutex_);
          if (!done_cv_.wait_for(lock, std::chrono::minutes(2), [this] { return done_; })) {
            std::fprintf(stderr, "hung: %s\n", what_.c_str());
            std::abort();
          }
        }) {}
  ~HangGuard() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      done_ = true;
    }
    done_cv_.notify_one();
    thread_.join();
  }

 private:
  std::string what_;
  std::mutex mutex_;
  std::condition_variable done_cv_;
  bool done_ = false;
  std::thread thread_;
};

class EmbeddedVulkan : public ::testing::Test {
 protected:
  void SetUp() override {
    VulkanContextDesc desc;
    desc.width = kWidth;
    desc.height = kHeight;
    desc.validation = true;  // with synchronization validation; any message fails the test
    auto ctx = VulkanContext::create(desc);
    if (!ctx.ok() && ctx.status().code() == ErrorCode::kUnsupported &&
        ctx.status().message().find("validation") == std::string::npos) {
      GTEST_SKIP() << "no usable Vulkan device: " << ctx.status().to_string();
    }
    ASSERT_TRUE(ctx.ok()) << ctx.status().to_string();
    ctx_ = std::move(ctx).value();
    ASSERT_TRUE(ctx_->validation_enabled());
    device_ = ctx_->device_desc();
    auto app = gpu::vktest::EmbeddedApp::create(device_, kWidth, kHeight);
    ASSERT_TRUE(app.ok()) << app.status().to_string();
    app_ = std::move(app).value();
  }

  // The text systems of a test are gone by now: their teardown is validated too.
  void TearDown() override {
    app_.reset();
    if (!ctx_) return;
    for (const std::string& m : ctx_->take_validation_messages()) ADD_FAILURE() << m;
  }

  std::unique_ptr<TextSystem> make_system(TextSystemDesc desc) {
    desc.backend = GpuApi::kVulkan;
    desc.vulkan_device = &device_;
    auto ts = TextSystem::create(desc);
    EXPECT_TRUE(ts.ok()) << ts.status().to_string();
    return ts.ok() ? std::move(ts).value() : nullptr;
  }

  // One frame the application's way: its clear and rendering, glyphstream's draws recorded
  // into its command buffer, its submission with glyphstream's waits and signal; then, as a
  // swap chain would before reusing the frame's resources, it waits for the frame token.
  void run_frame(TextSystem* ts, const std::vector<DrawCall>& calls, std::vector<uint8_t>* image) {
    ASSERT_TRUE(app_->begin_frame(kBackground).ok());
    ASSERT_TRUE(ts->begin_frame(kWidth, kHeight).ok());
    for (const DrawCall& c : calls) ASSERT_TRUE(ts->draw_text(c.x, c.y, c.text, style()).ok());
    Status s = ts->commit();
    ASSERT_TRUE(s.ok()) << s.to_string();
    ASSERT_TRUE(ts->set_vulkan_target(app_->target()).ok());
    s = ts->flush();
    ASSERT_TRUE(s.ok()) << s.to_string();
    const Result<VulkanFrameSync> sync = ts->vulkan_frame_sync();
    ASSERT_TRUE(sync.ok()) << sync.status().to_string();
    ASSERT_TRUE(app_->submit(*sync).ok());
    ASSERT_TRUE(app_->pixels(image).ok());
    ASSERT_TRUE(ts->throttle(0).ok());
  }

  static TextStyle style() {
    TextStyle s;
    s.font = "Sans 34";
    s.color = Color::from_rgba8(0x202020ffu);
    return s;
  }

  std::unique_ptr<VulkanContext> ctx_;
  VulkanDeviceDesc device_;
  std::unique_ptr<gpu::vktest::EmbeddedApp> app_;
};

// The atlas fills in the middle of a frame with every glyph pinned by that frame. Headless
// backends draw early and wait (a mid-frame flush); embedded Vulkan cannot wait within a frame
// (it ends only when the application submits it), so a glyph that does not fit is drawn as
// nothing, with the documented reason, and nothing hangs. Once the application's submission
// has signalled the frame token, the next frame evicts what the first one pinned and draws the
// glyph refused before, exactly.
TEST_F(EmbeddedVulkan, FullAtlasMidFrameDrawsNothingWithAReasonThenTheNextFrameIsExact) {
  TextSystemDesc desc;
  desc.page_width = 128;
  desc.page_max_height = 128;
  desc.atlas_budget_bytes = 128 * 128;  // one R8 page: the two lines alone overfill it
  auto ts = make_system(desc);
  ASSERT_NE(ts, nullptr);
  // Packed in the order drawn: the lines fill the page, and the last glyph ("W", in none of
  // the lines) finds no room.
  const std::vector<DrawCall> lines = {{6, 8, "ABCDEFGHIJKLMNOPQRSTUVXYZ"},
                                       {6, 56, "abcdefghijklmnopqrstuvxyz"}};
  const DrawCall last{640, 104, "W"};
  const int box[4] = {630, 100, kWidth, kHeight};  // around "W", clear of the lines

  std::vector<uint8_t> image;
  {
    HangGuard guard("the embedded frame with a full atlas");
    std::vector<DrawCall> calls = lines;
    calls.push_back(last);
    run_frame(ts.get(), calls, &image);
  }
  const FrameStats first = ts->last_frame_stats();
  EXPECT_EQ(first.mid_frame_flushes, 0u) << frame_stats_to_json(first);
  ASSERT_GT(first.raster_errors, 0u) << "the test must fill the atlas mid-frame";
  ASSERT_FALSE(first.raster_error_messages.empty());
  for (const std::string& m : first.raster_error_messages) {
    EXPECT_NE(m.find("an embedded Vulkan frame cannot be flushed early"), std::string::npos) << m;
  }
  EXPECT_GT(testing::count_ink(image, kWidth, 0, 0, box[0], kHeight, kBackground, 40), 0)
      << "what did fit is drawn";
  ASSERT_EQ(testing::count_ink(image, kWidth, box[0], box[1], box[2], box[3], kBackground, 40), 0)
      << "the test needs the last glyph refused (longer lines would make sure)";

  // The next frame draws the refused glyph: it needs space the first frame pinned.
  run_frame(ts.get(), {last}, &image);
  const FrameStats next = ts->last_frame_stats();
  EXPECT_EQ(next.raster_errors, 0u) << frame_stats_to_json(next);
  EXPECT_GT(next.evictions, 0u) << frame_stats_to_json(next);
  auto ref = testing::CpuReference::create();
  ASSERT_TRUE(ref.ok()) << ref.status().to_string();
  (*ref)->clear(kWidth, kHeight, kBackground);
  ASSERT_TRUE((*ref)->draw_text(last.x, last.y, last.text, style()).ok());
  const testing::ImageDiff diff = testing::diff_images(image, (*ref)->image(), kWidth, kHeight, 2);
  EXPECT_TRUE(diff.match()) << diff.report;
  EXPECT_GT(testing::count_ink(image, kWidth, box[0], box[1], box[2], box[3], kBackground, 40), 0);
  ASSERT_TRUE(ts->finish().ok());
}

}  // namespace
}  // namespace glyphstream
