#include "core/env_options.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
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

void warn_once(std::once_flag& once, const std::string& warning) {
  if (warning.empty()) return;
  std::call_once(once,
                 [&] { std::fprintf(stderr, "glyphstream: warning: %s\n", warning.c_str()); });
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
  static std::once_flag once;
  std::string warning;
  const std::optional<bool> sync =
      parse_sync_uploads_env(std::getenv("GLYPHSTREAM_SYNC_UPLOADS"), &warning);
  warn_once(once, warning);
  return sync.value_or(false);
}

bool gl_debug_from_environment() {
  static std::once_flag once;
  std::string warning;
  const std::optional<bool> debug =
      parse_gl_debug_env(std::getenv("GLYPHSTREAM_GL_DEBUG"), &warning);
  warn_once(once, warning);
  return debug.value_or(false);
}

std::optional<int> threads_from_environment() {
  static std::once_flag once;
  std::string warning;
  const std::optional<int> threads =
      parse_threads_env(std::getenv("GLYPHSTREAM_THREADS"), &warning);
  warn_once(once, warning);
  return threads;
}

std::optional<GpuApi> backend_from_environment() {
  static std::once_flag once;
  std::string warning;
  const std::optional<GpuApi> api = parse_backend_env(std::getenv("GLYPHSTREAM_BACKEND"), &warning);
  warn_once(once, warning);
  return api;
}

}  // namespace glyphstream
