#!/usr/bin/env python3
"""Cold-page comparison, glyphstream against fontstash (issue 26,
docs/performance/issue-26-speed.md, "The cold page").

Runs ROUNDS rounds; each round runs every glyphstream-bench binary given (--workload cold-page,
one thread, async uploads, one run: a fresh process each) and the fontstash harnesses built by
bench/fontstash/build.sh, one after another (interleaved, so that a noisy machine hits every
side alike). Prints each round's times and the medians, and the ratios of the medians:

  layout+commit / fontstash   glyphstream's Pango layout (layout_ns) plus commit() (rasterize,
                              pack, upload) against fontstash's fonsDrawText calls (rasterize,
                              pack, quads) on the same 6,630 glyphs
  commit / fontstash          the same without layout (fontstash shapes nothing)
  caller CPU / CPU            with one thread, the CPU time of glyphstream's caller (layout and
                              commit: everything but the GL driver's threads) against
                              fontstash's: what a loaded machine disturbs least

  compare.py --rounds 8 --harness-dir /tmp/fontstash-harness build/tools/bench/glyphstream-bench
"""
import argparse
import json
import os
import statistics
import subprocess


def glyphstream(binary, threads):
    out = subprocess.run([binary, "--workload", "cold-page", "--upload-mode", "async",
                          "--threads", str(threads), "--frames", "1"],
                         check=True, capture_output=True, text=True).stdout
    row = json.loads(next(l for l in out.splitlines() if l.startswith("cold-page "))[10:])
    return {"layout": row["cold_layout_ms"], "commit": row["cold_commit_ms"],
            "layout+commit": row["cold_layout_ms"] + row["cold_commit_ms"],
            "caller_cpu": row["cold_draw_thread_cpu_ms"] + row["cold_commit_thread_cpu_ms"]}


def harness(binary):
    out = subprocess.run([binary], check=True, capture_output=True, text=True).stdout
    row = json.loads(out)
    assert row["glyphs"] == 6630, row
    return {"draw": row["draw_ms"], "total": row["total_ms"], "cpu": row["draw_cpu_ms"]}


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=8)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--harness-dir", default="/tmp/fontstash-harness")
    ap.add_argument("bench", nargs="+", help="glyphstream-bench binaries")
    a = ap.parse_args()
    sides = [(os.path.basename(os.path.dirname(b)) + "/" + os.path.basename(b), "gs", b)
             for b in a.bench]
    for name in ("harness", "harness-nohint"):
        path = os.path.join(a.harness_dir, name)
        if os.path.exists(path):
            sides.append(("fontstash" + name[7:], "fs", path))
    results = {name: [] for name, _, _ in sides}
    for r in range(a.rounds):
        for name, kind, path in sides:
            res = glyphstream(path, a.threads) if kind == "gs" else harness(path)
            results[name].append(res)
            print(f"round {r + 1} {name}: " + " ".join(f"{k}={v:.1f}" for k, v in res.items()),
                  flush=True)
    med = {name: {k: statistics.median(x[k] for x in rows) for k in rows[0]}
           for name, rows in results.items()}
    print("medians:")
    for name, m in med.items():
        print(f"  {name}: " + " ".join(f"{k}={v:.1f}" for k, v in m.items()))
    for name, kind, _ in sides:
        if kind != "gs":
            continue
        for fs_name, fs_kind, _ in sides:
            if fs_kind != "fs":
                continue
            fs = med[fs_name]["draw"]
            print(f"  {name} / {fs_name}: layout+commit {med[name]['layout+commit'] / fs:.2f}x, "
                  f"commit {med[name]['commit'] / fs:.2f}x (wall); caller CPU / CPU "
                  f"{med[name]['caller_cpu'] / med[fs_name]['cpu']:.2f}x")


if __name__ == "__main__":
    main()
