// Bad input through the public API on real OpenGL (Mesa llvmpipe in CI): each case gets a clear
// error or a defined behaviour, no crash, and the text queued before the bad call in the same
// frame is still drawn (the framebuffer is read back and checked for ink where it stands).
// docs/RELIABILITY.md lists the cases.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <future>
#include <iterator>
#include <memory>
#include <new>
#include <string>
#include <thread>
#include <vector>

#include <EGL/egl.h>
#include <dlfcn.h>
#include <fontconfig/fontconfig.h>

#include "atlas/atlas.h"
#include "cpu_reference.h"
#include "glyphstream/headless_gl.h"
#include "glyphstream/text_system.h"
#include "good_text_fixture.h"
#include "text/font_registry.h"

// Simulated allocation failure: while armed, any allocation of at least this many bytes throws
// std::bad_alloc, as a failing page allocation would. Glyph bitmaps and bookkeeping are smaller.
static std::atomic<size_t> g_fail_alloc_at_least{0};

// GCC pairs inlined deletes with gtest's news here and warns wrongly: both sides are replaced.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

static void* checked_alloc(size_t size) noexcept {
  const size_t limit = g_fail_alloc_at_least.load(std::memory_order_relaxed);
  if (limit != 0 && size >= limit) return nullptr;
  return std::malloc(size ? size : 1);
}
// Every non-aligned form, so that each new pairs with a delete of this file (sanitizers check).
void* operator new(size_t size) {
  if (void* p = checked_alloc(size)) return p;
  throw std::bad_alloc();
}
void* operator new[](size_t size) {
  if (void* p = checked_alloc(size)) return p;
  throw std::bad_alloc();
}
void* operator new(size_t size, const std::nothrow_t&) noexcept { return checked_alloc(size); }
void* operator new[](size_t size, const std::nothrow_t&) noexcept { return checked_alloc(size); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }
void operator delete[](void* p, size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }

// Mesa's driver is kept loaded for LeakSanitizer by tests/support/keep_gl_driver_loaded.cpp.

