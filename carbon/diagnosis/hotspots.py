"""Carbon hotspots: Pareto rankings, intensities, and why emissions changed against the base year.

Everything here reads the emission-records table of an inventory result (the counted records:
included sources, biogenic CO2 apart); equipment and process come from the project's source
table (``equipment_name``/``equipment_code``, ``process_name``/``process_code``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from carbon.errors import InputError, Problem
from carbon.units import is_convertible, multiplier

__all__ = ["BY", "Comparison", "compare", "intensity", "pareto"]

#: Pareto dimensions.
BY = ("source", "equipment", "carrier", "process", "category", "facility", "gas")


def _source_attr(result, col_name: str, col_code: str) -> dict[str, str]:
    s = result.project.sources
    out = {}
    for _, r in s.iterrows():
        name = r.get(col_name) if col_name in s else None
        code = r.get(col_code) if col_code in s else None
        parts = [str(x) for x in (code, name) if x is not None and not (isinstance(x, float) and np.isnan(x)) and str(x).strip()]
        if parts:
            out[str(r["source_id"])] = " ".join(parts)
    return out


def _carrier_of(result):
    reg = result.registry
    names: dict[str, str] = {}

    def label(row) -> str:
        et, fid = str(row["emission_type"]), str(row["factor_id"])
        if et == "imported electricity":
            return "電力 electricity"
        if "steam" in et or "imported energy" in et:
            return "蒸汽/外購能源 imported steam/energy"
        if et in ("stationary combustion", "mobile combustion"):
            if fid not in names:
                f = reg.get(fid) if fid in reg else None
                names[fid] = f"{f.name_zh} {f.name_en}".strip() if f else fid
            return names[fid]
        return f"(non-energy) {et}"

    return label


def pareto(result, by: str = "source", *, vital_share: float = 0.8) -> pd.DataFrame:
    """Pareto ranking of the counted emissions.

    Parameters
    ----------
    result : carbon.inventory.InventoryResult
    by : {"source", "equipment", "carrier", "process", "category", "facility", "gas"}
        ``carrier`` = energy carrier (electricity, each fuel by its factor's name, non-energy
        sources by emission type).
    vital_share : float, default 0.8
        Cumulative share that marks the "vital few" (the rows up to and including the one
        crossing it). [1]

    Returns
    -------
    pandas.DataFrame
        key, label, co2e_t [t CO2e], share [1], cumulative_share [1], vital_few (bool),
        sorted by co2e_t descending.

    References
    ----------
    .. [1] Juran's Pareto principle as used in energy audits: ISO 50002:2014 §5.4 (analysis of energy use), ISO 50001 significant energy uses.
    """
    if by not in BY:
        raise InputError([Problem(f"cannot rank by {by!r}.", column="by", hint=f"Use one of: {', '.join(BY)}.")])
    r = result.counted
    sid = r["source_id"].astype(str)
    names = r["source_name"].astype(object).where(r["source_name"].notna(), "")
    if by == "source":
        key, label = sid, sid + " " + names.astype(str)
    elif by in ("equipment", "process"):
        cols = ("equipment_name", "equipment_code") if by == "equipment" else ("process_name", "process_code")
        m = _source_attr(result, *cols)
        key = sid.map(lambda x: m.get(x, f"{x} (no {by} given)"))
        label = key.where(sid.map(lambda x: x in m), sid + " " + names.astype(str) + f" (no {by} given)")
    elif by == "carrier":
        key = r.apply(_carrier_of(result), axis=1) if len(r) else pd.Series(dtype=object)
        label = key
    else:
        col = {"category": "iso_subcategory", "facility": "facility", "gas": "gas"}[by]
        key = r[col].astype(object).where(r[col].notna(), "(none)").astype(str)
        label = key
    df = pd.DataFrame({"key": key.to_numpy(), "label": label.to_numpy(), "co2e_t": r["co2e_t"].to_numpy(dtype=float)})
    g = df.groupby(["key"], sort=False).agg(label=("label", "first"), co2e_t=("co2e_t", "sum")).reset_index()
    g = g.sort_values("co2e_t", ascending=False, kind="stable").reset_index(drop=True)
    total = g["co2e_t"].sum()
    g["share"] = g["co2e_t"] / total if total else 0.0
    g["cumulative_share"] = g["share"].cumsum()
    before = g["cumulative_share"].shift(1, fill_value=0.0)
    g["vital_few"] = before < vital_share - 1e-12
    return g


def intensity(result, *, product_amount: float | None = None, product_unit: str | None = None, revenue_ntd: float | None = None) -> dict:
    """Emission intensity per product unit and per NT$ revenue.

    Parameters
    ----------
    product_amount : float, optional
        Output of the year, in ``product_unit`` (e.g. 1,200 t of fabric). [product_unit]
    revenue_ntd : float, optional
        Revenue of the year. [TWD]

    Returns
    -------
    dict
        total_tco2e, scope12_tco2e, and where given t CO2e per product unit, kg CO2e per
        product unit, t CO2e per million NT$ revenue.
    """
    r = result.counted
    total = float(r["co2e_t"].sum())
    sub = r["iso_subcategory"].astype(str)
    s12 = float(r.loc[sub.str.startswith("1") | sub.str.startswith("2"), "co2e_t"].sum())
    out: dict = {"total_tco2e": total, "scope12_tco2e": s12}
    problems = []
    if product_amount is not None:
        if not product_amount > 0:
            problems.append(Problem(f"product output {product_amount!r} must be > 0.", column="product_amount"))
        else:
            u = product_unit or "unit"
            out["product"] = {"amount": product_amount, "unit": u, "tco2e_per_unit": total / product_amount, "kgco2e_per_unit": total * 1000 / product_amount,
                              "scope12_tco2e_per_unit": s12 / product_amount}  # fmt: skip
    if revenue_ntd is not None:
        if not revenue_ntd > 0:
            problems.append(Problem(f"revenue {revenue_ntd!r} must be > 0 NT$.", column="revenue_ntd"))
        else:
            out["revenue"] = {"ntd": revenue_ntd, "tco2e_per_million_ntd": total / (revenue_ntd / 1e6), "scope12_tco2e_per_million_ntd": s12 / (revenue_ntd / 1e6)}
    if problems:
        raise InputError(problems)
    return out


@dataclass(frozen=True)
class Comparison:
    """Change against the base year, split into activity, factor-edition and method effects.

    ``table`` has one row per source × gas: activity and factor of both years and the three
    effects [t CO2e]; ``effects`` sums them. activity + factor_edition + method = current − base.
    """

    base_t: float
    current_t: float
    effects: dict[str, float]
    table: pd.DataFrame

    def to_dict(self) -> dict:
        """JSON form."""
        return {"base_tco2e": self.base_t, "current_tco2e": self.current_t, "change_tco2e": self.current_t - self.base_t,
                "effects": self.effects, "by_source": self.table.groupby("source_id", sort=False)[["activity_t", "factor_edition_t", "method_t"]].sum().reset_index().to_dict(orient="records")}  # fmt: skip

    def explain(self) -> str:
        """Why emissions changed, in t CO2e."""
        e = self.effects
        return (
            f"{self.base_t:,.3f} → {self.current_t:,.3f} t CO2e ({self.current_t - self.base_t:+,.3f}): "
            f"activity {e['activity_t']:+,.3f}, factor edition {e['factor_edition_t']:+,.3f}, method {e['method_t']:+,.3f}"
        )


def _rec(result) -> pd.DataFrame:
    r = result.counted
    alloc = r["allocation"].astype(float).fillna(1.0)
    return pd.DataFrame(
        {
            "source_id": r["source_id"].astype(str).to_numpy(),
            "gas": r["gas"].astype(str).to_numpy(),
            "a": (r["activity_amount"].astype(float) * alloc).to_numpy(),
            "unit": r["activity_unit"].astype(str).to_numpy(),
            "dataset": r["factor_dataset"].astype(str).to_numpy(),
            "edition": r["factor_edition"].astype(str).to_numpy(),
            "factor_id": r["factor_id"].astype(str).to_numpy(),
            "gwp": r["gwp"].astype(float).to_numpy(),
            "e": r["co2e_t"].astype(float).to_numpy(),
        }
    ).groupby(["source_id", "gas"], sort=False).agg({"a": "sum", "unit": "first", "dataset": "first", "edition": "first", "factor_id": "first", "gwp": "first", "e": "sum"})


def compare(current, base) -> Comparison:
    """Why emissions changed against the base-year inventory.

    For each source × gas: E = A × F (A activity, F = E ÷ A the effective factor incl. GWP):

    * activity effect = (A₁ − A₀) × F₀ (sources new or gone: all of their emissions);
    * factor-edition effect = A₁ × (F₁′ − F₀), F₁′ = F₁ × GWP₀ ÷ GWP₁, when the factor comes from the
      same dataset (a new edition or data year of it, e.g. the grid factor of another year);
    * method effect = A₁ × (F₁ − F₁′) (a change of GWP set), plus A₁ × (F₁′ − F₀) when the
      factor's dataset changed or the activity units cannot be compared.

    The three add up exactly to E₁ − E₀.

    References
    ----------
    .. [1] ISO 14064-1:2018 §6.4 (base year and recalculation); GHG Protocol Corporate Standard ch. 5 (tracking emissions over time).
    """
    a, b = _rec(current), _rec(base)
    idx = a.index.union(b.index, sort=False)
    a, b = a.reindex(idx), b.reindex(idx)
    rows = []
    for k in idx:
        x1, x0 = a.loc[k], b.loc[k]
        e1 = 0.0 if pd.isna(x1["e"]) else float(x1["e"])
        e0 = 0.0 if pd.isna(x0["e"]) else float(x0["e"])
        act = edi = meth = 0.0
        if pd.isna(x0["e"]) or pd.isna(x1["e"]) or not x0["a"] or not x1["a"]:
            act = e1 - e0
            note = "new source" if pd.isna(x0["e"]) else ("source gone" if pd.isna(x1["e"]) else "no activity")
        elif not is_convertible(str(x1["unit"]), str(x0["unit"])):
            meth = e1 - e0
            note = f"activity units {x0['unit']} → {x1['unit']} not comparable"
        else:
            a1 = float(x1["a"]) * multiplier(str(x1["unit"]), str(x0["unit"]))
            a0 = float(x0["a"])
            f0, f1 = e0 / a0, e1 / a1
            f1p = f1 * float(x0["gwp"]) / float(x1["gwp"]) if x1["gwp"] else f1
            act = (a1 - a0) * f0
            same = x1["dataset"] == x0["dataset"]
            edi = a1 * (f1p - f0) if same else 0.0
            meth = a1 * (f1 - f1p) + (0.0 if same else a1 * (f1p - f0))
            note = "" if same else f"dataset {x0['dataset']} → {x1['dataset']}"
            if x1["gwp"] != x0["gwp"]:
                note = (note + "; " if note else "") + f"GWP {x0['gwp']:g} → {x1['gwp']:g}"
        rows.append({"source_id": k[0], "gas": k[1], "base_t": e0, "current_t": e1, "activity_t": act, "factor_edition_t": edi, "method_t": meth,
                     "base_factor_id": x0["factor_id"], "current_factor_id": x1["factor_id"], "note": note})  # fmt: skip
    t = pd.DataFrame(rows)
    effects = {c: float(t[c].sum()) for c in ("activity_t", "factor_edition_t", "method_t")}
    return Comparison(float(t["base_t"].sum()), float(t["current_t"].sum()), effects, t)
