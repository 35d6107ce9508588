#include "input_text.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/utf8.h"

namespace glyphstream::tools {
namespace {

// The length of the incomplete sequence at the end of `text` (0..3): those bytes are validated
// once the rest of their sequence has been read.
size_t incomplete_tail(const std::string& text, size_t from) {
  const size_t n = text.size();
  for (size_t back = 1; back <= 3 && back <= n - from; ++back) {
    const unsigned char c = static_cast<unsigned char>(text[n - back]);
    if ((c & 0xC0) == 0x80) continue;  // a continuation byte: look further back
    const size_t need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    return need > back ? back : 0;
  }
  return 0;
}

Status too_long(const std::string& what, size_t max_bytes) {
  return {ErrorCode::kInvalidArgument,
          what + " is longer than " + std::to_string(max_bytes >> 20) + " MiB, the input limit"};
}

Status check_utf8(const std::string& text, size_t from, size_t to, const std::string& what) {
  const size_t bad = first_invalid_utf8(std::string_view(text).substr(from, to - from));
  if (from + bad == to) return {};
  return {ErrorCode::kInvalidUtf8,
          what + ": invalid UTF-8 at byte offset " + std::to_string(from + bad)};
}

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

Result<std::string> read_text_fd(int fd, const std::string& what, size_t max_bytes) {
  std::string text;
  size_t validated = 0;
  char buf[65536];
  for (;;) {
    const ssize_t got = ::read(fd, buf, sizeof buf);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0)
      return Status(ErrorCode::kIoError, "cannot read " + what + ": " + std::strerror(errno));
    if (got == 0) break;
    if (text.size() + size_t(got) > max_bytes) return too_long(what, max_bytes);
    text.append(buf, size_t(got));
    const size_t end = text.size() - incomplete_tail(text, validated);
    GS_TRY(check_utf8(text, validated, end, what));
    validated = end;
  }
  GS_TRY(check_utf8(text, validated, text.size(), what));
  return text;
}

Result<std::string> read_text_file(const std::string& path, size_t max_bytes) {
  // O_NONBLOCK: opening a FIFO must not wait for a writer before it can be refused.
  Fd file{::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC)};
  if (file.fd < 0) {
    return Status(ErrorCode::kIoError, "cannot open " + path + ": " + std::strerror(errno));
  }
  struct stat st {};
  if (::fstat(file.fd, &st) != 0) {
    return Status(ErrorCode::kIoError, "cannot stat " + path + ": " + std::strerror(errno));
  }
  if (S_ISDIR(st.st_mode)) {
    return Status(ErrorCode::kInvalidArgument, path + " is a directory, not a text file");
  }
  if (!S_ISREG(st.st_mode)) {
    return Status(ErrorCode::kInvalidArgument,
                  path +
                      " is not a regular file (a FIFO, socket or device); pipe it to "
                      "standard input with --file - instead");
  }
  if (size_t(st.st_size) > max_bytes) return too_long(path, max_bytes);
  const int flags = ::fcntl(file.fd, F_GETFL);
  if (flags >= 0) ::fcntl(file.fd, F_SETFL, flags & ~O_NONBLOCK);
  return read_text_fd(file.fd, path, max_bytes);
}

}  // namespace glyphstream::tools
