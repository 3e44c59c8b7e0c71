"""Allocate a factory's inventory (ISO 14064-1 records) to its products.

The factory's records — the emission-records table of ``carbon inventory calc``, with the
same activity data, factors and editions — are shared among products by production mass,
machine hours, value or explicit shares, per source or per ISO category.  The allocated
parts of all products add up to the factory total, source by source and gas by gas.

References
----------
ISO 14067:2018 §6.4.6 (allocation), §6.3.5 (data: site-specific data for processes under
the organisation's control); PAS 2050:2011 §8 (allocating facility-level data to products).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from carbon.errors import InputError, Problem, UnitError, UnitMismatchError
from carbon.units import multiplier

__all__ = ["BASES", "allocate_inventory", "factory_entries", "inventory_records"]

#: Allocation bases -> driver column of the factory's product table.
BASES = {"mass": "annual_output", "hours": "hours", "value": "value", "shares": "share"}


def inventory_records(path: str | Path, gwp_set: str) -> tuple[pd.DataFrame, object]:
    """Calculate an inventory file (anything ``carbon inventory calc`` reads) and return its counted records.

    Records of excluded sources are left out (they are not in the inventory total);
    biogenic CO2 is kept with gas ``CO2_bio`` so that a footprint reports it separately.
    """
    from carbon.formats.project import read_project
    from carbon.inventory import calculate

    res = calculate(read_project(path), gwp_set=gwp_set)
    rec = res.included.copy()
    bio = rec["biogenic"].astype(bool).to_numpy() & (rec["gas"].astype(str).to_numpy() == "CO2")
    rec["gas"] = np.where(bio, "CO2_bio", rec["gas"].astype(str))
    return rec, res


def _basis_of(rec: pd.DataFrame, basis: str, rules: list[dict]) -> np.ndarray:
    out = np.full(len(rec), basis, dtype=object)
    sid = rec["source_id"].astype(str).to_numpy()
    cat = rec["iso_subcategory"].astype(str).to_numpy() if "iso_subcategory" in rec else np.full(len(rec), "")
    cat1 = rec["iso_category"].astype(str).to_numpy() if "iso_category" in rec else np.full(len(rec), "")
    done = np.zeros(len(rec), bool)
    for rule in rules:
        m = np.zeros(len(rec), bool)
        for s in rule.get("sources") or []:
            m |= sid == str(s)
        for c in rule.get("categories") or []:
            m |= (cat == str(c)) | (cat1 == str(c))
        sel = m & ~done
        out[sel] = rule["basis"]
        done |= sel
    return out


def allocate_inventory(records: pd.DataFrame, drivers: pd.DataFrame, basis: str = "mass", *, rules: list[dict] | None = None,
                       file: str | None = None) -> pd.DataFrame:
    """Share every record among products in proportion to a driver.

    Parameters
    ----------
    records : pandas.DataFrame
        Emission records (``carbon.schema.RECORD_COLUMNS``), e.g. ``InventoryResult.records``.
    drivers : pandas.DataFrame
        One row per product: ``product`` and the driver columns ``annual_output`` [kg after
        conversion], ``hours`` [h], ``value`` [any currency] or ``share`` [-].
    basis : {"mass", "hours", "value", "shares"}
        Default basis.
    rules : list of dict, optional
        ``{"sources": [...], "categories": [...], "basis": ...}``: another basis for the
        named sources or ISO (sub)categories; the first matching rule wins.

    Returns
    -------
    pandas.DataFrame
        ``product, source_id, source_name, iso_subcategory, gas, basis, share, mass_t,
        co2e_t, gwp, factor_id, factor_dataset, factor_edition`` — sums over products equal
        the records, source by source and gas by gas.
    """
    problems = []
    rules = rules or []
    for k, rule in enumerate([{"basis": basis}, *rules]):
        if rule.get("basis") not in BASES:
            problems.append(Problem(f"allocation basis '{rule.get('basis')}' is unknown.", file=file, sheet="factory", row=k or None, column="basis", hint=f"Use one of {', '.join(BASES)}."))
    if problems:
        raise InputError(problems)
    bases = _basis_of(records, basis, rules)
    weights = {}
    for b in sorted(set(bases)):
        col = BASES[b]
        w = pd.to_numeric(drivers[col], errors="coerce").to_numpy(float) if col in drivers else np.full(len(drivers), np.nan)
        if np.isnan(w).any() or (w < 0).any() or w.sum() <= 0:
            missing = [str(p) for p, x in zip(drivers["product"], w, strict=True) if not np.isfinite(x) or x < 0]
            problems.append(Problem(f"basis '{b}' needs '{col}' ≥ 0 for every product" + (f"; missing or negative for {', '.join(missing)}" if missing else "; all are 0") + ".",
                                    file=file, sheet="factory", column=col, hint="Fill in the driver of every product of the factory (products outside this footprint too)."))
            continue
        weights[b] = w / w.sum()
    if problems:
        raise InputError(problems)
    keep = ["source_id", "source_name", "iso_subcategory", "gas", "mass_t", "co2e_t", "gwp", "factor_id", "factor_dataset", "factor_edition"]
    rec = records.reindex(columns=keep).reset_index(drop=True)
    parts = []
    for b, w in weights.items():
        sel = rec[bases == b]
        for p, share in zip(drivers["product"], w, strict=True):
            part = sel.copy()
            part.insert(0, "product", p)
            part["basis"] = b
            part["share"] = share
            part["mass_t"] = part["mass_t"] * share
            part["co2e_t"] = part["co2e_t"] * share
            parts.append(part)
    return pd.concat(parts, ignore_index=True) if parts else rec.assign(product=[], basis=[], share=[])


def _drivers(system, fac: pd.DataFrame, problems: list[Problem]) -> pd.DataFrame:
    procs = {str(r["process"]): r for _, r in system.processes.iterrows()}
    rows = []
    for _, r in fac.iterrows():
        where = {"file": system.file, "sheet": "factory", "row": int(r["_row"])}
        name = r["process"] or r["product"]
        if not name:
            problems.append(Problem("give the process (in this system) or the product (another product of the factory).", **where, column="process"))
            continue
        kg = per_run = None
        if r["annual_output"] is not None:
            try:
                kg = r["annual_output"] * multiplier(str(r["annual_output_unit"] or "kg"), "kg")
            except (UnitError, UnitMismatchError):
                kg = None
        if r["process"]:
            if r["process"] not in procs:
                problems.append(Problem(f"process '{r['process']}' is not in 'processes'.", **where, column="process", hint="Use 'product' for products of the factory outside this system."))
                continue
            pr = procs[r["process"]]
            if r["annual_output"] is None:
                problems.append(Problem("annual_output is needed to turn the yearly allocated emissions into emissions per unit of output.", **where, column="annual_output"))
                continue
            try:
                annual = r["annual_output"] * multiplier(str(r["annual_output_unit"] or pr["output_unit"]), str(pr["output_unit"]))
            except (UnitError, UnitMismatchError) as err:
                problems.append(Problem(f"annual_output unit does not fit the process output unit: {err}", **where, column="annual_output_unit"))
                continue
            per_run = float(pr["output_amount"]) / annual
        rows.append({"product": str(name), "process": r["process"], "annual_output": kg, "hours": r["hours"], "value": r["value"], "share": r["share"], "per_run": per_run})
    return pd.DataFrame(rows, columns=["product", "process", "annual_output", "hours", "value", "share", "per_run"])


def factory_entries(system, gwp_set: str | None = None) -> tuple[pd.DataFrame, dict] | tuple[None, None]:
    """Allocated factory records of a product system's ``factory`` section, per run of each process.

    The inventory is calculated with ``gwp_set`` (the footprint's; the file's by default).

    Returns
    -------
    entries : pandas.DataFrame
        ``process, label, gas, kg, gwp, factor_id, dataset, edition`` [kg gas per process run].
    summary : dict
        Factory total, allocation table and the check that the parts add up.
    """
    fac = system.factory
    if not fac:
        return None, None
    problems: list[Problem] = []
    inv = fac.get("inventory")
    if not inv:
        raise InputError([Problem("factory section has no inventory file.", file=system.file, sheet="factory", column="inventory", hint="Name the inventory file (any file `carbon inventory calc` reads), relative to this file.")])
    path = Path(inv) if Path(inv).is_absolute() else Path(system.base_dir) / inv
    rec, _res = inventory_records(path, gwp_set or system.gwp_set)
    sel = np.ones(len(rec), bool)
    if fac.get("sources"):
        sel &= rec["source_id"].astype(str).isin([str(s) for s in fac["sources"]]).to_numpy()
    if fac.get("categories"):
        cats = [str(c) for c in fac["categories"]]
        sel &= (rec["iso_subcategory"].astype(str).isin(cats) | rec["iso_category"].astype(str).isin(cats)).to_numpy()
    rec = rec[sel]
    drivers = _drivers(system, fac["products"], problems)
    if problems:
        raise InputError(problems)
    alloc = allocate_inventory(rec, drivers, str(fac.get("basis") or "mass"), rules=fac.get("rules"), file=system.file)
    per_run = dict(zip(drivers["product"], drivers["per_run"], strict=True))
    proc_of = dict(zip(drivers["product"], drivers["process"], strict=True))
    mine = alloc[alloc["product"].map(lambda p: isinstance(proc_of.get(p), str))]
    ent = pd.DataFrame({
        "process": mine["product"].map(proc_of),
        "label": "factory: " + mine["source_id"].astype(str) + " " + mine["source_name"].fillna("").astype(str),
        "gas": mine["gas"].astype(str),
        "kg": mine["mass_t"].to_numpy(float) * 1000.0 * mine["product"].map(per_run).to_numpy(float),
        "gwp": mine["gwp"].astype(float),
        "factor_id": mine["factor_id"], "dataset": mine["factor_dataset"], "edition": mine["factor_edition"],
    })
    total = float(rec.loc[rec["gas"] != "CO2_bio", "co2e_t"].sum())
    by_product = alloc[alloc["gas"] != "CO2_bio"].groupby("product", sort=False)["co2e_t"].sum()
    summary = {
        "inventory": str(inv), "basis": fac.get("basis") or "mass", "rules": fac.get("rules") or [],
        "factory_total_tco2e": total, "allocated_tco2e": {str(k): float(v) for k, v in by_product.items()},
        "allocated_sum_tco2e": float(by_product.sum()), "adds_up": bool(np.isclose(by_product.sum(), total, rtol=1e-12, atol=1e-12)),
        "sources": sorted(rec["source_id"].astype(str).unique().tolist()),
    }
    return ent, summary
