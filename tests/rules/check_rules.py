#!/usr/bin/env python3
"""Repository rules as tests (as HarfBuzz keeps them): the layer rules of docs/ARCHITECTURE.md and
the size limits of the style guide, checked on the source tree.

    check_rules.py [--root DIR] [--rule NAME ...]   exit 0 when every chosen rule holds

Each rule is one function from the repository root to a list of violations, each printed as
"path:line: rule: message". Python 3 standard library only.
"""
import argparse
import os
import re
import sys

MAX_FILE_LINES = 600
MAX_FUNCTION_LINES = 100

CPP_SUFFIXES = (".cpp", ".h", ".cc", ".hpp")
INCLUDE_RE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')
GRAPHICS_RE = re.compile(r"^(epoxy|EGL|GL|GLES\d*|KHR|vulkan|GLFW)/")

# The C++ standard library's headers (C++20) and their C counterparts.
STD_HEADERS = set(
    """algorithm any array atomic barrier bit bitset cassert cctype cerrno cfloat charconv chrono
    cinttypes climits clocale cmath codecvt compare complex concepts condition_variable coroutine
    csetjmp csignal cstdarg cstddef cstdint cstdio cstdlib cstring ctime cuchar cwchar cwctype
    deque exception execution expected filesystem format forward_list fstream functional future
    initializer_list iomanip ios iosfwd iostream istream iterator latch limits list locale map
    memory memory_resource mutex new numbers numeric optional ostream queue random ranges ratio
    regex scoped_allocator semaphore set shared_mutex source_location span sstream stack
    stdexcept stop_token streambuf string string_view syncstream system_error thread tuple
    type_traits typeindex typeinfo unordered_map unordered_set utility valarray variant vector
    version""".split()
)


class Violation:
    def __init__(self, path, line, rule, message):
        self.path, self.line, self.rule, self.message = path, line, rule, message

    def __str__(self):
        return f"{self.path}:{self.line}: {self.rule}: {self.message}"


def source_files(root, folder, include_tests=True):
    """Repository-relative paths of the C++ files under root/folder, sorted."""
    found = []
    for dirpath, _, names in os.walk(os.path.join(root, folder)):
        for name in names:
            if not name.endswith(CPP_SUFFIXES):
                continue
            if not include_tests and name.endswith("_test.cpp"):
                continue
            found.append(os.path.relpath(os.path.join(dirpath, name), root))
    return sorted(found)


def read_lines(root, path):
    with open(os.path.join(root, path), encoding="utf-8", errors="replace") as f:
        return f.read().split("\n")


def includes(root, path):
    """(line number, '<' or '"', header) for every #include of a file."""
    for number, text in enumerate(read_lines(root, path), 1):
        m = INCLUDE_RE.match(text)
        if m:
            yield number, m.group(1), m.group(2)


def forbidden_includes(root, folder, rule, is_forbidden, why):
    violations = []
    for path in source_files(root, folder):
        for number, _, header in includes(root, path):
            if is_forbidden(path, header):
                violations.append(Violation(path, number, rule, f'includes "{header}": {why}'))
    return violations


# (a) The atlas is plain C++: the standard library, its own headers and the public value types.
def rule_atlas_includes(root):
    allowed_project = {"glyphstream/types.h", "glyphstream/status.h"}

    def forbidden(path, header):
        if header in STD_HEADERS or header in allowed_project or header.startswith("atlas/"):
            return False
        # Its tests may use GoogleTest.
        return not (path.endswith("_test.cpp") and header.startswith(("gtest/", "gmock/")))

    return forbidden_includes(
        root, "src/atlas", "atlas-includes", forbidden,
        "src/atlas may include only the standard library, atlas/ headers and "
        "glyphstream/types.h or glyphstream/status.h")


# (b) The text layer never reaches into the GPU or the atlas.
def rule_text_includes(root):
    return forbidden_includes(
        root, "src/text", "text-includes",
        lambda path, header: header.startswith(("gpu/", "atlas/")),
        "src/text must not include gpu/ or atlas/ headers (the pipeline joins the layers)")


# (c) The GPU layer never reaches into the text layer or the pipeline above it: src/gpu/
# includes no text/ or pipeline/ header and none of the public headers of the text side
# (TextSystem, TextLayout, paragraphs); the pipeline drives it through GpuDevice.
GPU_FORBIDDEN_PUBLIC = ("glyphstream/text_system.h", "glyphstream/text_layout.h",
                        "glyphstream/paragraph.h")


