// scroll_demo: an application with its own window and OpenGL context (GLFW) that draws a long,
// scrolling multilingual document with glyphstream every frame, plus an overlay of per-frame
// statistics drawn with glyphstream too. Built against the installed package only.
//
// Interactive: mouse wheel, arrows, PageUp/PageDown, Home/End scroll; Ctrl + wheel or +/- zoom
// (TextSystem::draw_text_scaled; 0 resets); M cycles the upload mode (async -> sync ->
// whole-page); Q or Escape quits.
// Unattended: --auto-scroll --frames N --screenshot FILE.png [--upload-mode MODE] [--check]
#include <GLFW/glfw3.h>  // also brings <GL/gl.h>: the demo needs only GL 1.x entry points
#include <png.h>

#include <glyphstream/text_system.h>

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace gs = glyphstream;

namespace {

// ---------------------------------------------------------------------------------------------
// The document: a few hundred distinct lines in eight scripts, repeated at several sizes, with
// fresh CJK ideographs and emoji on every pass, so that new glyphs keep arriving as it scrolls.

const char* const kLatin[] = {
    "The quick brown fox jumps over the lazy dog, again and again.",
    "Ça déjà vu? Größe, naïve café, smørrebrød, Ångström, façade, œuvre.",
    "Pack my box with five dozen liquor jugs; sphinx of black quartz, judge my vow.",
    "Zwölf Boxkämpfer jagen Viktor quer über den großen Sylter Deich.",
    "Portez ce vieux whisky au juge blond qui fume sur son île intérieure.",
    "El veloz murciélago hindú comía feliz cardillo y kiwi.",
    "Pchnąć w tę łódź jeża lub ośm skrzyń fig; Příliš žluťoučký kůň.",
};
const char* const kCyrillic[] = {
    "Съешь же ещё этих мягких французских булок, да выпей чаю.",
    "В чащах юга жил бы цитрус? Да, но фальшивый экземпляр!",
    "Широкая электрификация южных губерний даст мощный толчок подъёму хозяйства.",
    "Чуєш їх, доцю, га? Кумедна ж ти, прощайся без ґольфів!",
    "Ах, чудна българска земьо, полюшквай цъфтящи жита.",
};
const char* const kGreek[] = {
    "Ξεσκεπάζω την ψυχοφθόρα βδελυγμία.",
    "Γαζέες καὶ μυρτιὲς δὲν θὰ βρῶ πιὰ στὸ χρυσαφὶ ξέφωτο.",
    "Τάχιστη αλώπηξ βαφής ψημένη γη, δρασκελίζει υπέρ νωθρού κυνός.",
    "Μία γρήγορη καφέ αλεπού πηδάει πάνω από τον τεμπέλη σκύλο.",
};
const char* const kArabic[] = {
    "نص حكيم له سر قاطع وذو شأن عظيم مكتوب على ثوب أخضر ومغلف بجلد أزرق.",
    "صف خلق خود كمثل الشمس إذ بزغت يحظى الضجيع بها نجلاء معطار.",
    "مرحبا بالعالم، هذه فقرة قصيرة لاختبار الكتابة من اليمين إلى اليسار.",
    "أبجد هوز حطي كلمن سعفص قرشت ثخذ ضظغ.",
};
const char* const kHebrew[] = {
    "דג סקרן שט בים מאוכזב ולפתע מצא חברה.",
    "עטלף אבק נס דרך מזגן שהתפוצץ כי חם.",
    "שלום עולם, זוהי שורה בעברית הנכתבת מימין לשמאל.",
    "הקצינה בשיעור מתמטיקה צברה ציון גבוה.",
};
const char* const kDevanagari[] = {
    "ऋषियों को सताने वाले दुष्ट राक्षसों के राजा रावण का सर्वनाश करने वाले विष्णु।",
    "नमस्ते दुनिया, यह देवनागरी लिपि में एक छोटा वाक्य है।",
    "हिन्दी भाषा भारत की राजभाषा है और करोड़ों लोग इसे बोलते हैं।",
    "क्षत्रिय, ज्ञान, श्रद्धा, द्वार, प्रकृति और संस्कृत के संयुक्ताक्षर।",
};
const char* const kCjkPhrases[] = {
    "流式字形图集：",
    "我能吞下玻璃而不伤身体。",
    "いろはにほへと ちりぬるを ",
    "다람쥐 헌 쳇바퀴에 타고파 ",
    "天地玄黄，宇宙洪荒。",
};

// Emoji ranges that Noto Color Emoji covers completely.
const char32_t kEmojiRanges[][2] = {
    {0x1F600, 0x1F64F}, {0x1F680, 0x1F6C5}, {0x1F910, 0x1F93A}, {0x1F940, 0x1F96B},
    {0x1F980, 0x1F9A2}, {0x1F330, 0x1F37F}, {0x1F400, 0x1F43E},
};

void append_utf8(std::string* s, char32_t c) {
  if (c < 0x80) {
    s->push_back(char(c));
  } else if (c < 0x800) {
    s->push_back(char(0xC0 | (c >> 6)));
    s->push_back(char(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    s->push_back(char(0xE0 | (c >> 12)));
    s->push_back(char(0x80 | ((c >> 6) & 0x3F)));
    s->push_back(char(0x80 | (c & 0x3F)));
  } else {
    s->push_back(char(0xF0 | (c >> 18)));
    s->push_back(char(0x80 | ((c >> 12) & 0x3F)));
    s->push_back(char(0x80 | ((c >> 6) & 0x3F)));
    s->push_back(char(0x80 | (c & 0x3F)));
  }
}

template <size_t N>
std::string pick(const char* const (&list)[N], int i) {
  return list[size_t(i) % N];
}

// Rotates the words of a phrase so that each use makes a distinct line.
std::string rotate_words(const std::string& text, int k) {
  std::vector<std::string> words;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    words.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  if (words.empty()) return text;
  std::rotate(words.begin(), words.begin() + (size_t(k) % words.size()), words.end());
  std::string out;
  for (const std::string& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

struct Line {
  std::string markup;
  gs::TextStyle style;
  float height = -1;  // measured lazily (depends on the wrap width)
  float top = 0;      // valid once measured
};

constexpr int kDistinctLines = 320;  // 40 per script
constexpr int kPasses = 4;           // the document repeats them at four sizes
const char* const kPassFonts[kPasses] = {"Sans 18", "Serif 22", "Sans 15", "Sans 26"};
const char* const kScriptNames[] = {"Latin",  "Cyrillic",   "Greek", "Arabic",
                                    "Hebrew", "Devanagari", "CJK",   "Emoji"};

std::vector<Line> make_document() {
  std::vector<Line> doc;
  doc.reserve(kDistinctLines * kPasses);
  char32_t cjk_next = 0x4E00;  // ideographs in code point order: never the same one twice
  std::vector<char32_t> emoji;
  for (const auto& r : kEmojiRanges) {
    for (char32_t c = r[0]; c <= r[1]; ++c) emoji.push_back(c);
  }
  size_t emoji_next = 0;
  for (int pass = 0; pass < kPasses; ++pass) {
    for (int i = 0; i < kDistinctLines; ++i) {
      const int script = i % 8;
      const int k = i / 8;  // 0..39
      std::string text;
      switch (script) {
        case 0:
          text = rotate_words(pick(kLatin, k), k / 7);
          break;
        case 1:
          text = rotate_words(pick(kCyrillic, k), k / 5);
          break;
        case 2:
          text = rotate_words(pick(kGreek, k), k / 4);
          break;
        case 3:
          text = rotate_words(pick(kArabic, k), k / 4);
          break;
        case 4:
          text = rotate_words(pick(kHebrew, k), k / 4);
          break;
        case 5:
          text = rotate_words(pick(kDevanagari, k), k / 4);
          break;
        case 6:
          text = pick(kCjkPhrases, k);
          for (int c = 0; c < 24; ++c) append_utf8(&text, cjk_next++);
          break;
        default:
          text.clear();
          for (int c = 0; c < 14; ++c) append_utf8(&text, emoji[emoji_next++ % emoji.size()]);
          break;
      }
      Line line;
      const int number = pass * kDistinctLines + i + 1;
      char prefix[96];
      std::snprintf(prefix, sizeof prefix, "<span foreground=\"#9a9a9a\">%04d %s</span>  ", number,
                    kScriptNames[script]);
      line.markup = prefix + text;  // no '<' or '&' in the phrases: no escaping needed
      line.style.font = kPassFonts[pass];
      line.style.color = gs::Color{0.12f, 0.12f, 0.14f, 1};
      line.style.markup = true;
      doc.push_back(std::move(line));
    }
  }
  return doc;
}

// ---------------------------------------------------------------------------------------------

struct Options {
  bool auto_scroll = false;
  int frames = 300;
  std::string screenshot;
  bool mode_set = false;
  gs::UploadMode mode = gs::UploadMode::kAsync;
  int scroll_step = 6;  // px per frame in --auto-scroll
  int width = 1000, height = 700;
  bool show_stats = false;
  bool check = false;
  int switch_mode_every = 0;  // --auto-scroll: press "M" every N frames
};

void usage(FILE* f) {
  std::fprintf(
      f,
      "usage: scroll_demo [--auto-scroll] [--frames N] [--screenshot FILE.png]\n"
      "                   [--upload-mode async|sync|whole-page] [--scroll-step PX]\n"
      "                   [--size WxH] [--show-stats] [--switch-mode-every N] [--check]\n"
      "  --auto-scroll   scroll --scroll-step px per frame (default 6), render --frames frames\n"
      "                  (default 300), then exit; the overlay shows no timings\n"
      "  --screenshot F  write the last frame as PNG\n"
      "  --show-stats    draw the statistics overlay in --auto-scroll mode too\n"
      "  --switch-mode-every N  in --auto-scroll, cycle the upload mode every N frames (as M)\n"
      "  --check         verify the last frame: text in every visible line, margins clean\n"
      "Keys: wheel/arrows/PageUp/PageDown/Home/End scroll, Ctrl+wheel or +/- zoom (0 resets),\n"
      "      M cycles the upload mode, Q quits\n");
}

bool parse_int(const char* s, int lo, int hi, int* out) {
  char* end = nullptr;
  const long v = std::strtol(s, &end, 10);
  if (end == s || *end != '\0' || v < lo || v > hi) return false;
  *out = int(v);
  return true;
}

// Returns 0 to continue, otherwise the exit code.
int parse_options(int argc, char** argv, Options* o) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    auto value = [&](const char* name) -> const char* {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "scroll_demo: %s needs a value\n", name);
        return nullptr;
      }
      return argv[++i];
    };
    if (a == "--help" || a == "-h") {
      usage(stdout);
      return -1;
    } else if (a == "--auto-scroll") {
      o->auto_scroll = true;
    } else if (a == "--show-stats") {
      o->show_stats = true;
    } else if (a == "--check") {
      o->check = true;
    } else if (a == "--frames") {
      const char* v = value("--frames");
      if (!v || !parse_int(v, 1, 1000000, &o->frames)) return 2;
    } else if (a == "--scroll-step") {
      const char* v = value("--scroll-step");
      if (!v || !parse_int(v, 0, 10000, &o->scroll_step)) return 2;
    } else if (a == "--switch-mode-every") {
      const char* v = value("--switch-mode-every");
      if (!v || !parse_int(v, 1, 1000000, &o->switch_mode_every)) return 2;
    } else if (a == "--screenshot") {
      const char* v = value("--screenshot");
      if (!v) return 2;
      o->screenshot = v;
    } else if (a == "--upload-mode") {
      const char* v = value("--upload-mode");
      if (!v || !gs::parse_upload_mode(v, &o->mode)) {
        std::fprintf(stderr, "scroll_demo: --upload-mode is async, sync or whole-page\n");
        return 2;
      }
      o->mode_set = true;
    } else if (a == "--size") {
      const char* v = value("--size");
      if (!v || std::sscanf(v, "%dx%d", &o->width, &o->height) != 2 || o->width < 200 ||
          o->height < 200 || o->width > 8192 || o->height > 8192) {
        std::fprintf(stderr, "scroll_demo: --size is WxH, 200..8192 each\n");
        return 2;
      }
    } else {
      std::fprintf(stderr, "scroll_demo: unknown argument '%s'\n", argv[i]);
      usage(stderr);
      return 2;
    }
  }
  return 0;
}

// ---------------------------------------------------------------------------------------------

constexpr float kMargin = 24;
constexpr float kLineGap = 6;
constexpr float kBackground[3] = {0.97f, 0.96f, 0.94f};
constexpr float kPanel[3] = {0.13f, 0.15f, 0.19f};

struct App {
  Options opt;
  std::unique_ptr<gs::TextSystem> ts;
  std::vector<Line> doc;
  float wrap_width = 0;
  size_t measured = 0;  // lines [0, measured) have height and top
  double scroll = 0;
  float zoom = 1;  // Ctrl + wheel, +/-: the document drawn with draw_text_scaled
  int fb_width = 0, fb_height = 0;
  bool failed = false;

