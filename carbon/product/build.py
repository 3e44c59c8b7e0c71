"""Compile a :class:`ProductSystem` into matrices: technosphere ``A`` and per-exchange burdens.

Columns of ``A`` are *(process, output)* pairs: a process with co-products is split into
one column per output, each carrying its allocation share of the process's inputs and
emissions (ISO 14067 §6.4.6).  ``A[i, j]`` is the amount of column ``i``'s product made
(diagonal, positive) or used (negative) per run of column ``j``.

Burdens are kept per exchange ("entries"): every factor input, direct emission, transport
leg and allocated factory record keeps its own row with its gas, GWP, factor id, dataset
and edition, so a result can be broken down by stage, process, input and gas and every
number can explain itself.  ``c = Σ entries`` per column is the characterised burden
[kg CO2e per run].

References
----------
ISO 14067:2018 §6.4.6 (allocation: subdivision, then physical relationships, then other),
§6.4.9.2–6.4.9.4 (fossil, biogenic and dLUC GHG reported separately), §6.3.6 (cut-off).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from carbon.errors import GWPError, InputError, Problem, UnitError, UnitMismatchError, did_you_mean
from carbon.factors import FactorRegistry, load_registry
from carbon.gwp import gwp_value
from carbon.product.model import BOUNDARIES, STAGES, ProductSystem, canonical_stage
from carbon.schema import is_true
from carbon.units import multiplier, split_factor_unit

__all__ = ["CompiledSystem", "GAS_CLASSES", "compile_system"]

#: Gas spellings that mark biogenic or direct-land-use-change emissions -> (GWP gas, class, CH4 kind).
GAS_CLASSES = {
    "CO2_bio": ("CO2", "biogenic", None),
    "CO2_biogenic": ("CO2", "biogenic", None),
    "CO2-bio": ("CO2", "biogenic", None),
    "CH4_bio": ("CH4", "biogenic", "non_fossil"),
    "CH4_biogenic": ("CH4", "biogenic", "non_fossil"),
    "CO2_dLUC": ("CO2", "dLUC", None),
    "CO2_luc": ("CO2", "dLUC", None),
    "CO2_LUC": ("CO2", "dLUC", None),
}
ALLOCATION_METHODS = ("mass", "economic", "physical", "shares", "cut-off")
_SIGMA_PER_PCT = 1.0 / 1.959963984540054  # 95 % half-width [%] -> lognormal sigma via ln(1+pct/100)


@dataclass
class CompiledSystem:
    """Matrices and tables of a compiled product system.

    Attributes
    ----------
    A : scipy.sparse.csc_matrix
        Technosphere [product unit per run], one column per (process, output).
    columns : pandas.DataFrame
        ``process, product, amount, unit, share, stage`` per column.
    entries : pandas.DataFrame
        One row per burden per column: ``col, process, stage, kind, input, gas, class,
        kg, gwp, co2e, factor_id, dataset, edition, primary, sigma, where``;
        ``kg`` [kg gas per run], ``co2e`` [kg CO2e per run].
    tech : pandas.DataFrame
        Technosphere inputs: ``row, col, amount, sigma`` (positive amounts used).
    """

    system: ProductSystem
    A: sp.csc_matrix
    columns: pd.DataFrame
    entries: pd.DataFrame
    tech: pd.DataFrame
    product_col: dict[str, int]
    gwp_set: str
    registry: FactorRegistry
    allocation: dict[str, dict] = field(default_factory=dict)
    cutoff: list[dict] = field(default_factory=list)
    input_mass_kg: pd.DataFrame | None = None
    factor_extra: dict[str, dict] = field(default_factory=dict)

    @property
    def c(self) -> np.ndarray:
        """Characterised direct burden per column [kg CO2e per run]."""
        e = self.entries
        return np.bincount(e["col"].to_numpy(int), weights=e["co2e"].to_numpy(float), minlength=self.A.shape[0])


def _custom_registry(system: ProductSystem, registry: FactorRegistry, problems: list[Problem]) -> tuple[FactorRegistry, dict]:
    f = system.factors
    if not len(f):
        return registry, {}
    extra = {}
    rows = []
    for _, r in f.iterrows():
        where: dict[str, Any] = {"file": system.file, "sheet": "factors", "row": int(r["_row"])}
        fid = str(r["factor_id"])
        if fid in registry:
            problems.append(Problem(f"custom factor id '{fid}' is already a library factor.", **where, column="factor_id", hint="Give it another id, e.g. 'custom/…' or 'supplier/…'."))
            continue
        if "/" not in fid:
            fid_ok = f"custom/{fid}"
        else:
            fid_ok = fid
        try:
            split_factor_unit(str(r["unit"]))
        except UnitError as err:
            problems.append(Problem(str(err), **where, column="unit"))
            continue
        rows.append({"factor_id": fid_ok, "name_zh": r["name"] or "", "gas": r["gas"], "value": r["value"], "unit": r["unit"],
                     "kind": "product", "source_ref": r["source"] or f"{system.file}, sheet 'factors', row {int(r['_row'])}", "note": r["supplier"]})
        extra[fid_ok] = {"primary": is_true(r["primary"]) if r["primary"] is not None else bool(r["supplier"]),
                         "data_quality": r["data_quality"], "uncertainty_pct": r["uncertainty_pct"], "supplier": r["supplier"], "alias": fid}
    if not rows:
        return registry, extra
    return registry.with_custom(pd.DataFrame(rows), dataset="custom", edition="user"), extra


def _shares(system: ProductSystem, outputs: dict[str, list[dict]], problems: list[Problem]) -> dict[str, dict]:
    """Allocation share of every output of every multi-output process."""
    alloc = system.allocation
    out: dict[str, dict] = {}
    for proc, outs in outputs.items():
        if len(outs) == 1:
            continue
        rows = alloc[alloc["process"] == proc]
        names = [o["product"] for o in outs]
        where: dict[str, Any] = {"file": system.file, "sheet": "allocation"}
        if not len(rows):
            problems.append(Problem(f"process '{proc}' has co-products ({', '.join(names[1:])}) but no allocation row.", **where, column="process",
                                    hint="Add a row to 'allocation' with method mass, economic, physical, shares or cut-off (ISO 14067 §6.4.6: avoid by subdivision first, then physical relationships, then other)."))
            continue
        method = str(rows["method"].iloc[0]).strip().lower()
        r0 = int(rows["_row"].iloc[0])
        if method not in ALLOCATION_METHODS:
            problems.append(Problem(f"allocation method '{method}' is unknown.", **where, row=r0, column="method", hint=f"Use one of {', '.join(ALLOCATION_METHODS)}."))
            continue
        w = np.zeros(len(outs))
        if method == "cut-off":
            w[0] = 1.0
        elif method == "mass":
            try:
                w = np.array([o["amount"] * multiplier(o["unit"], "kg") for o in outs])
            except (UnitError, UnitMismatchError):
                problems.append(Problem(f"mass allocation of '{proc}' needs every output in a mass unit; outputs are {', '.join(o['unit'] for o in outs)}.", **where, row=r0, column="method", hint="Use economic, physical or shares instead."))
                continue
        else:
            given = {str(p): (v, int(rr)) for p, v, rr in zip(rows["product"], rows["value"], rows["_row"], strict=True)}
            missing = [n for n in names if n not in given or given[n][0] is None]
            if missing:
                problems.append(Problem(f"{method} allocation of '{proc}' has no value for {', '.join(missing)}.", **where, row=r0, column="value",
                                        hint="One row per output (the process's own product and each co-product) with its price per unit, property per unit or share."))
                continue
            vals = np.array([given[n][0] for n in names], dtype=float)
            w = vals if method == "shares" else vals * np.array([o["amount"] for o in outs])
        if w.sum() <= 0 or (w < 0).any():
            problems.append(Problem(f"allocation of '{proc}' gives no positive share.", **where, row=r0, column="value", hint="Shares, prices and properties must be ≥ 0 and not all 0."))
            continue
        out[proc] = {"method": method, "shares": dict(zip(names, (w / w.sum()).tolist(), strict=True))}
    return out


@dataclass
class _Ctx:
    system: ProductSystem
    registry: FactorRegistry
    gwp_set: str
    problems: list[Problem]
    cols_of: dict[str, list[tuple[int, float]]]
    stage_of: dict[str, str]
    product_col: dict[str, int]
    col_unit: list[str]
    extra: dict[str, dict]
    entries: list[dict] = field(default_factory=list)
    tech: list[tuple[int, int, float, float]] = field(default_factory=list)
    cutoff: list[dict] = field(default_factory=list)
    mass_in: list[tuple[int, float, bool]] = field(default_factory=list)

    def where(self, sheet: str, row: int, column: str | None = None) -> dict:
        return {"file": self.system.file, "sheet": sheet, "row": row, "column": column}


def _sigma(pct) -> float:
    return float(np.log1p(float(pct) / 100.0) * _SIGMA_PER_PCT) if pct is not None and not pd.isna(pct) else 0.0


def _gas_entries(ctx: _Ctx, proc, stage, kind, label, gas_kg: list[tuple[str, float]], factor, primary, sigma, where) -> None:
    """Append one entry per gas for every column of ``proc``."""
    for gas, kg in gas_kg:
        g, cls, ch4 = GAS_CLASSES.get(gas, (gas, "fossil", "fossil" if gas == "CH4" else None))
        try:
            gwp = gwp_value(g, ctx.gwp_set, ch4)
        except GWPError as err:
            ctx.problems.append(Problem(str(err), **where))
            continue
        for col, share in ctx.cols_of[proc]:
            ctx.entries.append({
                "col": col, "process": proc, "stage": stage, "kind": kind, "input": label, "gas": gas, "class": cls,
                "kg": kg * share, "gwp": gwp, "co2e": kg * share * gwp,
                "factor_id": factor.id if factor else None, "dataset": factor.dataset if factor else None,
                "edition": factor.edition if factor else None, "primary": primary, "sigma": sigma,
                "where": f"{where.get('sheet')}!{where.get('row')}",
            })


def _factor_input(ctx: _Ctx, proc, stage, kind, fid, amount, unit, primary, sigma, where) -> None:
    f = ctx.registry.get(fid)
    gas_kg = []
    for gas, gv in f.gases.items():
        try:
            mass, _, per = split_factor_unit(gv.unit)
            m = multiplier(unit, per)
        except (UnitError, UnitMismatchError) as err:
            ctx.problems.append(Problem(f"'{unit}' does not fit factor {fid} ({gv.unit}): {err}", **where,
                                        hint=f"Give the amount in a unit convertible to '{gv.unit.split('/', 1)[-1].strip()}', or choose a factor per '{unit}'."))
            return
        gas_kg.append((gas, amount * m * gv.value * multiplier(mass, "kg")))
    ext = ctx.extra.get(fid, {})
    prim = primary if primary is not None else bool(ext.get("primary", False))
    fsig = _sigma(ext.get("uncertainty_pct")) or _sigma(ctx.system.factor_uncertainty.get(fid)) or _factor_sigma(f)
    label = f"{fid} {f.name_zh}".strip()
    before = len(ctx.entries)
    _gas_entries(ctx, proc, stage, kind, label, gas_kg, f, prim, sigma, where)
    for e in ctx.entries[before:]:
        gv = f.gases[e["gas"]]
        e.update(factor_sigma=fsig, activity=amount * e["kg"] / (gas_kg_of(gas_kg, e["gas"]) or 1.0), activity_unit=unit, factor_value=gv.value, factor_unit=gv.unit)


def gas_kg_of(gas_kg: list[tuple[str, float]], gas: str) -> float:
    """Mass of ``gas`` per run before allocation (to recover the allocated activity)."""
    return next((kg for g, kg in gas_kg if g == gas), 0.0)


def _factor_sigma(f) -> float:
    """Lognormal sigma from a factor's 95 % interval (largest relative half-width over its gases), 0 if none."""
    best = 0.0
    for gv in f.gases.values():
        if gv.low is not None and gv.high is not None and gv.value > 0 and gv.low > 0:
            best = max(best, (np.log(gv.high) - np.log(gv.low)) / (2 * 1.959963984540054))
    return best


