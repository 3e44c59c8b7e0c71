"""Portfolio of measures without double counting, marginal abatement cost curve, target path.

Measures are applied in order to the baseline: each acts on what the previous ones left of its
system (and of its source). Two measures on one compressor system therefore save
``1 − (1 − f1)(1 − f2)`` of its energy together, not ``f1 + f2``; the overlap is reported.

Order matters where measures interact: list demand-side measures (efficiency, heat recovery) before
supply-side ones (fuel switch, PV, green electricity), as a consultant would implement and count them;
a fuel switch then converts only the fuel the efficiency measures left.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from carbon.diagnosis.measures import Context, Measure, MeasureResult, evaluate
from carbon.errors import InputError, Problem

__all__ = ["MaccResult", "PortfolioResult", "TargetPath", "apply_portfolio", "macc", "standalone", "system_loads", "target_path"]

_EPS = 1e-9


@dataclass
class _State:
    remaining: dict[str, float]
    loads: dict[tuple[str, str], float] = field(default_factory=dict)


def _key(m: Measure) -> tuple[str, str]:
    return (m.source_id, m.system or f"measure:{m.id}")


def system_loads(measures: list[Measure], baseline) -> dict[tuple[str, str], float]:
    """Annual energy of each (source, system) named by the measures [kWh or GJ].

    A system's energy is given by the first measure naming it that has a ``load`` (or nameplate
    inputs); a measure with neither and no system acts on its whole source.

    Raises
    ------
    InputError
        A system's energy above its source's energy in the inventory.
    """
    loads: dict[tuple[str, str], float] = {}
    for m in measures:
        src = baseline.get(m.source_id)
        key = _key(m)
        if key in loads or src.energy is None:
            continue
        own = m.load if m.load is not None else m.own_load(src)
        if own is None:
            continue
        if own > src.energy * (1 + 1e-6):
            msg = (
                f"measure {m.id}: its system's energy {own:,.2f} {src.energy_unit}/yr is more than source {src.source_id}'s "
                f"{src.energy:,.2f} {src.energy_unit}/yr in the inventory."
            )
            raise InputError([Problem(msg, column="load", hint="Check the system's load (or nameplate inputs and hours) against the inventory.")])
        loads[key] = float(own)
    return loads


def _fresh(baseline, loads: dict) -> _State:
    return _State({k: s.energy for k, s in baseline.sources.items() if s.energy is not None}, dict(loads))


def _step(m: Measure, state: _State, ctx: Context) -> MeasureResult:
    src = ctx.baseline.get(m.source_id)
    if src.source_id not in state.remaining:
        from carbon.diagnosis.measures import _check_carrier

        _check_carrier(m, src)
    key = _key(m)
    left = state.remaining[src.source_id]
    load_now = min(state.loads.get(key, left), left)
    res = evaluate(m, src, load_now, ctx)
    if key in state.loads:
        state.loads[key] -= res.saved_energy
    state.remaining[src.source_id] = max(0.0, left - res.saved_energy)
    return res


def standalone(m: Measure, ctx: Context, loads: dict | None = None) -> MeasureResult:
    """One measure alone on the baseline (what it would save if it were the only one).

    ``loads`` are the system energies of the whole set (:func:`system_loads`); without them the
    measure's own ``load`` or nameplate inputs define its system.
    """
    return _step(m, _fresh(ctx.baseline, system_loads([m], ctx.baseline) if loads is None else loads), ctx)


@dataclass(frozen=True)
class PortfolioResult:
    """Measures applied in order, each on what the previous left.

    Attributes
    ----------
    steps : list of MeasureResult
        Incremental results in order of application.
    alone : list of MeasureResult
        Each measure alone on the baseline.
    baseline_t, after_t : float
        Inventory total before and after the portfolio (location-based). [t CO2e]
    fee_relevant_avoided_t : float
        Avoided direct + electricity-indirect emissions (what the carbon fee counts). [t CO2e]
    """

    steps: list[MeasureResult]
    alone: list[MeasureResult]
    baseline_t: float
    after_t: float
    avoided_t: float
    avoided_market_t: float
    fee_relevant_avoided_t: float

    @property
    def overlap(self) -> list[dict]:
        """Per measure: avoided alone − avoided in the portfolio (the part already taken by earlier ones) [t CO2e]."""
        return [
            {"id": a.id, "alone_t": a.avoided_t, "in_portfolio_t": s.avoided_t, "overlap_t": a.avoided_t - s.avoided_t}
            for a, s in zip(self.alone, self.steps, strict=True)
        ]

    def to_dict(self) -> dict:
        """JSON form."""
        return {
            "baseline_tco2e": self.baseline_t,
            "after_tco2e": self.after_t,
            "avoided_tco2e": self.avoided_t,
            "avoided_market_tco2e": self.avoided_market_t,
            "fee_relevant_avoided_tco2e": self.fee_relevant_avoided_t,
            "sum_alone_tco2e": sum(a.avoided_t for a in self.alone),
            "overlap": self.overlap,
            "steps": [s.to_dict() for s in self.steps],
        }

    def explain(self) -> str:
        """Each step's working, then the totals."""
        parts = [s.explain() for s in self.steps]
        alone = sum(a.avoided_t for a in self.alone)
        parts.append(f"portfolio: {self.baseline_t:,.4f} − {self.avoided_t:,.4f} = {self.after_t:,.4f} t CO2e (measures alone would add up to {alone:,.4f} t; overlap {alone - self.avoided_t:,.4f} t)")
        return "\n".join(parts)


