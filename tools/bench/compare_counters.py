#!/usr/bin/env python3
"""Compares the deterministic counters of two glyphstream-bench --json result files.

Rows are matched by their identifying fields (every string field, and `threads` and `frames`,
except those named by --ignore such as `machine`); the counters named by --fields must be equal
(floats within --rel-tol). Timings are not compared: they are not deterministic.

  compare_counters.py before.json after.json
  compare_counters.py before.json after.json --fields bytes_uploaded,copy_commands

Exit status: 0 when every counter of every row matches, 1 otherwise, 2 on unusable input.
"""
import argparse
import json
import math
import sys

DEFAULT_FIELDS = ("bytes_uploaded,copy_commands,glyphs_rasterized,occupancy,evictions,"
                  "glyph_bytes,glyphs_drawn,pages,glyphs_placed,errors")
DEFAULT_IGNORE = "machine,timing"
IDENTITY_NUMBERS = ("threads", "frames")


def load_rows(path):
    try:
        with open(path, encoding="utf-8") as f:
            rows = json.load(f)
    except (OSError, ValueError) as e:
        sys.exit(f"compare_counters: {path}: {e}")
    if isinstance(rows, dict):
        rows = [rows]
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        sys.exit(f"compare_counters: {path}: expected a JSON array of objects")
    return rows


def row_identity(row, ignore):
    ident = []
    for key in sorted(row):
        if key in ignore:
            continue
        value = row[key]
        if isinstance(value, str) or (key in IDENTITY_NUMBERS and isinstance(value, int)):
            ident.append((key, value))
    return tuple(ident)


def index_rows(rows, ignore, path):
    index = {}
    for row in rows:
        ident = row_identity(row, ignore)
        if ident in index:
            sys.exit(f"compare_counters: {path}: two rows identified as {dict(ident)}")
        index[ident] = row
    return index


def same(a, b, rel_tol):
    if isinstance(a, float) or isinstance(b, float):
        if not all(isinstance(v, (int, float)) for v in (a, b)):
            return False
        return math.isclose(a, b, rel_tol=rel_tol, abs_tol=0.0)
    return a == b


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before")
    parser.add_argument("after")
    parser.add_argument("--fields", default=DEFAULT_FIELDS, help="comma-separated counters")
    parser.add_argument("--ignore", default=DEFAULT_IGNORE,
                        help="comma-separated fields that do not identify a row")
    parser.add_argument("--rel-tol", type=float, default=1e-9)
    args = parser.parse_args()
    fields = [f for f in args.fields.split(",") if f]
    ignore = set(f for f in args.ignore.split(",") if f)

    before = index_rows(load_rows(args.before), ignore, args.before)
    after = index_rows(load_rows(args.after), ignore, args.after)
    failures = 0
    compared = 0
    for ident in sorted(set(before) | set(after)):
        name = ", ".join(f"{k}={v}" for k, v in ident)
        if ident not in before or ident not in after:
            print(f"ONLY IN {'after' if ident in after else 'before'}: {name}")
            failures += 1
            continue
        b, a = before[ident], after[ident]
        for field in fields:
            if field not in b and field not in a:
                continue
            compared += 1
            if field not in b or field not in a or not same(b[field], a[field], args.rel_tol):
                print(f"DIFF {name}: {field} {b.get(field)} -> {a.get(field)}")
                failures += 1
    rows = len(set(before) & set(after))
    print(f"{rows} rows, {compared} counters compared, {failures} differences")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
