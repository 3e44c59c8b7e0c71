"""Benchmark: 1,000,000 inventory source rows through the same path as `carbon inventory calc`.

Builds an in-memory sources table (about 30 unit spellings, 50 factors, several gases),
runs validation + unit conversion + factor matching + GWP + aggregation with
``carbon.inventory.calculate`` and the result's totals, and times, in the same run, the
straightforward per-row pint approach on a sample.  File reading (CSV of the same
table through ``carbon.formats.project.read_project``) is timed separately.

Targets (issue 3): ≥ 100× the per-row throughput; 1,000,000 rows in < 2 s; < 2 GB peak.

    python bench/inventory.py [--rows 1000000] [--sample 2000]
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from carbon.factors import load_registry  # noqa: E402
from carbon.formats.project import read_project  # noqa: E402
from carbon.gwp import gwp_value  # noqa: E402
from carbon.inventory import InventoryProject, Organisation, calculate  # noqa: E402
from carbon.units import Q_, parse_unit  # noqa: E402

UNITS = {
    "kcal/L": ["L", "公升", "公秉", "kL", "KL", "kl", "liter", "m3"],
    "kcal/m**3": ["m3", "立方公尺", "千立方公尺", "Nm3", "m**3", "M3"],
    "kcal/kg": ["kg", "公斤", "公噸", "t", "噸", "tonne", "g"],
    "elec": ["度", "千度", "kWh", "MWh", "GWh", "百萬度", "KWh"],
}


def pick_factors(reg, n_fuel: int = 40, n_elec: int = 10) -> pd.DataFrame:
    t = reg.table
    fuel = t[t["kind"].isin(["stationary_combustion", "mobile_combustion"]) & t["heat_value"].notna() & t["factor_id"].str.startswith("moenv-6.0.4/")]
    fuel = fuel[fuel["heat_value_unit"].isin(["kcal/L", "kcal/m**3", "kcal/kg"])]
    fids = fuel.groupby("factor_id")["heat_value_unit"].first().sort_index().head(n_fuel)
    elec = t[(t["kind"] == "electricity") & (t["gas"] == "CO2e") & (t["value"] > 0)]["factor_id"].drop_duplicates().sort_values().head(n_elec)
    rows = [{"factor_id": f, "hvu": u} for f, u in fids.items()] + [{"factor_id": f, "hvu": "elec"} for f in elec]
    return pd.DataFrame(rows)


def make_sources(n: int, factors: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    k = rng.integers(0, len(factors), n)
    f = factors.iloc[k].reset_index(drop=True)
    unit = np.empty(n, dtype=object)
    for hvu, spellings in UNITS.items():
        m = (f["hvu"] == hvu).to_numpy()
        unit[m] = np.asarray(spellings, dtype=object)[rng.integers(0, len(spellings), m.sum())]
    is_el = (f["hvu"] == "elec").to_numpy()
    cat = np.where(is_el, "2.1", np.where(rng.random(n) < 0.7, "1.1", "1.2"))
    return pd.DataFrame(
        {
            "source_id": np.char.add("S", np.arange(n).astype(str)).astype(object),
            "name": "bench",
            "iso_category": cat,
            "method": np.where(is_el, "electricity", "fuel"),
            "activity_amount": rng.uniform(1, 1000, n),
            "activity_unit": unit,
            "factor_id": f["factor_id"].to_numpy(),
            "allocation": np.where(rng.random(n) < 0.1, 0.5, 1.0),
            "grade_a": rng.integers(1, 4, n),
            "grade_b": rng.integers(1, 4, n),
            "grade_c": rng.integers(1, 7, n),
        }
    )


def per_row_pint(sources: pd.DataFrame, reg, gwp_set: str) -> float:
    """The straightforward way: a pint Quantity per row and per gas."""
    total = 0.0
    for r in sources.itertuples():
        f = reg.get(r.factor_id)
        q = Q_(r.activity_amount * r.allocation, parse_unit(r.activity_unit))
        for gas, gv in f.gases.items():
            mass_unit, per = gv.unit.split(" ")[0], gv.unit.split("/")[1]
            ef = Q_(gv.value, parse_unit(mass_unit) / parse_unit(per))
            if f.heat_value is not None and not q.check("[energy]"):
                energy = (q * Q_(f.heat_value, parse_unit(f.heat_value_unit))).to("TJ")
                mass = (energy * ef).to("t")
            else:
                mass = (q * ef).to("t")
            # CH4 from fuel combustion is fossil CH4 (the same rule carbon applies and reports)
            total += mass.magnitude * gwp_value(gas, gwp_set, "fossil" if gas == "CH4" else None)
    return total


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--sample", type=int, default=2_000)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    rng = np.random.default_rng(42)
    reg = load_registry()
    factors = pick_factors(reg)
    sources = make_sources(a.rows, factors, rng)
    n_units = len(set(sources["activity_unit"]))
    project = InventoryProject(organisation=Organisation(name="bench", reporting_year=2024), sources=sources, gwp_set="MOENV-2024")

    calculate(InventoryProject(organisation=project.organisation, sources=sources.head(1000), gwp_set="MOENV-2024"))  # warm caches
    times = []
    res = None
    for _ in range(a.repeat):
        del res  # one result alive at a time, as in a real run
        t0 = time.perf_counter()
        res = calculate(project, rounding="exact")
        total = res.total_tco2e
        by = (res.by_category, res.by_scope, res.by_gas)
        times.append(time.perf_counter() - t0)
    vec_s = min(times)
    n_records = len(res.records)

    sample = sources.head(a.sample)
    t0 = time.perf_counter()
    loop_total = per_row_pint(sample, reg, "MOENV-2024")
    loop_s = time.perf_counter() - t0
    res_sample = calculate(InventoryProject(organisation=project.organisation, sources=sample, gwp_set="MOENV-2024"))
    agree = abs(res_sample.total_tco2e - loop_total) / loop_total

    # peak resident memory of the process so far: building the table, calculating, the sample loop
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "sources.csv"
        sources.to_csv(p, index=False)
        t0 = time.perf_counter()
        read_project(p)
        read_s = time.perf_counter() - t0
    vec_rate = a.rows / vec_s
    loop_rate = a.sample / loop_s
    out = {
        "rows": a.rows,
        "records": n_records,
        "factors": len(factors),
        "unit_spellings": n_units,
        "calc_seconds": round(vec_s, 3),
        "rows_per_second": round(vec_rate),
        "per_row_pint_rows_per_second": round(loop_rate),
        "speedup": round(vec_rate / loop_rate, 1),
        "read_csv_seconds": round(read_s, 3),
        "peak_rss_mb": round(peak_mb),
        "sample_relative_difference": agree,
        "total_tco2e": total,
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {__import__('os').cpu_count()} cores",
        "by": str(by)[:0],
    }
    out.pop("by")
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    (ROOT / "bench" / "results" / "inventory.json").write_text(json.dumps(out, indent=2))
    print("| measure | value | target |")
    print("|---|---|---|")
    print(f"| rows (records) | {a.rows:,} ({n_records:,}) | 1,000,000 |")
    print(f"| factors / unit spellings | {len(factors)} / {n_units} | 50 / ~30 |")
    print(f"| calculate + totals | {vec_s:.2f} s ({vec_rate:,.0f} rows/s) | < 2 s |")
    print(f"| per-row pint loop ({a.sample:,} rows) | {loop_rate:,.0f} rows/s | |")
    print(f"| speed-up | {vec_rate / loop_rate:,.0f}× | ≥ 100× |")
    print(f"| peak memory (RSS) | {peak_mb:,.0f} MB | < 2,048 MB |")
    print(f"| reading the same table from CSV | {read_s:.2f} s | (separate) |")
    print(f"| sample agreement with the loop | {agree:.1e} relative | |")


if __name__ == "__main__":
    main()
