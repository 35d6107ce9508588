#!/usr/bin/env python3
"""Compares two 8-bit RGB PNGs (the demo's screenshots) with the standard library alone:
prints the number of differing pixels and the largest channel difference; exits 1 if the sizes
differ or a channel differs by more than MAX_DIFF (default 0: identical).

Usage: compare_png.py A.png B.png [MAX_DIFF]"""
import struct
import sys
import zlib


def read_png(path):
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path}: not a PNG"
    pos, idat, width, height = 8, b"", 0, 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, color = struct.unpack(">IIBB", body[:10])
            assert (depth, color) == (8, 2), f"{path}: not 8-bit RGB"
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw, stride = zlib.decompress(idat), width * 3
    rows, prev = [], bytearray(stride)
    for y in range(height):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - 3] if i >= 3 else 0
            b = prev[i]
            c = prev[i - 3] if i >= 3 else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pred) & 255
        rows.append(bytes(line))
        prev = line
    return width, height, b"".join(rows)


def main():
    a_path, b_path = sys.argv[1], sys.argv[2]
    max_diff_allowed = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    wa, ha, a = read_png(a_path)
    wb, hb, b = read_png(b_path)
    if (wa, ha) != (wb, hb):
        print(f"compare_png: sizes differ: {wa}x{ha} vs {wb}x{hb}")
        return 1
    differing, worst = 0, 0
    for i in range(0, len(a), 3):
        d = max(abs(a[i] - b[i]), abs(a[i + 1] - b[i + 1]), abs(a[i + 2] - b[i + 2]))
        if d:
            differing += 1
            worst = max(worst, d)
    share = differing / (wa * ha)
    print(f"compare_png: {differing} of {wa * ha} pixels differ ({share:.4%}), max diff {worst}")
    return 0 if worst <= max_diff_allowed else 1


if __name__ == "__main__":
    sys.exit(main())
