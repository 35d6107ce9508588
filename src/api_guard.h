// No exception leaves the library: the public entry points of TextSystem and TextRenderer run
// their bodies through guarded().
#pragma once

#include <exception>
#include <new>
#include <string>

#include "glyphstream/status.h"

namespace glyphstream {

template <typename Fn>
auto guarded(const char* what, Fn&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const std::bad_alloc&) {
    return Status(ErrorCode::kOutOfMemory, std::string(what) + ": out of memory");
  } catch (const std::exception& e) {
    return Status(ErrorCode::kInternal, std::string(what) + ": " + e.what());
  } catch (...) {
    return Status(ErrorCode::kInternal, std::string(what) + ": unknown exception");
  }
}

}  // namespace glyphstream
