// Linked into every GPU test binary (and the tools in sanitizer builds), for the same reason as
// tests/support/ keep_gl_driver_loaded.cpp: the Vulkan loader dlclose()s lavapipe and the
// validation layer when the instance goes, and LeakSanitizer, checking at exit, then reports what
// their globals held as leaks from an "unknown module". Loading both first with RTLD_NODELETE keeps
// them mapped, and those reports vanish with no suppression. Harmless where they are absent.
#include <dlfcn.h>

#include <initializer_list>

namespace {

[[maybe_unused]] const bool g_vulkan_kept_loaded = [] {
  bool any = false;
  for (const char* lib : {"libvulkan_lvp.so", "libVkLayer_khronos_validation.so"}) {
    any |= dlopen(lib, RTLD_NOW | RTLD_GLOBAL | RTLD_NODELETE) != nullptr;
  }
  return any;
}();

}  // namespace
