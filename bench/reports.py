"""Benchmark: every report of the samples end to end, as a user runs it (the CLI as a process).

Each run is ``carbon report KIND INPUT -o OUT.EXT`` in a fresh process: Python start-up,
imports, reading the input, the calculation, the Monte Carlo histogram (inventory, 10,000
iterations), the charts through kaleido and the system Chromium, and writing the file.
Inputs: the official MOENV sample workbook (inventory, zh-TW and en), the Commission's
screws-and-nuts Communication template (CBAM summary, en), the dyeing-factory diagnosis
(低碳化 and 智慧化 reports) and the M8-screw product system.  Target: under 10 s each on the
2-core machine.

Run:  .venv/bin/python bench/reports.py [--repeat 3]
Prints a markdown table and writes bench/results/reports.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "factors" / "sources" / "taiwan" / "moenv-inventory-workbook-sample.ods"
CBAM = ROOT / "factors" / "sources" / "cbam" / "eu-cbam-example-steel-screws-and-nuts.xlsx"
TARGET_S = 10.0

EX = ROOT / "examples"
DIAG = ("--measures", str(EX / "dyeing-diagnosis.yaml"))

#: (kind, input, extra arguments, language, format)
CASES = [("inventory", SAMPLE, (), lang, ext) for lang in ("zh-TW", "en") for ext in ("pdf", "docx", "xlsx")]
CASES += [("cbam", CBAM, (), "en", ext) for ext in ("pdf", "docx", "xlsx")]
CASES += [("diagnosis", EX / "dyeing-factory.yaml", DIAG, "zh-TW", ext) for ext in ("pdf", "docx", "xlsx")]
CASES += [("smart", EX / "dyeing-factory.yaml", DIAG, "zh-TW", "pdf")]
CASES += [("product", EX / "fastener-product.yaml", (), "zh-TW", ext) for ext in ("pdf", "docx", "xlsx")]


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run_once(kind: str, path: Path, extra: tuple, lang: str, ext: str, out_dir: Path) -> tuple[float, float, int]:
    """Wall time [s], CPU time of the process and its Chromium [s], and the file's size [bytes]."""
    out = out_dir / f"{kind}-{lang}.{ext}"
    cmd = [sys.executable, "-m", "carbon.cli", "report", kind, str(path), *extra, "-o", str(out), "--lang", lang]
    c0, t0 = _children_cpu(), time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, cwd=out_dir)
    return time.perf_counter() - t0, _children_cpu() - c0, out.stat().st_size


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    rows = []
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="carbon-bench-reports-") as tmp:
        for kind, path, extra, lang, ext in CASES:
            times, cpus, size = [], [], 0
            for _ in range(a.repeat):
                s, cpu, size = run_once(kind, path, extra, lang, ext, Path(tmp))
                times.append(s)
                cpus.append(cpu)
            rows.append({"kind": kind, "input": path.name, "lang": lang, "format": ext, "median_s": round(statistics.median(times), 2),
                         "max_s": round(max(times), 2), "median_cpu_s": round(statistics.median(cpus), 2), "runs": a.repeat, "bytes": size,
                         "meets_target": max(times) < TARGET_S})
    print("| report | input | lang | format | median [s] | max [s] | CPU [s] | size [KiB] |")
    print("|---|---|---|---|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['kind']} | {r['input']} | {r['lang']} | {r['format']} | {r['median_s']:.2f} | {r['max_s']:.2f} | {r['median_cpu_s']:.2f} | {r['bytes'] / 1024:,.0f} |")
    result = {
        "rows": rows,
        "target_s": TARGET_S,
        "all_meet_target": all(r["meets_target"] for r in rows),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "load_avg_1min_before": round(load_before, 2),
                    "load_avg_1min_after": round(os.getloadavg()[0], 2)},
        "note": "wall time of `carbon report …` as a fresh process (start-up, read, calculate, charts via kaleido + Chromium, write)",
    }
    out = ROOT / "bench" / "results" / "reports.json"
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {out.relative_to(ROOT)}")
    return 0 if result["all_meet_target"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