def rule_gpu_includes(root):
    return forbidden_includes(
        root, "src/gpu", "gpu-includes",
        lambda path, header: header.startswith(("text/", "pipeline/"))
        or header in GPU_FORBIDDEN_PUBLIC,
        "src/gpu must not include text/ or pipeline/ headers or the text side's public headers "
        "(text_system.h, text_layout.h, paragraph.h)")


# (c') The pipeline joins the modules below the facade: it includes the public value types it
# needs (types.h, status.h, stats.h, text_style.h, text_system_desc.h, ...) but never the
# facade's header glyphstream/text_system.h, and never a backend header (gpu/gl/, gpu/vulkan/):
# what is backend-specific reaches the backend through GpuDevice.
def rule_pipeline_includes(root):
    return forbidden_includes(
        root, "src/pipeline", "pipeline-includes",
        lambda path, header: header == "glyphstream/text_system.h"
        or header.startswith(("gpu/gl/", "gpu/vulkan/")),
        "src/pipeline must not include glyphstream/text_system.h (the facade) or a backend "
        "header (gpu/gl/, gpu/vulkan/): include the public type headers it needs and reach the "
        "backend through gpu/gpu_device.h")


# (c'') The device is reached through GpuDevice's own calls: no code asks a GpuDevice for its
# Backend (what the pipeline, the facade and the embedded Vulkan calls need, such as
# can_wait_within_frame() or set_vulkan_frame_target(), GpuDevice forwards), so that a backend's
# interface can change without its callers noticing. GpuDevice::backend() exists for the
# backends' own tests only: *_test.cpp files under src/gpu/.
BACKEND_CALL_RE = re.compile(r"(\.|->)backend\(\)")


def rule_device_backend(root):
    violations = []
    for folder in ("src", "tools", "bench"):
        for path in source_files(root, folder):
            if path.startswith("src/gpu/") and path.endswith("_test.cpp"):
                continue
            for number, text in enumerate(read_lines(root, path), 1):
                if BACKEND_CALL_RE.search(text.split("//")[0]):
                    violations.append(Violation(
                        path, number, "device-backend",
                        "calls backend() on a GpuDevice outside a backend's own test "
                        "(src/gpu/**/*_test.cpp): use the GpuDevice forwarder (or add one in "
                        "src/gpu/gpu_device.h)"))
    return violations


# (d) Graphics API headers only in the GPU backends and in the bench's busy scene (bench support
# that draws with GL and Vulkan itself; its header, busy_scene.h, stays free of them); the
# public API, the rest of the library, the tools, the other benchmarks and the fuzzers go
# through glyphstream/headless_gl.h. Tests (tests/support included) and examples are
# applications (they check or own GL state) and may include them. The one exception in the
# public API is the header-only submission helper of embedded Vulkan, which exists to hand the
# application VkSemaphoreSubmitInfo entries (no library file includes it).
GRAPHICS_HEADER_EXCEPTIONS = ("include/glyphstream/vulkan_submit.h",)
GRAPHICS_FOLDERS = ("src/gpu/",)
GRAPHICS_SOURCE_FOLDERS = ("bench/busy_scene/",)  # .cpp files only


def graphics_allowed(path):
    if path.startswith(GRAPHICS_FOLDERS) or path in GRAPHICS_HEADER_EXCEPTIONS:
        return True
    return path.startswith(GRAPHICS_SOURCE_FOLDERS) and path.endswith(".cpp")


def rule_graphics_headers(root):
    violations = []
    for folder in ("include", "src", "tools", "bench", "fuzz"):
        violations += forbidden_includes(
            root, folder, "graphics-headers",
            lambda path, header: GRAPHICS_RE.match(header) is not None
            and not graphics_allowed(path),
            "graphics headers (epoxy, EGL, GL, Vulkan, GLFW) belong under src/gpu/ (and the "
            "sources of bench/busy_scene/) only")
    return violations


# (d') Test support is not library code: no file of src/ but a *_test.cpp includes GoogleTest
# (harnesses, fixtures and helpers shared by tests live in tests/support/).
def rule_test_support(root):
    return forbidden_includes(
        root, "src", "test-support",
        lambda path, header: header.startswith(("gtest/", "gmock/"))
        and not path.endswith("_test.cpp"),
        "test support belongs in tests/support/, not in src/ (only *_test.cpp files there "
        "include GoogleTest)")


TEXT_LIBRARY_RE = re.compile(r"^(pango/|harfbuzz/|hb\.h$|hb-|fontconfig/|ft2build\.h$|freetype2?/)")


