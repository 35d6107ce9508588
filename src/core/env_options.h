// The environment switches glyphstream honours (GLYPHSTREAM_SYNC_UPLOADS, GLYPHSTREAM_THREADS,
// GLYPHSTREAM_BACKEND, GLYPHSTREAM_GL_DEBUG, GLYPHSTREAM_VK_VALIDATION,
// GLYPHSTREAM_VK_UPLOAD_PATH, GLYPHSTREAM_VK_DEVICE, GLYPHSTREAM_EGL_PLATFORM,
// GLYPHSTREAM_RENDER_INTO_PAGES): every getenv
// of the library is here.
// A value that is not understood is ignored, but never silently: the parser says why, and the
// *_from_environment() readers print that once per process and variable on stderr (a tool that
// printed it already calls note_env_warning_printed, so the library does not repeat it).
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
// GLYPHSTREAM_RENDER_INTO_PAGES: "1" makes the rasterizer workers render grey glyphs straight
// into the atlas pages (issue 26), "0" or "" keeps their bitmaps; the same grammar as
// GLYPHSTREAM_SYNC_UPLOADS.
std::optional<bool> parse_render_into_pages_env(const char* value, std::string* warning);
// GLYPHSTREAM_THREADS: a decimal integer 1..256. Unset or "" gives nullopt; any other value
// gives nullopt and a warning.
std::optional<int> parse_threads_env(const char* value, std::string* warning);

// GLYPHSTREAM_BACKEND: "gl" or "vulkan". Unset or "" gives nullopt; any other value gives
// nullopt and a warning.
std::optional<GpuApi> parse_backend_env(const char* value, std::string* warning);

// GLYPHSTREAM_VK_VALIDATION: the Khronos validation layer on every VulkanContext; the same
// grammar as GLYPHSTREAM_SYNC_UPLOADS ("off", "no", "false" are not understood: warned, off).
std::optional<bool> parse_vk_validation_env(const char* value, std::string* warning);
// GLYPHSTREAM_VK_UPLOAD_PATH: "graphics", "separate" or "auto" (returned as given). Unset or ""
// gives nullopt; any other value gives nullopt and a warning.
std::optional<std::string> parse_vk_upload_path_env(const char* value, std::string* warning);

// Reads the variable with std::getenv and prints a warning on stderr (once) when it is not
// understood. The switches are false unless set to 1.
bool sync_uploads_from_environment();
bool gl_debug_from_environment();
bool vk_validation_from_environment();
std::optional<bool> render_into_pages_from_environment();  // nullopt: unset
std::optional<int> threads_from_environment();
std::optional<GpuApi> backend_from_environment();
std::optional<std::string> vk_upload_path_from_environment();
// Free-form switches, returned as set ("" when unset): GLYPHSTREAM_VK_DEVICE (a substring of the
// device name) and GLYPHSTREAM_EGL_PLATFORM (device, surfaceless or default; HeadlessGl says in
// its error when the value names no platform).
std::string vk_device_from_environment();
std::string egl_platform_from_environment();

// Marks `variable`'s warning as printed (the tools print the warnings of read_environment with
// their own name): the library's readers above then stay silent about it.
void note_env_warning_printed(const char* variable);

}  // namespace glyphstream