def _exchange(ctx: _Ctx, r) -> None:
    sysm = ctx.system
    row = int(r["_row"])
    proc, kind, inp, amount, unit = r["process"], r["kind"], str(r["input"]), r["amount"], str(r["unit"])
    if proc not in ctx.cols_of:
        ctx.problems.append(Problem(f"process '{proc}' is not in sheet 'processes'.", **ctx.where("exchanges", row, "process"), hint=did_you_mean(str(proc), ctx.cols_of) or "Add it to 'processes'."))
        return
    if kind == "co-product" or amount is None:
        return
    stage = canonical_stage(r["stage"]) if r["stage"] else ctx.stage_of[proc]
    primary = None if r["primary"] is None else is_true(r["primary"])
    sigma = _sigma(r["uncertainty_pct"])
    where = ctx.where("exchanges", row, "input")
    if kind == "emission":
        try:
            kg = amount * multiplier(unit, "kg")
        except (UnitError, UnitMismatchError) as err:
            ctx.problems.append(Problem(f"emission amount must be a mass: {err}", **ctx.where("exchanges", row, "unit"), hint="e.g. kg, t, 公噸."))
            return
        _gas_entries(ctx, proc, stage, "emission", inp, [(inp, kg)], None, True if primary is None else primary, sigma, where)
        for e in ctx.entries[-len(ctx.cols_of[proc]):]:
            e["factor_sigma"] = 0.0
        return
    if kind == "waste" and inp.strip() in ("", "-", "cut-off", "recycling", "回收"):
        ctx.cutoff.append({"process": proc, "flow": f"waste ({amount:g} {unit})", "rule": "cut-off: waste sent to recycling carries no burden (ISO 14067 Annex D)", "row": row})
        return
    excluded = r["excluded"] is not None and is_true(r["excluded"])
    try:
        kg_in = amount * multiplier(unit, "kg")
    except (UnitError, UnitMismatchError):
        kg_in = None
    if kind == "input" and kg_in is not None:
        for col, share in ctx.cols_of[proc]:
            ctx.mass_in.append((col, kg_in * share, excluded))
    if excluded:
        ctx.cutoff.append({"process": proc, "flow": inp, "amount": amount, "unit": unit, "rule": "excluded by the user (cut-off criteria)", "row": row})
        return
    if inp in ctx.product_col:
        j = ctx.product_col[inp]
        try:
            m = multiplier(unit, ctx.col_unit[j])
        except (UnitError, UnitMismatchError) as err:
            ctx.problems.append(Problem(f"'{unit}' does not fit the output unit of '{inp}' ({ctx.col_unit[j]}): {err}", **ctx.where("exchanges", row, "unit"),
                                        hint=f"Give the amount in {ctx.col_unit[j]} or a convertible unit."))
            return
        for col, share in ctx.cols_of[proc]:
            ctx.tech.append((j, col, amount * m * share, sigma))
        return
    if inp in ctx.registry or f"custom/{inp}" in ctx.registry:
        fid = inp if inp in ctx.registry else f"custom/{inp}"
        _factor_input(ctx, proc, stage, kind, fid, amount, unit, primary, sigma, where)
        return
    cands = list(ctx.product_col) + [x for x in ctx.extra]
    hint = did_you_mean(inp, cands) or did_you_mean(inp, ctx.registry.ids())
    ctx.problems.append(Problem(f"'{inp}' is neither a process or co-product of this system nor a factor id (missing producer).", **where,
                                hint=(hint + " " if hint else "") + "Add a process that makes it, or use a factor id (`carbon factors search WORD`)."))
    _ = sysm