# Pango, HarfBuzz, fontconfig and FreeType only in the text layer (src/text), the bare-FreeType
# benchmark baseline (bench/baselines, text-layer code outside the library) and tests.
def rule_text_libraries(root):
    violations = []
    for folder in ("include", "src", "tools", "bench", "fuzz", "examples"):
        violations += forbidden_includes(
            root, folder, "text-libraries",
            lambda path, header: TEXT_LIBRARY_RE.match(header) is not None
            and not path.startswith(("src/text/", "bench/baselines/")),
            "Pango, HarfBuzz, fontconfig and FreeType headers belong under src/text/ only")
    return violations


# (e) No library source file over MAX_FILE_LINES lines (tests excluded).
def rule_file_length(root):
    violations = []
    for path in source_files(root, "src", include_tests=False):
        lines = read_lines(root, path)
        count = len(lines) - (1 if lines and lines[-1] == "" else 0)
        if count > MAX_FILE_LINES:
            violations.append(Violation(path, count, "file-length",
                                        f"{count} lines (limit {MAX_FILE_LINES}): split it"))
    return violations


def strip_code(text):
    """The text with comments, string and character literals and preprocessor lines blanked
    out (newlines kept, so that line numbers stay right)."""
    out = []
    i, n = 0, len(text)
    at_line_start = True
    while i < n:
        c = text[i]
        if at_line_start and c == "#":
            # A preprocessor directive, with its continuation lines.
            while i < n and text[i] != "\n":
                if text[i] == "\\" and i + 1 < n and text[i + 1] == "\n":
                    out.append("\n")
                    i += 2
                    continue
                i += 1
            continue
        if c == "\n":
            at_line_start = True
            out.append(c)
            i += 1
            continue
        if not c.isspace():
            at_line_start = False
        if text.startswith("//", i):
            while i < n and text[i] != "\n":
                i += 1
            continue
        if text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
            out.append(re.sub(r"[^\n]", " ", text[i:end]))
            i = end
            continue
        raw = re.match(r'R"([^(\s]*)\(', text[i:i + 20]) if c == "R" else None
        if raw and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            end = text.find(")" + raw.group(1) + '"', i)
            end = n if end < 0 else end + len(raw.group(1)) + 2
            out.append('""' + re.sub(r"[^\n]", " ", text[i + 2:end]))
            i = end
            continue
        if c == "'" and i > 0 and text[i - 1].isalnum() and i + 1 < n and text[i + 1].isalnum():
            out.append(" ")  # digit separator: 1'000'000
            i += 1
            continue
        if c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            out.append(c + " " * (min(j, n) - i - 1) + c)
            i = j + 1
            continue
        out.append(c)
        i += 1
    return "".join(out)


SCOPE_RE = re.compile(r"^(template\s*<.*>\s*)?(inline\s+)?(namespace|class|struct|union|enum|extern)\b",
                      re.S)
FUNCTION_TAIL_RE = re.compile(
    r"\)\s*(const|volatile|noexcept(\s*\([^()]*\))?|override|final|mutable|&&|&|\s)*"
    r"(->\s*[\w:<>,\s*&]+)?\s*$", re.S)
ACCESS_RE = re.compile(r"\s*((public|private|protected)\s*:(?!:)\s*)+")
CTOR_INIT_RE = re.compile(r"\)\s*(noexcept\s*)?:(?!:)")
NAME_RE = re.compile(r"((?:[\w~]+::)*(?:operator\s*(?:\(\s*\)|[^\s(\w]+|\s\w+)|~?\w+))\s*(<[^()]*>)?\s*\($")


def function_name(header):
    """The name before the parameter list of a function header."""
    m = CTOR_INIT_RE.search(header)
    if m:
        header = header[:m.start() + 1]
    depth = 0
    for i in range(len(header) - 1, -1, -1):  # the '(' that matches the last ')'
        if header[i] == ")":
            depth += 1
        elif header[i] == "(":
            depth -= 1
            if depth == 0:
                found = NAME_RE.search(header[:i + 1])
                return found.group(1) if found else "?"
    return "?"


def matching_brace(code, open_at):
    depth = 0
    for i in range(open_at, len(code)):
        if code[i] == "{":
            depth += 1
        elif code[i] == "}":
            depth -= 1
            if depth == 0:
                return i
    return len(code) - 1