def apply_portfolio(measures: list[Measure], ctx: Context) -> PortfolioResult:
    """Apply measures in the given order without double counting.

    Parameters
    ----------
    measures : list of Measure
        In order of application.
    ctx : Context
        Baseline, tariffs, discount rate.

    Returns
    -------
    PortfolioResult
    """
    ids = [m.id for m in measures]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        raise InputError([Problem(f"measure ids {dup} are used more than once.", column="id", hint="Give every measure its own id.")])
    loads = system_loads(measures, ctx.baseline)
    state = _fresh(ctx.baseline, loads)
    steps = [_step(m, state, ctx) for m in measures]
    alone = [standalone(m, ctx, loads) for m in measures]
    avoided = sum(s.avoided_t for s in steps)
    fee_rel = sum(s.avoided_t for s in steps if _fee_counts(ctx.baseline.get(s.source_id).iso_subcategory))
    base = ctx.baseline.total_tco2e
    return PortfolioResult(steps, alone, base, base - avoided, avoided, sum(s.avoided_market_t for s in steps), fee_rel)


def _fee_counts(sub: str) -> bool:
    return sub.startswith("1") or sub == "2.1"


@dataclass(frozen=True)
class MaccResult:
    """Marginal abatement cost curve: measures by rising cost, widths from the portfolio in that order."""

    points: list[dict]
    portfolio: PortfolioResult
    excluded: list[dict]

    def to_dict(self) -> dict:
        """JSON form."""
        return {"points": self.points, "excluded": self.excluded}


def macc(measures: list[Measure], ctx: Context) -> MaccResult:
    """Marginal abatement cost curve without double counting.

    Measures are ranked by their stand-alone abatement cost, then applied as a portfolio in that
    order; each bar's width is its incremental t CO2e avoided and its height the abatement cost
    recomputed on that increment. Measures without a cost (no tariff) or without avoided
    emissions are listed in ``excluded``.

    References
    ----------
    .. [1] McKinsey & Company, Pathways to a Low-Carbon Economy (2009), the abatement cost curve.
    .. [2] Kesicki, F. & Ekins, P. (2012), Marginal abatement cost curves: a call for caution, Climate Policy 12(2).
    """
    loads = system_loads(measures, ctx.baseline)
    alone = {m.id: standalone(m, ctx, loads) for m in measures}
    big = float("inf")

    def cost(m: Measure) -> float:
        c = alone[m.id].abatement_cost_ntd_per_t
        return c if c is not None else big

    order = sorted(measures, key=cost)
    pf = apply_portfolio(order, ctx)
    points, excluded, x = [], [], 0.0
    for s in pf.steps:
        width = s.avoided_t if s.avoided_t > 0 else s.avoided_market_t
        if s.abatement_cost_ntd_per_t is None or width <= _EPS:
            excluded.append({"id": s.id, "reason": "no tariff given" if s.cost_saving_ntd is None else "no emissions avoided"})
            continue
        points.append({
            "id": s.id, "title": s.title, "name": s.name, "avoided_t": width, "cost_ntd_per_t": s.abatement_cost_ntd_per_t,
            "x_start_t": x, "x_end_t": x + width, "annual_cost_ntd": s.abatement_cost_ntd_per_t * width,
        })  # fmt: skip
        x += width
    return MaccResult(points, pf, excluded)


