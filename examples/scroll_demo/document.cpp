// The demo's document (see document.h).
#include "document.h"

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

namespace gs = glyphstream;

namespace {

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

constexpr int kDistinctLines = 320;  // 40 per script
constexpr int kPasses = 4;           // the document repeats them at four sizes
const char* const kPassFonts[kPasses] = {"Sans 18", "Serif 22", "Sans 15", "Sans 26"};
const char* const kScriptNames[] = {"Latin",  "Cyrillic",   "Greek", "Arabic",
                                    "Hebrew", "Devanagari", "CJK",   "Emoji"};

}  // namespace

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
