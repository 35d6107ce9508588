// The editor's input layer (see input.h).
#include "input.h"

#include <sstream>

#include "editor.h"

namespace gs = glyphstream;

gs::Status apply(Editor& editor, const InputEvent& e, bool* quit) {
  switch (e.kind) {
    case InputEvent::Kind::kPress:
      editor.press(e.x, e.y, e.shift);
      return gs::Status();
    case InputEvent::Kind::kMove:
      editor.drag_to(e.x, e.y);
      return gs::Status();
    case InputEvent::Kind::kRelease:
      editor.drag_to(e.x, e.y);
      editor.release();
      return gs::Status();
    case InputEvent::Kind::kScroll:
      editor.scroll_by(e.y);
      return gs::Status();
    case InputEvent::Kind::kKey:
      break;
  }
  switch (e.key) {
    case Key::kLeft:
    case Key::kRight:
      editor.move_horizontally(e.key == Key::kRight ? 1 : -1, e.shift);
      break;
    case Key::kUp:
    case Key::kDown:
      editor.move_vertically(e.key == Key::kDown ? 1 : -1, e.shift);
      break;
    case Key::kHome:
    case Key::kEnd:
      editor.move_to_line_edge(e.key == Key::kEnd, e.shift);
      break;
    case Key::kSelectAll:
      editor.select_all();
      break;
    case Key::kAlign:
      return editor.cycle_align();
    case Key::kQuit:
      *quit = true;
      break;
    case Key::kNone:
      break;
  }
  return gs::Status();
}

namespace {

Key key_named(const std::string& name) {
  static const std::pair<const char*, Key> kKeys[] = {
      {"left", Key::kLeft},   {"right", Key::kRight},
      {"up", Key::kUp},       {"down", Key::kDown},
      {"home", Key::kHome},   {"end", Key::kEnd},
      {"align", Key::kAlign}, {"select-all", Key::kSelectAll},
      {"quit", Key::kQuit}};
  for (const auto& [n, k] : kKeys) {
    if (name == n) return k;
  }
  return Key::kNone;
}

InputEvent mouse(InputEvent::Kind kind, float x, float y, bool shift) {
  InputEvent e;
  e.kind = kind;
  e.x = x, e.y = y;
  e.shift = shift;
  return e;
}

// One command of the script, appended to *out; false when it is not understood.
bool parse_command(const std::string& command, std::vector<InputEvent>* out) {
  std::istringstream in(command);
  std::string verb;
  if (!(in >> verb)) return true;  // empty: nothing
  using K = InputEvent::Kind;
  float a = 0, b = 0, c = 0, d = 0;
  const bool shift = verb.rfind("shift", 0) == 0;
  if (verb == "click" || verb == "shift-click") {
    if (!(in >> a >> b)) return false;
    out->push_back(mouse(K::kPress, a, b, shift));
    out->push_back(mouse(K::kRelease, a, b, shift));
  } else if (verb == "press" || verb == "move" || verb == "release") {
    if (!(in >> a >> b)) return false;
    out->push_back(mouse(verb == "press"  ? K::kPress
                         : verb == "move" ? K::kMove
                                          : K::kRelease,
                         a, b, false));
  } else if (verb == "drag") {
    if (!(in >> a >> b >> c >> d)) return false;
    out->push_back(mouse(K::kPress, a, b, false));
    for (int i = 1; i <= 4; ++i) {
      const float t = float(i) / 4;
      out->push_back(mouse(K::kMove, a + (c - a) * t, b + (d - b) * t, false));
    }
    out->push_back(mouse(K::kRelease, c, d, false));
  } else if (verb == "key" || verb == "shift+key") {
    std::string name;
    if (!(in >> name)) return false;
    InputEvent e;
    e.kind = K::kKey;
    e.key = key_named(name);
    e.shift = shift;
    if (e.key == Key::kNone) return false;
    out->push_back(e);
  } else if (verb == "scroll") {
    if (!(in >> a)) return false;
    out->push_back(mouse(K::kScroll, 0, a, false));
  } else {
    return false;
  }
  std::string extra;
  return !(in >> extra);
}

}  // namespace

gs::Result<std::vector<InputEvent>> parse_script(const std::string& script) {
  std::vector<InputEvent> events;
  std::istringstream in(script);
  std::string command;
  while (std::getline(in, command, ';')) {
    if (!parse_command(command, &events)) {
      return gs::Status(gs::ErrorCode::kInvalidArgument,
                        "editor: --script: not understood: \"" + command + "\"");
    }
  }
  return events;
}
