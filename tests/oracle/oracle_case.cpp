#include "oracle_case.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace glyphstream::oracle {
namespace {

std::string trim(const std::string& s) {
  const size_t a = s.find_first_not_of(" \t\r");
  if (a == std::string::npos) return "";
  return s.substr(a, s.find_last_not_of(" \t\r") - a + 1);
}

Result<uint32_t> parse_rgba(const std::string& v) {
  if (v.size() != 9 || v[0] != '#') return Status(ErrorCode::kInvalidArgument, "colour " + v);
  return uint32_t(std::stoul(v.substr(1), nullptr, 16));
}

Result<bool> parse_yes_no(const std::string& key, const std::string& v) {
  if (v == "yes" || v == "no") return v == "yes";
  return Status(ErrorCode::kInvalidArgument, key + ": '" + v + "' is not yes or no");
}

// One of `names` (its index is the enum's value).
template <typename E>
Result<E> parse_choice(const std::string& key, const std::string& v,
                       std::initializer_list<const char*> names) {
  int i = 0;
  for (const char* name : names) {
    if (v == name) return static_cast<E>(i);
    ++i;
  }
  return Status(ErrorCode::kInvalidArgument, key + ": unknown value '" + v + "'");
}

// The paragraph keys; false if `key` is none of them.
Result<bool> apply_paragraph(ParagraphStyle* p, const std::string& key, const std::string& v) {
  if (key == "align") {
    GS_ASSIGN_OR_RETURN(p->align, parse_choice<Align>(key, v, {"left", "center", "right"}));
  } else if (key == "justify") {
    GS_ASSIGN_OR_RETURN(p->justify, parse_yes_no(key, v));
  } else if (key == "justify-last-line") {
    GS_ASSIGN_OR_RETURN(p->justify_last_line, parse_yes_no(key, v));
  } else if (key == "indent") {
    p->indent = std::stof(v);
  } else if (key == "spacing") {
    p->spacing = std::stof(v);
  } else if (key == "line-spacing") {
    p->line_spacing = std::stof(v);
  } else if (key == "wrap") {
    GS_ASSIGN_OR_RETURN(p->wrap, parse_choice<WrapMode>(key, v, {"word-char", "word", "char"}));
  } else if (key == "ellipsize") {
    GS_ASSIGN_OR_RETURN(p->ellipsize,
                        parse_choice<EllipsizeMode>(key, v, {"none", "start", "middle", "end"}));
  } else if (key == "height") {
    p->height = std::stof(v);
  } else if (key == "single-par") {
    GS_ASSIGN_OR_RETURN(p->single_par, parse_yes_no(key, v));
  } else if (key == "rtl") {
    GS_ASSIGN_OR_RETURN(p->rtl, parse_yes_no(key, v));
  } else if (key == "no-auto-dir") {
    GS_ASSIGN_OR_RETURN(p->no_auto_dir, parse_yes_no(key, v));
  } else if (key == "language") {
    p->language = v;
  } else if (key == "gravity") {
    GS_ASSIGN_OR_RETURN(p->gravity,
                        parse_choice<Gravity>(key, v, {"south", "east", "north", "west", "auto"}));
  } else if (key == "gravity-hint") {
    GS_ASSIGN_OR_RETURN(p->gravity_hint,
                        parse_choice<GravityHint>(key, v, {"natural", "strong", "line"}));
  } else if (key == "rotate") {
    p->rotate = std::stof(v);
  } else if (key == "tabs") {
    std::istringstream words(v);
    for (std::string w; words >> w;) p->tabs.push_back(std::stof(w));
  } else {
    return false;
  }
  return true;
}

// The text quality keys; false if `key` is none of them.
Result<bool> apply_rendering(RenderingStyle* r, const std::string& key, const std::string& v) {
  if (key == "antialias") {
    GS_ASSIGN_OR_RETURN(r->antialias,
                        parse_choice<Antialias>(key, v, {"gray", "none", "subpixel"}));
  } else if (key == "subpixel-order") {
    GS_ASSIGN_OR_RETURN(r->subpixel_order,
                        parse_choice<SubpixelOrder>(key, v, {"rgb", "bgr", "vrgb", "vbgr"}));
  } else if (key == "hinting") {
    GS_ASSIGN_OR_RETURN(
        r->hinting, parse_choice<HintStyle>(key, v, {"none", "auto", "slight", "medium", "full"}));
  } else if (key == "hint-metrics") {
    GS_ASSIGN_OR_RETURN(r->hint_metrics, parse_choice<HintMetrics>(key, v, {"off", "on"}));
  } else if (key == "subpixel-positions") {
    GS_ASSIGN_OR_RETURN(const bool on, parse_yes_no(key, v));
    r->whole_pixel_positions = !on;
  } else {
    return false;
  }
  return true;
}

Status apply(OracleCase* c, const std::string& key, const std::string& value) {
  GS_ASSIGN_OR_RETURN(const bool paragraph_key, apply_paragraph(&c->paragraph, key, value));
  if (paragraph_key) return {};
  GS_ASSIGN_OR_RETURN(const bool rendering_key, apply_rendering(&c->rendering, key, value));
  if (rendering_key) return {};
  if (key == "font") {
    c->font = value;
  } else if (key == "width") {
    c->width = value == "none" ? 0 : std::stof(value);
  } else if (key == "markup") {
    c->markup = value == "yes";
  } else if (key == "margin") {
    c->margin = std::stoi(value);
  } else if (key == "fg" || key == "bg") {
    GS_ASSIGN_OR_RETURN(uint32_t rgba, parse_rgba(value));
    (key == "fg" ? c->fg : c->bg) = rgba;
  } else if (key == "expect") {
    c->expect = value;
  } else if (key == "check") {
    std::istringstream words(value);
    for (std::string w; words >> w;) c->checks.push_back(w);
  } else if (key == "about") {
    c->about = value;
  } else if (key == "tolerance-px") {
    c->tolerance_px = std::stof(value);
  } else {
    return Status(ErrorCode::kInvalidArgument, "unknown header key '" + key + "'");
  }
  return {};
}

}  // namespace

bool OracleCase::has_check(const std::string& c) const {
  return std::find(checks.begin(), checks.end(), c) != checks.end();
}

Result<OracleCase> load_case(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status(ErrorCode::kIoError, "cannot read " + path);
  OracleCase c;
  c.name = std::filesystem::path(path).stem().string();
  std::string line;
  bool body = false;
  while (!body && std::getline(in, line)) {
    if (trim(line) == "---") {
      body = true;
      break;
    }
    if (trim(line).empty() || line[0] == '#') continue;
    const size_t colon = line.find(':');
    if (colon == std::string::npos) return Status(ErrorCode::kInvalidArgument, path + ": " + line);
    Status s = apply(&c, trim(line.substr(0, colon)), trim(line.substr(colon + 1)));
    if (!s.ok()) return Status(s.code(), path + ": " + s.message());
  }
  if (!body) return Status(ErrorCode::kInvalidArgument, path + ": no '---' line before the text");
  std::stringstream rest;
  rest << in.rdbuf();
  c.text = rest.str();
  if (!c.text.empty() && c.text.back() == '\n') c.text.pop_back();
  return c;
}

std::vector<std::string> case_files(const std::string& dir) {
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    if (e.path().extension() == ".txt") files.push_back(e.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace glyphstream::oracle