def _transport(ctx: _Ctx, r) -> None:
    row = int(r["_row"])
    proc = r["process"]
    if proc not in ctx.cols_of:
        ctx.problems.append(Problem(f"process '{proc}' is not in sheet 'processes'.", **ctx.where("transport", row, "process"), hint=did_you_mean(str(proc), ctx.cols_of)))
        return
    if r["mass"] is None or r["distance_km"] is None:
        return
    try:
        t = r["mass"] * multiplier(str(r["mass_unit"]), "t")
    except (UnitError, UnitMismatchError) as err:
        ctx.problems.append(Problem(f"mass unit: {err}", **ctx.where("transport", row, "mass_unit"), hint="e.g. kg, t, 公噸."))
        return
    mode = str(r["mode"])
    if mode not in ctx.registry:
        ctx.problems.append(Problem(f"transport mode '{mode}' is not a factor id.", **ctx.where("transport", row, "mode"),
                                    hint=(did_you_mean(mode, ctx.registry.ids("tw-cfp")) or "") + " Use a per-t·km factor, e.g. `carbon factors search 貨車`."))
        return
    stage = ctx.stage_of[proc] if not r["stage"] else canonical_stage(r["stage"])
    where = ctx.where("transport", row, "mode")
    before = len(ctx.problems)
    _factor_input(ctx, proc, stage, "transport", mode, t * float(r["distance_km"]), "t*km", None, _sigma(r["uncertainty_pct"]), where)
    if len(ctx.problems) > before:
        return
    for e in ctx.entries:
        if e["where"] == f"transport!{row}":
            e["input"] = f"transport: {r['item']} ({mode})"


