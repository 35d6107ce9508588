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

#include <unistd.h>

#include "cpu_reference.h"
#include "glyphstream/text_renderer.h"
#include "glyphstream/text_system.h"
#include "glyphstream/vulkan.h"
#include "glyphstream/vulkan_submit.h"
#include "image_diff.h"
#include "vk_test_app.h"

namespace glyphstream {
namespace {

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kSanitizedHeap = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
constexpr bool kSanitizedHeap = true;
#else
constexpr bool kSanitizedHeap = false;
#endif
#else
constexpr bool kSanitizedHeap = false;
#endif

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

  // The application's rendering becomes `pass`, and device_ declares its formats.
  void use_pass(const gpu::vktest::AppPass& pass) {
    app_.reset();
    auto app = gpu::vktest::EmbeddedApp::create(device_, kWidth, kHeight, pass);
    ASSERT_TRUE(app.ok()) << app.status().to_string();
    app_ = std::move(app).value();
    app_->declare_formats(&device_);
  }

  // The text systems of a test are gone by now: their teardown is validated too.
  void TearDown() override {
    app_.reset();
    if (!ctx_) return;
    for (const std::string& m : ctx_->take_validation_messages()) ADD_FAILURE() << m;
  }

  std::unique_ptr<TextSystem> make_system(TextSystemDesc desc) {
    desc.backend = GpuApi::kVulkan;
    desc.vulkan.device = &device_;
    auto ts = TextSystem::create(desc);
    EXPECT_TRUE(ts.ok()) << ts.status().to_string();
    return ts.ok() ? std::move(ts).value() : nullptr;
  }