def functions(text):
    """(name, first line, last line) of every function body at namespace or class scope.

    A heuristic over braces, not a parser. At namespace/class scope, a '{' opens a namespace or
    class when its header starts with namespace/class/struct/union/enum/extern, a function body
    when the header ends with a parameter list (plus const, noexcept, override, a trailing return
    type...) or holds a constructor's initializer list, and anything else (an initializer) is
    skipped. Lambdas and local classes count as part of their enclosing function. Limits:
    macros that open or close braces, K&R-style code, `requires` clauses and function-try-blocks
    are not recognised; a function's length runs from the first line of its header (after the
    previous declaration) to its closing brace.
    """
    code = strip_code(text)
    line_of = [0] * (len(code) + 1)
    line = 1
    for i, c in enumerate(code):
        line_of[i] = line
        if c == "\n":
            line += 1
    line_of[len(code)] = line
    found = []
    header_start = 0
    i = 0
    while i < len(code):
        c = code[i]
        if c in ";}":
            header_start = i + 1
        elif c == "{":
            access = ACCESS_RE.match(code, header_start, i)
            if access:
                header_start = access.end()
            header = code[header_start:i].strip()
            close = matching_brace(code, i)
            after = code[close + 1:close + 40].lstrip()[:1]
            if SCOPE_RE.match(header):
                header_start = i + 1  # enter the namespace or class: its members are scanned
            elif CTOR_INIT_RE.search(header) and after in (",", "{"):
                i = close  # a member's brace initializer inside a constructor's init list
            elif FUNCTION_TAIL_RE.search(header) or CTOR_INIT_RE.search(header):
                offset = len(code[header_start:i]) - len(code[header_start:i].lstrip())
                first = line_of[header_start + offset]
                found.append((function_name(header), first, line_of[close]))
                i = close
                header_start = close + 1
            else:
                i = close  # an initializer: skipped whole
        i += 1
    return found


# (f) No function over MAX_FUNCTION_LINES lines in the library (tests excluded).
def rule_function_length(root):
    violations = []
    for path in source_files(root, "src", include_tests=False):
        with open(os.path.join(root, path), encoding="utf-8", errors="replace") as f:
            text = f.read()
        for name, first, last in functions(text):
            length = last - first + 1
            if length > MAX_FUNCTION_LINES:
                violations.append(Violation(
                    path, first, "function-length",
                    f"{name}() is {length} lines (limit {MAX_FUNCTION_LINES}): split it"))
    return violations


DOC_LINK_RE = re.compile(r"(?<![\w/.-])((?:\.\./)*[\w./-]*\w\.md)\b")


# (g) Documents named in code resolve inside the repository, from its root (docs/FOO.md): a
# reader finds them from any file, and nothing points outside the checkout (../shared/...).
def rule_doc_links(root):
    violations = []
    for folder in ("include", "src", "tools", "bench", "tests", "examples", "fuzz"):
        if folder == "tests" and os.path.isdir(os.path.join(root, "tests", "rules", "fixtures")):
            skip = os.path.join("tests", "rules", "fixtures")  # fixtures hold bad links on purpose
        else:
            skip = None
        for path in source_files(root, folder):
            if skip and path.startswith(skip):
                continue
            for number, text in enumerate(read_lines(root, path), 1):
                for link in DOC_LINK_RE.findall(text):
                    if link.startswith("../") or not os.path.isfile(os.path.join(root, link)):
                        violations.append(Violation(
                            path, number, "doc-links",
                            f"{link} does not resolve from the repository root "
                            "(write repo-relative paths such as docs/ARCHITECTURE.md)"))
    return violations


RULES = {
    "atlas-includes": rule_atlas_includes,
    "text-includes": rule_text_includes,
    "gpu-includes": rule_gpu_includes,
    "pipeline-includes": rule_pipeline_includes,
    "device-backend": rule_device_backend,
    "test-support": rule_test_support,
    "graphics-headers": rule_graphics_headers,
    "text-libraries": rule_text_libraries,
    "file-length": rule_file_length,
    "function-length": rule_function_length,
    "doc-links": rule_doc_links,
}


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--root", default=os.path.join(os.path.dirname(__file__), "..", ".."))
    parser.add_argument("--rule", action="append", choices=sorted(RULES),
                        help="check only this rule (repeatable); default: all")
    args = parser.parse_args(argv)
    root = os.path.abspath(args.root)
    violations = []
    for name in args.rule or sorted(RULES):
        violations += RULES[name](root)
    for v in violations:
        print(v)
    if violations:
        print(f"{len(violations)} rule violation(s)", file=sys.stderr)
    return 1 if violations else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
