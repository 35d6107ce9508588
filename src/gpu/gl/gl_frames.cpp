#include "gpu/gl/gl_frames.h"

#include <algorithm>
#include <utility>

namespace glyphstream::gpu::gl {
namespace {

constexpr size_t kMaxPendingQueries = 64;
constexpr size_t kMaxReadyTimings = 256;

}  // namespace

Status FrameFences::close(uint64_t frame) {
  GLsync sync = glFenceSync(GL_SYNC_GPU_COMMANDS_COMPLETE, 0);
  if (!sync) return check_gl("end_frame: glFenceSync");
  frames_.push_back({frame, sync});
  return {};
}

void FrameFences::pop_completed() {
  completed_ = std::max(completed_, frames_.front().frame);
  glDeleteSync(frames_.front().sync);
  frames_.pop_front();
}

uint64_t FrameFences::poll() {
  while (!frames_.empty()) {
    const GLenum r = glClientWaitSync(frames_.front().sync, 0, 0);
    if (r != GL_ALREADY_SIGNALED && r != GL_CONDITION_SATISFIED) break;
    pop_completed();
  }
  return completed_;
}

Status FrameFences::wait_through(uint64_t frame, const char* op) {
  while (!frames_.empty() && frames_.front().frame <= frame) {
    GLenum r = GL_TIMEOUT_EXPIRED;
    while (r == GL_TIMEOUT_EXPIRED) {
      r = glClientWaitSync(frames_.front().sync, GL_SYNC_FLUSH_COMMANDS_BIT, 1'000'000'000);
    }
    if (r == GL_WAIT_FAILED) return check_gl(op);
    pop_completed();
  }
  return {};
}

void FrameFences::release() {
  for (Fence& f : frames_) glDeleteSync(f.sync);
  frames_.clear();
}

void TimerQueries::init(bool enable) {
  if (!enable) return;
  GLint bits = 0;
  glGetQueryiv(GL_TIME_ELAPSED, GL_QUERY_COUNTER_BITS, &bits);
  available_ = bits > 0;
}

void TimerQueries::begin(bool upload) {
  if (!available_ || active_ || pending_.size() >= kMaxPendingQueries) return;
  // The application may be timing something itself; TIME_ELAPSED queries cannot nest.
  GLint current = 0;
  glGetQueryiv(GL_TIME_ELAPSED, GL_CURRENT_QUERY, &current);
  if (current != 0) return;
  GLuint q = 0;
  if (!free_.empty()) {
    q = free_.back();
    free_.pop_back();
  } else {
    glGenQueries(1, &q);
  }
  glBeginQuery(GL_TIME_ELAPSED, q);
  pending_.push_back({q, upload, false, 0});
  active_ = true;
}

void TimerQueries::end() {
  if (!active_) return;
  glEndQuery(GL_TIME_ELAPSED);
  active_ = false;
}

void TimerQueries::tag(uint64_t frame) {
  for (Pending& q : pending_) {
    if (!q.frame_known) {
      q.frame_known = true;
      q.frame = frame;
    }
  }
}

// Whether every query of `frame` at the front of the pending list has its result; *count: how
// many queries that frame has.
bool TimerQueries::frame_available(uint64_t frame, size_t* count) {
  size_t n = 0;
  bool available = true;
  while (n < pending_.size() && pending_[n].frame_known && pending_[n].frame == frame) {
    GLint avail = 0;
    glGetQueryObjectiv(pending_[n].query, GL_QUERY_RESULT_AVAILABLE, &avail);
    if (!avail) available = false;
    ++n;
  }
  *count = n;
  return available;
}

void TimerQueries::collect() {
  while (!pending_.empty() && pending_.front().frame_known) {
    const uint64_t frame = pending_.front().frame;
    size_t n = 0;
    if (!frame_available(frame, &n)) return;
    GpuTimings t;
    t.frame = frame;
    for (size_t i = 0; i < n; ++i) {
      const Pending& q = pending_.front();
      GLuint64 ns = 0;
      glGetQueryObjectui64v(q.query, GL_QUERY_RESULT, &ns);
      (q.upload ? t.upload_ns : t.draw_ns) += ns;
      free_.push_back(q.query);
      pending_.pop_front();
    }
    if (ready_.size() >= kMaxReadyTimings) ready_.erase(ready_.begin());
    ready_.push_back(t);
  }
}

std::vector<GpuTimings> TimerQueries::take() {
  collect();
  return std::exchange(ready_, {});
}

void TimerQueries::release() {
  if (active_) glEndQuery(GL_TIME_ELAPSED);
  active_ = false;
  for (Pending& q : pending_) glDeleteQueries(1, &q.query);
  pending_.clear();
  if (!free_.empty()) glDeleteQueries(GLsizei(free_.size()), free_.data());
  free_.clear();
}

}  // namespace glyphstream::gpu::gl