@dataclass(frozen=True)
class TargetPath:
    """A reduction target (−X % by year Y against the base year) and where the measures lead."""

    base_year: int
    base_t: float
    target_pct: float
    target_year: int
    target_t: float
    years: list[int]
    target_line_t: list[float]
    projected_t: list[float]
    gap_t: float
    scope: str

    def to_dict(self) -> dict:
        """JSON form."""
        return {k: getattr(self, k) for k in self.__dataclass_fields__}

    def explain(self) -> str:
        """The target and the remaining gap, in t CO2e."""
        lines = [
            f"target: −{self.target_pct:g} % by {self.target_year} against {self.base_year} ({self.scope}): "
            f"{self.base_t:,.3f} × (1 − {self.target_pct / 100:g}) = {self.target_t:,.3f} t CO2e",
            f"projected {self.target_year} with the measures: {self.projected_t[-1]:,.3f} t CO2e",
        ]
        lines.append(f"remaining gap: {self.gap_t:,.3f} t CO2e" if self.gap_t > 0 else f"target met with {-self.gap_t:,.3f} t CO2e to spare")
        return "\n".join(lines)


def target_path(
    *,
    base_year: int,
    base_t: float,
    target_pct: float,
    target_year: int,
    current_year: int,
    current_t: float,
    steps: list[MeasureResult],
    scope: str = "categories 1–2 (direct + energy indirect)",
) -> TargetPath:
    """Path to a target with the remaining gap.

    The target line runs straight from the base year's emissions to ``(1 − X/100) × base`` in the
    target year. The projection starts from the current inventory and subtracts each measure's
    portfolio (incremental) avoided emissions from its ``year`` on (default: the year after the
    inventory); activity is held constant (no growth assumed).

    Parameters
    ----------
    base_year, target_year, current_year : int
    base_t, current_t : float
        Emissions of the base year and of the inventory year, same scope. [t CO2e]
    target_pct : float
        Reduction against the base year. [%]
    steps : list of MeasureResult
        The portfolio's incremental results (with ``avoided_t`` and ``year``).

    Returns
    -------
    TargetPath
        ``gap_t`` > 0 is the shortfall in the target year. [t CO2e]
    """
    if target_year <= base_year or target_year < current_year:
        msg = f"target year {target_year} must come after the base year {base_year} and not before the inventory year {current_year}."
        raise InputError([Problem(msg, column="target_year")])
    if not 0 < target_pct < 100:
        raise InputError([Problem(f"target {target_pct!r} % must be between 0 and 100.", column="target_pct")])
    target = base_t * (1 - target_pct / 100)
    years = list(range(min(base_year, current_year), target_year + 1))
    line = [base_t + (target - base_t) * max(0, y - base_year) / (target_year - base_year) if y >= base_year else base_t for y in years]
    proj = []
    for y in years:
        if y < current_year:
            proj.append(float("nan"))
            continue
        cut = sum(s.avoided_t for s in steps if (s.year if s.year is not None else current_year + 1) <= y)
        proj.append(current_t - cut)
    return TargetPath(base_year, base_t, target_pct, target_year, target, years, line, proj, proj[-1] - target, scope)
