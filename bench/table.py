#!/usr/bin/python3
"""Prints the comparison table of bench/compare.sh from the JSON lines of bench/Compare and bench/peers.py."""
import json
import statistics
import sys

rows, extra = [], {}
for path in sys.argv[1:]:
    for line in open(path):
        line = line.strip()
        if not line.startswith("{"):
            continue
        r = json.loads(line)
        if "value" in r:
            extra[r["workload"]] = r["value"]
        else:
            r["median"] = statistics.median(r["seconds"])
            rows.append(r)

peak = float(extra.get("fma-peak-gflops", "nan"))
peak2 = float(extra.get("fma-peak-gflops-2threads", "nan"))
print(f"CPU: {extra.get('cpu', '?')}; Unrolled's kernel path: {extra.get('kernel-path', '?')}")
print(f"fp32 FMA peak (measured, best of ymm {float(extra.get('fma-peak-ymm', 'nan')):.1f} and zmm {float(extra.get('fma-peak-zmm', 'nan')):.1f}): "
      f"{peak:.1f} GFLOP/s on 1 thread, {peak2:.1f} on 2; allocated bytes per training step + inference call: "
      f"{extra.get('allocated-bytes-per-step', '?')} (TinyNN), {extra.get('cnn-allocated-bytes-per-step', '?')} (sample CNN)")
print()
header = f"| {'workload':<20} | {'system':<12} | {'threads':>7} | {'median':>11} | {'GFLOP/s':>8} | {'% of peak':>9} | {'Unrolled is':>14} |"
print(header)
print("|" + "|".join("-" * (len(c)) for c in header.split("|")[1:-1]) + "|")
for workload in sorted({r["workload"] for r in rows}, key=lambda w: (w.startswith("infer"), w)):
    group = [r for r in rows if r["workload"] == workload]
    # Ratios are against Unrolled's best configuration (1 or 2 threads) of the workload.
    ours = min((r for r in group if r["system"] == "unrolled"), key=lambda r: r["median"], default=None)
    for r in sorted(group, key=lambda r: (r["system"] != "unrolled", r["system"], r["threads"])):
        gflops = r["flops"] / r["median"] / 1e9
        unit = "s" if r["median"] >= 1e-3 else "µs"
        shown = r["median"] if unit == "s" else r["median"] * 1e6
        ratio = "" if r["system"] == "unrolled" or ours is None else f"{r['median'] / ours['median']:.2f}× faster"
        machine = peak if r["threads"] == 1 else peak2
        print(f"| {workload:<20} | {r['system']:<12} | {r['threads']:>7} | {shown:>9.3f} {unit:<2}| {gflops:>8.1f} | {100 * gflops / machine:>8.0f}% | {ratio:>14} |")

# One line per workload: Unrolled's best configuration against each peer's best.
print()
print("Unrolled's best vs each peer's best (higher is better for Unrolled):")
for workload in sorted({r["workload"] for r in rows}, key=lambda w: (w.startswith("infer"), w)):
    group = [r for r in rows if r["workload"] == workload]
    best = {}
    for r in group:
        if r["system"] not in best or r["median"] < best[r["system"]]["median"]:
            best[r["system"]] = r
    ours = best.get("unrolled")
    if ours is None:
        continue
    parts = [f"{system} {best[system]['median'] / ours['median']:.2f}×" for system in sorted(best) if system != "unrolled"]
    print(f"  {workload:<20} Unrolled ({ours['threads']} thread{'s' if ours['threads'] > 1 else ''}): " + ", ".join(parts))
