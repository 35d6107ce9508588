#!/usr/bin/env python3
"""Regenerates the fuzz seed corpora (fuzz/corpus/text, fuzz/corpus/font).

Text seeds: 3 control bytes (flags, size, wrap width; see text_fuzzer.cpp), then the text.
Font seeds: 1 control byte (see font_fuzzer.cpp), then font bytes: two tiny real fonts from
Debian's fonts-noto-core (SIL OFL), and truncated / mutated copies of them. Each seed < 100 KB.
"""
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TEXT_DIR = os.path.join(HERE, "corpus", "text")
FONT_DIR = os.path.join(HERE, "corpus", "font")
FONTS = [
    "/usr/share/fonts/truetype/noto/NotoSansLycian-Regular.ttf",
    "/usr/share/fonts/truetype/noto/NotoSansOgham-Regular.ttf",
]

MARKUP, WRAP, CUSTOM = 1, 2, 4
NEST, STRETCH = 64, 128  # issue 23: nesting depth, repeated last code point


def family(i):
    return i << 3


TEXT_SEEDS = {
    "latin": (family(0), 16, 0, "Hello, world! The quick brown fox."),
    "mixed_scripts": (family(0), 24, 0, "Latin Кириллица Ελληνικά العربية देवनागरी 中文 日本語 한국어"),
    "emoji": (family(5), 32, 0, "👋🏽 👨‍👩‍👧 🇫🇷 ❤️"),
    "cjk_wrapped": (family(4) | WRAP, 20, 60, "縦書きと横書きの文章を折り返して表示します。"),
    "markup": (MARKUP, 18, 0,
               '<span foreground="#ff0000">red</span> <b>bold</b> <i>it</i> '
               '<span size="x-large" rise="5000">up</span> &amp; &lt;'),
    "markup_bad": (MARKUP, 18, 0, "<span foo='1'>unclosed <b>"),
    "unknown_family": (family(6), 12, 0, "fallback text"),
    "custom_font": (CUSTOM, 0, 0, "Serif Bold 22px\nCustom description"),
    "custom_font_nan": (CUSTOM, 0, 0, "Sans nan\nsize"),
    "custom_font_neg": (CUSTOM, 0, 0, "Monospace -5\nsize"),
    "bidi": (family(1), 16, 0, "abc \u202eאבג\u202c def العربية 123"),
    "combining": (family(0), 30, 0, "e\u0301 a\u0308\u0323 \u0928\u093f Z\u0351\u0352\u0357\u035b"),
    "controls": (family(2), 14, 0, "tab\there\r\nnew\u2028line\u00ad\ufeff\u200d"),
    "nul": (family(0), 16, 0, "before\0after"),
    "empty": (family(0), 16, 0, ""),
    # Issue 23: 56 nested <small> (size byte 6: tag 0), 60 nested <big> (tag 1), one base with
    # 100k marks, a wrapped paragraph of 130k "x" (wider than Pango's int).
    "nested_small": (NEST, 6, 56, "tiny"),
    "nested_big": (NEST, 1, 60, "huge"),
    "mark_run": (STRETCH, 24, 200, "a\u0301"),
    "long_wrapped": (STRETCH | WRAP, 40, 255, "word x"),
}

BINARY_TEXT = {
    "overlong": b"\xc0\xaf \xe0\x80\xaf \xf0\x80\x80\xaf",
    "surrogate": b"\xed\xa0\x80\xed\xbf\xbf",
    "truncated": b"abc\xe4\xb8",
    "beyond_max": b"\xf4\x90\x80\x80",
}


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


def be16(data, off, value):
    data[off:off + 2] = struct.pack(">H", value & 0xFFFF)


def font_seeds(name, font):
    yield name, font
    yield name + "_trunc_header", font[:12]
    yield name + "_trunc_half", font[: len(font) // 2]
    yield name + "_trunc_tail", font[:-64]
    num_tables = struct.unpack(">H", font[4:6])[0]
    # A table directory entry pointing past the end.
    bad = bytearray(font)
    bad[12 + 8:12 + 12] = struct.pack(">I", len(font) + 1000)
    yield name + "_bad_offset", bytes(bad)
    # Huge table count.
    bad = bytearray(font)
    be16(bad, 4, 0xFFFF)
    yield name + "_many_tables", bytes(bad)
    # Corrupt every table's first bytes except the directory.
    for i in range(num_tables):
        entry = 12 + 16 * i
        tag = bytes(font[entry:entry + 4]).decode("latin1").strip().replace("/", "_")
        off, length = struct.unpack(">II", font[entry + 8:entry + 16])
        if tag in ("glyf", "loca", "head", "maxp", "cmap", "hhea", "hmtx"):
            bad = bytearray(font)
            for j in range(off, min(off + min(length, 64), len(bad))):
                bad[j] ^= 0xA5
            yield "%s_garbled_%s" % (name, tag), bytes(bad)


def main():
    os.makedirs(TEXT_DIR, exist_ok=True)
    os.makedirs(FONT_DIR, exist_ok=True)
    for name, (flags, size, wrap, text) in TEXT_SEEDS.items():
        write(os.path.join(TEXT_DIR, name), bytes([flags, size, wrap]) + text.encode("utf-8"))
    for name, raw in BINARY_TEXT.items():
        write(os.path.join(TEXT_DIR, name), bytes([family(0), 16, 0]) + raw)
    for path in FONTS:
        if not os.path.exists(path):
            sys.exit("missing " + path + " (apt-get install fonts-noto-core)")
        font = open(path, "rb").read()
        stem = os.path.basename(path).split("-")[0].replace("NotoSans", "noto_").lower()
        for name, data in font_seeds(stem, font):
            assert len(data) < 100 * 1024
            write(os.path.join(FONT_DIR, name), b"\x00" + data)
    write(os.path.join(FONT_DIR, "empty"), b"\x00")
    write(os.path.join(FONT_DIR, "not_a_font"), b"\x00" + b"<html>not a font</html>")
    write(os.path.join(FONT_DIR, "ttc_header"), b"\x01ttcf\x00\x01\x00\x00\x00\x00\x00\x01"
          + struct.pack(">I", 16) + b"\x00\x01\x00\x00")


if __name__ == "__main__":
    main()
