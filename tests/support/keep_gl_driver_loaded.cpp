// Linked into every test binary that uses OpenGL. LeakSanitizer checks at exit, after EGL has
// dlclose()d Mesa's driver: whatever the driver's globals held then looks leaked ("unknown
// module"). Loading the driver first with RTLD_NODELETE keeps it mapped, and those reports
// vanish with no suppression. Harmless where the driver is absent (the NVIDIA machine).
#include <dlfcn.h>

#include <cstdlib>
#include <string>

namespace {

[[maybe_unused]] const bool g_dri_kept_loaded = [] {
  const char* dir = std::getenv("LIBGL_DRIVERS_PATH");
  const std::string path =
      std::string(dir ? dir : "/usr/lib/x86_64-linux-gnu/dri") + "/swrast_dri.so";
  return dlopen(path.c_str(), RTLD_NOW | RTLD_GLOBAL | RTLD_NODELETE) != nullptr;
}();

}  // namespace