  // Measures the next line (its height depends on the wrap width).
  void measure_next() {
    Line& line = doc[measured];
    line.top = measured == 0 ? 0 : doc[measured - 1].top + doc[measured - 1].height;
    line.style.wrap_width = wrap_width;
    auto m = ts->measure(line.markup, line.style);
    if (!m.ok()) {
      std::fprintf(stderr, "scroll_demo: measure: %s\n", m.status().to_string().c_str());
      failed = true;
      line.height = 0;
    } else {
      line.height = std::ceil(m->height) + kLineGap;
    }
    ++measured;
  }

  // Lines are measured lazily, only as far down as someone looks; returns the height of the
  // measured part.
  float measure_until(double bottom) {
    while (measured < doc.size() && measured_height() <= bottom) measure_next();
    return measured_height();
  }
  float measured_height() const {
    return measured == 0 ? 0 : doc[measured - 1].top + doc[measured - 1].height;
  }

  void set_wrap_width(float w) {
    if (w == wrap_width) return;
    // Keep the line at the top of the window in place while the layout changes.
    size_t anchor = 0;
    double offset = 0;
    for (size_t i = 0; i < measured; ++i) {
      if (doc[i].top + doc[i].height > scroll) {
        anchor = i;
        offset = scroll - doc[i].top;
        break;
      }
    }
    wrap_width = w;
    measured = 0;
    while (measured <= anchor && measured < doc.size()) measure_next();
    scroll = anchor < measured ? std::max(0.0, doc[anchor].top + offset) : 0;
  }