  // One frame the application's way: its clear and rendering, glyphstream's draws recorded
  // into its command buffer, its submission with glyphstream's waits and signal; then, as a
  // swap chain would before reusing the frame's resources, it waits for the frame token.
  void run_frame(TextSystem* ts, const std::vector<DrawCall>& calls, std::vector<uint8_t>* image,
                 const TextStyle& text_style = style()) {
    ASSERT_TRUE(app_->begin_frame(kBackground).ok());
    ASSERT_TRUE(ts->begin_frame(kWidth, kHeight).ok());
    for (const DrawCall& c : calls) ASSERT_TRUE(ts->draw_text(c.x, c.y, c.text, text_style).ok());
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

// Render-thread mode (glyphstream/text_renderer.h) in the application's frame: the frames are
// built on a second thread; this thread, which records and submits the application's command
// buffer, sets the target, submits the frame's packet into it and submits with the frame sync.
// Every frame equals the single-thread mode's frame of the same calls.
TEST_F(EmbeddedVulkan, RenderThreadModeDrawsTheSingleThreadFrames) {
  std::vector<std::vector<DrawCall>> frames;
  for (int f = 0; f < 5; ++f) {
    frames.push_back({{6, 8, "Frame " + std::to_string(f)}, {6, 60, f % 2 ? "Odd ÄÖÜ" : "Even ß"}});
  }
  std::vector<std::vector<uint8_t>> want(frames.size());
  {
    auto ts = make_system({});
    ASSERT_NE(ts, nullptr);
    for (size_t f = 0; f < frames.size(); ++f) run_frame(ts.get(), frames[f], &want[f]);
    ASSERT_TRUE(ts->finish().ok());
  }
  TextSystemDesc desc;
  desc.backend = GpuApi::kVulkan;
  desc.vulkan.device = &device_;
  auto created = TextRenderer::create(desc, {});
  ASSERT_TRUE(created.ok()) << created.status().to_string();
  std::unique_ptr<TextRenderer> renderer = std::move(created.value().renderer);
  std::unique_ptr<TextSystem> text = std::move(created.value().text);
  Status built;
  const VulkanFrameTarget first_target = app_->target();
  std::thread builder([&] {
    // The target is the render thread's (the TextSystem's first caller owns it: this thread).
    EXPECT_EQ(text->set_vulkan_target(first_target).code(), ErrorCode::kUnsupported);
    for (const std::vector<DrawCall>& calls : frames) {
      built = text->begin_frame(kWidth, kHeight);
      for (const DrawCall& c : calls) {
        if (built.ok()) built = text->draw_text(c.x, c.y, c.text, style());
      }
      if (built.ok()) built = text->flush();
      if (!built.ok()) break;
    }
    text.reset();
  });
  [&] {
    for (size_t f = 0; f < frames.size(); ++f) {
      ASSERT_TRUE(app_->begin_frame(kBackground).ok());
      ASSERT_TRUE(renderer->set_vulkan_target(app_->target()).ok());
      Status s = renderer->submit();
      ASSERT_TRUE(s.ok()) << s.to_string();
      const Result<VulkanFrameSync> sync = renderer->vulkan_frame_sync();
      ASSERT_TRUE(sync.ok()) << sync.status().to_string();
      ASSERT_TRUE(app_->submit(*sync).ok());
      std::vector<uint8_t> image;
      ASSERT_TRUE(app_->pixels(&image).ok());
      EXPECT_TRUE(image == want[f]) << "frame " << f;
      ASSERT_TRUE(renderer->throttle(0).ok());
    }
  }();
  builder.join();
  EXPECT_TRUE(built.ok()) << built.to_string();
  EXPECT_TRUE(renderer->finish().ok());
}

// The resident set of the process, in bytes (lavapipe's device memory is host memory).
size_t resident_bytes() {
  long pages = 0, resident = 0;
  FILE* f = std::fopen("/proc/self/statm", "r");
  if (!f) return 0;
  if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
  std::fclose(f);
  return size_t(resident) * size_t(sysconf(_SC_PAGESIZE));
}

std::vector<uint8_t> reference_image(const std::vector<DrawCall>& calls, const TextStyle& style,
                                     bool linear_light = false) {
  auto ref = testing::CpuReference::create();
  EXPECT_TRUE(ref.ok()) << ref.status().to_string();
  if (!ref.ok()) return {};
  (*ref)->set_linear_light(linear_light);
  (*ref)->clear(kWidth, kHeight, kBackground);
  for (const DrawCall& c : calls) EXPECT_TRUE((*ref)->draw_text(c.x, c.y, c.text, style).ok());
  return (*ref)->image();
}

struct PassCase {
  const char* name;
  gpu::vktest::AppPass pass;
};

// The application's rendering as applications have it: a depth attachment (depth, or depth
// and stencil) filled with the nearest depth and depth testing left on (or off), 4x
// multisampling with a resolve, both. The formats are declared at create() (the pipelines are built
// there); every frame draws new glyphs and equals the CPU reference; the validation layer with
// synchronization validation reports nothing (TearDown).
TEST_F(EmbeddedVulkan, DeclaredFormatsDrawIntoDepthAndMultisampledPasses) {
  constexpr uint32_t kD32 = 126;    // VK_FORMAT_D32_SFLOAT
  constexpr uint32_t kD32S8 = 130;  // VK_FORMAT_D32_SFLOAT_S8_UINT
  const PassCase cases[] = {{"colour only, declared", {0, 1}},
                            {"depth, the application's depth test on", {kD32, 1}},
                            {"depth, the application's depth test off", {kD32, 1, false}},
                            {"depth and stencil", {kD32S8, 1}},
                            {"4x multisampled, resolved", {0, 4}},
                            {"4x multisampled with depth and stencil", {kD32S8, 4}}};
  const std::vector<std::vector<DrawCall>> frames = {
      {{8, 10, "Depth, stencil, MSAA"}},
      {{8, 10, "Depth, stencil, MSAA"}, {8, 80, "glyphs 0123456789"}},
      {{300, 40, "Wxyz? ✓"}}};
  for (const PassCase& c : cases) {
    SCOPED_TRACE(c.name);
    use_pass(c.pass);
    auto ts = make_system({});
    ASSERT_NE(ts, nullptr);
    std::vector<uint8_t> image;
    for (const std::vector<DrawCall>& calls : frames) {
      run_frame(ts.get(), calls, &image);
      const testing::ImageDiff diff =
          testing::diff_images(image, reference_image(calls, style()), kWidth, kHeight, 2);
      EXPECT_TRUE(diff.match()) << diff.report;
    }
    ASSERT_TRUE(ts->finish().ok());
    ts.reset();
    for (const std::string& m : ctx_->take_validation_messages()) ADD_FAILURE() << m;
  }
}

// LCD text in the application's rendering: with dualSrcBlend enabled on its device and declared
// (VulkanDeviceDesc::dual_source_blend; the test's device is the VulkanContext's, which enables
// it), every order equals the CPU reference; undeclared, the same calls draw greyscale, exactly
// as Antialias::kGray, and say so in the frame's statistics.
TEST_F(EmbeddedVulkan, LcdTextNeedsTheDeclaredDualSourceBlendFeatureElseDrawsGreyscale) {
  ASSERT_TRUE(device_.dual_source_blend) << "lavapipe has dualSrcBlend";
  TextStyle lcd = style();
  lcd.font = "DejaVu Sans 18";
  lcd.rendering.antialias = Antialias::kSubpixel;
  const std::vector<DrawCall> calls = {{8.25f, 10, "LCD text: Hamburgefonstiv 日本語"}};
  std::vector<uint8_t> image;
  {
    auto ts = make_system({});
    ASSERT_NE(ts, nullptr);
    for (SubpixelOrder order : {SubpixelOrder::kRgb, SubpixelOrder::kVbgr}) {
      lcd.rendering.subpixel_order = order;
      run_frame(ts.get(), calls, &image, lcd);
      EXPECT_TRUE(ts->last_frame_stats().lcd_text);
      const testing::ImageDiff diff =
          testing::diff_images(image, reference_image(calls, lcd), kWidth, kHeight, 2);
      EXPECT_TRUE(diff.match()) << int(order) << ": " << diff.report;
    }
    ASSERT_TRUE(ts->finish().ok());
  }
  device_.dual_source_blend = false;  // an application that did not enable the feature
  auto ts = make_system({});
  ASSERT_NE(ts, nullptr);
  run_frame(ts.get(), calls, &image, lcd);
  EXPECT_FALSE(ts->last_frame_stats().lcd_text);
  EXPECT_EQ(ts->last_frame_stats().lcd_fallback_draws, 1u);
  TextStyle grey = lcd;
  grey.rendering.antialias = Antialias::kGray;
  const testing::ImageDiff diff =
      testing::diff_images(image, reference_image(calls, grey), kWidth, kHeight, 2);
  EXPECT_TRUE(diff.match()) << diff.report;
  ASSERT_TRUE(ts->finish().ok());
}

// A target whose rendering differs from the declared one is refused, naming the public calls,
// and nothing is recorded; the declared one then draws.
TEST_F(EmbeddedVulkan, TargetWithOtherFormatsIsRefusedNamingSetVulkanTarget) {
  use_pass({});
  auto ts = make_system({});
  ASSERT_NE(ts, nullptr);
  ASSERT_TRUE(app_->begin_frame(kBackground).ok());
  const VulkanFrameTarget good = app_->target();
  VulkanFrameTarget depth = good, msaa = good, format = good, odd = good, empty = good;
  depth.depth_stencil_format = 126;
  msaa.samples = 4;
  format.color_format = 37;  // VK_FORMAT_R8G8B8A8_UNORM: not the declared B8G8R8A8
  odd.samples = 3;
  empty.command_buffer = nullptr;
  for (const VulkanFrameTarget* t : {&depth, &msaa, &format, &odd, &empty}) {
    const Status s = ts->set_vulkan_target(*t);
    EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument) << s.to_string();
    EXPECT_EQ(s.message().rfind("set_vulkan_target:", 0), 0u) << s.message();
    EXPECT_EQ(s.message().find("set_frame_target"), std::string::npos) << s.message();
  }
  const Status mismatch = ts->set_vulkan_target(depth);
  EXPECT_NE(mismatch.message().find("TextSystem::create"), std::string::npos) << mismatch.message();
  EXPECT_NE(mismatch.message().find("depth/stencil format 126"), std::string::npos)
      << mismatch.message();
  // The frame goes on with the declared rendering.
  ASSERT_TRUE(ts->begin_frame(kWidth, kHeight).ok());
  const std::vector<DrawCall> calls = {{10, 20, "declared"}};
  ASSERT_TRUE(ts->draw_text(calls[0].x, calls[0].y, calls[0].text, style()).ok());
  ASSERT_TRUE(ts->set_vulkan_target(good).ok());
  ASSERT_TRUE(ts->flush().ok());
  const Result<VulkanFrameSync> sync = ts->vulkan_frame_sync();
  ASSERT_TRUE(sync.ok()) << sync.status().to_string();
  ASSERT_TRUE(app_->submit(*sync).ok());
  std::vector<uint8_t> image;
  ASSERT_TRUE(app_->pixels(&image).ok());
  const testing::ImageDiff diff =
      testing::diff_images(image, reference_image(calls, style()), kWidth, kHeight, 2);
  EXPECT_TRUE(diff.match()) << diff.report;
  ASSERT_TRUE(ts->finish().ok());
}

// The application's sRGB rendering (B8G8R8A8_SRGB) blends in linear light: with
// TextSystemDesc::linear_light, the CPU reference's linear light; without it, create() refuses
// the declared sRGB format, and set_vulkan_target() an undeclared one, naming the option.
TEST_F(EmbeddedVulkan, SrgbRenderingBlendsInLinearLightAndNeedsTheOption) {
  gpu::vktest::AppPass pass;
  pass.srgb = true;
  use_pass(pass);
  TextSystemDesc desc;
  desc.backend = GpuApi::kVulkan;
  desc.vulkan.device = &device_;
  auto refused = TextSystem::create(desc);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("linear_light"), std::string::npos);
  desc.linear_light = true;
  auto ts = make_system(desc);
  ASSERT_NE(ts, nullptr);
  const std::vector<DrawCall> calls = {{8, 10, "Linear light"}, {8, 80, "0123 Wxyz? ✓"}};
  std::vector<uint8_t> image;
  run_frame(ts.get(), calls, &image);
  EXPECT_TRUE(testing::diff_images(image, reference_image(calls, style(), true), kWidth, kHeight, 2)
                  .match());
  ASSERT_TRUE(ts->finish().ok());
  device_.color_format = device_.samples = 0;  // undeclared: checked at set_vulkan_target
  auto plain = make_system({});
  ASSERT_NE(plain, nullptr);
  const Status s = plain->set_vulkan_target(app_->target());  // refused before recording
  EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(s.message().find("linear_light"), std::string::npos) << s.to_string();
}

// Formats the device cannot render (or that are not formats) fail TextSystem::create, which the
// message names with the field; so do a missing device and two ways in.
TEST_F(EmbeddedVulkan, CreateRefusesBadFormatsNamingTextSystemCreate) {
  struct Bad {
    uint32_t color, depth, samples;
    const char* expect;
  };
  const Bad bad[] = {{126, 0, 0, "colour format 126"},        // a depth format as colour
                     {44, 44, 0, "depth/stencil format 44"},  // a colour format as depth
                     {44, 0, 3, "samples is 3"},
                     {44, 0, 128, "samples is 128"},
                     {0, 126, 0, "need color_format"},
                     {0, 0, 4, "need color_format"},
                     {999999, 0, 0, "colour format 999999"}};
  for (const Bad& b : bad) {
    VulkanDeviceDesc device = device_;
    device.color_format = b.color;
    device.depth_stencil_format = b.depth;
    device.samples = b.samples;
    TextSystemDesc desc;
    desc.backend = GpuApi::kVulkan;
    desc.vulkan.device = &device;
    const auto ts = TextSystem::create(desc);
    ASSERT_FALSE(ts.ok()) << b.expect;
    EXPECT_EQ(ts.status().code(), ErrorCode::kInvalidArgument) << ts.status().to_string();
    EXPECT_EQ(ts.status().message().rfind("TextSystem::create", 0), 0u) << ts.status().message();
    EXPECT_NE(ts.status().message().find(b.expect), std::string::npos) << ts.status().message();
  }
  VulkanDeviceDesc none;
  TextSystemDesc desc;
  desc.backend = GpuApi::kVulkan;
  desc.vulkan.device = &none;
  auto ts = TextSystem::create(desc);
  ASSERT_FALSE(ts.ok());
  EXPECT_EQ(ts.status().message().rfind("TextSystem::create", 0), 0u) << ts.status().message();
  EXPECT_NE(ts.status().message().find("physical_device"), std::string::npos);
  desc.vulkan.context = ctx_.get();  // both ways in
  ts = TextSystem::create(desc);
  ASSERT_FALSE(ts.ok());
  EXPECT_EQ(ts.status().message().rfind("TextSystem::create", 0), 0u) << ts.status().message();
}

// vulkan_frame_sync() hands out a frame only after its flush(); flush() without a target says
// which call was missing. The helper's entries are the sync's, ready for VkSubmitInfo2.
TEST_F(EmbeddedVulkan, FrameSyncAndFlushMisuseNameThePublicCalls) {
  auto ts = make_system({});
  ASSERT_NE(ts, nullptr);
  Result<VulkanFrameSync> sync = ts->vulkan_frame_sync();  // no frame yet
  ASSERT_FALSE(sync.ok());
  EXPECT_EQ(sync.status().message().rfind("vulkan_frame_sync:", 0), 0u) << sync.status().message();
  EXPECT_NE(sync.status().message().find("after a successful flush()"), std::string::npos);
  ASSERT_TRUE(ts->begin_frame(kWidth, kHeight).ok());
  ASSERT_TRUE(ts->draw_text(10, 20, "no target", style()).ok());
  EXPECT_EQ(ts->vulkan_frame_sync().status().code(), ErrorCode::kInvalidArgument);  // mid-frame
  const Status flushed = ts->flush();  // no set_vulkan_target this frame
  EXPECT_EQ(flushed.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(flushed.message().find("set_vulkan_target"), std::string::npos) << flushed.message();
  EXPECT_EQ(flushed.message().find("set_frame_target"), std::string::npos) << flushed.message();
  EXPECT_FALSE(ts->vulkan_frame_sync().ok()) << "a failed flush hands out no frame";

  std::vector<uint8_t> image;
  run_frame(ts.get(), {{10, 20, "with a target"}}, &image);
  sync = ts->vulkan_frame_sync();
  ASSERT_TRUE(sync.ok()) << sync.status().to_string();
  const Result<VulkanSubmitSemaphores> sems = vulkan_submit_semaphores(*ts);
  ASSERT_TRUE(sems.ok()) << sems.status().to_string();
  ASSERT_EQ(sems->wait_count, sync->wait_count);
  for (uint32_t i = 0; i < sems->wait_count; ++i) {
    EXPECT_EQ(sems->waits[i].sType, VK_STRUCTURE_TYPE_SEMAPHORE_SUBMIT_INFO);
    EXPECT_EQ(reinterpret_cast<uint64_t>(sems->waits[i].semaphore), sync->waits[i].semaphore);
    EXPECT_EQ(sems->waits[i].value, sync->waits[i].value);
    EXPECT_EQ(sems->waits[i].stageMask, sync->waits[i].stage_mask);
  }
  EXPECT_EQ(sems->signal.sType, VK_STRUCTURE_TYPE_SEMAPHORE_SUBMIT_INFO);
  EXPECT_EQ(reinterpret_cast<uint64_t>(sems->signal.semaphore), sync->signal_semaphore);
  EXPECT_EQ(sems->signal.value, sync->signal_value);
  ASSERT_TRUE(ts->finish().ok());
}

// The application forgets the signal (its submission carries glyphstream's waits only). Within
// frames_in_flight + 6 frames set_vulkan_target() and flush() say so, naming what the
// submission must signal; from then on they refuse frames, and the process stops growing:
// nothing is held for frames that never complete. finish() reports it instead of hanging.
TEST_F(EmbeddedVulkan, ForgottenSignalIsReportedWithinBoundedFramesAndMemoryStaysFlat) {
  TextSystemDesc desc;
  desc.frames_in_flight = 2;
  auto ts = make_system(desc);
  ASSERT_NE(ts, nullptr);
  HangGuard guard("frames whose signal never arrives");
  const int kBound = desc.frames_in_flight + 6;
  auto frame = [&](Status* target_status, Status* flush_status) {
    ASSERT_TRUE(app_->begin_frame(kBackground).ok());
    ASSERT_TRUE(ts->begin_frame(kWidth, kHeight).ok());
    ASSERT_TRUE(ts->draw_text(10, 20, "signal me", style()).ok());
    *target_status = ts->set_vulkan_target(app_->target());
    *flush_status = ts->flush();
    const Result<VulkanFrameSync> sync = ts->vulkan_frame_sync();
    EXPECT_EQ(sync.ok(), flush_status->ok());
    ASSERT_TRUE(app_->submit_without_signal(sync.ok() ? *sync : VulkanFrameSync{}).ok());
    std::vector<uint8_t> image;
    ASSERT_TRUE(app_->pixels(&image).ok());
    (void)ts->take_frame_stats();
  };
  int reported_at = 0;
  Status target_status, flush_status;
  for (int f = 1; f <= kBound && reported_at == 0; ++f) {
    frame(&target_status, &flush_status);
    if (!target_status.ok()) reported_at = f;
  }
  ASSERT_NE(reported_at, 0) << "no error within " << kBound << " frames";
  EXPECT_GT(reported_at, desc.frames_in_flight) << "frames in flight are not an error";
  const std::string& m = target_status.message();
  EXPECT_EQ(target_status.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(m.rfind("set_vulkan_target:", 0), 0u) << m;
  for (const char* part : {"signal_semaphore", "signal_value", "vulkan_frame_sync", "flush()"}) {
    EXPECT_NE(m.find(part), std::string::npos) << part << " in: " << m;
  }
  EXPECT_EQ(flush_status.message().rfind("flush:", 0), 0u) << flush_status.message();

  // The application goes on forgetting: every frame is refused at once, memory stays flat.
  const size_t before = resident_bytes();
  for (int f = 0; f < 300; ++f) {
    frame(&target_status, &flush_status);
    ASSERT_FALSE(target_status.ok());
    ASSERT_FALSE(flush_status.ok());
  }
  const size_t after = resident_bytes();
  // A frame without text has a token to signal too: refused the same way.
  ASSERT_TRUE(ts->begin_frame(kWidth, kHeight).ok());
  const Status empty = ts->flush();
  EXPECT_EQ(empty.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(empty.message().rfind("flush:", 0), 0u) << empty.message();
  ASSERT_GT(before, 0u);
  // Growing as before (an instance buffer and more per frame: 70 KiB on lavapipe) would be
  // 20 MiB.
  // Under a sanitizer the heap keeps freed blocks in quarantine (ASan) or shadow (TSan), so
  // resident memory grows with the test's own per-frame read-backs: only the errors count there.
  if (!kSanitizedHeap) {
    EXPECT_LT(after, before + (size_t(2) << 20)) << before << " -> " << after << " bytes";
  }
  const Status finished = ts->finish();
  EXPECT_EQ(finished.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(finished.message().rfind("finish:", 0), 0u) << finished.message();
  EXPECT_EQ(ts->throttle(0).code(), ErrorCode::kInvalidArgument);
}
}  // namespace
}  // namespace glyphstream
