"""``diagnose``: an inventory result (+ a diagnosis file) → a costed, explained diagnosis."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

from carbon.diagnosis.baseline import Baseline, baseline_from_inventory
from carbon.diagnosis.files import DiagnosisInput
from carbon.diagnosis.hotspots import Comparison, compare, intensity, pareto
from carbon.diagnosis.measures import Context
from carbon.diagnosis.portfolio import MaccResult, PortfolioResult, TargetPath, apply_portfolio, macc, target_path
from carbon.errors import InputError, Problem
from carbon.fee import FeeBasis, FeeResult, carbon_fee, fee_basis

__all__ = ["Diagnosis", "diagnose", "prices_per_energy"]

#: Discount rate used when the diagnosis file gives none (labelled in every result).
DEFAULT_DISCOUNT_RATE = (0.05, "assumption: 5 %/yr real; give discount_rate in the diagnosis file")


def prices_per_energy(prices: list[dict], baseline: Baseline, origin: str | None = None) -> dict[str, tuple[float, str]]:
    """Tariffs ``{source_id, ntd, per}`` as NT$ per energy unit of each source (kWh or GJ).

    Raises
    ------
    InputError
        Unknown sources, bad amounts, units that do not fit the source (all together).
    """
    out: dict[str, tuple[float, str]] = {}
    problems: list[Problem] = []
    for i, p in enumerate(prices):
        where: dict[str, Any] = {"file": origin, "column": "prices", "hint": "Write {source_id: S08, ntd: 4.2, per: kWh}."}
        sid = str(p.get("source_id", ""))
        if sid not in baseline.sources:
            problems.append(Problem(f"price {i + 1}: no counted source '{sid}' in the inventory.", **where))
            continue
        try:
            given: Any = p.get("ntd")  # None or text fail here and are reported below
            ntd = float(given)
            per = str(p.get("per", "")).strip()
            e = baseline.sources[sid].energy_per_unit(per)
        except (TypeError, ValueError) as err:
            problems.append(Problem(f"price {i + 1} ({sid}): {err}", **where))
            continue
        out[sid] = (ntd / e, f"NT${ntd:g}/{per}")
    if problems:
        raise InputError(problems)
    return out


@dataclass(frozen=True)
class Diagnosis:
    """A low-carbon and smart-manufacturing diagnosis. ``to_dict()`` is the JSON of ``carbon diagnose --json``."""

    organisation: str
    reporting_year: int | None
    gwp_set: str
    total_tco2e: float
    pareto: dict
    intensity: dict
    comparison: Comparison | None
    portfolio: PortfolioResult | None
    macc: MaccResult | None
    target: TargetPath | None
    fee_basis: FeeBasis
    fee_before: FeeResult
    fee_after: FeeResult | None
    financing: dict
    smart: dict | None
    needs: list[str]
    fee_sites: dict = field(default_factory=dict)
    assumptions: list[str] = field(default_factory=list)
    factor_editions: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        """JSON form."""
        return {
            "organisation": self.organisation,
            "reporting_year": self.reporting_year,
            "gwp_set": self.gwp_set,
            "factor_editions": self.factor_editions,
            "total_tco2e": self.total_tco2e,
            "hotspots": {k: v.to_dict(orient="records") for k, v in self.pareto.items()},
            "intensity": self.intensity,
            "comparison": None if self.comparison is None else self.comparison.to_dict(),
            "measures": [] if self.portfolio is None else [a.to_dict() for a in self.portfolio.alone],
            "portfolio": None if self.portfolio is None else self.portfolio.to_dict(),
            "macc": None if self.macc is None else self.macc.to_dict(),
            "target": None if self.target is None else self.target.to_dict(),
            "fee": {
                "basis": self.fee_basis.to_dict(),
                "before": self.fee_before.to_dict(),
                "after": None if self.fee_after is None else self.fee_after.to_dict(),
                "per_site": {k: {"before": v[0].to_dict(), "after": None if v[1] is None else v[1].to_dict()} for k, v in self.fee_sites.items()},
                "total_before_ntd": self.fee_total()[0],
                "total_after_ntd": self.fee_total()[1],
            },
            "financing": self.financing,
            "smart": self.smart,
            "needs": self.needs,
            "assumptions": self.assumptions,
        }

    def fee_total(self) -> tuple[int, int | None]:
        """Carbon fee before and after the measures [TWD]: per site (全廠場) summed when the inventory has several sites."""
        if len(self.fee_sites) > 1:
            after = None if self.fee_after is None else sum(v[1].fee_ntd for v in self.fee_sites.values())
            return sum(v[0].fee_ntd for v in self.fee_sites.values()), after
        return self.fee_before.fee_ntd, None if self.fee_after is None else self.fee_after.fee_ntd

    def summary(self) -> str:
        """A text summary with the key figures and their units."""
        L = [f"{self.organisation} — {self.reporting_year}; GWP set {self.gwp_set}; total {self.total_tco2e:,.3f} t CO2e"]
        L.append("Hotspots (sources, vital few):")
        for r in self.pareto["source"].itertuples():
            if r.vital_few:
                L.append(f"  {r.label:30s} {r.co2e_t:>12,.3f} t  {r.share:6.1%}  cum {r.cumulative_share:6.1%}")
        if self.comparison is not None:
            L.append("Against the base year: " + self.comparison.explain())
        if self.portfolio is not None:
            L.append("Measures (in order; alone → in the portfolio):")
            for a, s in zip(self.portfolio.alone, self.portfolio.steps, strict=True):
                pb = "—" if s.simple_payback_years is None else f"{s.simple_payback_years:.1f} yr"
                ac = "—" if s.abatement_cost_ntd_per_t is None else f"NT${s.abatement_cost_ntd_per_t:,.0f}/t"
                ns = "—" if s.cost_saving_ntd is None else f"NT${s.cost_saving_ntd:,.0f}/yr"
                L.append(f"  {s.id:5s} {s.title:34s} {a.avoided_t:>10,.3f} → {s.avoided_t:>10,.3f} t CO2e/yr  {ns}  capex NT${s.capex_ntd:,.0f}  payback {pb}  {ac}")
            p = self.portfolio
            alone = sum(a.avoided_t for a in p.alone)
            L.append(f"  portfolio {p.avoided_t:,.3f} t CO2e/yr (alone they would add up to {alone:,.3f}; overlap {alone - p.avoided_t:,.3f}); after {p.after_t:,.3f} t")
        if self.target is not None:
            L.append(self.target.explain())
        before, after = self.fee_total()
        sites = f" (summed over {len(self.fee_sites)} sites)" if len(self.fee_sites) > 1 else ""
        L.append(f"Carbon fee now: NT${before:,} on {self.fee_basis.emissions_t:,.3f} t (direct + electricity){sites}")
        if after is not None and self.portfolio is not None:  # both or neither (diagnose)
            L.append(f"Carbon fee after the measures: NT${after:,} on {self.fee_basis.emissions_t - self.portfolio.fee_relevant_avoided_t:,.3f} t{sites}")
        if self.smart:
            L.append(f"Smart manufacturing: stage {self.smart['stage']} {self.smart['stage_name']}; next {self.smart['next_stage_name']}: {', '.join(self.smart['recommended_courses'])}")
        f = self.financing
        if f.get("diagnosis_fee"):
            d = f["diagnosis_fee"]
            L.append(f"Diagnosis fee NT${d['total_ntd']:,} = government NT${d['government_ntd']:,} + company NT${d['company_ntd']:,}")
        if f.get("budget_check"):
            b = f["budget_check"]
            L.append(f"Subsidy ({b['track']}): requested NT${b['requested_subsidy_ntd']:,}, largest compliant NT${b['max_subsidy_ntd']:,}, compliant {b['compliant']}")
        for note in self.assumptions:
            L.append(f"assumption: {note}")
        return "\n".join(L)


def _financing(d: DiagnosisInput) -> dict:
    from carbon.diagnosis import subsidy

    out: dict = {}
    comp = d.company or {}
    if "sme" in comp:
        out["diagnosis_fee"] = subsidy.diagnosis_fee(bool(comp["sme"]))
    if d.budget is not None:
        budget = cast(subsidy.Budget, d.budget)  # read_diagnosis turned the file's budget into a Budget
        out["budget_check"] = subsidy.check_budget(budget, str(comp.get("track", "10plus"))).to_dict()
    if d.eligibility is not None:
        out["eligibility"] = subsidy.check_eligibility(d.eligibility, str(comp.get("track", "10plus")))
    if d.loan is not None:
        out["loan"] = subsidy.loan_estimate(**d.loan)
    return out


def _target(result, d: DiagnosisInput, pf: PortfolioResult | None, base, target_pct, target_year) -> TargetPath | None:
    t = dict(d.target or {})
    if target_pct is not None:
        t["pct"] = target_pct
    if target_year is not None:
        t["year"] = target_year
    if "pct" not in t and "year" not in t:
        return None
    if "pct" not in t or "year" not in t:
        raise InputError([Problem("a target needs both a percentage and a year.", column="target", hint="Give --target-pct P --target-year Y.")])
    sub = result.counted["iso_subcategory"].astype(str)
    cur_t = float(result.counted.loc[sub.str[0].isin(["1", "2"]), "co2e_t"].sum())
    year = result.project.organisation.reporting_year
    base_year = int(t.get("base_year") or result.project.organisation.base_year or year)
    if t.get("base_emissions_t") is not None:
        base_t = float(t["base_emissions_t"])
    elif base is not None:
        bs = base.counted["iso_subcategory"].astype(str)
        base_t = float(base.counted.loc[bs.str[0].isin(["1", "2"]), "co2e_t"].sum())
        base_year = int(t.get("base_year") or base.project.organisation.reporting_year)
    elif base_year == year:
        base_t = cur_t
    else:
        msg = f"the base year {base_year} is not the inventory year {year}, and no base-year emissions are given."
        raise InputError([Problem(msg, column="target", hint="Give target.base_emissions_t, or the base-year inventory (--base FILE).")])
    return target_path(base_year=base_year, base_t=base_t, target_pct=float(t["pct"]), target_year=int(t["year"]), current_year=year,
                       current_t=cur_t, steps=pf.steps if pf else [])  # fmt: skip


def diagnose(result, diagnosis: DiagnosisInput | None = None, *, base=None, target_pct: float | None = None, target_year: int | None = None) -> Diagnosis:
    """Diagnose an inventory: hotspots, measures, portfolio, MACC, target path, carbon fee, financing.

    Parameters
    ----------
    result : carbon.inventory.InventoryResult
        The inventory of the diagnosis year.
    diagnosis : DiagnosisInput, optional
        Measures, tariffs, target, company needs and financing (:func:`carbon.diagnosis.read_diagnosis`).
    base : carbon.inventory.InventoryResult, optional
        The base-year inventory (comparison and target baseline).
    target_pct, target_year : optional
        Override the file's target: −``target_pct`` % by ``target_year``. [%, yr]

    Returns
    -------
    Diagnosis
    """
    d = diagnosis or DiagnosisInput()
    assumptions: list[str] = []
    bl = baseline_from_inventory(result)
    rate = d.discount_rate
    if rate is None:
        rate = DEFAULT_DISCOUNT_RATE[0]
        if d.measures:
            assumptions.append(f"discount rate {rate:g} — {DEFAULT_DISCOUNT_RATE[1]}")
    ctx = Context(bl, prices_per_energy(d.prices, bl, d.origin), float(rate), d.discount_rate is None)
    pf = mc = None
    if d.measures:
        pf = apply_portfolio(d.measures, ctx)
        mc = macc(d.measures, ctx)
    prod = d.production or {}
    inten = intensity(result, product_amount=prod.get("amount"), product_unit=prod.get("unit"), revenue_ntd=d.revenue_ntd)
    fb = fee_basis(result.counted)
    fee_kw = {k: v for k, v in (d.fee or {}).items() if k in ("high_leakage", "plan", "period", "offsets_t") and v is not None}
    before = carbon_fee(fb.emissions_t, **fee_kw)
    after = carbon_fee(max(0.0, fb.emissions_t - pf.fee_relevant_avoided_t), **fee_kw) if pf else None
    sites = {}
    for fac, e in fb.by_facility.items():
        cut = None
        if pf:
            cut = sum(s.avoided_t for s in pf.steps if (bl.get(s.source_id).facility or "(site)") == fac and bl.get(s.source_id).iso_subcategory[0] in "12")
        sites[fac] = (carbon_fee(e, **fee_kw), None if cut is None else carbon_fee(max(0.0, e - cut), **fee_kw))
    smart = None
    if d.smart is not None:
        from carbon.diagnosis.smart import assess

        smart = assess(d.smart)
    return Diagnosis(
        organisation=result.project.organisation.name,
        reporting_year=result.project.organisation.reporting_year,
        gwp_set=result.gwp_set,
        total_tco2e=float(result.counted["co2e_t"].sum()),
        pareto={by: pareto(result, by) for by in ("source", "equipment", "carrier", "process")},
        intensity=inten,
        comparison=None if base is None else compare(result, base),
        portfolio=pf,
        macc=mc,
        target=_target(result, d, pf, base, target_pct, target_year),
        fee_basis=fb,
        fee_before=before,
        fee_after=after,
        financing=_financing(d),
        smart=smart,
        needs=list(d.needs or []),
        fee_sites=sites,
        assumptions=assumptions,
        factor_editions=result.factor_editions,
    )