namespace glyphstream {
namespace {

constexpr int kWidth = 480;
constexpr int kHeight = 160;

// A real font to truncate and corrupt: DejaVu Sans (Debian's fonts-dejavu-core), found through
// fontconfig so that the test also runs where fonts live elsewhere (the GPU machine's bundle).
std::string font_path() {
  std::string path = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
  FcPattern* pattern = FcNameParse(reinterpret_cast<const FcChar8*>("DejaVu Sans"));
  FcConfigSubstitute(nullptr, pattern, FcMatchPattern);
  FcDefaultSubstitute(pattern);
  FcResult result = FcResultNoMatch;
  if (FcPattern* match = FcFontMatch(nullptr, pattern, &result)) {
    FcChar8* file = nullptr;
    if (FcPatternGetString(match, FC_FILE, 0, &file) == FcResultMatch) {
      path = reinterpret_cast<const char*>(file);
    }
    FcPatternDestroy(match);
  }
  FcPatternDestroy(pattern);
  return path;
}

std::vector<uint8_t> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Each case starts a frame with the good text, makes its bad call, and checks the good text.
class BadInput : public testing::GoodTextTest {
 protected:
  BadInput() : GoodTextTest(kWidth, kHeight) {}
};

// --- Text -------------------------------------------------------------------------------------

TEST_F(BadInput, InvalidUtf8IsRefusedWithItsOffset) {
  make_system();
  begin_with_good_text();
  const char* const cases[] = {
      "overlong \xc0\xaf",           // overlong '/'
      "overlong3 \xe0\x80\xaf",      // three-byte overlong
      "overlong4 \xf0\x80\x80\xaf",  // four-byte overlong
      "surrogate \xed\xa0\x80",      // U+D800
      "low surrogate \xed\xbf\xbf",  // U+DFFF
      "truncated \xe4\xb8",          // two of three bytes
      "truncated at end \xf0\x9f\x98",
      "lone continuation \x80",
      "beyond U+10FFFF \xf4\x90\x80\x80",
      "invalid byte \xff",
  };
  for (const char* text : cases) {
    const Status s = ts_->draw_text(10, 60, text, style_of("Sans 24px"));
    EXPECT_EQ(s.code(), ErrorCode::kInvalidUtf8) << text;
    EXPECT_NE(s.message().find("offset"), std::string::npos) << s.message();
    EXPECT_EQ(ts_->measure(text, style_of("Sans 24px")).status().code(), ErrorCode::kInvalidUtf8);
  }
  EXPECT_GT(flush_and_count_good_ink(), 50);
  expect_good_text_exact();
}

TEST_F(BadInput, DecoderStressTextAcceptsEveryBoundaryAndRefusesEveryMalformation) {
  // After Markus Kuhn's UTF-8 decoder stress test: boundary code points are valid...
  const char* const valid[] = {
      "\x7f",         "\xc2\x80",     "\xdf\xbf",     "\xe0\xa0\x80",     "\xef\xbf\xbf",
      "\xed\x9f\xbf", "\xee\x80\x80", "\xef\xbf\xbd", "\xf0\x90\x80\x80", "\xf4\x8f\xbf\xbf",
      "\xef\xbf\xbe",  // U+FFFE: a noncharacter, valid
  };
  // ...and every malformation is refused.
  const char* const invalid[] = {
      "\x80",
      "\xbf",
      "\x80\xbf\x80",
      "\xc0 ",
      "\xe0\x80 ",
      "\xc0\x80",
      "\xc1\xbf",
      "\xe0\x9f\xbf",
      "\xf0\x8f\xbf\xbf",
      "\xf8\x88\x80\x80\x80",
      "\xfc\x84\x80\x80\x80\x80",
      "\xfe",
      "\xff\xfe",
      "\xed\xa0\x80\xed\xb0\x80",
      "\xf4\x90\x80\x80",
      "\xf7\xbf\xbf\xbf",
      "\xc2",
      "\xdf",
      "\xef\xbf",
  };
  make_system();
  begin_with_good_text();
  for (const char* v : valid) {
    const Status s = ts_->draw_text(10, 80, std::string("ok ") + v, style_of("Sans 16px"));
    EXPECT_TRUE(s.ok()) << s.to_string();
  }
  for (const char* v : invalid) {
    const Status s = ts_->draw_text(10, 100, std::string("bad ") + v, style_of("Sans 16px"));
    EXPECT_EQ(s.code(), ErrorCode::kInvalidUtf8) << s.to_string();
  }
  EXPECT_GT(flush_and_count_good_ink(), 50);
}

TEST_F(BadInput, EmbeddedNulsAreDrawnAsReplacementGlyphs) {
  make_system();
  begin_with_good_text();
  const std::string text("nul\0inside\0", 11);
  const Status s = ts_->draw_text(10, 80, text, style_of("Sans 24px"));
  ASSERT_TRUE(s.ok()) << s.to_string();
  EXPECT_GT(flush_and_count_good_ink(), 50);
  // Both halves were laid out: ink right of where "nul" alone would end.
  const float nul_width = ts_->measure("nul", style_of("Sans 24px"))->width;
  EXPECT_GT(testing::count_ink(pixels_, kWidth, 10 + int(nul_width) + 30, 80, kWidth, 120,
                               kBackground, 60),
            0);
  EXPECT_EQ(ts_->last_frame_stats().glyphs_requested, 9u + 11u);  // "Good text" + 11 chars
}

TEST_F(BadInput, EmptyTextQueuesNothing) {
  make_system();
  begin_with_good_text();
  EXPECT_TRUE(ts_->draw_text(10, 80, "", style_of("Sans 24px")).ok());
  EXPECT_TRUE(ts_->draw_text(10, 80, std::string_view(), style_of("Sans 24px")).ok());
  EXPECT_TRUE(ts_->draw_text(10, 80, "",
                             [] {
                               TextStyle s = style_of("Sans 24px");
                               s.markup = true;
                               return s;
                             }())
                  .ok());
  auto m = ts_->measure("", style_of("Sans 24px"));
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->width, 0);
  EXPECT_GT(flush_and_count_good_ink(), 50);
  expect_good_text_exact();
  EXPECT_EQ(ts_->last_frame_stats().glyphs_requested, 9u);
}

// 1 MiB, scaled by GLYPHSTREAM_TEST_SCALE (percent) like the other suites, so that slow
// sanitizer builds may run a smaller line.
size_t long_line_bytes() {
  const char* env = std::getenv("GLYPHSTREAM_TEST_SCALE");
  const long pct = env ? std::max(1L, std::atol(env)) : 100L;
  return std::max<size_t>(4096, (size_t(1) << 20) * size_t(pct) / 100);
}

TEST_F(BadInput, OneMegabyteLineWithoutSpacesFinishes) {
  make_system();
  begin_with_good_text();
  std::string line(long_line_bytes(), 'x');
  for (size_t i = 0; i < line.size(); ++i) line[i] = char('a' + i % 26);
  const Status s = ts_->draw_text(10, 80, line, style_of("Sans 16px"));
  ASSERT_TRUE(s.ok()) << s.to_string();
  EXPECT_GT(flush_and_count_good_ink(), 50);
  // The visible start of the line is drawn too.
  EXPECT_GT(testing::count_ink(pixels_, kWidth, 10, 80, kWidth, 110, kBackground, 60), 100);
  EXPECT_EQ(ts_->last_frame_stats().glyphs_requested, 9u + line.size());
}

// --- Sizes and families -----------------------------------------------------------------------

TEST_F(BadInput, OutOfRangeFontSizesAreInvalidArguments) {
  make_system();
  begin_with_good_text();
  for (const char* font : {"Sans 0", "Sans 0px", "Sans -5", "Sans -5px", "Sans 10000px",
                           "Sans 10000", "Sans nan", "Sans NaNpx", "Sans inf", "Sans 1e30"}) {
    const Status s = ts_->draw_text(10, 80, "size", style_of(font));
    EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument) << font << ": " << s.to_string();
    EXPECT_NE(s.message().find("size"), std::string::npos) << s.message();
    EXPECT_FALSE(ts_->measure("size", style_of(font)).ok()) << font;
  }
  TextStyle nan_wrap = style_of("Sans 16px");
  nan_wrap.wrap_width = std::nanf("");
  EXPECT_EQ(ts_->draw_text(10, 80, "wrap", nan_wrap).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(ts_->draw_text(std::nanf(""), 80, "pos", style_of("Sans 16px")).code(),
            ErrorCode::kInvalidArgument);
  EXPECT_GT(flush_and_count_good_ink(), 50);
  expect_good_text_exact();
}

TEST_F(BadInput, UnknownFamilyFallsBackAndStatsNameTheServingFont) {
  make_system();
  begin_with_good_text();
  const Status s = ts_->draw_text(10, 80, "fallback", style_of("NoSuchFamilyGlyphstream 24px"));
  ASSERT_TRUE(s.ok()) << s.to_string();
  EXPECT_GT(flush_and_count_good_ink(), 50);
  EXPECT_GT(testing::count_ink(pixels_, kWidth, 10, 80, kWidth, 120, kBackground, 60), 50);
  const std::vector<std::string>& fonts = ts_->last_frame_stats().fonts_used;
  ASSERT_FALSE(fonts.empty());
  for (const std::string& f : fonts) {
    EXPECT_FALSE(f.empty());
    EXPECT_EQ(f.find("NoSuchFamily"), std::string::npos) << f;
  }
}

// --- Fonts ------------------------------------------------------------------------------------

class TempFile {
 public:
  explicit TempFile(const std::vector<uint8_t>& bytes) {
    char name[] = "/tmp/glyphstream-bad-font-XXXXXX";
    const int fd = mkstemp(name);
    path_ = name;
    if (fd >= 0) {
      FILE* f = fdopen(fd, "wb");
      if (!bytes.empty()) std::fwrite(bytes.data(), 1, bytes.size(), f);
      std::fclose(f);
    }
  }
  ~TempFile() { std::remove(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST_F(BadInput, CorruptOrTruncatedFontFileIsFontLoadFailed) {
  const std::vector<uint8_t> font = read_file(font_path());
  ASSERT_GT(font.size(), 4096u);
  make_system();
  begin_with_good_text();

  TempFile truncated(std::vector<uint8_t>(font.begin(), font.begin() + long(font.size() / 3)));
  Status s = ts_->add_font_file(truncated.path());
  EXPECT_EQ(s.code(), ErrorCode::kFontLoadFailed) << s.to_string();
  EXPECT_NE(s.message().find(truncated.path()), std::string::npos) << s.message();

  TempFile header_only(std::vector<uint8_t>(font.begin(), font.begin() + 12));
  s = ts_->add_font_file(header_only.path());
  EXPECT_EQ(s.code(), ErrorCode::kFontLoadFailed) << s.to_string();

  std::vector<uint8_t> garbage(4096);
  for (size_t i = 0; i < garbage.size(); ++i) garbage[i] = uint8_t(i * 131 + 7);
  TempFile corrupt(garbage);
  s = ts_->add_font_file(corrupt.path());
  EXPECT_EQ(s.code(), ErrorCode::kFontLoadFailed) << s.to_string();

  TempFile empty({});
  s = ts_->add_font_file(empty.path());
  EXPECT_EQ(s.code(), ErrorCode::kFontLoadFailed) << s.to_string();

  s = ts_->add_font_file("/nonexistent/glyphstream/font.ttf");
  EXPECT_EQ(s.code(), ErrorCode::kIoError) << s.to_string();

  // Text still lays out and draws with the system fonts afterwards.
  ASSERT_TRUE(ts_->draw_text(10, 80, "after", style_of("Sans 24px")).ok());
  EXPECT_GT(flush_and_count_good_ink(), 50);
  EXPECT_GT(testing::count_ink(pixels_, kWidth, 10, 80, kWidth, 120, kBackground, 60), 50);
}

TEST_F(BadInput, CorruptOrTruncatedFontInMemoryIsFontLoadFailed) {
  const std::vector<uint8_t> font = read_file(font_path());
  ASSERT_GT(font.size(), 4096u);
  text::FontRegistry registry;
  auto expect_fails = [&](std::vector<uint8_t> bytes, const char* what) {
    auto r = registry.register_memory(std::move(bytes), 0);
    ASSERT_FALSE(r.ok()) << what;
    EXPECT_EQ(r.status().code(), ErrorCode::kFontLoadFailed)
        << what << ": " << r.status().to_string();
    EXPECT_FALSE(r.status().message().empty());
  };
  expect_fails({}, "empty");
  expect_fails(std::vector<uint8_t>(font.begin(), font.begin() + 12), "header only");
  expect_fails(std::vector<uint8_t>(font.begin(), font.begin() + long(font.size() / 2)), "half");
  expect_fails(std::vector<uint8_t>(font.begin(), font.end() - 100), "tail cut");
  std::vector<uint8_t> bad_offset = font;
  bad_offset[12 + 8] = 0x7f;  // the first table's offset far past the end
  expect_fails(bad_offset, "table outside the data");
  expect_fails(std::vector<uint8_t>(100, 0xAB), "garbage");
  auto bad_index = registry.register_memory(font, 5);
  EXPECT_FALSE(bad_index.ok());
  EXPECT_EQ(registry.register_memory(font, -1).status().code(), ErrorCode::kInvalidArgument);
  // The intact font still registers.
  EXPECT_TRUE(registry.register_memory(font, 0).ok());

  // Nothing of the above touches a frame in flight.
  make_system();
  begin_with_good_text();
  EXPECT_GT(flush_and_count_good_ink(), 50);
  expect_good_text_exact();
}

// --- Atlas ------------------------------------------------------------------------------------

TEST_F(BadInput, GlyphLargerThanAnyPageIsDrawnFromASmallerRaster) {
  TextSystemDesc desc;
  desc.page_width = 64;
  desc.page_max_height = 64;
  make_system(desc);
  begin_with_good_text();
  const Status s = ts_->draw_text(200, 0, "W", style_of("Sans 150px"));
  ASSERT_TRUE(s.ok()) << s.to_string();
  EXPECT_TRUE(ts_->commit().ok());
  EXPECT_GT(flush_and_count_good_ink(), 50);
  expect_good_text_exact();
  // Drawn (was skipped with a raster error): rasterized at the largest size that fits a page
  // and scaled up to 150 px (pipeline/glyph_fit.h; the 3000 px case: hostile_engine_test).
  const FrameStats& st = ts_->last_frame_stats();
  EXPECT_EQ(st.raster_errors, 0u);
  EXPECT_GT(testing::count_ink(pixels_, kWidth, 200, 0, kWidth, kHeight, kBackground, 60), 1000);
  // Still usable: the next frame draws normally.
  begin_with_good_text();
  EXPECT_GT(flush_and_count_good_ink(), 50);
}

TEST_F(BadInput, FullAtlasWithEverythingPinnedDrawsEverything) {
  TextSystemDesc desc;
  desc.page_width = 128;
  desc.page_max_height = 128;
  desc.atlas_budget_bytes = 128 * 128;  // one coverage page
  make_system(desc);
  begin_with_good_text();
  // Far more distinct glyphs than one 128 x 128 page holds, all in this frame.
  std::string many;
  for (char32_t c = 0x4E00; c < 0x4E00 + 160; ++c) {
    many += char(0xE0 | (c >> 12));
    many += char(0x80 | ((c >> 6) & 0x3F));
    many += char(0x80 | (c & 0x3F));
  }
  TextStyle cjk = style_of("Sans 20px");
  cjk.wrap_width = kWidth - 20;
  ASSERT_TRUE(ts_->draw_text(10, 50, many, cjk).ok());
  EXPECT_TRUE(ts_->commit().ok());
  EXPECT_GT(flush_and_count_good_ink(), 50);
  const FrameStats& st = ts_->last_frame_stats();
  EXPECT_GE(st.mid_frame_flushes, 1u);
  EXPECT_EQ(st.raster_errors, 0u);
  EXPECT_GT(testing::count_ink(pixels_, kWidth, 0, 50, kWidth, kHeight, kBackground, 60), 500);
}

TEST_F(BadInput, PageAllocationFailureIsOutOfMemoryAndLosesNothing) {
  TextSystemDesc desc;
  desc.threads = 1;
  make_system(desc);
  begin_with_good_text();
  ASSERT_TRUE(ts_->commit().ok());  // the good text is resident in the first page
  // Colour glyphs need a new RGBA page (1024 x 256 x 4 bytes): make that allocation fail.
  ASSERT_TRUE(ts_->draw_text(10, 80, "\xF0\x9F\x98\x80 emoji", style_of("Sans 32px")).ok());
  g_fail_alloc_at_least = 512 * 1024;
  atlas::set_page_allocation_failure_for_testing(512 * 1024);  // pages come from calloc
  const Status s = ts_->commit();
  atlas::set_page_allocation_failure_for_testing(0);
  g_fail_alloc_at_least = 0;
  EXPECT_EQ(s.code(), ErrorCode::kOutOfMemory) << s.to_string();
  EXPECT_NE(s.message().find("out of memory"), std::string::npos) << s.message();
  EXPECT_GT(flush_and_count_good_ink(), 50);
  expect_good_text_exact();
  // And the system recovers: the next frame draws the colour glyph.
  begin_with_good_text();
  ASSERT_TRUE(ts_->draw_text(10, 80, "\xF0\x9F\x98\x80", style_of("Sans 32px")).ok());
  EXPECT_GT(flush_and_count_good_ink(), 50);
  EXPECT_GT(testing::count_ink(pixels_, kWidth, 10, 80, 60, 130, kBackground, 60), 50);
}

// --- GL and EGL -------------------------------------------------------------------------------

TEST(BadInputGl, CreateWithoutACurrentContextIsAClearError) {
  // Each test runs in its own process (gtest_discover_tests): nothing is current yet.
  ASSERT_EQ(eglGetCurrentContext(), EGL_NO_CONTEXT);
  auto ts = TextSystem::create({});
  ASSERT_FALSE(ts.ok());
  EXPECT_EQ(ts.status().code(), ErrorCode::kContextFailed) << ts.status().to_string();
  EXPECT_NE(ts.status().message().find("no OpenGL context is current"), std::string::npos);
}

TEST_F(BadInput, NoEglDisplayAndImpossibleContextAreClearErrors) {
  make_system();
  begin_with_good_text();
  // An impossible framebuffer.
  auto huge = HeadlessGl::create({100000, 100000});
  ASSERT_FALSE(huge.ok());
  EXPECT_EQ(huge.status().code(), ErrorCode::kInvalidArgument) << huge.status().to_string();
  // No platform matches: no display at all.
  setenv("GLYPHSTREAM_EGL_PLATFORM", "no-such-platform", 1);
  auto none = HeadlessGl::create({64, 64});
  unsetenv("GLYPHSTREAM_EGL_PLATFORM");
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().code(), ErrorCode::kNoDisplay) << none.status().to_string();
  // The failed attempts left our context current and the frame intact.
  EXPECT_GT(flush_and_count_good_ink(), 50);
  expect_good_text_exact();
}

TEST_F(BadInput, WrongContextCurrentIsContextFailedAndLosesNothing) {
  make_system();
  begin_with_good_text();
  ASSERT_TRUE(ts_->draw_text(10, 80, "queued", style_of("Sans 24px")).ok());
  // Another context becomes current (an application bug): GL calls must not go to it.
  auto other = HeadlessGl::create({32, 32});
  ASSERT_TRUE(other.ok()) << other.status().to_string();
  ASSERT_TRUE((*other)->make_current().ok());
  const Status s = ts_->commit();
  EXPECT_EQ(s.code(), ErrorCode::kContextFailed) << s.to_string();
  EXPECT_NE(s.message().find("different GL context"), std::string::npos) << s.message();
  // Back on the right context, the frame completes with everything queued.
  ASSERT_TRUE(gl_->make_current().ok());
  EXPECT_GT(flush_and_count_good_ink(), 50);
  expect_good_text_exact();
  EXPECT_GT(testing::count_ink(pixels_, kWidth, 10, 80, kWidth, 120, kBackground, 60), 50);
}

TEST_F(BadInput, GlErrorsLeftByTheApplicationAreNotBlamedOnGlyphstream) {
  make_system();
  begin_with_good_text();
  // Provoke GL_INVALID_ENUM through a tiny foreign call.
  auto enable = reinterpret_cast<void (*)(unsigned)>(eglGetProcAddress("glEnable"));
  ASSERT_NE(enable, nullptr);
  enable(0xFFFFu);
  const Status s = ts_->commit();
  EXPECT_TRUE(s.ok()) << s.to_string();
  EXPECT_GT(flush_and_count_good_ink(), 50);
  expect_good_text_exact();
}

// HeadlessGl::clear and read_pixels act on their own context whatever is current (they make it
// current for the call and restore the caller's), and never on another context's framebuffer.
TEST(BadInputGl, HeadlessClearAndReadPixelsActOnTheirOwnContextAndRestoreTheCurrentOne) {
  auto a = HeadlessGl::create({8, 8});
  auto b = HeadlessGl::create({8, 8});
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_TRUE((*b)->make_current().ok());
  (*b)->clear(0, 1, 0, 1);
  const EGLContext b_context = eglGetCurrentContext();
  (*a)->clear(1, 0, 0, 1);  // b is current: must clear a, not b
  EXPECT_EQ(eglGetCurrentContext(), b_context);
  std::vector<uint8_t> pixels;
  ASSERT_TRUE((*a)->read_pixels(&pixels).ok());
  EXPECT_EQ(eglGetCurrentContext(), b_context);
  ASSERT_EQ(pixels.size(), 8u * 8u * 4u);
  EXPECT_EQ(pixels[0], 255);  // a's red, not b's green
  EXPECT_EQ(pixels[1], 0);
  ASSERT_TRUE((*b)->read_pixels(&pixels).ok());
  EXPECT_EQ(pixels[0], 0);  // b kept its green
  EXPECT_EQ(pixels[1], 255);
  // No context current: a's is used and none is current afterwards.
  ASSERT_TRUE(
      eglMakeCurrent(eglGetCurrentDisplay(), EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT));
  ASSERT_TRUE((*a)->read_pixels(&pixels).ok());
  EXPECT_EQ(pixels[0], 255);
  EXPECT_EQ(eglGetCurrentContext(), EGL_NO_CONTEXT);
  // a current on another thread: it cannot be used here, and says so.
  ASSERT_TRUE((*b)->make_current().ok());
  std::promise<void> held, done;
  std::thread holder([&] {
    const bool ok = (*a)->make_current().ok();
    held.set_value();
    done.get_future().wait();
    if (ok) eglMakeCurrent(eglGetCurrentDisplay(), EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT);
  });
  held.get_future().wait();
  const Status busy = (*a)->read_pixels(&pixels);
  done.set_value();
  holder.join();
  EXPECT_EQ(busy.code(), ErrorCode::kContextFailed) << busy.to_string();
  EXPECT_EQ(eglGetCurrentContext(), b_context);
}

}  // namespace
}  // namespace glyphstream
