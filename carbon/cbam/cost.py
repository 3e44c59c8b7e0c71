r"""CBAM certificates and cost per good (definitive period, from 2026).

The number of certificates for one good (CN code, origin, installation) and year is

.. math::

    N_g = \max(0,\; M_g \cdot SEE_g - FAA_g - CP_g)

* ``M_g × SEE_g`` — embedded emissions [t CO2e]: direct only for R 2023/956 Annex II
  goods (iron and steel, aluminium, hydrogen), direct + indirect otherwise (Art 7(1));
  with default values the published value *including the mark-up* (IR 2025/2621 Annex I).
* ``FAA_g = SEFA_g × M_g`` — free-allocation adjustment (R 2023/956 Art 31; IR 2025/2620
  Eq 1), with ``SEFA = CBAM_y × CSCF_y × BM``: Column B benchmark of the route printed
  with the default value for default values (Eq 6); Column A (BM*) plus
  ``Σ m_i × SEFA_i`` of the precursors for actual values (Eq 2–5).
* ``CP_g`` — carbon price effectively paid in a third country, net of rebates, converted
  to certificates at the certificate price (R 2023/956 Art 9 as replaced by R 2025/2083;
  conversion rules are left to an implementing act, Art 9(5)).  With default values only
  Commission default carbon prices may be claimed (Art 9(4)).
* The total is never negative per good, and goods do not offset one another.

Cost = N_g × certificate price (an input: 2026 quarterly average of the quarter of
importation, Art 21(1a); weekly average from 2027, Art 21(1)).

This module never uses the "share of emissions" shortcut ``embedded × (1 − CBAM factor)``
(FACTS-cbam §3.1 pitfall): the deduction is a benchmark, not a share of the emissions.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field

from carbon.cbam import params
from carbon.cbam.defaults import benchmark, benchmark_routes, default_see
from carbon.cbam.goods import indirect_counts, normalise_cn
from carbon.errors import CalculationError, InputError, Problem

__all__ = [
    "CarbonPricePaid",
    "CostTable",
    "DeMinimis",
    "GoodCost",
    "FaaPrecursor",
    "compare_actual_default",
    "cost_table",
    "de_minimis",
    "good_cost",
    "projection",
    "taiwan_carbon_fee",
]


@dataclass(frozen=True)
class CarbonPricePaid:
    """Carbon price effectively paid in a third country for a good's embedded emissions.

    Attributes
    ----------
    eur_per_t : float
        Effective price paid, net of rebates and compensation. [EUR/t CO2e]
    covered_t_per_t : float or None
        Embedded emissions per tonne of good that were subject to it; None = all of the
        good's embedded emissions. [t CO2e/t]
    kind : {"actual", "default"}
        ``"actual"``: certified price actually paid (Art 9(1), actual values only);
        ``"default"``: Commission yearly default carbon price (Art 9(4)).
    source : str
        What the price is (e.g. the Taiwan carbon fee computation).
    """

    eur_per_t: float
    covered_t_per_t: float | None = None
    kind: str = "actual"
    source: str = ""

    def to_dict(self) -> dict:
        """Return a plain dict (JSON-ready)."""
        return asdict(self)


@dataclass(frozen=True)
class FaaPrecursor:
    """A precursor's share in a complex good, for the actual-value FAA (IR 2025/2620 Eq 4–5).

    Not the input-data :class:`carbon.cbam.model.Precursor` (a purchased precursor with its
    SEE): this holds only what the free-allocation adjustment needs.

    Attributes
    ----------
    cn_code : str
        CN code of the precursor.
    mass_t_per_t : float
        m_i = M_i / AL_g, precursor consumed per tonne of good (incl. scrap cut off). [t/t]
    route : str, optional
        Route indicator for its benchmark.
    sefa : float, optional
        Its specific embedded free allocation if already known; otherwise the default-value
        path is used: CBAM_y × CSCF_y × Column B benchmark (Eq 6). [t CO2e/t]
    eu_origin : bool
        EU or exempted-country precursor: SEFA = 0 (FACTS-cbam §2.5, QA §4.18).
    """

    cn_code: str
    mass_t_per_t: float
    route: str | None = None
    sefa: float | None = None
    eu_origin: bool = False


@dataclass(frozen=True)
class GoodCost:
    """Certificates and cost of one good for one year.

    All ``*_t`` fields are tonnes CO2e (= certificates); ``*_t_per_t`` per tonne of good.
    """

    cn_code: str
    country: str
    year: int
    basis: str
    quantity_t: float
    see_direct: float | None
    see_indirect: float | None
    indirect_counted: bool
    see_counted_t_per_t: float
    embedded_t: float
    benchmark_column: str
    benchmark_t_per_t: float
    route: str
    cbam_factor: float
    cscf: float
    sefa_t_per_t: float
    faa_t: float
    carbon_price_t: float
    certificates: float
    price_eur: float
    cost_eur: float
    cost_eur_per_t: float
    notes: tuple[str, ...] = field(default_factory=tuple)
    sources: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict:
        """Return a plain dict (JSON-ready)."""
        d = asdict(self)
        d["notes"] = list(self.notes)
        d["sources"] = list(self.sources)
        return d


@dataclass(frozen=True)
class DeMinimis:
    """Result of the 50 t de minimis check (R 2023/956 Art 2a, Annex VII)."""

    net_mass_t: float
    threshold_t: float
    exempt: bool
    reason: str
    source: str

    def to_dict(self) -> dict:
        """Return a plain dict (JSON-ready)."""
        return asdict(self)


@dataclass(frozen=True)
class CostTable:
    """Costs of several goods for one year, with defaults side by side."""

    year: int
    price_eur: float
    rows: tuple[GoodCost, ...]
    defaults: tuple[GoodCost | None, ...]
    de_minimis: DeMinimis
    certificates: float
    cost_eur: float
    default_certificates: float | None
    default_cost_eur: float | None
    assumptions: tuple[str, ...]

    def to_dict(self) -> dict:
        """Return a plain dict (JSON-ready): ``goods`` lists actual and default cost per good."""
        goods = []
        for r, d in zip(self.rows, self.defaults, strict=True):
            g = r.to_dict()
            g["default"] = d.to_dict() if d is not None else None
            g["saving_vs_default_eur"] = (d.cost_eur - r.cost_eur) if d is not None else None
            goods.append(g)
        return {
            "year": self.year,
            "price_eur": self.price_eur,
            "goods": goods,
            "de_minimis": self.de_minimis.to_dict(),
            "certificates": self.certificates,
            "cost_eur": self.cost_eur,
            "default_certificates": self.default_certificates,
            "default_cost_eur": self.default_cost_eur,
            "assumptions": list(self.assumptions),
        }


def _check_price(price_eur: float) -> float:
    p = float(price_eur)
    if not math.isfinite(p) or p <= 0:
        msg = (
            f"certificate price {price_eur!r}: give the published CBAM certificate price in EUR per certificate "
            "(2026: quarterly average of the quarter of import; from 2027: weekly average; R 2023/956 Art 21)."
        )
        raise CalculationError(msg)
    return p


def _default_route(cn: str, printed: str, notes: list[str]) -> str:
    """Benchmark route for a default value from the indicator printed with it (IR 2025/2621 Annex I).

    ``"C/F"`` resolves to the one letter the CN code's Column B benchmark lists.  Where the
    printed indicator and the benchmark routes do not meet (the official files disagree
    for a few CN codes), the caller must choose: a CalculationError says which routes exist.
    """
    listed = benchmark_routes(cn, "B")
    if not listed:
        return ""
    letters = [x for x in printed.split("/") if x]
    both = [x for x in letters if x in listed]
    if len(both) == 1:
        if len(letters) > 1:
            notes.append(
                f"route indicator ({printed}) printed with the default value; the benchmark lists only ({both[0]})"
            )
        return both[0]
    msg = (
        f"CN {cn}: the default value's route indicator is {('(' + printed + ')') if printed else 'missing'} but the "
        f"Column B benchmarks of this CN code list routes {', '.join(listed)} (IR 2025/2621 Annex I and the IR 2025/2620 "
        "workbook disagree here); pass route= with the route of the production."
    )
    raise CalculationError(msg)


def good_cost(
    cn_code: object,
    quantity_t: float,
    year: int,
    price_eur: float,
    *,
    country: str | None = "TW",
    see_direct: float | None = None,
    see_indirect: float | None = None,
    see_counted: float | None = None,
    route: str | None = None,
    sefa: float | None = None,
    precursors: Sequence[FaaPrecursor] = (),
    carbon_price: CarbonPricePaid | None = None,
    cscf: float | None = None,
) -> GoodCost:
    """Certificates and cost for one good, on actual or default values.

    Parameters
    ----------
    cn_code : str
        CN code of the good.
    quantity_t : float
        Net mass imported in the year. [t]
    year : int
        Calendar year of import (>= 2026).
    price_eur : float
        CBAM certificate price. [EUR/t CO2e]
    country : str or None
        Country of origin (ISO-2 or Annex I name); None = unknown (Annex IV).
    see_direct, see_indirect : float, optional
        Actual specific embedded emissions. Both None → default values (with mark-up). [t CO2e/t]
    see_counted : float, optional
        Actual SEE that counts for certificates as computed by the engine (``see_embedded`` of
        :func:`carbon.cbam.calculate`, which adds indirect emissions of non-Annex-II precursors
        to Annex II goods, IR 2025/2547 Annex I §3.1).  Without it: ``see_direct`` (+
        ``see_indirect`` for non-Annex-II goods). [t CO2e/t]
    route : str, optional
        Production route for the benchmark; with default values the route printed with the
        default value is used unless given here.
    sefa : float, optional
        Specific embedded free allocation computed elsewhere (overrides benchmarks). [t CO2e/t]
    precursors : sequence of FaaPrecursor
        Actual path only: precursors for Eq 4 (``SEFA = SFA_proc + Σ m_i × SEFA_i``).
    carbon_price : CarbonPricePaid, optional
        Carbon price effectively paid (Art 9).
    cscf : float, optional
        Cross-sectoral correction factor; default :data:`carbon.cbam.params.CSCF_PROVISIONAL`.

    Returns
    -------
    GoodCost
        Certificates [t CO2e] and cost [EUR] with every intermediate value.

    References
    ----------
    .. [1] Regulation (EU) 2023/956 Art 6(2)(c), Art 7, Art 9, Art 21, Art 31, as amended by
       Regulation (EU) 2025/2083.
    .. [2] Implementing Regulation (EU) 2025/2620, Eq 1–6 (free-allocation adjustment).
    .. [3] Implementing Regulation (EU) 2025/2621, Annex I (default values and routes).

    Examples
    --------
    >>> c = good_cost("73181542", 100, 2026, 75.0, country="TW")
    >>> round(c.certificates, 4)
    164.8009
    """
    cn = normalise_cn(cn_code)
    q = float(quantity_t)
    if not math.isfinite(q) or q < 0:
        msg = f"CN {cn}: quantity {quantity_t!r} t must be a non-negative number of tonnes."
        raise CalculationError(msg)
    price = _check_price(price_eur)
    f = params.cbam_factor(year)
    c_param = params.cscf(year)
    c = float(cscf) if cscf is not None else c_param.value
    notes: list[str] = []
    sources: list[str] = [f.source]
    if cscf is None:
        notes.append(f"CSCF {c_param.value} ({c_param.status}: {c_param.source})")
    counts_indirect = indirect_counts(cn)
    if see_direct is None and see_indirect is None:
        basis, column = "default", "B"
        see_d, see_i, see, r_used = _default_basis(cn, country, year, route, notes, sources)
    else:
        basis, column, r_used = "actual", "A", route
        see_d, see_i, see = _actual_basis(cn, see_direct, see_indirect, see_counted, counts_indirect, notes)
    if sefa is not None:
        sefa_v, bm = float(sefa), math.nan
        notes.append("SEFA given by the caller")
    else:
        bm_obj = benchmark(cn, route=r_used, column=column, year=year)
        bm = bm_obj.value
        sources.append(bm_obj.source)
        if bm_obj.note:
            notes.append(bm_obj.note)
        r_used = bm_obj.route or r_used
        sefa_v = f.value * c * bm  # IR 2025/2620 Eq 2 / Eq 6
        if basis == "actual":
            sefa_v += _precursors_sefa(cn, precursors, r_used, bm, f.value * c, year, notes, sources)
    embedded = q * see
    faa = sefa_v * q  # Eq 1
    cp_t = _carbon_price_certificates(carbon_price, basis, see, q, price, notes)
    certificates = max(0.0, embedded - faa - cp_t)  # Art 6(2)(c); never negative per good
    cost = certificates * price
    return GoodCost(
        cn_code=cn,
        country=str(country),
        year=year,
        basis=basis,
        quantity_t=q,
        see_direct=see_d,
        see_indirect=see_i,
        indirect_counted=counts_indirect,
        see_counted_t_per_t=see,
        embedded_t=embedded,
        benchmark_column=column,
        benchmark_t_per_t=bm,
        route=r_used or "",
        cbam_factor=f.value,
        cscf=c,
        sefa_t_per_t=sefa_v,
        faa_t=faa,
        carbon_price_t=cp_t,
        certificates=certificates,
        price_eur=price,
        cost_eur=cost,
        cost_eur_per_t=cost / q if q else 0.0,
        notes=tuple(notes),
        sources=tuple(dict.fromkeys(sources)),
    )


def _default_basis(
    cn: str, country: str | None, year: int, route: str | None, notes: list[str], sources: list[str]
) -> tuple[float | None, float | None, float, str | None]:
    """(direct, indirect, SEE incl. mark-up, route) on default values (IR 2025/2621 Annex I)."""
    d = default_see(cn, country, year, route=route if cn.startswith("2523") else None)
    sources.append(d.source)
    if d.fallback:
        notes.append(d.fallback)
    notes.append(f"default value {d.total} + mark-up {d.markup:.6g} = {d.with_markup:.6g} t CO2e/t ({year})")
    r_used = route or _default_route(cn, d.route, notes) or None
    return d.direct, d.indirect, d.with_markup, r_used


def _actual_basis(
    cn: str,
    see_direct: float | None,
    see_indirect: float | None,
    see_counted: float | None,
    counts_indirect: bool,
    notes: list[str],
) -> tuple[float, float | None, float]:
    """(direct, indirect, SEE that counts) on actual values (R 2023/956 Art 7(1), Annex II)."""
    if see_direct is None:
        msg = f"CN {cn}: actual see_indirect given without see_direct; give both (t CO2e/t)."
        raise CalculationError(msg)
    see_d = float(see_direct)
    see_i = None if see_indirect is None else float(see_indirect)
    see = see_d + (see_i or 0.0) if counts_indirect else see_d
    if see_counted is not None and not math.isnan(float(see_counted)):
        if abs(float(see_counted) - see) > 1e-9:
            notes.append(
                f"SEE counted {float(see_counted):.6g} from the engine instead of {see:.6g} (e.g. indirect "
                "emissions of non-Annex-II precursors, IR 2025/2547 Annex I §3.1)"
            )
        see = float(see_counted)
    if not counts_indirect and see_i:
        notes.append("indirect emissions reported but not counted (R 2023/956 Annex II good: direct only)")
    return see_d, see_i, see


def _precursors_sefa(
    cn: str,
    precursors: Sequence[FaaPrecursor],
    r_used: str | None,
    bm: float,
    factor: float,
    year: int,
    notes: list[str],
    sources: list[str],
) -> float:
    """``sum m_i x SEFA_i`` of the precursors of a complex good (IR 2025/2620 Eq 4), noting when none are given."""
    total = 0.0
    for p in precursors:
        if p.eu_origin:
            continue
        s_i = p.sefa
        if s_i is None:
            b_i = benchmark(p.cn_code, route=p.route, column="B", year=year)
            s_i = factor * b_i.value
            sources.append(b_i.source)
        total += float(p.mass_t_per_t) * s_i  # Eq 4
    if not precursors:
        rts: Sequence[str | None] = [r_used] if r_used else (benchmark_routes(cn, "B") or [None])
        try:
            col_b = sorted({benchmark(cn, route=x, column="B", year=year).value for x in rts})
        except CalculationError:
            col_b = [bm]
        if any(abs(b - bm) > 1e-12 for b in col_b):
            notes.append(
                f"complex good: Column A ({bm}) covers the own process only; without precursors (Eq 4) the "
                f"free-allocation adjustment is understated (Column B: {', '.join(f'{b:g}' for b in col_b)})"
            )
    return total


def _carbon_price_certificates(
    carbon_price: CarbonPricePaid | None, basis: str, see: float, q: float, price: float, notes: list[str]
) -> float:
    """Certificates taken off for the carbon price paid in the country of origin (R 2023/956 Art 9)."""
    if carbon_price is None:
        return 0.0
    if basis == "default" and carbon_price.kind != "default":
        notes.append(
            "carbon price paid not deducted: with default values only yearly default carbon prices may be "
            "claimed (R 2023/956 Art 9(4))"
        )
        return 0.0
    covered = see if carbon_price.covered_t_per_t is None else min(see, float(carbon_price.covered_t_per_t))
    cp_t = covered * q * float(carbon_price.eur_per_t) / price  # Art 9: EUR paid -> certificates
    notes.append(
        f"carbon price {carbon_price.eur_per_t:.4g} EUR/t on {covered:.6g} t CO2e/t = {cp_t:.6g} certificates "
        "(conversion per the future Art 9(5) implementing act may differ)"
    )
    return cp_t


def compare_actual_default(
    cn_code: object,
    quantity_t: float,
    year: int,
    price_eur: float,
    *,
    see_direct: float,
    see_indirect: float | None = None,
    country: str | None = "TW",
    **kwargs,
) -> tuple[GoodCost, GoodCost]:
    """Cost on actual values and what default values would cost, side by side.

    Parameters
    ----------
    cn_code, quantity_t, year, price_eur, country
        As in :func:`good_cost`.
    see_direct, see_indirect : float
        Actual specific embedded emissions. [t CO2e/t]
    **kwargs
        Passed to both calls (``route``, ``cscf``, ``carbon_price``; ``precursors`` and
        ``sefa`` only to the actual one).

    Returns
    -------
    tuple of GoodCost
        ``(actual, default)``.

    References
    ----------
    Regulation (EU) 2023/956 Art 7, Art 31; IR (EU) 2025/2620 Eq 1-6; IR (EU) 2025/2621 Annex I.
    """
    actual = good_cost(
        cn_code,
        quantity_t,
        year,
        price_eur,
        country=country,
        see_direct=see_direct,
        see_indirect=see_indirect,
        **kwargs,
    )
    dk = {k: v for k, v in kwargs.items() if k not in ("precursors", "sefa")}
    default = good_cost(cn_code, quantity_t, year, price_eur, country=country, **dk)
    return actual, default


def projection(
    cn_code: object,
    quantity_t: float,
    price_eur: float | Mapping[int, float],
    *,
    years: Iterable[int] = range(2026, 2035),
    **kwargs,
) -> list[GoodCost]:
    """Certificates and cost of the same import in each year 2026–2034.

    Parameters
    ----------
    cn_code, quantity_t
        As in :func:`good_cost`.
    price_eur : float or mapping
        One certificate price for all years, or ``{year: price}``. [EUR/t CO2e]
    years : iterable of int
        Years to compute (default 2026–2034, the CBAM factor schedule).
    **kwargs
        Passed to :func:`good_cost` (``country``, ``see_direct``, ``see_indirect`` ...).

    Returns
    -------
    list of GoodCost
        One per year: certificates rise as the CBAM factor falls (and, with defaults,
        as the mark-up rises to 2028).

    References
    ----------
    Regulation (EU) 2023/956 Art 31; Directive 2003/87/EC Art 10a(1a) (CBAM factor 2026-2034).
    """
    out = []
    for y in years:
        p = price_eur[y] if isinstance(price_eur, Mapping) else price_eur
        out.append(good_cost(cn_code, quantity_t, y, p, **kwargs))
    return out


def de_minimis(net_mass_t: float, *, electricity_or_hydrogen: bool = False) -> DeMinimis:
    """Check the single mass-based threshold of an importer for one calendar year.

    Parameters
    ----------
    net_mass_t : float
        Net mass of all CBAM goods imported in the calendar year, all CN codes added. [t]
    electricity_or_hydrogen : bool
        True if the imports include electricity or hydrogen (never exempt, Art 2a(4)).

    Returns
    -------
    DeMinimis
        ``exempt`` is True when the mass does not exceed 50 t.

    References
    ----------
    .. [1] Regulation (EU) 2023/956 Art 2a and Annex VII point 1, inserted by Regulation (EU) 2025/2083.
    """
    t = params.DE_MINIMIS_T.value
    m = float(net_mass_t)
    if electricity_or_hydrogen:
        return DeMinimis(
            m, t, False, "electricity and hydrogen are never exempt (Art 2a(4))", params.DE_MINIMIS_T.source
        )
    exempt = m <= t
    reason = (
        f"{m:g} t <= {t:g} t: exempt for the whole calendar year (Art 2a(1))"
        if exempt
        else f"{m:g} t > {t:g} t: all goods imported in the year are subject to CBAM (Art 2a(2))"
    )
    return DeMinimis(m, t, exempt, reason, params.DE_MINIMIS_T.source)


def taiwan_carbon_fee(
    annual_emissions_t: float,
    twd_per_eur: float,
    *,
    plan: str | None = None,
    period: int | None = None,
    high_leakage: bool = False,
    offsets_t: float = 0.0,
    rebate_twd: float = 0.0,
) -> CarbonPricePaid:
    """Taiwan carbon fee (碳費) of a site as an effective carbon price per tonne.

    The fee itself is :func:`carbon.fee.carbon_fee` (the one place of the fee's rules:
    threshold, K, coefficients, rates, offsets, rounding); this function only turns it into
    a price per tonne of the site's emissions, converted at ``twd_per_eur``.

    Parameters
    ----------
    annual_emissions_t : float
        The site's verified direct + electricity-indirect emissions of the year. [t CO2e]
    twd_per_eur : float
        Exchange rate, required (no default is guessed): Art 9(5) leaves it to an
        implementing act (yearly average rate). [TWD/EUR]
    plan, period, high_leakage, offsets_t
        As :func:`carbon.fee.carbon_fee` (rate A/B, coefficient period, K = 0, offsets). [t CO2e]
    rebate_twd : float
        Any rebate or compensation to net out (Art 9(1)). [TWD]

    Returns
    -------
    CarbonPricePaid
        ``kind="actual"``; usable only with actual embedded emissions (Art 9(1)).

    References
    ----------
    .. [1] 碳費收費辦法 §3, §5, §6, §9 (2024-08-29); 環境部公告「碳費徵收費率」(2024-10-21).
    .. [2] Regulation (EU) 2023/956 Art 3(29) ("carbon price" includes a fee), Art 9.
    """
    from carbon.fee import carbon_fee

    fx = float(twd_per_eur)
    if not math.isfinite(fx) or fx <= 0:
        msg = f"twd_per_eur {twd_per_eur!r}: give the TWD per EUR exchange rate (yearly average), a positive number."
        raise CalculationError(msg)
    e = float(annual_emissions_t)
    if e <= 0:
        msg = f"annual_emissions_t {annual_emissions_t!r}: give the site's annual emissions in t CO2e (> 0)."
        raise CalculationError(msg)
    fee = carbon_fee(e, high_leakage=high_leakage, plan=plan, period=period, offsets_t=offsets_t)
    net = max(0.0, fee.fee_ntd - float(rebate_twd))
    src = (
        f"碳費 {net:,.0f} TWD: " + "; ".join(fee.steps)
        + (f"; − rebate {rebate_twd:g} TWD" if rebate_twd else "")
        + f"; effective {net / e:.4g} TWD/t ÷ {fx:g} TWD/EUR ({fee.source})"
    )
    return CarbonPricePaid(eur_per_t=net / e / fx, covered_t_per_t=None, kind="actual", source=src)


def cost_table(
    goods: Sequence[Mapping],
    year: int,
    price_eur: float,
    *,
    country: str | None = "TW",
    carbon_price: CarbonPricePaid | None = None,
    cscf: float | None = None,
    compare_defaults: bool = True,
    routes: Mapping[str, str] | None = None,
) -> CostTable:
    """Certificates and cost for the goods of a CBAM result, with defaults side by side.

    Parameters
    ----------
    goods : sequence of mapping
        One mapping per good with ``cn_code``, ``quantity_t`` [t] and ``see_direct``,
        ``see_indirect``, ``see_embedded`` [t CO2e/t] (as in ``CbamResult.to_dict()["goods"]``;
        ``see_embedded`` is taken as the SEE that counts, see ``see_counted`` of :func:`good_cost`;
        without it direct only for Annex II goods, direct + indirect otherwise).  Optional
        keys: ``country``, ``route``, ``sefa`` [t CO2e/t], ``precursors`` (list of
        `FaaPrecursor` or dicts with its fields, for IR 2025/2620 Eq 4).  A good without
        ``see_direct`` is costed on default values.
    year : int
        Calendar year of import (>= 2026).
    price_eur : float
        CBAM certificate price. [EUR/t CO2e]
    country : str or None
        Country of origin for goods without a ``country`` key (default ``"TW"``).
    carbon_price : CarbonPricePaid, optional
        Carbon price paid, applied to every good on actual values.
    cscf : float, optional
        Cross-sectoral correction factor (default: provisional 1.0).
    compare_defaults : bool
        Also cost each good on default values ("what defaults would cost you").
    routes : mapping, optional
        ``{cn_code: route}`` for benchmarks whose value depends on the route.

    Returns
    -------
    CostTable
        Rows, default rows, totals and the de minimis check on the summed quantity.

    Raises
    ------
    InputError
        Listing every good that could not be costed (missing field, unknown CN ...).

    References
    ----------
    Regulation (EU) 2023/956 Art 2a (de minimis, inserted by R 2025/2083), Art 6(2)(c), Art 7, Art 9, Art 31;
    IR (EU) 2025/2620 Eq 1-6; IR (EU) 2025/2621 Annex I.
    """
    price = _check_price(price_eur)
    rows: list[GoodCost] = []
    dflt: list[GoodCost | None] = []
    problems: list[Problem] = []
    assumptions: list[str] = []
    for i, g in enumerate(goods, start=1):
        try:
            cn = normalise_cn(g.get("cn_code"))
            q = g.get("quantity_t")
            if q is None:
                msg = f"good {i} (CN {cn}): no quantity_t; give the net mass imported in tonnes."
                raise CalculationError(msg)
            ctry = g.get("country", country)
            rt = g.get("route") or (routes or {}).get(cn)
            sd, si = g.get("see_direct"), g.get("see_indirect")
            sd = None if sd is None or (isinstance(sd, float) and math.isnan(sd)) else sd
            si = None if si is None or (isinstance(si, float) and math.isnan(si)) else si
            kw = {"country": ctry, "route": rt, "cscf": cscf, "carbon_price": carbon_price}
            if sd is None:
                r = good_cost(cn, q, year, price, **kw)
            else:
                pre = tuple(p if isinstance(p, FaaPrecursor) else FaaPrecursor(**p) for p in (g.get("precursors") or ()))
                r = good_cost(
                    cn,
                    q,
                    year,
                    price,
                    see_direct=sd,
                    see_indirect=si,
                    see_counted=g.get("see_embedded"),
                    sefa=g.get("sefa"),
                    precursors=pre,
                    **kw,
                )
        except (CalculationError, LookupError, TypeError) as err:
            problems.append(Problem(str(err), row=i, column="cn_code"))
            continue
        d = r if compare_defaults and r.basis == "default" else None
        if compare_defaults and r.basis == "actual":
            try:
                d = good_cost(cn, q, year, price, **kw)
            except (CalculationError, LookupError) as err:
                assumptions.append(f"good {i} (CN {cn}): no default-value comparison: {err}")
        rows.append(r)
        dflt.append(d)
        for n in r.notes:
            if n.startswith("CSCF") and n not in assumptions:
                assumptions.append(n)
    if problems:
        raise InputError(problems)
    total_q = sum(r.quantity_t for r in rows)
    dm = de_minimis(total_q, electricity_or_hydrogen=any(r.cn_code.startswith(("2716", "280410")) for r in rows))
    cert = sum(r.certificates for r in rows)
    have_d = compare_defaults and all(d is not None for d in dflt)
    return CostTable(
        year=year,
        price_eur=price,
        rows=tuple(rows),
        defaults=tuple(dflt),
        de_minimis=dm,
        certificates=cert,
        cost_eur=cert * price,
        default_certificates=sum(d.certificates for d in dflt if d is not None) if have_d else None,
        default_cost_eur=sum(d.cost_eur for d in dflt if d is not None) if have_d else None,
        assumptions=tuple(assumptions),
    )