  void scroll_by(double dy) {
    scroll = std::max(0.0, scroll + dy);
    const float height = measure_until(scroll + fb_height);
    scroll = std::min(scroll, std::max(0.0, double(height) - fb_height));
  }

  void cycle_mode() {
    const gs::UploadMode next = ts->upload_mode() == gs::UploadMode::kAsync ? gs::UploadMode::kSync
                                : ts->upload_mode() == gs::UploadMode::kSync
                                    ? gs::UploadMode::kWholePage
                                    : gs::UploadMode::kAsync;
    (void)ts->set_upload_mode(next);  // `next` is always a valid mode
  }
};

void on_key(GLFWwindow* window, int key, int /*scancode*/, int action, int /*mods*/) {
  auto* app = static_cast<App*>(glfwGetWindowUserPointer(window));
  if (action == GLFW_RELEASE || app->opt.auto_scroll) return;
  const double page = std::max(40, app->fb_height - 60);
  switch (key) {
    case GLFW_KEY_DOWN:
      app->scroll_by(40);
      break;
    case GLFW_KEY_UP:
      app->scroll_by(-40);
      break;
    case GLFW_KEY_PAGE_DOWN:
    case GLFW_KEY_SPACE:
      app->scroll_by(page);
      break;
    case GLFW_KEY_PAGE_UP:
      app->scroll_by(-page);
      break;
    case GLFW_KEY_HOME:
      app->scroll = 0;
      break;
    case GLFW_KEY_END:
      app->scroll_by(1e12);
      break;
    case GLFW_KEY_M:
      if (action == GLFW_PRESS) app->cycle_mode();
      break;
    case GLFW_KEY_EQUAL:
    case GLFW_KEY_KP_ADD:
      app->zoom = std::min(8.0f, app->zoom * 1.1f);
      break;
    case GLFW_KEY_MINUS:
    case GLFW_KEY_KP_SUBTRACT:
      app->zoom = std::max(0.25f, app->zoom / 1.1f);
      break;
    case GLFW_KEY_0:
      app->zoom = 1;
      break;
    case GLFW_KEY_Q:
    case GLFW_KEY_ESCAPE:
      glfwSetWindowShouldClose(window, GLFW_TRUE);
      break;
    default:
      break;
  }
}

void on_scroll(GLFWwindow* window, double /*dx*/, double dy) {
  auto* app = static_cast<App*>(glfwGetWindowUserPointer(window));
  if (app->opt.auto_scroll) return;
  if (glfwGetKey(window, GLFW_KEY_LEFT_CONTROL) == GLFW_PRESS ||
      glfwGetKey(window, GLFW_KEY_RIGHT_CONTROL) == GLFW_PRESS) {
    app->zoom = std::clamp(app->zoom * float(std::pow(1.05, dy)), 0.25f, 8.0f);
  } else {
    app->scroll_by(-dy * 60 / app->zoom);
  }
}

void on_glfw_error(int code, const char* message) {
  std::fprintf(stderr, "scroll_demo: GLFW error 0x%x: %s\n", code, message);
}

// Sums every glyphstream frame of one displayed frame (document pass + overlay pass).
struct FrameTotals {
  uint32_t drawn = 0, rasterized = 0, copies = 0, stalls = 0, draw_calls = 0;
  uint32_t stand_in = 0, refined = 0;
  uint64_t bytes = 0, stall_ns = 0, cpu_ns = 0, evictions = 0;
  uint32_t pages = 0;
  double occupancy = 0;
  uint64_t cached = 0;
  bool gpu_timing = false;
  uint64_t gpu_upload_ns = 0, gpu_draw_ns = 0;

