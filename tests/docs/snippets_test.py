#!/usr/bin/env python3
"""Every C++ block of a document compiles and links (issue 22, item 5).

Each ```cpp (or ```c++) fence of the given Markdown documents is one complete translation unit:
its includes, its functions, no top-level statements, no dependence on another block. Each is
written to its own .cpp (with a #line directive, so that the compiler's messages name the
document and its real line numbers), compiled with -std=c++20 -Wall -Wextra -Werror against
include/, and linked against the built library and its dependencies (with an empty main() when
the block has none), so that a misspelt or unimplemented function fails too. The blocks may
include <vulkan/vulkan.h> and <GLFW/glfw3.h>.

Two conventions the compiler cannot see are checked as text: no `(void)` / static_cast<void>
of a call (a dropped Status; `(void)name;` for an unused variable is fine), and no `.value()` straight on a call's result (`create().value()` turns an
error into an assertion: check ok() first; `std::move(name).value()` after a check is fine).

Blocks in other languages (```sh, ```cmake, ...) are not compiled. Exit status 0 when every
block passes; otherwise each failing block is printed with its document, its line number and
the compiler's (or the check's) message, and the status is 1.

Usage:
  snippets_test.py --cxx g++ --include DIR --lib LIBFILE [--pkg "mod1 mod2"] --work DIR DOC...
  snippets_test.py --self-test --cxx g++ --include DIR --lib LIBFILE [--pkg ...] --work DIR
"""

import argparse
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

FENCE_OPEN = re.compile(r"^(\s*)(`{3,}|~{3,})\s*([\w+#-]*)")
CPP_LANGS = {"cpp", "c++", "cxx"}
STUB_MAIN = "int main() { return 0; }\n"


class Block:
    def __init__(self, doc, line, code):
        self.doc = doc  # path as given
        self.line = line  # 1-based line of the block's first code line
        self.code = code

    def name(self):
        return f"{self.doc}:{self.line}"


def extract_blocks(doc_path):
    """The C++ blocks of one Markdown file, with the line number of each block's first line."""
    blocks = []
    lines = Path(doc_path).read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        m = FENCE_OPEN.match(lines[i])
        if not m:
            i += 1
            continue
        indent, fence, lang = m.group(1), m.group(2), m.group(3).lower()
        close = re.compile(r"^\s*" + re.escape(fence[0]) + "{" + str(len(fence)) + r",}\s*$")
        start = i + 1
        j = start
        while j < len(lines) and not close.match(lines[j]):
            j += 1
        if lang in CPP_LANGS:
            body = [ln[len(indent):] if ln.startswith(indent) else ln for ln in lines[start:j]]
            blocks.append(Block(doc_path, start + 1, "\n".join(body) + "\n"))
        i = j + 1
    return blocks


def convention_errors(block):
    """Text checks for what the compiler accepts but a user must not copy."""
    errors = []
    for n, text in enumerate(block.code.splitlines()):
        line = block.line + n
        code = text.split("//", 1)[0]
        # A void cast of a call drops what it returns; `(void)name;` (an unused variable) is fine.
        if re.search(r"(\(\s*void\s*\)|static_cast<\s*void\s*>)[^;]*\(", code):
            errors.append(f"{block.doc}:{line}: a result is dropped with a void cast; check the "
                          "Status (or say in the block why it cannot fail)")
        for m in re.finditer(r"\)\s*(\.|->)\s*value\s*\(\s*\)", code):
            before = code[:m.start() + 1]
            if re.search(r"std::move\(\s*\w+\s*\)$", before):
                continue
            errors.append(f"{block.doc}:{line}: .value() straight on a call's result: an error "
                          "becomes an assertion; keep the Result and check ok() first")
    return errors


def pkg_config(flag, modules):
    if not modules:
        return []
    out = subprocess.run(["pkg-config", flag] + modules, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"snippets_test: pkg-config {flag} {' '.join(modules)} failed:\n{out.stderr}")
    return shlex.split(out.stdout)


def run(cmd):
    out = subprocess.run(cmd, capture_output=True, text=True)
    return out.returncode, (out.stdout + out.stderr).strip()


def has_main(cxx, obj):
    rc, out = run(["nm", "--defined-only", obj])
    return rc == 0 and re.search(r"\bT main$", out, re.M) is not None


