#include "core/env_options.h"

#include <gtest/gtest.h>

#include <cstdlib>

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
  EXPECT_FALSE(parse_render_into_pages_env(nullptr, &w).has_value());
  EXPECT_EQ(parse_render_into_pages_env("1", &w), true);
  EXPECT_EQ(parse_render_into_pages_env("", &w), false);
  EXPECT_TRUE(w.empty()) << w;
  EXPECT_FALSE(parse_render_into_pages_env("yes", &w).has_value());
  EXPECT_NE(w.find("GLYPHSTREAM_RENDER_INTO_PAGES='yes'"), std::string::npos) << w;

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

// Issue 23: "off", "no", "false" turned validation on (any value but "0" did).
TEST(EnvOptions, VkValidationTakesTheSwitchGrammar) {
  std::string w;
  EXPECT_FALSE(parse_vk_validation_env(nullptr, &w).has_value());
  EXPECT_EQ(parse_vk_validation_env("1", &w), true);
  EXPECT_EQ(parse_vk_validation_env("0", &w), false);
  EXPECT_EQ(parse_vk_validation_env("", &w), false);
  EXPECT_TRUE(w.empty()) << w;
  for (const char* bad : {"off", "no", "false", "on", "2"}) {
    w.clear();
    EXPECT_FALSE(parse_vk_validation_env(bad, &w).has_value()) << bad;
    EXPECT_NE(w.find("GLYPHSTREAM_VK_VALIDATION='" + std::string(bad) + "'"), std::string::npos)
        << w;
  }
}

// Issue 23: an unknown upload path was taken as auto without a word.
TEST(EnvOptions, VkUploadPathNamesAndWarningsForTheRest) {
  std::string w;
  EXPECT_FALSE(parse_vk_upload_path_env(nullptr, &w).has_value());
  EXPECT_FALSE(parse_vk_upload_path_env("", &w).has_value());
  for (const char* good : {"graphics", "separate", "auto"}) {
    EXPECT_EQ(parse_vk_upload_path_env(good, &w), std::string(good));
  }
  EXPECT_TRUE(w.empty()) << w;
  for (const char* bad : {"Graphics", "transfer", "graphics "}) {
    w.clear();
    EXPECT_FALSE(parse_vk_upload_path_env(bad, &w).has_value()) << bad;
    EXPECT_NE(w.find("GLYPHSTREAM_VK_UPLOAD_PATH='"), std::string::npos) << bad << ": " << w;
  }
}

// One warning per variable and process, whoever reads it: the readers repeat nothing, and a
// warning a tool printed (note_env_warning_printed) is not printed again by the library.
TEST(EnvOptions, EachVariableIsWarnedAboutOnce) {
  setenv("GLYPHSTREAM_VK_UPLOAD_PATH", "sideways", 1);
  testing::internal::CaptureStderr();
  EXPECT_FALSE(vk_upload_path_from_environment().has_value());
  EXPECT_FALSE(vk_upload_path_from_environment().has_value());
  std::string printed = testing::internal::GetCapturedStderr();
  unsetenv("GLYPHSTREAM_VK_UPLOAD_PATH");
  const std::string warning = "GLYPHSTREAM_VK_UPLOAD_PATH='sideways' is not understood";
  const size_t first = printed.find(warning);
  ASSERT_NE(first, std::string::npos) << printed;
  EXPECT_EQ(printed.find(warning, first + 1), std::string::npos) << printed;

  note_env_warning_printed("GLYPHSTREAM_BACKEND");
  setenv("GLYPHSTREAM_BACKEND", "metal", 1);
  testing::internal::CaptureStderr();
  EXPECT_FALSE(backend_from_environment().has_value());
  printed = testing::internal::GetCapturedStderr();
  unsetenv("GLYPHSTREAM_BACKEND");
  EXPECT_EQ(printed, "");

  setenv("GLYPHSTREAM_VK_DEVICE", "llvmpipe", 1);
  EXPECT_EQ(vk_device_from_environment(), "llvmpipe");
  unsetenv("GLYPHSTREAM_VK_DEVICE");
  EXPECT_EQ(vk_device_from_environment(), "");
}

}  // namespace
}  // namespace glyphstream