def _outputs(system: ProductSystem, problems: list[Problem]) -> dict[str, list[dict]]:
    outs: dict[str, list[dict]] = {}
    for _, r in system.processes.iterrows():
        name = str(r["process"])
        if name in outs:
            problems.append(Problem(f"process '{name}' appears twice.", file=system.file, sheet="processes", row=int(r["_row"]), column="process", hint="Process names must be unique."))
            continue
        outs[name] = [{"product": name, "amount": float(r["output_amount"]), "unit": str(r["output_unit"])}]
    ex = system.exchanges
    for _, r in ex[ex["kind"] == "co-product"].iterrows():
        p = r["process"]
        if p not in outs:
            continue
        name = str(r["input"])
        if name in outs or any(name == o["product"] for v in outs.values() for o in v):
            problems.append(Problem(f"co-product '{name}' has the name of another process or output.", file=system.file, sheet="exchanges", row=int(r["_row"]), column="input", hint="Give each product a unique name."))
            continue
        if r["amount"] is None or r["amount"] <= 0:
            problems.append(Problem("a co-product amount must be positive.", file=system.file, sheet="exchanges", row=int(r["_row"]), column="amount"))
            continue
        outs[p].append({"product": name, "amount": float(r["amount"]), "unit": str(r["unit"])})
    return outs


