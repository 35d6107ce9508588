#!/usr/bin/env python3
"""Draws docs/coverage-curves.png: the same text blended plainly (the default), blended in linear
light (glyphstream-render's --linear-light: an sRGB target, TextSystemDesc::linear_light) and
with each coverage curve (--coverage-gamma and --coverage-contrast, RenderingStyle::coverage_gamma
/ coverage_contrast), dark on light (left) and light on dark (right), through glyphstream-render
(GL by default): real output.
Usage: scripts/coverage-curve-picture.py [build dir] [output png]. Standard library only."""
import os
import struct
import subprocess
import sys
import tempfile
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build")
OUT = sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, "docs", "coverage-curves.png")
TOOL = os.path.join(BUILD, "tools", "render", "glyphstream-render")

ROWS = [("plain (default)", []),
        ("linear light", ["--linear-light"]),
        ("gamma 1.8", ["--coverage-gamma", "1.8"]),
        ("gamma 1.8, contrast 0.4", ["--coverage-gamma", "1.8", "--coverage-contrast", "0.4"]),
        ("gamma 0.6", ["--coverage-gamma", "0.6"])]
COLUMNS = [("#202020", "#ffffff"), ("#f0f0f0", "#202020")]
WIDTH, MARGIN, FONT = 330, 6, "DejaVu Sans 13"


def read_png(path):
    data = open(path, "rb").read()
    width, height, depth, kind = struct.unpack(">IIBB", data[16:26])
    assert depth == 8 and kind in (2, 6), (path, depth, kind)
    pos, idat = 8, b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        if data[pos + 4:pos + 8] == b"IDAT":
            idat += data[pos + 8:pos + 8 + length]
        pos += 12 + length
    raw, bpp = zlib.decompress(idat), 3 if kind == 2 else 4
    stride, rows, prev, i = width * bpp, [], bytearray(width * bpp), 0
    for _ in range(height):
        kind_of_filter, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if kind_of_filter == 1:
                line[x] = (line[x] + a) & 255
            elif kind_of_filter == 2:
                line[x] = (line[x] + b) & 255
            elif kind_of_filter == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif kind_of_filter == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line[x] for x in range(stride) if x % bpp < 3))  # RGB
        prev = line
    return width, height, rows


def write_png(path, width, rows):
    raw = b"".join(b"\0" + r for r in rows)
    chunk = lambda tag, body: (struct.pack(">I", len(body)) + tag + body +
                               struct.pack(">I", zlib.crc32(tag + body) & 0xffffffff))
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, len(rows),
                                                                     8, 2, 0, 0, 0)) +
                chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def main():
    tmp = tempfile.mkdtemp(prefix="coverage-curves-")
    out_rows = []
    for label, flags in ROWS:
        panels = []
        for fg, bg in COLUMNS:
            png = os.path.join(tmp, "panel.png")
            subprocess.run([TOOL, "--quiet", "--font", FONT, "--width", str(WIDTH), "--margin",
                            str(MARGIN), "--fg", fg, "--bg", bg, "--text",
                            label + ": Hamburgefonstiv 0123", "--out", png] + flags, check=True)
            panels.append(read_png(png))
        height = max(p[1] for p in panels)
        for y in range(height):
            out_rows.append(b"".join(p[2][y] for p in panels))
    write_png(OUT, len(out_rows[0]) // 3, out_rows)
    print(OUT)


if __name__ == "__main__":
    main()
