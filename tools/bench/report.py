#!/usr/bin/env python3
"""Turns glyphstream-bench --json output into the Markdown tables of docs/PERFORMANCE.md.

    python3 tools/bench/report.py all.json > tables.md

Every ratio is computed from rows of the same file, i.e. from one run on one machine.
"""
import json
import sys


def fmt(v, digits=3):
    if isinstance(v, str):
        return v
    if isinstance(v, float):
        return f"{v:.{digits}f}"
    return str(v)


def main(path):
    rows = json.load(open(path))
    machine = next((r["machine"] for r in rows if "machine" in r), "?")
    print(f"Machine: {machine}\n")
    by = {}
    for r in rows:
        if "workload" in r:
            by.setdefault(r["workload"], []).append(r)

    cols = ["upload_mode", "threads", "frames", "frame_cpu_ms_p50", "frame_cpu_ms_p99",
            "frame_cpu_ms_max", "commit_cpu_us_p50", "bytes_uploaded", "glyph_bytes",
            "copy_commands", "stall_ms", "gpu_upload_ms", "gpu_draw_ms", "evictions"]
    for wl in ["cold", "scroll", "zoom", "steady", "burst"]:
        if wl not in by:
            continue
        extra = {"cold": ["time_to_complete_ms_p50"],
                 "burst": ["upload_cpu_us_p50", "ideal_upload_ms", "h2d_bandwidth_gbps",
                           "bytes_per_glyph_byte"]}.get(wl, [])
        c = cols + extra
        print(f"### {wl}\n")
        print("| " + " | ".join(c) + " |")
        print("|" + "---|" * len(c))
        for r in by[wl]:
            print("| " + " | ".join(fmt(r.get(k, "-")) for k in c) + " |")
        print()

    def pick(wl, mode, threads=None):
        for r in by.get(wl, []):
            if r["upload_mode"] == mode and (threads is None or r["threads"] == threads):
                return r
        return None

    print("### Ratios (targets from the issues)\n")
    print("| what | measured | target |")
    print("|---|---|---|")
    a, s, w = pick("scroll", "async"), pick("scroll", "sync"), pick("scroll", "whole-page")
    if a and s and w:
        print(f"| W2 scroll p99, async / sync | {a['frame_cpu_ms_p99'] / s['frame_cpu_ms_p99']:.2f} | <= 0.5 |")
        print(f"| W2 scroll p99, async / whole-page | {a['frame_cpu_ms_p99'] / w['frame_cpu_ms_p99']:.2f} | <= 0.2 |")
        print(f"| W2 scroll max frame, async (ms) | {a['frame_cpu_ms_max']:.2f} | <= 8.3 |")
    cold = by.get("cold", [])
    if cold:
        top = max(r["threads"] for r in cold)
        base, best = pick("cold", "sync", 1), pick("cold", "async", top)
        if base and best:
            print(f"| W1 cold, async x{top} / sync x1 (time to complete) | "
                  f"{best['time_to_complete_ms_p50'] / base['time_to_complete_ms_p50']:.2f} | <= 0.25 |")
            fastest = min((r for r in cold if r["upload_mode"] == "async"),
                          key=lambda r: r["time_to_complete_ms_p50"])
            if fastest["threads"] != top:
                print(f"| W1 cold, async x{fastest['threads']} (fastest of the sweep) / sync x1 | "
                      f"{fastest['time_to_complete_ms_p50'] / base['time_to_complete_ms_p50']:.2f} | <= 0.25 |")
            one = pick("cold", "async", 1)
            eff = one["time_to_complete_ms_p50"] / (top * best["time_to_complete_ms_p50"])
            print(f"| W1 cold, parallel efficiency at {top} threads (whole frame) | {eff:.2f} | >= 0.75 |")
    st = pick("steady", "async")
    if st:
        print(f"| W4 steady commit p50 (us) | {st['commit_cpu_us_p50']:.3f} | <= 1 |")
        print(f"| W4 steady bytes per frame | {st['bytes_uploaded'] / max(1, st['frames']):.0f} | 0 |")
        print(f"| W4 steady frame CPU p50 (ms) for {st['glyphs_drawn'] // max(1, st['frames'])} quads | "
              f"{st['frame_cpu_ms_p50']:.3f} | <= 1 for 20k |")
    ba, bs = pick("burst", "async", max((r["threads"] for r in by.get("burst", [])), default=0)), None
    if ba:
        bs = pick("burst", "sync", ba["threads"])
    if ba and bs:
        print(f"| burst commit CPU, async / sync | {ba['commit_cpu_us_p50'] / bs['commit_cpu_us_p50']:.2f} | <= 0.2 |")
        print(f"| burst upload part of commit, async / sync | {ba['upload_cpu_us_p50'] / bs['upload_cpu_us_p50']:.2f} | (<= 0.2) |")
        if isinstance(ba.get("ideal_upload_ms"), float) and isinstance(ba.get("gpu_upload_ms"), float):
            print(f"| burst GPU upload / (bytes / H2D bandwidth) | {ba['gpu_upload_ms'] / ba['ideal_upload_ms']:.1f} | <= 3 |")
            sweep = [r["gpu_upload_ms"] / r["ideal_upload_ms"] for r in by.get("burst", [])
                     if r["upload_mode"] == "async" and isinstance(r.get("ideal_upload_ms"), float)
                     and isinstance(r.get("gpu_upload_ms"), float)]
            if len(sweep) > 1:
                print(f"| burst GPU upload / (bytes / H2D bandwidth), worst thread count | {max(sweep):.1f} | <= 3 |")
        print(f"| burst bytes uploaded / new glyphs' padded bytes | {ba['bytes_per_glyph_byte']:.2f} | <= 1.3 |")
    raster = [r for r in rows if r.get("workload") == "raster"]
    if raster:
        print("\n### raster (glyphs per second)\n")
        print("| glyph set | threads | glyphs/s | bare FreeType (1 thread) | vs bare | parallel efficiency |")
        print("|---|---|---|---|---|---|")
        for r in raster:
            print(f"| {r['glyph_set']} | {r['threads']} | {r['glyphs_per_s']:.0f} | "
                  f"{r['bare_freetype_glyphs_per_s']:.0f} | {r['vs_bare_freetype']:.2f} | "
                  f"{r.get('parallel_efficiency', 1.0):.2f} |")
    packing = [r for r in rows if "packer" in r]
    if packing:
        print("\n### packing (one 1024 x 1024 page, until the first refusal)\n")
        print("| glyph set | packer | occupancy | glyphs placed | alloc ns median | p99 | max "
              "| max, fastest of 5 runs | calls over 5 us (raw / fastest of 5) |")
        print("|---|---|---|---|---|---|---|---|---|")
        for r in packing:
            intrinsic = r.get("alloc_ns_max_intrinsic")
            over = (f"{r['alloc_over_5us']} / {r['alloc_over_5us_intrinsic']}"
                    if "alloc_over_5us" in r else "-")
            print(f"| {r['glyph_set']} | {r['packer']} | {r['occupancy']:.3f} | {r['glyphs_placed']} | "
                  f"{r['alloc_ns_median']:.0f} | {r['alloc_ns_p99']:.0f} | {r['alloc_ns_max']:.0f} | "
                  f"{'-' if intrinsic is None else f'{intrinsic:.0f}'} | {over} |")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "all.json")