  void add(const gs::FrameStats& s) {
    drawn += s.glyphs_drawn;
    rasterized += s.glyphs_rasterized;
    stand_in += s.glyphs_stand_in;
    refined += s.glyphs_refined;
    copies += s.copy_commands;
    stalls += s.stalls;
    draw_calls += s.draw_calls;
    bytes += s.bytes_uploaded;
    stall_ns += s.stall_ns;
    cpu_ns += s.frame_cpu_ns;
    evictions += s.evictions;
    pages = s.pages;
    occupancy = s.occupancy;
    cached = s.cached_glyphs;
    if (s.gpu_timing_available) {
      gpu_timing = true;
      gpu_upload_ns += s.gpu_upload_ns;
      gpu_draw_ns += s.gpu_draw_ns;
    }
  }
};

std::string format_bytes(uint64_t b) {
  char buf[32];
  if (b < 10 * 1024) {
    std::snprintf(buf, sizeof buf, "%" PRIu64 " B", b);
  } else if (b < 10 * 1024 * 1024) {
    std::snprintf(buf, sizeof buf, "%.1f KiB", double(b) / 1024);
  } else {
    std::snprintf(buf, sizeof buf, "%.1f MiB", double(b) / (1024 * 1024));
  }
  return buf;
}

// ---------------------------------------------------------------------------------------------
// Screenshot and check

bool write_png_rgb(const std::string& path, const std::vector<uint8_t>& rgb, int w, int h) {
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return false;
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png ? png_create_info_struct(png) : nullptr;
  if (!png || !info || setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    std::fclose(f);
    return false;
  }
  png_init_io(png, f);
  png_set_IHDR(png, info, png_uint_32(w), png_uint_32(h), 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  for (int y = 0; y < h; ++y) png_write_row(png, rgb.data() + size_t(y) * size_t(w) * 3);
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  return std::fclose(f) == 0;
}

// Reads the back buffer (before the swap) as RGB, top row first.
std::vector<uint8_t> read_back_buffer(int w, int h) {
  std::vector<uint8_t> rgba(size_t(w) * size_t(h) * 4), rgb(size_t(w) * size_t(h) * 3);
  glReadBuffer(GL_BACK);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadPixels(0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, rgba.data());
  for (int y = 0; y < h; ++y) {
    const uint8_t* src = rgba.data() + size_t(h - 1 - y) * size_t(w) * 4;
    uint8_t* dst = rgb.data() + size_t(y) * size_t(w) * 3;
    for (int x = 0; x < w; ++x) std::memcpy(dst + x * 3, src + x * 4, 3);
  }
  return rgb;
}

struct RectI {
  int x0, y0, x1, y1;  // half-open, top-left origin
};

// Pixels that differ from `bg` by more than a faint antialiasing fringe.
int count_ink(const std::vector<uint8_t>& rgb, int w, RectI r, const float bg[3]) {
  int ink = 0;
  for (int y = std::max(0, r.y0); y < r.y1; ++y) {
    for (int x = std::max(0, r.x0); x < std::min(w, r.x1); ++x) {
      const uint8_t* p = rgb.data() + (size_t(y) * size_t(w) + size_t(x)) * 3;
      int d = 0;
      for (int c = 0; c < 3; ++c)
        d = std::max(d, std::abs(int(p[c]) - int(std::lround(bg[c] * 255))));
      if (d > 64) ++ink;
    }
  }
  return ink;
}

// ---------------------------------------------------------------------------------------------

int run(const Options& opt) {
  glfwSetErrorCallback(on_glfw_error);
  if (!glfwInit()) {
    std::fprintf(stderr, "scroll_demo: cannot initialize GLFW (is DISPLAY set?)\n");
    return 1;
  }
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
  // A fixed size keeps unattended runs comparable.
  glfwWindowHint(GLFW_RESIZABLE, opt.auto_scroll ? GLFW_FALSE : GLFW_TRUE);
  GLFWwindow* window =
      glfwCreateWindow(opt.width, opt.height, "glyphstream scroll demo", nullptr, nullptr);
  if (!window) {
    std::fprintf(stderr, "scroll_demo: cannot create a window with an OpenGL 3.3 core context\n");
    glfwTerminate();
    return 1;
  }
  glfwMakeContextCurrent(window);
  glfwSwapInterval(opt.auto_scroll ? 0 : 1);  // vsync only when someone watches

  App app;
  app.opt = opt;
  gs::TextSystemDesc desc;
  desc.upload_mode_set = opt.mode_set;
  desc.upload_mode = opt.mode;
  auto created = gs::TextSystem::create(desc);
  if (!created.ok()) {
    std::fprintf(stderr, "scroll_demo: %s\n", created.status().to_string().c_str());
    glfwDestroyWindow(window);
    glfwTerminate();
    return 1;
  }
  app.ts = std::move(created).value();
  app.doc = make_document();
  std::printf("scroll_demo: %zu lines, GL %s on %s, upload mode %s\n", app.doc.size(),
              reinterpret_cast<const char*>(glGetString(GL_VERSION)),
              app.ts->gpu_renderer().c_str(),
              std::string(gs::upload_mode_name(app.ts->upload_mode())).c_str());

  glfwSetWindowUserPointer(window, &app);
  glfwSetKeyCallback(window, on_key);
  glfwSetScrollCallback(window, on_scroll);

  gs::TextStyle overlay_style;
  overlay_style.font = "Mono 13";
  overlay_style.color = gs::Color{0.92f, 0.94f, 0.97f, 1};
  gs::TextStyle overlay_title = overlay_style;
  overlay_title.font = "Sans Bold 14";
  overlay_title.color = gs::Color{1.0f, 0.78f, 0.35f, 1};

  using Clock = std::chrono::steady_clock;
  double last_frame_ms = 0, last_cpu_ms = 0;
  FrameTotals last;
  uint64_t total_rasterized = 0, total_bytes = 0, total_copies = 0, total_stalls = 0;
  std::vector<double> cpu_ms_samples;
  int exit_code = 0;

  for (int frame = 0; !glfwWindowShouldClose(window); ++frame) {
    if (opt.auto_scroll && frame >= opt.frames) break;
    const auto t0 = Clock::now();
    glfwPollEvents();
    glfwGetFramebufferSize(window, &app.fb_width, &app.fb_height);
    const int w = app.fb_width, h = app.fb_height;
    if (w <= 0 || h <= 0) {  // minimized
      glfwWaitEvents();
      continue;
    }
    app.set_wrap_width(std::max(100.f, float(w) - 2 * kMargin));
    if (opt.auto_scroll) {
      app.scroll = 0, app.scroll_by(double(frame) * opt.scroll_step);
      // The same path as the M key: the upload mode changes live, between frames.
      if (opt.switch_mode_every > 0 && frame > 0 && frame % opt.switch_mode_every == 0) {
        app.cycle_mode();
      }
    }
    app.measure_until(app.scroll + h / app.zoom);

    glViewport(0, 0, w, h);
    glDisable(GL_SCISSOR_TEST);
    glClearColor(kBackground[0], kBackground[1], kBackground[2], 1);
    glClear(GL_COLOR_BUFFER_BIT);

    // Pass 1: the visible part of the document.
    gs::Status st = app.ts->begin_frame(w, h);
    std::vector<std::pair<size_t, RectI>> visible;  // for --check
    for (size_t i = 0; st.ok() && i < app.measured; ++i) {
      const Line& line = app.doc[i];
      // Zoomed about the top-left corner: document px times the zoom.
      const double y = (line.top - app.scroll) * app.zoom;
      if (y + line.height * app.zoom < 0) continue;
      if (y > h) break;
      st = app.zoom == 1
               ? app.ts->draw_text(kMargin, float(y), line.markup, line.style)
               : app.ts->draw_text_scaled(kMargin, float(y), app.zoom, line.markup, line.style);
      visible.push_back({i, RectI{int(kMargin), int(std::lround(y)), w - int(kMargin),
                                  int(std::lround(y + line.height - kLineGap))}});
    }
    if (st.ok()) st = app.ts->commit();
    if (st.ok()) st = app.ts->flush();

    // Pass 2: the overlay, a panel cleared over the document, then its text.
    std::vector<std::string> lines;
    char buf[160];
    const bool stats_visible = !opt.auto_scroll || opt.show_stats;
    if (stats_visible) {
      std::snprintf(buf, sizeof buf, "upload mode  %s   [M] cycles",
                    std::string(gs::upload_mode_name(app.ts->upload_mode())).c_str());
      lines.push_back(buf);
      std::snprintf(buf, sizeof buf, "frame  %6.2f ms   cpu %6.2f ms", last_frame_ms, last_cpu_ms);
      lines.push_back(buf);
      std::snprintf(buf, sizeof buf, "glyphs  %5u drawn  %4u rasterized", last.drawn,
                    last.rasterized);
      lines.push_back(buf);
      std::snprintf(buf, sizeof buf, "upload  %s in %u copies", format_bytes(last.bytes).c_str(),
                    last.copies);
      lines.push_back(buf);
      std::snprintf(buf, sizeof buf, "stalls  %u (%.2f ms)   draws %u", last.stalls,
                    double(last.stall_ns) / 1e6, last.draw_calls);
      lines.push_back(buf);
      if (last.gpu_timing) {
        std::snprintf(buf, sizeof buf, "gpu     upload %.3f ms  draw %.3f ms",
                      double(last.gpu_upload_ns) / 1e6, double(last.gpu_draw_ns) / 1e6);
      } else {
        std::snprintf(buf, sizeof buf, "gpu     timing unavailable");
      }
      lines.push_back(buf);
      std::snprintf(buf, sizeof buf, "zoom    x%.2f  stand-ins %u  refined %u", app.zoom,
                    last.stand_in, last.refined);
      lines.push_back(buf);
      std::snprintf(buf, sizeof buf, "atlas   %u pages %3.0f%%  %" PRIu64 " glyphs", last.pages,
                    last.occupancy * 100, last.cached);
      lines.push_back(buf);
      std::snprintf(buf, sizeof buf, "total   %" PRIu64 " rasterized  %s", total_rasterized,
                    format_bytes(total_bytes).c_str());
      lines.push_back(buf);
      if (!opt.auto_scroll) lines.push_back("wheel arrows PgUp PgDn Home End   Q quits");
      if (!opt.auto_scroll) lines.push_back("Ctrl+wheel or +/- zoom, 0 resets");
    } else {
      // Nothing that depends on timing or on the upload mode: screenshots stay comparable.
      std::snprintf(buf, sizeof buf, "auto-scroll  frame %d/%d", frame + 1, opt.frames);
      lines.push_back(buf);
      std::snprintf(buf, sizeof buf, "scroll  %.0f px   lines %zu", app.scroll, app.doc.size());
      lines.push_back(buf);
      lines.push_back("statistics: on stdout");
    }
    const int panel_w = 390, line_h = 19;
    const int panel_h = 34 + line_h * int(lines.size()) + 8;
    const RectI panel{w - panel_w - 12, 12, w - 12, 12 + panel_h};
    if (st.ok()) {
      glEnable(GL_SCISSOR_TEST);
      glScissor(panel.x0, h - panel.y1, panel.x1 - panel.x0, panel.y1 - panel.y0);
      glClearColor(kPanel[0], kPanel[1], kPanel[2], 1);
      glClear(GL_COLOR_BUFFER_BIT);
      glDisable(GL_SCISSOR_TEST);
      st = app.ts->begin_frame(w, h);
    }
    if (st.ok()) {
      st = app.ts->draw_text(float(panel.x0 + 12), float(panel.y0 + 8), "glyphstream",
                             overlay_title);
    }
    for (size_t i = 0; st.ok() && i < lines.size(); ++i) {
      st = app.ts->draw_text(float(panel.x0 + 12), float(panel.y0 + 34 + int(i) * line_h), lines[i],
                             overlay_style);
    }
    if (st.ok()) st = app.ts->commit();
    if (st.ok()) st = app.ts->flush();
    if (!st.ok() || app.failed) {
      std::fprintf(stderr, "scroll_demo: frame %d: %s\n", frame, st.to_string().c_str());
      exit_code = 1;
      break;
    }

    last = FrameTotals{};
    for (const gs::FrameStats& s : app.ts->take_frame_stats()) last.add(s);
    total_rasterized += last.rasterized;
    total_bytes += last.bytes;
    total_copies += last.copies;
    total_stalls += last.stalls;
    const auto t1 = Clock::now();
    last_cpu_ms = std::chrono::duration<double, std::milli>(t1 - t0).count();
    cpu_ms_samples.push_back(last_cpu_ms);

    const bool final_frame = opt.auto_scroll && frame + 1 == opt.frames;
    if (final_frame && !opt.screenshot.empty()) {
      const std::vector<uint8_t> rgb = read_back_buffer(w, h);
      if (!write_png_rgb(opt.screenshot, rgb, w, h)) {
        std::fprintf(stderr, "scroll_demo: cannot write %s\n", opt.screenshot.c_str());
        exit_code = 1;
      }
      uint64_t hash = 1469598103934665603ull;  // FNV-1a over the pixels
      for (uint8_t b : rgb) hash = (hash ^ b) * 1099511628211ull;
      int lines_checked = 0, lines_blank = 0;
      for (const auto& [index, r] : visible) {
        // Lines wholly on screen and clear of the panel must have text.
        if (r.y0 < 0 || r.y1 > h || (r.y0 < panel.y1 + 2 && r.x1 > panel.x0)) continue;
        ++lines_checked;
        if (count_ink(rgb, w, r, kBackground) < 40) {
          ++lines_blank;
          std::fprintf(stderr, "scroll_demo: check: line %zu (y %d..%d) has no text\n", index + 1,
                       r.y0, r.y1);
        }
      }
      const int margin_ink =
          count_ink(rgb, w, RectI{0, 0, int(kMargin) / 2, h}, kBackground) +
          count_ink(rgb, w, RectI{w - int(kMargin) / 2, panel.y1 + 2, w, h}, kBackground);
      const int panel_ink = count_ink(rgb, w, panel, kPanel);
      std::printf("screenshot: %s %dx%d fnv1a=%016" PRIx64
                  " lines_checked=%d lines_blank=%d margin_ink=%d panel_ink=%d\n",
                  opt.screenshot.c_str(), w, h, hash, lines_checked, lines_blank, margin_ink,
                  panel_ink);
      if (opt.check &&
          (lines_checked < 5 || lines_blank > 0 || margin_ink > 0 || panel_ink < 200)) {
        std::fprintf(stderr,
                     "scroll_demo: check FAILED (need >= 5 lines with text, none blank, "
                     "clean margins, text in the overlay)\n");
        exit_code = 1;
      }
    }
    glfwSwapBuffers(window);
    last_frame_ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
  }

  if (opt.auto_scroll && !cpu_ms_samples.empty()) {
    std::vector<double> s = cpu_ms_samples;
    std::sort(s.begin(), s.end());
    auto pct = [&](double p) { return s[std::min(s.size() - 1, size_t(p * double(s.size())))]; };
    std::printf("frames %zu  cpu ms p50 %.2f p99 %.2f max %.2f  rasterized %" PRIu64
                "  uploaded %s in %" PRIu64 " copies  stalls %" PRIu64 "  mode %s\n",
                s.size(), pct(0.5), pct(0.99), s.back(), total_rasterized,
                format_bytes(total_bytes).c_str(), total_copies, total_stalls,
                std::string(gs::upload_mode_name(app.ts->upload_mode())).c_str());
  }
  app.ts.reset();  // GL objects go while the context is still current
  glfwDestroyWindow(window);
  glfwTerminate();
  return exit_code;
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  const int parsed = parse_options(argc, argv, &opt);
  if (parsed != 0) return parsed < 0 ? 0 : parsed;
  if (opt.check && opt.screenshot.empty()) {
    std::fprintf(stderr, "scroll_demo: --check needs --screenshot\n");
    return 2;
  }
  if (!opt.screenshot.empty() && !opt.auto_scroll) {
    std::fprintf(stderr, "scroll_demo: --screenshot needs --auto-scroll\n");
    return 2;
  }
  return run(opt);
}
