#include "core/env_options.h"

#include <gtest/gtest.h>

namespace glyphstream {
namespace {

// Values that are understood give a setting and no warning; any other value gives none and a
// warning naming the variable and the value (control bytes escaped).
TEST(EnvOptions, UnderstoodValuesAndWarningsForTheRest) {
  std::string w;
  EXPECT_FALSE(parse_sync_uploads_env(nullptr, &w).has_value());
  EXPECT_EQ(parse_sync_uploads_env("1", &w), true);
  EXPECT_EQ(parse_sync_uploads_env("0", &w), false);
  EXPECT_EQ(parse_sync_uploads_env("", &w), false);
  EXPECT_TRUE(w.empty()) << w;
  EXPECT_FALSE(parse_sync_uploads_env("yes", &w).has_value());
  EXPECT_NE(w.find("GLYPHSTREAM_SYNC_UPLOADS='yes'"), std::string::npos) << w;

  w.clear();
  EXPECT_EQ(parse_gl_debug_env("1", &w), true);
  EXPECT_EQ(parse_gl_debug_env("0", &w), false);
  EXPECT_TRUE(w.empty()) << w;
  EXPECT_FALSE(parse_gl_debug_env("on", &w).has_value());
  EXPECT_NE(w.find("GLYPHSTREAM_GL_DEBUG='on'"), std::string::npos) << w;

  w.clear();
  EXPECT_FALSE(parse_threads_env(nullptr, &w).has_value());
  EXPECT_FALSE(parse_threads_env("", &w).has_value());
  EXPECT_EQ(parse_threads_env("1", &w), 1);
  EXPECT_EQ(parse_threads_env("256", &w), 256);
  EXPECT_TRUE(w.empty()) << w;
  for (const char* bad : {"0", "257", "-3", "4x", "many", "99999999999999999999"}) {
    w.clear();
    EXPECT_FALSE(parse_threads_env(bad, &w).has_value()) << bad;
    EXPECT_NE(w.find("GLYPHSTREAM_THREADS='"), std::string::npos) << bad << ": " << w;
  }
  w.clear();
  EXPECT_FALSE(parse_threads_env("\n!x", &w).has_value());
  EXPECT_NE(w.find("\\x0a!x"), std::string::npos) << w;
}

TEST(EnvOptions, BackendNamesAndWarningsForTheRest) {
  std::string w;
  EXPECT_FALSE(parse_backend_env(nullptr, &w).has_value());
  EXPECT_FALSE(parse_backend_env("", &w).has_value());
  EXPECT_EQ(parse_backend_env("gl", &w), GpuApi::kGl);
  EXPECT_EQ(parse_backend_env("vulkan", &w), GpuApi::kVulkan);
  EXPECT_TRUE(w.empty()) << w;
  for (const char* bad : {"GL", "vk", "vulkan ", "metal"}) {
    w.clear();
    EXPECT_FALSE(parse_backend_env(bad, &w).has_value()) << bad;
    EXPECT_NE(w.find("GLYPHSTREAM_BACKEND='"), std::string::npos) << bad << ": " << w;
  }
}

}  // namespace
}  // namespace glyphstream
