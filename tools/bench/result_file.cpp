#include "result_file.h"

#include <cmath>
#include <nlohmann/json.hpp>

#include "input_text.h"

namespace glyphstream::bench {
namespace {

using Json = nlohmann::json;

Status field_error(const std::string& what, size_t row, const char* key, const char* expected,
                   const Json& value) {
  return {ErrorCode::kInvalidArgument, what + ": row " + std::to_string(row) + ": \"" + key +
                                           "\" must be " + expected + ", not " + value.type_name()};
}

// Builds the DOM (nlohmann's own SAX DOM builder) and stops the parse as soon as a bound is
// passed. sax_parse calls these by name, so nothing needs to be virtual.
class BoundedDom {
 public:
  BoundedDom(Json* root, const ResultFileLimits& limits) : dom_(*root, false), limits_(limits) {}
  const std::string& refused() const { return refused_; }

  bool null() { return value() && dom_.null(); }
  bool boolean(bool v) { return value() && dom_.boolean(v); }
  bool number_integer(Json::number_integer_t v) { return value() && dom_.number_integer(v); }
  bool number_unsigned(Json::number_unsigned_t v) { return value() && dom_.number_unsigned(v); }
  bool number_float(Json::number_float_t v, const Json::string_t& s) {
    return value() && dom_.number_float(v, s);
  }
  bool string(Json::string_t& v) { return value() && dom_.string(v); }
  bool binary(Json::binary_t& v) { return value() && dom_.binary(v); }
  bool key(Json::string_t& v) { return dom_.key(v); }
  bool start_object(size_t n) { return open() && dom_.start_object(n); }
  bool end_object() { return close() && dom_.end_object(); }
  bool start_array(size_t n) { return open() && dom_.start_array(n); }
  bool end_array() { return close() && dom_.end_array(); }
  template <typename Exception>
  bool parse_error(size_t at, const std::string& token, const Exception& e) {
    return dom_.parse_error(at, token, e);
  }

 private:
  bool value() {
    if (++values_ <= limits_.max_values) return true;
    refused_ = "holds more than " + std::to_string(limits_.max_values) + " values";
    return false;
  }
  bool open() {
    if (!value()) return false;
    if (++containers_ > limits_.max_containers) {
      refused_ =
          "holds more than " + std::to_string(limits_.max_containers) + " arrays and objects";
      return false;
    }
    if (++depth_ > limits_.max_depth) {
      refused_ =
          "nests arrays and objects deeper than " + std::to_string(limits_.max_depth) + " levels";
      return false;
    }
    return true;
  }
  bool close() {
    --depth_;
    return true;
  }

