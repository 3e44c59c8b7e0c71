"""Calculate product footprints and break them down (ISO 14067 results).

Every product of one system is solved with one LU factorisation; each result holds the
scaling vector and the per-exchange contributions, from which the totals by stage,
process, input and gas, the fossil / biogenic / dLUC split, the cut-off check, the share
of primary data, Pareto hotspots and the contribution tree follow.

References
----------
ISO 14067:2018 §6.4.9 (GHG emissions and removals: fossil, biogenic and dLUC reported
separately, biogenic included in the CFP), §6.3.4.3 and §6.3.6 (cut-off criteria),
§7 (CFP study report: declared unit, boundary, allocation, data quality, GWP values used).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, cast

import numpy as np
import pandas as pd

from carbon.factors import FactorRegistry
from carbon.product.build import CompiledSystem, compile_system
from carbon.product.factory import factory_entries
from carbon.product.model import Product, ProductSystem
from carbon.product.solve import Solver
from carbon.units import multiplier

__all__ = ["ProductResult", "ProductResults", "calculate"]

REFERENCES = [
    "ISO 14067:2018 Greenhouse gases — Carbon footprint of products",
    "環境部 產品碳足跡計算指引 / 碳足跡排放係數資料庫 (tw-cfp)",
]
CUTOFF_RULE = "cut-off (recycled content enters burden-free; waste to recycling leaves burden-free), ISO 14067:2018 Annex D"


def _round(x: float) -> float:
    return float(x)


@dataclass
class ProductResult:
    """Footprint of one product (per declared unit).

    Attributes
    ----------
    contributions : pandas.DataFrame
        ``compiled.entries`` with ``runs`` and ``kgco2e`` (contribution to this product
        [kg CO2e per declared unit]) and ``kg_gas`` [kg gas per declared unit].
    """

    product: Product
    compiled: CompiledSystem
    s: np.ndarray
    h: np.ndarray
    factory: dict | None = None

    @cached_property
    def contributions(self) -> pd.DataFrame:
        """``compiled.entries`` with ``runs``, ``kgco2e`` [kg CO2e per declared unit] and ``kg_gas`` [kg gas per declared unit]."""
        e = self.compiled.entries.copy()
        runs = self.s[e["col"].to_numpy(int)]
        e["runs"] = runs
        e["kgco2e"] = e["co2e"].to_numpy(float) * runs
        e["kg_gas"] = e["kg"].to_numpy(float) * runs
        return e

    @property
    def total_kgco2e(self) -> float:
        """Total CFP including biogenic emissions and removals [kg CO2e per declared unit]."""
        return float(self.contributions["kgco2e"].sum())

    def _by(self, col: str) -> dict[str, float]:
        g = self.contributions.groupby(col, sort=False)["kgco2e"].sum()
        return {str(k): float(v) for k, v in g.sort_values(ascending=False, key=abs).items()}

    def _class(self, cls: str) -> float:
        c = self.contributions
        return float(c.loc[c["class"] == cls, "kgco2e"].sum())

    def by_gas(self) -> dict[str, dict[str, float]]:
        """Mass [kg] and CO2e [kg CO2e] per gas."""
        g = self.contributions.groupby("gas", sort=False)[["kg_gas", "kgco2e"]].sum()
        return {str(k): {"kg": float(r.kg_gas), "kgco2e": float(r.kgco2e)} for k, r in g.iterrows()}

    def cutoff(self) -> dict:
        """Cut-off check: mass share of inputs covered, flows excluded, included flows under the threshold."""
        c = self.compiled
        m = c.input_mass_kg
        thr = c.system.cutoff_threshold
        if m is not None and len(m):
            kg = m["kg"].to_numpy(float) * self.s[m["col"].to_numpy(int)]
            exc = m["excluded"].to_numpy(bool)
            covered = float(1 - kg[exc].sum() / kg.sum()) if kg.sum() > 0 else 1.0
        else:
            covered = 1.0
        tot = self.total_kgco2e
        by = self.contributions.groupby(["process", "input"], sort=False)["kgco2e"].sum()
        small = [{"process": p, "input": i, "kgco2e": float(v), "share": float(v / tot) if tot else 0.0}
                 for (p, i), v in cast("Iterator[tuple[tuple[str, str], float]]", by.items()) if tot and abs(v / tot) < thr]  # keys: (process, input)
        return {"covered_share": covered, "threshold": thr, "excluded": [dict(x) for x in c.cutoff],
                "below_threshold": small, "rule": CUTOFF_RULE}

    def primary_data_share(self) -> float:
        """Share of the footprint computed from primary (site- or supplier-specific) data [-].

        Primary: direct emissions of the system's processes, allocated factory records (the
        organisation's own activity data), and inputs whose factor is supplier-specific
        (custom factor with a supplier or ``primary: yes``, PACT or CBAM imports); secondary:
        library factors.  An exchange's ``primary`` column overrides.  Shares of absolute
        contributions (PACT Methodology v2 §4.2.2 in spirit).
        """
        c = self.contributions
        tot = c["kgco2e"].abs().sum()
        return float(c.loc[c["primary"].astype(bool), "kgco2e"].abs().sum() / tot) if tot else 0.0

    def hotspots(self, share: float = 0.8) -> list[dict]:
        """Pareto hotspots: the (process, input) pairs that together make ``share`` of the total."""
        by = self.contributions.groupby(["process", "input"], sort=False)["kgco2e"].sum().sort_values(ascending=False, key=abs)
        tot = by.abs().sum()
        out, cum = [], 0.0
        for (p, i), v in cast("Iterator[tuple[tuple[str, str], float]]", by.items()):  # keys: (process, input)
            cum += abs(v) / tot if tot else 0.0
            out.append({"process": p, "input": i, "kgco2e": float(v), "share": float(v / tot) if tot else 0.0, "cumulative_share": float(cum)})
            if cum >= share:
                break
        return out

    def factors(self) -> list[dict]:
        """Factors used, with dataset, edition and source."""
        c = self.contributions.dropna(subset=["factor_id"]).drop_duplicates("factor_id")
        reg = self.compiled.registry
        out = []
        r: Any  # a contribution row (itertuples fields)
        for r in c.itertuples():
            d = {"id": r.factor_id, "dataset": r.dataset, "edition": r.edition}
            if r.factor_id in reg:
                f = reg.get(r.factor_id)
                d.update(name=f.name_zh, source=f.source.get("title") or f.source_ref, source_ref=f.source_ref)
            out.append(d)
        return out

    def tree(self, max_depth: int = 6, min_share: float = 0.01) -> dict:
        """Contribution tree from the reference product upstream.

        Each node: product, amount [product unit], total and direct [kg CO2e]; the
        children of a node plus its direct burden equal its total (exactly, with the
        remainder of pruned children reported as ``other_kgco2e``).
        """
        A = self.compiled.A
        cols = self.compiled.columns
        c = self.compiled.c
        diag = A.diagonal()
        root = self.compiled.product_col[self.product.reference_process]
        q0 = self.product.amount * multiplier(self.product.unit, cols.at[root, "unit"])
        tot0 = self.h[root] * q0

        def node(j: int, q: float, depth: int) -> dict:
            runs = q / diag[j]
            total = float(self.h[j] * q)
            d: dict[str, Any] = {"process": cols.at[j, "process"], "product": cols.at[j, "product"], "amount": float(q), "unit": cols.at[j, "unit"],
                 "total_kgco2e": total, "direct_kgco2e": float(c[j] * runs)}
            if depth >= max_depth:
                return d
            col = A.getcol(j).tocoo()
            kids, rest = [], 0.0
            for i, a in zip(col.row, col.data, strict=True):
                if i == j or a >= 0:
                    continue
                qi = -a * runs
                ti = self.h[i] * qi
                if tot0 and abs(ti / tot0) >= min_share:
                    kids.append(node(int(i), float(qi), depth + 1))
                else:
                    rest += ti
            if kids:
                d["inputs"] = sorted(kids, key=lambda k: -abs(k["total_kgco2e"]))
            if rest:
                d["other_kgco2e"] = float(rest)
            return d

        return node(root, q0, 0)

    def to_dict(self) -> dict:
        """JSON-ready result (the keys of ``carbon product calc --json``)."""
        p = self.product
        cut = self.cutoff()
        return {
            "name": p.name,
            "declared_unit": {"amount": p.amount, "unit": p.unit, "text": f"{p.amount:g} {p.unit} {p.name}", "functional_unit": p.functional_unit},
            "boundary": p.boundary,
            "gwp_set": self.compiled.gwp_set,
            "total_kgco2e": self.total_kgco2e,
            "by_stage": self._by("stage"),
            "by_process": self._by("process"),
            "by_input": self._by("input"),
            "by_gas": self.by_gas(),
            "fossil_kgco2e": self._class("fossil"),
            "biogenic_kgco2e": self._class("biogenic"),
            "dluc_kgco2e": self._class("dLUC"),
            "total_excluding_biogenic_kgco2e": self.total_kgco2e - self._class("biogenic"),
            "cutoff": cut,
            "primary_data_share": self.primary_data_share(),
            "hotspots": self.hotspots(),
            "allocation": self.compiled.allocation,
            "recycling_rule": CUTOFF_RULE,
            "factors": self.factors(),
            "factory": self.factory,
            "contribution_tree": self.tree(),
            "references": REFERENCES,
        }

    def explain(self, process: str) -> str:
        """How a process contributes: runs, each burden as activity × factor × GWP, and its inputs."""
        c = self.contributions
        cols = self.compiled.columns
        mine = cols[cols["process"] == process]
        if not len(mine):
            from carbon.errors import InputError, Problem, did_you_mean

            raise InputError([Problem(f"no process '{process}'.", hint=did_you_mean(process, cols["process"].unique()))])
        lines = [f"{process} (stage {mine['stage'].iloc[0]}) for {p_text(self.product)}:"]
        for j, r in mine.iterrows():
            runs = self.s[cast(int, j)]  # the column table has a RangeIndex
            lines.append(f"  output {r['product']}: {r['amount']:g} {r['unit']} per run × {runs:.6g} runs; allocation share {r['share']:.4g}")
        e = c[(c["process"] == process) & (c["runs"] != 0)]
        x: Any  # a contribution row (itertuples fields)
        for x in e.itertuples():
            if isinstance(x.factor_value, float) and np.isfinite(x.factor_value):
                how = f"{x.activity:.6g} {x.activity_unit} × {x.factor_value:g} {x.factor_unit} [{x.factor_id}, {x.dataset} {x.edition}]"
            elif x.kind == "factory":
                how = f"allocated factory record [{x.factor_id}, {x.dataset} {x.edition}]"
            else:
                how = "direct emission (measured/calculated on site)"
            lines.append(f"  {x.input}: {how} → {x.kg:.6g} kg {x.gas}/run × GWP {x.gwp:g} ({self.compiled.gwp_set}) × {x.runs:.6g} runs = {x.kgco2e:.6g} kg CO2e")
        A = self.compiled.A
        for j in mine.index:
            col = A.getcol(j).tocoo()
            for i, a in zip(col.row, col.data, strict=True):
                if i != j and a < 0 and self.s[j] != 0:
                    q = -a * self.s[j]
                    product: Any = cols.at[i, "product"]  # text cells of the column table
                    unit: Any = cols.at[i, "unit"]
                    lines.append(f"  input {product}: {q:.6g} {unit} × {self.h[i]:.6g} kg CO2e/{unit} (upstream, solved exactly) = {q * self.h[i]:.6g} kg CO2e")
        tot = float(e["kgco2e"].sum())
        lines.append(f"  direct total of {process}: {tot:.6g} kg CO2e of {self.total_kgco2e:.6g} kg CO2e ({tot / self.total_kgco2e:.1%})" if self.total_kgco2e else f"  direct total: {tot:.6g} kg CO2e")
        return "\n".join(lines)


def p_text(p: Product) -> str:
    return f"{p.amount:g} {p.unit} {p.name}"


@dataclass
class ProductResults:
    """Footprints of every product of one system (one factorisation)."""

    compiled: CompiledSystem
    solver: Solver
    results: list[ProductResult]
    h: np.ndarray
    factory: dict | None = None
    extra: dict = field(default_factory=dict)

    def __getitem__(self, name: str | int) -> ProductResult:
        if isinstance(name, int):
            return self.results[name]
        for r in self.results:
            if r.product.name == name:
                return r
        raise KeyError(name)

    def __len__(self) -> int:
        return len(self.results)

    def catalogue(self) -> pd.DataFrame:
        """Footprint per unit of every product and co-product in the system [kg CO2e per unit]."""
        cols = self.compiled.columns
        return pd.DataFrame({"product": cols["product"], "process": cols["process"], "unit": cols["unit"], "kgco2e_per_unit": self.h})

    def to_dict(self) -> dict:
        """One product: its result; several: ``products`` list plus the shared keys."""
        if len(self.results) == 1:
            return self.results[0].to_dict()
        first = self.results[0].to_dict()
        return {"gwp_set": first["gwp_set"], "products": [r.to_dict() for r in self.results],
                "factors": [{"id": i, "dataset": ds, "edition": ed} for i, ds, ed in sorted({(f["id"], f["dataset"], f["edition"]) for r in self.results for f in r.factors()}, key=str)],
                "factory": self.factory}


def calculate(system: ProductSystem, *, gwp_set: str | None = None, registry: FactorRegistry | None = None) -> ProductResults:
    """Footprints of all products of a system (one LU factorisation).

    Parameters
    ----------
    system : ProductSystem
        From :func:`carbon.product.read_product` or :func:`carbon.product.from_dict`.
    gwp_set : str, optional
        Overrides the file's GWP set.
    registry : FactorRegistry, optional
        Factor library; the bundled one by default.

    Raises
    ------
    InputError
        Every input problem at once.
    CalculationError
        If the system cannot be solved, with the processes involved named.
    """
    fent, fsum = factory_entries(system, gwp_set or system.gwp_set)
    comp = compile_system(system, gwp_set=gwp_set, registry=registry, factory_entries=fent)
    names = [f"{p} ({o})" if p != o else p for p, o in zip(comp.columns["process"], comp.columns["product"], strict=True)]
    solver = Solver(comp.A, names)
    n = comp.A.shape[0]
    F = np.zeros((n, len(system.products)))
    for k, p in enumerate(system.products):
        j = comp.product_col[p.reference_process]
        F[j, k] = p.amount * multiplier(p.unit, comp.columns.at[j, "unit"])
    S = solver.solve(F)
    S = S.reshape(n, -1)
    if (F >= 0).all() and (S < -1e-9 * max(1.0, float(np.abs(S).max()))).any():
        from carbon.errors import CalculationError
        from carbon.product.solve import explain_unsolvable

        neg = [names[i] for i in np.flatnonzero((S < 0).any(axis=1))[:8]]
        why = explain_unsolvable(comp.A, names, note_unchecked=True)
        raise CalculationError("The product system cannot be solved with non-negative amounts: " + (" ".join(why) or f"negative amounts of {', '.join(neg)} would be needed; check loops and negative inputs."))
    h = solver.intensities(comp.c)
    res = [ProductResult(p, comp, S[:, k], h, fsum) for k, p in enumerate(system.products)]
    return ProductResults(comp, solver, res, h, fsum)