def check_block(block, index, args, cflags, libs):
    """Returns a list of error messages (empty: the block passes)."""
    errors = convention_errors(block)
    stem = re.sub(r"\W", "_", Path(block.doc).stem) + f"_{index}_L{block.line}"
    src = Path(args.work) / f"{stem}.cpp"
    obj = src.with_suffix(".o")
    exe = src.with_suffix("")
    doc_abs = os.path.abspath(block.doc)
    src.write_text(f'#line {block.line} "{doc_abs}"\n' + block.code, encoding="utf-8")
    extra = shlex.split(args.flags)
    compile_cmd = [args.cxx, "-std=c++20", "-g", "-Wall", "-Wextra", "-Werror", "-I", args.include
                   ] + extra + cflags + ["-c", str(src), "-o", str(obj)]
    rc, out = run(compile_cmd)
    if rc != 0:
        return errors + ["does not compile:\n" + out]
    link_inputs = [str(obj)]
    if not has_main(args.cxx, str(obj)):
        stub = Path(args.work) / "stub_main.o"
        if not stub.exists():
            stub_src = Path(args.work) / "stub_main.cpp"
            stub_src.write_text(STUB_MAIN)
            rc, out = run([args.cxx, "-c", str(stub_src), "-o", str(stub)])
            if rc != 0:
                sys.exit("snippets_test: cannot compile the stub main():\n" + out)
        link_inputs.append(str(stub))
    rc, out = run([args.cxx] + extra + link_inputs + [args.lib] + libs +
                  ["-pthread", "-o", str(exe)])
    if rc != 0:
        # The line numbers are the document's already (#line); name the document, not the copy.
        return errors + ["does not link:\n" + out.replace(f"{src}:", f"{doc_abs}:")]
    return errors


def check_docs(docs, args):
    """Checks every C++ block of `docs`; returns (blocks checked, failures as (block, errors))."""
    Path(args.work).mkdir(parents=True, exist_ok=True)
    modules = args.pkg.split()
    cflags = pkg_config("--cflags", modules)
    libs = pkg_config("--libs", modules)
    checked, failures = 0, []
    for doc in docs:
        for index, block in enumerate(extract_blocks(doc)):
            checked += 1
            errors = check_block(block, index, args, cflags, libs)
            if errors:
                failures.append((block, errors))
    return checked, failures


def report(checked, failures):
    for block, errors in failures:
        print(f"FAIL: the C++ block at {block.name()}")
        for e in errors:
            print("  " + e.replace("\n", "\n  "))
        print()
    print(f"snippets_test: {checked} C++ block(s), {len(failures)} failing")


def self_test(args):
    """The checker on fixtures: a good document passes; each bad one fails, naming its line."""
    here = Path(__file__).resolve().parent / "fixtures"
    ok = True
    checked, failures = check_docs([str(here / "good.md")], args)
    if checked != 2 or failures:
        report(checked, failures)
        print("self-test: good.md should have 2 passing blocks")
        ok = False
    # Each bad fixture: (file, the line its failure must name, a word of the message).
    bad = [("dropped_status.md", 9, "nodiscard"),
           ("top_level_statement.md", 8, "error"),
           ("unlinked_function.md", 5, "does not link"),
           ("void_cast.md", 11, "void cast"),
           ("value_on_call.md", 9, ".value() straight")]
    for name, line, word in bad:
        checked, failures = check_docs([str(here / name)], args)
        text = "\n".join(f"{b.name()}\n" + "\n".join(errs) for b, errs in failures)
        if checked != 1 or len(failures) != 1 or word not in text or f"{name}:{line}" not in text:
            report(checked, failures)
            print(f"self-test: {name} should fail, naming line {line} and '{word}'")
            ok = False
    print("snippets_test self-test: " + ("OK" if ok else "FAILED"))
    return 0 if ok else 1


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--cxx", default="g++")
    p.add_argument("--include", required=True, help="the public include directory")
    p.add_argument("--lib", required=True, help="the built library (libglyphstream.a)")
    p.add_argument("--pkg", default="", help="pkg-config modules to compile and link with")
    p.add_argument("--work", required=True, help="where the generated files go")
    p.add_argument("--flags", default="",
                   help="more compile and link flags (the build's sanitizers: the library is "
                        "instrumented, so its users must link the runtime)")
    p.add_argument("--self-test", action="store_true")
    p.add_argument("docs", nargs="*")
    args = p.parse_args()
    if not Path(args.lib).exists():
        sys.exit(f"snippets_test: {args.lib} does not exist: build the library first")
    if args.self_test:
        return self_test(args)
    if not args.docs:
        sys.exit("snippets_test: no document given")
    checked, failures = check_docs(args.docs, args)
    report(checked, failures)
    if checked == 0:
        print("snippets_test: no C++ block found (a document without one is not worth a test)")
        return 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