  nlohmann::detail::json_sax_dom_parser<Json> dom_;
  ResultFileLimits limits_;
  size_t values_ = 0, containers_ = 0, depth_ = 0;
  std::string refused_;
};

bool safe_name(const std::string& s) {
  if (s.empty() || s.size() > 32) return false;
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') return false;
  }
  return true;
}

// Reads one row's plot fields into `out`; false (no error) when the row has no series.
Result<bool> read_row(const Json& row, size_t index, const std::string& what, ResultFile* file,
                      PlotSeries* out) {
  if (!row.is_object()) return field_error(what, index, "(row)", "an object", row);
  if (auto m = row.find("machine"); m != row.end()) {
    if (!m->is_string()) return field_error(what, index, "machine", "a string", *m);
    file->machine = m->get<std::string>();
  }
  const auto series = row.find("frame_cpu_ms_series");
  if (series == row.end()) return false;
  if (!series->is_array())
    return field_error(what, index, "frame_cpu_ms_series", "an array", *series);
  const auto workload = row.find("workload"), mode = row.find("upload_mode"),
             threads = row.find("threads");
  if (workload == row.end() || !workload->is_string())
    return field_error(what, index, "workload", "a string",
                       workload == row.end() ? Json() : *workload);
  if (mode == row.end() || !mode->is_string())
    return field_error(what, index, "upload_mode", "a string", mode == row.end() ? Json() : *mode);
  if (threads == row.end() || !threads->is_number_integer())
    return field_error(what, index, "threads", "an integer",
                       threads == row.end() ? Json() : *threads);
  out->workload = workload->get<std::string>();
  if (!safe_name(out->workload) || !safe_name(mode->get<std::string>())) {
    return Status(ErrorCode::kInvalidArgument,
                  what + ": row " + std::to_string(index) +
                      ": \"workload\" and \"upload_mode\" must be 1..32 of [A-Za-z0-9_-]");
  }
  const int64_t thread_count = threads->get<int64_t>();
  if (thread_count < 1 || thread_count > 4096) {
    return Status(ErrorCode::kInvalidArgument,
                  what + ": row " + std::to_string(index) + ": \"threads\" must be 1..4096");
  }
  out->name = mode->get<std::string>() + " x" + std::to_string(thread_count);
  if (series->empty()) {
    return Status(ErrorCode::kInvalidArgument, what + ": row " + std::to_string(index) +
                                                   ": \"frame_cpu_ms_series\" has no frames");
  }
  if (series->size() > kMaxSeriesLength) {
    return Status(ErrorCode::kInvalidArgument, what + ": row " + std::to_string(index) +
                                                   ": more than 1,000,000 frames in a series");
  }
  out->frame_cpu_ms.clear();
  for (const Json& v : *series) {
    if (!v.is_number()) return field_error(what, index, "frame_cpu_ms_series", "numbers", v);
    const double ms = v.get<double>();
    if (!std::isfinite(ms) || ms < 0) {
      return Status(ErrorCode::kInvalidArgument,
                    what + ": row " + std::to_string(index) +
                        ": \"frame_cpu_ms_series\" values must be finite and >= 0");
    }
    out->frame_cpu_ms.push_back(ms);
  }
  return true;
}

}  // namespace

std::string sanitize_label(std::string_view text, size_t max_len) {
  static constexpr std::string_view kAllowed = " .,:;()+-_x/@#";
  std::string out;
  for (char c : text) {
    if (out.size() >= max_len) break;
    const bool ok =
        std::isalnum(static_cast<unsigned char>(c)) != 0 && static_cast<unsigned char>(c) < 0x80;
    out += ok || kAllowed.find(c) != std::string_view::npos ? c : '?';
  }
  return out;
}

Result<ResultFile> parse_result_file(std::string_view json, const std::string& what,
                                     const ResultFileLimits& limits) {
  if (json.size() > kMaxResultFileBytes) {
    return Status(ErrorCode::kInvalidArgument, what + " is larger than 64 MiB");
  }
  // nlohmann-json ends the input at a NUL byte: "[]\0<anything>" would pass unread.
  if (const size_t nul = json.find('\0'); nul != std::string_view::npos) {
    return Status(ErrorCode::kInvalidArgument,
                  what + " is not JSON (a NUL byte at offset " + std::to_string(nul) + ")");
  }
  Json results;
  BoundedDom dom(&results, limits);
  const bool parsed = Json::sax_parse(json, &dom);
  if (!dom.refused().empty()) {
    return Status(ErrorCode::kInvalidArgument,
                  what + " " + dom.refused() + ": not a bench result file");
  }
  if (!parsed || results.is_discarded()) {
    return Status(ErrorCode::kInvalidArgument, what + " is not JSON");
  }
  if (!results.is_array()) {
    return Status(ErrorCode::kInvalidArgument,
                  what + " must be a JSON array of result rows, not " + results.type_name());
  }
  ResultFile file;
  for (size_t i = 0; i < results.size(); ++i) {
    PlotSeries series;
    GS_ASSIGN_OR_RETURN(bool has_series, read_row(results[i], i, what, &file, &series));
    if (has_series) file.series.push_back(std::move(series));
  }
  return file;
}

Result<ResultFile> read_result_file(const std::string& path) {
  GS_ASSIGN_OR_RETURN(std::string text, tools::read_text_file(path, kMaxResultFileBytes));
  return parse_result_file(text, path);
}

}  // namespace glyphstream::bench
