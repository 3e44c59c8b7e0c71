"""Benchmark: assembling the JSON of `carbon inventory calc --json` for many sources, and factor search start-up.

Builds 100,000 sources as ``bench/inventory.py`` does, calculates them, and times
``InventoryResult.to_dict()`` (the JSON assembly: totals, scope 2 both ways, per-source
entries, 表六, 表七) and, separately, its encoding by ``carbon.cli._common.print_json``.
Also times `carbon factors search 柴油` as a process (wall and CPU), which reads the
factor CSVs without pandas or pint.

Targets (issue 10): the JSON assembly of 100,000 sources in about a second;
`carbon factors search` under 0.5 s.

    python bench/inventory_json.py [--rows 100000]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from inventory import make_sources, pick_factors  # noqa: E402

from carbon.cli._common import print_json  # noqa: E402
from carbon.factors import load_registry  # noqa: E402
from carbon.inventory import InventoryProject, Organisation, calculate  # noqa: E402


def time_search(runs: int = 5) -> dict:
    """Best-of wall and CPU time of `carbon factors search 柴油` as a new process [s]."""
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "carbon.cli", "factors", "search", "柴油"], check=True, capture_output=True)
        walls.append(time.perf_counter() - t)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return {"search_wall_seconds": round(min(walls), 3), "search_cpu_seconds": round(min(cpus), 3)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=100_000)
    a = ap.parse_args()
    reg = load_registry()
    src = make_sources(a.rows, pick_factors(reg), np.random.default_rng(1))
    t0 = time.perf_counter()
    res = calculate(InventoryProject(Organisation(name="bench", reporting_year=2024), sources=src), gwp_set="MOENV-2024")
    t1 = time.perf_counter()
    cpu0 = time.process_time()
    d = res.to_dict()
    t2, cpu1 = time.perf_counter(), time.process_time()
    with contextlib.redirect_stdout(io.StringIO()) as buf:
        print_json(d)
    t3 = time.perf_counter()
    out = {
        "sources": a.rows,
        "records": len(res.records),
        "calculate_seconds": round(t1 - t0, 3),
        "to_dict_seconds": round(t2 - t1, 3),
        "to_dict_cpu_seconds": round(cpu1 - cpu0, 3),
        "print_json_seconds": round(t3 - t2, 3),
        "json_mb": round(len(buf.getvalue().encode("utf-8")) / 2**20, 1),
        **time_search(),
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {len(__import__('os').sched_getaffinity(0))} cores",
        "load_average": round(__import__("os").getloadavg()[0], 2),
    }
    print(json.dumps(out, indent=2))
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    (ROOT / "bench" / "results" / "inventory_json.json").write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