def compile_system(system: ProductSystem, *, gwp_set: str | None = None, registry: FactorRegistry | None = None,
                   factory_entries: pd.DataFrame | None = None) -> CompiledSystem:
    """Compile a product system into ``A`` and burden entries.

    Parameters
    ----------
    system : ProductSystem
    gwp_set : str, optional
        Overrides the file's GWP set.
    registry : FactorRegistry, optional
        Factor library (bundled one by default); the file's custom factors are added.
    factory_entries : pandas.DataFrame, optional
        Allocated factory records per process (from :func:`carbon.product.factory.factory_entries`).

    Raises
    ------
    InputError
        Every problem at once (unknown inputs, unit mismatches, missing allocation …).
    """
    problems: list[Problem] = []
    gwp = gwp_set or system.gwp_set
    reg, extra = _custom_registry(system, registry or load_registry(), problems)
    outs = _outputs(system, problems)
    shares = _shares(system, outs, problems)
    cols: list[dict[str, Any]] = []  # one column per (process, output product)
    cols_of: dict[str, list[tuple[int, float]]] = {}  # process -> (column, allocation share)
    product_col: dict[str, int] = {}
    stage_of: dict[str, str] = {}
    allowed = {s for p in system.products for s in BOUNDARIES[p.boundary]}
    for _, r in system.processes.iterrows():
        name = str(r["process"])
        if name not in outs or name in cols_of:
            continue
        stage_of[name] = str(r["stage"])
        if stage_of[name] in STAGES and stage_of[name] not in allowed:
            problems.append(Problem(f"stage '{stage_of[name]}' of '{name}' is outside the boundary ({', '.join(sorted({p.boundary for p in system.products}))}).",
                                    file=system.file, sheet="processes", row=int(r["_row"]), column="stage", hint="Change the product's boundary or remove the process."))
        cols_of[name] = []
        for o in outs[name]:
            share = shares.get(name, {}).get("shares", {}).get(o["product"], 1.0)
            product_col[o["product"]] = len(cols)
            cols_of[name].append((len(cols), share))
            cols.append({"process": name, "product": o["product"], "amount": o["amount"], "unit": o["unit"], "share": share, "stage": stage_of[name]})
    ctx = _Ctx(system, reg, gwp, problems, cols_of, stage_of, product_col, [c["unit"] for c in cols], extra)
    for _, r in system.exchanges.iterrows():
        if r["kind"] is not None:
            _exchange(ctx, r)
    for _, r in system.transport.iterrows():
        _transport(ctx, r)
    if factory_entries is not None:
        fe: Any  # a factory record (itertuples fields)
        for fe in factory_entries.itertuples(index=False):
            if fe.process not in cols_of:
                problems.append(Problem(f"factory allocation names process '{fe.process}', which is not in 'processes'.", file=system.file, sheet="factory", column="process", hint=did_you_mean(str(fe.process), cols_of)))
                continue
            f = _RecFactor(fe.factor_id, fe.dataset, fe.edition)
            before = len(ctx.entries)
            _gas_entries(ctx, fe.process, stage_of[fe.process], "factory", fe.label, [(fe.gas, fe.kg)], f, True, 0.0, {"file": system.file, "sheet": "factory"})
            for e in ctx.entries[before:]:
                e["factor_sigma"] = 0.0
                e["gwp"], e["co2e"] = fe.gwp, e["kg"] * fe.gwp
    for p in system.products:
        if p.reference_process not in product_col:
            problems.append(Problem(f"reference_process '{p.reference_process}' of product '{p.name}' is not a process or co-product.", **p.place("reference_process"), hint=did_you_mean(p.reference_process, product_col)))
        else:
            u = cols[product_col[p.reference_process]]["unit"]
            try:
                multiplier(p.unit, u)
            except (UnitError, UnitMismatchError) as err:
                problems.append(Problem(f"declared unit '{p.unit}' of '{p.name}' does not fit the output unit '{u}': {err}", **p.place("unit")))
    if problems:
        raise InputError(problems)
    n = len(cols)
    tech = pd.DataFrame(ctx.tech, columns=["row", "col", "amount", "sigma"])
    diag = np.array([c["amount"] for c in cols])
    A = sp.coo_matrix((np.r_[diag, -tech["amount"].to_numpy(float)], (np.r_[np.arange(n), tech["row"].to_numpy(int)], np.r_[np.arange(n), tech["col"].to_numpy(int)])), shape=(n, n)).tocsc()
    A.sum_duplicates()
    ent = pd.DataFrame(ctx.entries, columns=["col", "process", "stage", "kind", "input", "gas", "class", "kg", "gwp", "co2e", "factor_id", "dataset", "edition", "primary", "sigma", "factor_sigma", "where",
                             "activity", "activity_unit", "factor_value", "factor_unit"])
    mass = pd.DataFrame(ctx.mass_in, columns=["col", "kg", "excluded"])
    return CompiledSystem(system, A, pd.DataFrame(cols), ent, tech, product_col, gwp, reg, shares, ctx.cutoff, mass, extra)


@dataclass(frozen=True)
class _RecFactor:
    id: str | None
    dataset: str | None
    edition: str | None
