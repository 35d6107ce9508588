// The error model at the API boundary: no exception leaves the library. Every fallible call
// returns a Status (or a Result<T>, a value or a Status), the same way everywhere.
#pragma once

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace glyphstream {

// Every code is returned somewhere. A glyph that cannot be placed (larger than a page, or no
// space even after the automatic mid-frame flush) is not an error of the call: it is drawn as
// nothing and counted in FrameStats::raster_errors with its reason.
enum class ErrorCode {
  kOk = 0,
  kInvalidArgument,  // a parameter is out of range (size 0, negative, absurd)
  kInvalidUtf8,      // text is not valid UTF-8
  kFontNotFound,     // no font matches and no fallback exists
  kFontLoadFailed,   // a font file or blob is corrupt, truncated or unreadable
  kOutOfMemory,      // an allocation failed (page, staging, texture)
  kGpuError,         // the GL driver reported an error
  kNoDisplay,        // no EGL display could be opened
  kContextFailed,    // a GL context could not be created or made current
  kIoError,          // a file could not be read or written
  kUnsupported,      // the driver lacks something required
  kInternal,         // a bug: an invariant did not hold
  kWrongThread,      // an object was used from a thread other than its owner
  kTimeout,          // render-thread mode: the other thread did not answer in time
  kClosed,           // render-thread mode: the other side (TextSystem / TextRenderer) is gone
};

// Stable lower-case name of a code, for messages and JSON.
std::string_view error_code_name(ErrorCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}
  static Status ok_status() { return {}; }

  bool ok() const { return code_ == ErrorCode::kOk; }
  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "code_name: message", for printing.
  std::string to_string() const;

 private:
  ErrorCode code_ = ErrorCode::kOk;
  std::string message_;
};

// A value or an error. Deliberately small: value() on an error is a bug (asserted).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::move(value)) {}        // NOLINT: implicit by design
  Result(Status status) : data_(std::move(status)) {  // NOLINT: implicit by design
    assert(!std::get<Status>(data_).ok() && "Result built from an ok Status");
  }
  Result(ErrorCode code, std::string message) : data_(Status(code, std::move(message))) {}

  bool ok() const { return std::holds_alternative<T>(data_); }
  explicit operator bool() const { return ok(); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(data_);
  }
  T& value() & {
    assert(ok());
    return std::get<T>(data_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<T>(data_);
  }
  T&& value() && {
    assert(ok());
    return std::get<T>(std::move(data_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> data_;
};

}  // namespace glyphstream

// Propagates an error Status from an expression returning Status.
#define GS_TRY(expr)                                 \
  do {                                               \
    ::glyphstream::Status gs_try_status_ = (expr);   \
    if (!gs_try_status_.ok()) return gs_try_status_; \
  } while (0)

#define GS_CONCAT_INNER_(a, b) a##b
#define GS_CONCAT_(a, b) GS_CONCAT_INNER_(a, b)
// Declares `lhs` from a Result expression, or returns its error Status.
#define GS_ASSIGN_OR_RETURN(lhs, expr) \
  GS_ASSIGN_OR_RETURN_IMPL_(GS_CONCAT_(gs_result_, __LINE__), lhs, expr)
#define GS_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                              \
  if (!tmp.ok()) return tmp.status();             \
  lhs = std::move(tmp).value()
