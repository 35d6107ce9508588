#include "text/font_registry.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <thread>

namespace glyphstream::text {
namespace {

constexpr const char* kDejaVu = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
constexpr const char* kWqy = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc";

std::vector<uint8_t> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

TEST(FontRegistryTest, RegisterFileDedups) {
  FontRegistry reg;
  FaceId a = reg.register_file(kDejaVu, 0, "DejaVu Sans");
  FaceId b = reg.register_file(kDejaVu, 0, "other name");
  FaceId c = reg.register_file(kWqy, 0, "WenQuanYi Micro Hei");
  FaceId d = reg.register_file(kWqy, 1, "WenQuanYi Micro Hei Mono");
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  EXPECT_NE(c, d);
  EXPECT_EQ(reg.size(), 3u);
  FaceSource s = reg.source(d);
  EXPECT_EQ(s.path, kWqy);
  EXPECT_EQ(s.face_index, 1);
  EXPECT_EQ(s.family, "WenQuanYi Micro Hei Mono");
  EXPECT_EQ(reg.source(a).family, "DejaVu Sans");  // the first registration names it
  EXPECT_FALSE(s.data);
}

TEST(FontRegistryTest, UnknownIdGivesEmptySource) {
  FontRegistry reg;
  FaceSource s = reg.source(42);
  EXPECT_TRUE(s.path.empty());
  EXPECT_FALSE(s.data);
}

TEST(FontRegistryTest, RegisterMemoryValidFont) {
  FontRegistry reg;
  std::vector<uint8_t> bytes = read_file(kDejaVu);
  ASSERT_FALSE(bytes.empty());
  auto id = reg.register_memory(bytes, 0);
  ASSERT_TRUE(id.ok()) << id.status().to_string();
  FaceSource s = reg.source(*id);
  ASSERT_TRUE(s.data);
  EXPECT_EQ(*s.data, bytes);
  EXPECT_TRUE(s.path.empty());
  EXPECT_EQ(s.family, "DejaVu Sans");
  // Collections: the second face of the WenQuanYi .ttc.
  auto mono = reg.register_memory(read_file(kWqy), 1);
  ASSERT_TRUE(mono.ok()) << mono.status().to_string();
  EXPECT_NE(reg.source(*mono).family.find("Mono"), std::string::npos) << reg.source(*mono).family;
}

TEST(FontRegistryTest, RegisterMemoryRejectsCorruptAndTruncatedFonts) {
  FontRegistry reg;
  const std::vector<uint8_t> good = read_file(kDejaVu);
  ASSERT_GT(good.size(), 1000u);
  auto expect_rejected = [&](std::vector<uint8_t> bytes, int index, const char* what) {
    auto id = reg.register_memory(std::move(bytes), index);
    EXPECT_FALSE(id.ok()) << what;
    if (!id.ok()) {
      EXPECT_EQ(id.status().code(),
                index < 0 ? ErrorCode::kInvalidArgument : ErrorCode::kFontLoadFailed)
          << what;
      EXPECT_FALSE(id.status().message().empty()) << what;
    }
  };
  expect_rejected({}, 0, "empty");
  expect_rejected({1, 2, 3}, 0, "three bytes");
  expect_rejected(std::vector<uint8_t>(good.begin(), good.begin() + good.size() / 2), 0, "half");
  expect_rejected(std::vector<uint8_t>(good.begin(), good.end() - 1), 0, "one byte short");
  expect_rejected(std::vector<uint8_t>(good.begin(), good.begin() + 100), 0, "header only");
  expect_rejected(std::vector<uint8_t>(4096, 0xAB), 0, "garbage");
  std::vector<uint8_t> zeroed_dir = good;
  std::fill(zeroed_dir.begin() + 12, zeroed_dir.begin() + 200, 0xFF);
  expect_rejected(zeroed_dir, 0, "corrupt table directory");
  expect_rejected(good, 3, "face index past a single-face font");
  expect_rejected(good, -1, "negative face index");
  EXPECT_EQ(reg.size(), 0u);  // nothing half-registered
}

TEST(FontRegistryTest, ConcurrentRegistration) {
  FontRegistry reg;
  std::vector<FaceId> ids[4];
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        ids[t].push_back(reg.register_file("/fonts/f" + std::to_string(i % 50) + ".ttf", 0, "F"));
        (void)reg.source(ids[t].back());
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(reg.size(), 50u);
  for (int t = 1; t < 4; ++t) EXPECT_EQ(ids[t], ids[0]);
}

}  // namespace
}  // namespace glyphstream::text
