// The editor's input layer: window-system events become InputEvents, and apply() turns each into
// an action of the Editor. The GLFW callbacks (glfw_input.cpp) and the unattended script
// (--script, parse_script) both go through apply(), so a test drives exactly what a user does.
#pragma once

#include <glyphstream/status.h>

#include <string>
#include <vector>

class Editor;

enum class Key { kNone, kLeft, kRight, kUp, kDown, kHome, kEnd, kAlign, kSelectAll, kQuit };

struct InputEvent {
  enum class Kind { kPress, kMove, kRelease, kKey, kScroll };
  Kind kind = Kind::kKey;
  float x = 0, y = 0;  // window px (press, move, release); scroll: y = px down
  Key key = Key::kNone;
  bool shift = false;
};

// Applies one event; returns an error only when the editor could not lay its text out again.
// *quit is set by Key::kQuit.
glyphstream::Status apply(Editor& editor, const InputEvent& event, bool* quit);

// The unattended script: commands separated by ';'. Coordinates are window px.
//   click X Y | shift-click X Y | press X Y | move X Y | release X Y
//   drag X0 Y0 X1 Y1      press, four moves, release
//   key NAME | shift+key NAME   NAME: left right up down home end align select-all
//   scroll DY
// kInvalidArgument names the command that is not understood.
glyphstream::Result<std::vector<InputEvent>> parse_script(const std::string& script);
