// The environment switches glyphstream honours (GLYPHSTREAM_SYNC_UPLOADS, GLYPHSTREAM_THREADS,
// GLYPHSTREAM_BACKEND, GLYPHSTREAM_GL_DEBUG).
// A value that is not understood is ignored, but never silently: the parser says why, and the
// *_from_environment() readers print that once per process on stderr.
#pragma once

#include <optional>
#include <string>

#include "glyphstream/types.h"

namespace glyphstream {

// GLYPHSTREAM_SYNC_UPLOADS: "1" selects synchronous uploads, "0" or "" asynchronous ones.
// Unset (null) gives nullopt; any other value gives nullopt and a warning.
std::optional<bool> parse_sync_uploads_env(const char* value, std::string* warning);
// GLYPHSTREAM_GL_DEBUG: "1" makes HeadlessGl print the GL driver's debug messages; the same
// grammar as GLYPHSTREAM_SYNC_UPLOADS.
std::optional<bool> parse_gl_debug_env(const char* value, std::string* warning);
// GLYPHSTREAM_THREADS: a decimal integer 1..256. Unset or "" gives nullopt; any other value
// gives nullopt and a warning.
std::optional<int> parse_threads_env(const char* value, std::string* warning);

// GLYPHSTREAM_BACKEND: "gl" or "vulkan". Unset or "" gives nullopt; any other value gives
// nullopt and a warning.
std::optional<GpuApi> parse_backend_env(const char* value, std::string* warning);

// Reads the variable with std::getenv and prints a warning on stderr (once) when it is not
// understood. The two switches are false unless set to 1.
bool sync_uploads_from_environment();
bool gl_debug_from_environment();
std::optional<int> threads_from_environment();
std::optional<GpuApi> backend_from_environment();

}  // namespace glyphstream
