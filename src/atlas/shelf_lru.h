// Shelves in least-recently-used order, one list per pixel format: every shelf holding
// something, oldest frame tag first (tags never decrease, so moving a used shelf to the back
// keeps the order). Eviction takes whole shelves from the front.
#pragma once

#include <cstddef>
#include <cstdint>

#include "atlas/chunked_vector.h"
#include "glyphstream/types.h"

namespace glyphstream::atlas {

struct LruNode {
  uint64_t newest_frame = 0;  // newest frame tag of anything placed or touched on the shelf
  uint32_t prev = UINT32_MAX;
  uint32_t next = UINT32_MAX;
  uint8_t list = 0;  // format index of the list it is on
  bool listed = false;
};

class ShelfLru {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;
  using Node = LruNode;

  // Tags the shelf with `frame` and moves it to the back of its format's list.
  void use(uint32_t shelf, PixelFormat format, uint64_t frame);
  // Takes the shelf out (it holds nothing left to evict); no-op if not listed.
  void remove(uint32_t shelf);
  uint32_t oldest(PixelFormat format) const { return lists_[index(format)].head; }
  uint32_t newest(PixelFormat format) const { return lists_[index(format)].tail; }
  // The shelf's entry; a default one for a shelf never used.
  const Node& node(uint32_t shelf) const { return shelf < nodes_.size() ? nodes_[shelf] : kUnused; }
  void reserve(size_t shelves) { nodes_.reserve(shelves); }
  static int index(PixelFormat f) { return int(f); }

 private:
  struct List {
    uint32_t head = kNone;
    uint32_t tail = kNone;
  };
  static inline const Node kUnused{};

  ChunkedVector<Node, 256> nodes_;  // by shelf id: growth never moves nodes
  List lists_[kPixelFormatCount];
};

inline void ShelfLru::use(uint32_t shelf, PixelFormat format, uint64_t frame) {
  while (nodes_.size() <= shelf) nodes_.emplace_back();
  Node& n = nodes_[shelf];
  n.newest_frame = frame;
  const List& l = lists_[index(format)];
  if (l.tail == shelf && n.listed) return;
  remove(shelf);
  List& list = lists_[index(format)];
  n.listed = true;
  n.list = uint8_t(index(format));
  n.prev = list.tail;
  n.next = kNone;
  (list.tail == kNone ? list.head : nodes_[list.tail].next) = shelf;
  list.tail = shelf;
}

inline void ShelfLru::remove(uint32_t shelf) {
  if (shelf >= nodes_.size() || !nodes_[shelf].listed) return;
  Node& n = nodes_[shelf];
  List& list = lists_[n.list];
  n.listed = false;
  (n.prev == kNone ? list.head : nodes_[n.prev].next) = n.next;
  (n.next == kNone ? list.tail : nodes_[n.next].prev) = n.prev;
  n.prev = n.next = kNone;
}

}  // namespace glyphstream::atlas
