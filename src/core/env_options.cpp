#include "core/env_options.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <set>
#include <string_view>

namespace glyphstream {
namespace {

// Quotes a value for a message: printable ASCII as is, anything else as \xNN, at most 40 bytes.
std::string quoted(std::string_view value) {
  std::string out = "'";
  for (size_t i = 0; i < value.size() && i < 40; ++i) {
    const unsigned char c = static_cast<unsigned char>(value[i]);
    if (c >= 0x20 && c < 0x7f && c != '\'') {
      out += char(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  if (value.size() > 40) out += "...";
  return out + "'";
}

// The variables whose warning was printed, by the library or by a tool.
std::mutex& warned_mutex() {
  static std::mutex m;
  return m;
}
std::set<std::string>& warned() {
  static std::set<std::string> names;
  return names;
}

// True the first time for `variable` in this process.
bool first_warning(const char* variable) {
  std::lock_guard lock(warned_mutex());
  return warned().insert(variable).second;
}

void warn_once(const char* variable, const std::string& warning) {
  if (warning.empty() || !first_warning(variable)) return;
  std::fprintf(stderr, "glyphstream: warning: %s\n", warning.c_str());
}

// Reads `variable`, parses it with `parse` and warns once when the value is not understood.
template <typename Parse>
auto read_env(const char* variable, Parse parse) {
  std::string warning;
  auto value = parse(std::getenv(variable), &warning);
  warn_once(variable, warning);
  return value;
}

// An on/off switch: "1" on, "0" or "" off; `use` says what the values mean.
std::optional<bool> parse_switch(const char* name, const char* value, const char* use,
                                 std::string* warning) {
  if (value == nullptr) return std::nullopt;
  const std::string_view v(value);
  if (v == "1") return true;
  if (v == "0" || v.empty()) return false;
  if (warning != nullptr) {
    *warning = std::string(name) + "=" + quoted(v) + " is not understood (" + use + "); ignored";
  }
  return std::nullopt;
}

}  // namespace

std::optional<bool> parse_sync_uploads_env(const char* value, std::string* warning) {
  return parse_switch("GLYPHSTREAM_SYNC_UPLOADS", value,
                      "use 1 for synchronous uploads, 0 for asynchronous", warning);
}

std::optional<bool> parse_gl_debug_env(const char* value, std::string* warning) {
  return parse_switch("GLYPHSTREAM_GL_DEBUG", value,
                      "use 1 to print the GL driver's debug messages, 0 not to", warning);
}

std::optional<bool> parse_render_into_pages_env(const char* value, std::string* warning) {
  return parse_switch("GLYPHSTREAM_RENDER_INTO_PAGES", value,
                      "use 1 to render on the workers straight into the pages, 0 for bitmaps",
                      warning);
}

std::optional<bool> parse_vk_validation_env(const char* value, std::string* warning) {
  return parse_switch("GLYPHSTREAM_VK_VALIDATION", value,
                      "use 1 for the Vulkan validation layer, 0 for none", warning);
}

std::optional<std::string> parse_vk_upload_path_env(const char* value, std::string* warning) {
  if (value == nullptr || *value == '\0') return std::nullopt;
  const std::string_view v(value);
  if (v == "graphics" || v == "separate" || v == "auto") return std::string(v);
  if (warning != nullptr) {
    *warning = "GLYPHSTREAM_VK_UPLOAD_PATH=" + quoted(v) +
               " is not understood (use graphics, separate or auto); ignored (using auto)";
  }
  return std::nullopt;
}

std::optional<int> parse_threads_env(const char* value, std::string* warning) {
  if (value == nullptr || *value == '\0') return std::nullopt;
  char* end = nullptr;
  errno = 0;
  const long v = std::strtol(value, &end, 10);
  if (end != value && *end == '\0' && errno == 0 && v >= 1 && v <= 256) return int(v);
  if (warning != nullptr) {
    *warning = "GLYPHSTREAM_THREADS=" + quoted(value) +
               " is not a thread count 1..256; ignored (using every core)";
  }
  return std::nullopt;
}

std::optional<GpuApi> parse_backend_env(const char* value, std::string* warning) {
  if (value == nullptr || *value == '\0') return std::nullopt;
  GpuApi api = GpuApi::kGl;
  if (parse_gpu_api(value, &api)) return api;
  if (warning != nullptr) {
    *warning = "GLYPHSTREAM_BACKEND=" + quoted(value) +
               " is not understood (use gl or vulkan); ignored (using the description's backend)";
  }
  return std::nullopt;
}

bool sync_uploads_from_environment() {
  return read_env("GLYPHSTREAM_SYNC_UPLOADS", parse_sync_uploads_env).value_or(false);
}

bool gl_debug_from_environment() {
  return read_env("GLYPHSTREAM_GL_DEBUG", parse_gl_debug_env).value_or(false);
}

std::optional<bool> render_into_pages_from_environment() {
  return read_env("GLYPHSTREAM_RENDER_INTO_PAGES", parse_render_into_pages_env);
}

bool vk_validation_from_environment() {
  return read_env("GLYPHSTREAM_VK_VALIDATION", parse_vk_validation_env).value_or(false);
}

std::optional<int> threads_from_environment() {
  return read_env("GLYPHSTREAM_THREADS", parse_threads_env);
}

std::optional<GpuApi> backend_from_environment() {
  return read_env("GLYPHSTREAM_BACKEND", parse_backend_env);
}

std::optional<std::string> vk_upload_path_from_environment() {
  return read_env("GLYPHSTREAM_VK_UPLOAD_PATH", parse_vk_upload_path_env);
}

std::string vk_device_from_environment() {
  const char* v = std::getenv("GLYPHSTREAM_VK_DEVICE");
  return v ? v : "";
}

std::string egl_platform_from_environment() {
  const char* v = std::getenv("GLYPHSTREAM_EGL_PLATFORM");
  return v ? v : "";
}

void note_env_warning_printed(const char* variable) { first_warning(variable); }

}  // namespace glyphstream
