#include "atlas/shelf_lru.h"

namespace glyphstream::atlas {

void ShelfLru::use(uint32_t shelf, PixelFormat format, uint64_t frame) {
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

void ShelfLru::remove(uint32_t shelf) {
  if (shelf >= nodes_.size() || !nodes_[shelf].listed) return;
  Node& n = nodes_[shelf];
  List& list = lists_[n.list];
  n.listed = false;
  (n.prev == kNone ? list.head : nodes_[n.prev].next) = n.next;
  (n.next == kNone ? list.tail : nodes_[n.next].prev) = n.prev;
  n.prev = n.next = kNone;
}

}  // namespace glyphstream::atlas
