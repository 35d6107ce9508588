#include "glyphstream/status.h"

namespace glyphstream {

std::string_view error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk:
      return "ok";
    case ErrorCode::kInvalidArgument:
      return "invalid_argument";
    case ErrorCode::kInvalidUtf8:
      return "invalid_utf8";
    case ErrorCode::kFontNotFound:
      return "font_not_found";
    case ErrorCode::kFontLoadFailed:
      return "font_load_failed";
    case ErrorCode::kOutOfMemory:
      return "out_of_memory";
    case ErrorCode::kGpuError:
      return "gpu_error";
    case ErrorCode::kNoDisplay:
      return "no_display";
    case ErrorCode::kContextFailed:
      return "context_failed";
    case ErrorCode::kIoError:
      return "io_error";
    case ErrorCode::kUnsupported:
      return "unsupported";
    case ErrorCode::kInternal:
      return "internal";
    case ErrorCode::kWrongThread:
      return "wrong_thread";
    case ErrorCode::kTimeout:
      return "timeout";
    case ErrorCode::kClosed:
      return "closed";
  }
  return "unknown";
}

std::string Status::to_string() const {
  if (ok()) return "ok";
  std::string s(error_code_name(code_));
  s += ": ";
  s += message_;
  return s;
}

}  // namespace glyphstream
