#!/usr/bin/env python3
"""Generates the benchmark texts in this folder (deterministic; nothing is downloaded).

cjk_document.txt: a long CJK-heavy document (Han characters drawn with a Zipf-like frequency
  over 3,500 code points, as in real Chinese text, plus kana, Latin words, digits and
  punctuation), 600 lines: W2 scroll.
mixed_screen.txt: one screen of mixed scripts (Latin, Cyrillic, Greek, Arabic, Hebrew,
  Devanagari, CJK, emoji): W1 cold page, W3 zoom, W4 steady.
"""
import os
import random

here = os.path.dirname(os.path.abspath(__file__))
rng = random.Random(20261127)

han = [chr(0x4E00 + i * 5 % 0x51A5) for i in range(3500)]
weights = [1.0 / (i + 1) ** 0.9 for i in range(len(han))]
kana = [chr(c) for c in range(0x3042, 0x3094)]
latin = ["GPU", "atlas", "glyph", "Pango", "FreeType", "shelf", "upload", "fence", "frame", "OpenGL",
         "2026", "v1.0", "HarfBuzz", "PBO", "UTF-8", "render"]
punct = ["，", "。", "、", "：", "；", "！", "？", "「", "」", "（", "）"]

lines = []
for n in range(600):
    parts = []
    length = rng.randint(18, 34)
    while len(parts) < length:
        r = rng.random()
        if r < 0.78:
            parts.append(rng.choices(han, weights)[0])
        elif r < 0.86:
            parts.append(rng.choice(kana))
        elif r < 0.92:
            parts.append(" " + rng.choice(latin) + " ")
        else:
            parts.append(rng.choice(punct))
    lines.append(f"{n + 1:03d} " + "".join(parts))
with open(os.path.join(here, "cjk_document.txt"), "w", encoding="utf-8") as f:
    f.write("\n".join(lines) + "\n")

screen = [
    "The quick brown fox jumps over the lazy dog. Ça déjà vu? Naïve façade, Ærøskøbing, Straße.",
    "Съешь же ещё этих мягких французских булок, да выпей чаю. Широкая электрификация южных губерний.",
    "Ξεσκεπάζω την ψυχοφθόρα βδελυγμία. Γαζίες καὶ μυρτιὲς δὲν θὰ βρῶ πιὰ στὸ χρυσαφὶ ξέφωτο.",
    "مرحبا بالعالم، هذا نص تجريبي لاختبار الأداء. صِف خَلقَ خَودِ كَمِثلِ الشَمسِ إِذ بَزَغَت",
    "שלום עולם, זהו טקסט לדוגמה. דג סקרן שט בים מאוכזב ולפתע מצא חברה",
    "नमस्ते दुनिया, यह एक परीक्षण है। ऋषियों को सताने वाले दुष्ट राक्षसों के राजा रावण का सर्वनाश करने वाले",
    "你好，世界！流式字形图集在图形处理器上渲染文本。天地玄黄，宇宙洪荒。日月盈昃，辰宿列张。",
    "日本語のテキスト：いろはにほへと ちりぬるを わかよたれそ つねならむ。한국어 텍스트: 다람쥐 헌 쳇바퀴에 타고파",
    "Emoji: 😀 😃 😄 😁 😆 😅 🤣 😂 🙂 🙃 😉 😊 😇 🥰 😍 🤩 🚀 🎨 👍 🌍 ❤ 🎉 🐧 🔥 ✨ 🍕 🎵 ⚡ 🌈 🐱",
    "0123456789 !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~ ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖ×ØÙÚÛÜÝÞß",
]
with open(os.path.join(here, "mixed_screen.txt"), "w", encoding="utf-8") as f:
    f.write("\n".join(screen) + "\n")
