"""Taiwan carbon fee (碳費): chargeable emissions, rate, offsets, and which emissions count.

碳費 = 收費排放量 × 費率, with 收費排放量 = (年排放量 − K) × 排放量調整係數 (碳費收費辦法 §5).

* 年排放量: the site's (全廠場) direct emissions + **electricity** indirect emissions [t CO2e];
  purchased steam and other indirect emissions do not count (碳費收費辦法 §2).
* Payers: sites whose direct + electricity-indirect emissions reach 25,000 t CO2e a year
  (碳費收費辦法 §3); below that nothing is chargeable.
* K = 25,000 t CO2e; K = 0 for high-carbon-leakage entities (§5).
* 排放量調整係數 = 1; high-leakage entities with an approved voluntary reduction plan
  (自主減量計畫): 0.2 / 0.4 / 0.6 in periods 1 / 2 / 3 (§6).
* Rates (環境部公告「碳費徵收費率」2024-10-21, effective 2025-01-01): general NT$300/t;
  preferential B (technology benchmark 技術標竿指定削減率) NT$100/t; preferential A (sector
  target 行業別指定削減率) NT$50/t — A and B need an approved voluntary reduction plan.
* Rounding (§5): 收費排放量 rounded half-up to 3 decimals; the fee truncated to whole NT$.
* Domestic offset credits (自願減量/抵換專案) may deduct at most 10 % of the chargeable
  emissions (§9).

The official texts are not among the files in ``factors/sources``; the values are those of the
project fact sheet (docs/FACTS-taiwan.md §6, evidence grade S, sources
[N9]–[N13]). Every result carries :data:`FEE_SOURCE`.

This module is the one place of these rules: the diagnosis (fee before and after measures) and
CBAM (the fee as "carbon price paid", :func:`carbon.cbam.cost.taiwan_carbon_fee`) both call
:func:`carbon_fee`.

Examples
--------
>>> carbon_fee(30_000).fee_ntd
1500000
>>> r = carbon_fee(40_000, high_leakage=True, plan="A", period=1)
>>> (r.chargeable_t, r.rate_ntd_per_t, r.fee_ntd)
(8000.0, 50.0, 400000)
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import cast

import pandas as pd

from carbon.errors import InputError, Problem

__all__ = ["FEE_PARAMS", "FEE_SOURCE", "FeeBasis", "FeeResult", "carbon_fee", "fee_basis", "fee_from_inventory"]

#: Legal source of every rule of this module (carried into each result).
FEE_SOURCE = (
    "氣候變遷因應法 §28 (2023-02-15); 碳費收費辦法 §2, §3, §5, §6, §9 (環境部 2024-08-29); "
    "環境部公告「碳費徵收費率」(2024-10-21, effective 2025-01-01) — values as in "
    "docs/FACTS-taiwan.md §6 [N9]–[N13] (official texts not in factors/sources)"
)

#: The fee's parameters: name -> (value, unit, article).
FEE_PARAMS: dict[str, tuple[float, str, str]] = {
    "threshold_t": (25_000.0, "t CO2e/yr", "碳費收費辦法 §3 (payers: direct + electricity-indirect ≥ 25,000 t CO2e)"),
    "K_t": (25_000.0, "t CO2e/yr", "碳費收費辦法 §5"),
    "K_high_leakage_t": (0.0, "t CO2e/yr", "碳費收費辦法 §5 (高碳洩漏風險者 K = 0)"),
    "rate_general": (300.0, "TWD/t CO2e", "碳費徵收費率 公告 2024-10-21 一般費率"),
    "rate_B": (100.0, "TWD/t CO2e", "碳費徵收費率 公告 2024-10-21 優惠費率 B (技術標竿指定削減率)"),
    "rate_A": (50.0, "TWD/t CO2e", "碳費徵收費率 公告 2024-10-21 優惠費率 A (行業別指定削減率)"),
    "coefficient": (1.0, "1", "碳費收費辦法 §6"),
    "coefficient_period_1": (0.2, "1", "碳費收費辦法 §6 (high leakage, approved plan, period 1)"),
    "coefficient_period_2": (0.4, "1", "碳費收費辦法 §6 (period 2)"),
    "coefficient_period_3": (0.6, "1", "碳費收費辦法 §6 (period 3)"),
    "offset_cap_share": (0.10, "1", "碳費收費辦法 §9 (domestic credits ≤ 10 % of chargeable emissions)"),
}

_MILLI = Decimal("0.001")


def _p(name: str) -> Decimal:
    return Decimal(repr(FEE_PARAMS[name][0]))


@dataclass(frozen=True)
class FeeResult:
    """The carbon fee of one site and year, with its working.

    Attributes
    ----------
    emissions_t : float
        Direct + electricity-indirect emissions of the year. [t CO2e]
    chargeable_t : float
        收費排放量 after offsets, rounded half-up to 3 decimals. [t CO2e]
    rate_ntd_per_t : float
        費率 applied. [TWD/t CO2e]
    fee_ntd : int
        碳費, truncated to whole NT$. [TWD]
    """

    emissions_t: float
    payer: bool
    high_leakage: bool
    plan: str | None
    period: int | None
    k_t: float
    coefficient: float
    chargeable_before_offsets_t: float
    offsets_given_t: float
    offsets_deducted_t: float
    chargeable_t: float
    rate_ntd_per_t: float
    fee_ntd: int
    steps: tuple[str, ...]
    source: str = FEE_SOURCE

    def to_dict(self) -> dict:
        """JSON form (the keys of ``carbon fee --json``)."""
        d = asdict(self)
        d["steps"] = list(self.steps)
        return d

    def explain(self) -> str:
        """The working, one step a line, with units and the source."""
        return "\n".join([*self.steps, f"source: {self.source}"])


def _rate(plan: str | None) -> tuple[Decimal, str]:
    if plan is None or str(plan).strip().lower() in ("", "none", "general"):
        return _p("rate_general"), "general rate 一般費率"
    key = str(plan).strip().upper()
    if key not in ("A", "B"):
        msg = f"plan {plan!r} is not a preferential rate."
        raise InputError([Problem(msg, column="plan", hint="Use A (sector target, NT$50/t), B (technology benchmark, NT$100/t) or none.")])
    return _p(f"rate_{key}"), f"preferential rate {key} 優惠費率{key} (approved 自主減量計畫)"


def _coefficient(high_leakage: bool, plan: str | None, period: int | None) -> tuple[Decimal, str]:
    if period is None:
        return _p("coefficient"), "排放量調整係數 1"
    if int(period) not in (1, 2, 3):
        msg = f"period {period!r} is not 1, 2 or 3."
        raise InputError([Problem(msg, column="period", hint="Give the period of the approved voluntary reduction plan: 1, 2 or 3.")])
    if not high_leakage or plan is None:
        msg = "the adjustment coefficient 0.2/0.4/0.6 applies only to high-leakage entities with an approved voluntary reduction plan."
        raise InputError([Problem(msg, column="period", hint="Add --high-leakage and --plan A|B, or leave --period out (coefficient 1).")])
    c = _p(f"coefficient_period_{int(period)}")
    return c, f"排放量調整係數 {c} (high leakage, approved plan, period {int(period)})"


def carbon_fee(
    emissions_t: float,
    *,
    high_leakage: bool = False,
    plan: str | None = None,
    period: int | None = None,
    offsets_t: float = 0.0,
) -> FeeResult:
    """Taiwan carbon fee of one site for one year.

    Parameters
    ----------
    emissions_t : float
        年排放量: the site's verified direct + electricity-indirect emissions (no steam, no
        other indirect). [t CO2e]
    high_leakage : bool
        High carbon-leakage entity (高碳洩漏風險者): K = 0.
    plan : {None, "A", "B"}
        Approved voluntary reduction plan: A (sector target) NT$50/t, B (technology
        benchmark) NT$100/t; None for the general rate NT$300/t.
    period : {None, 1, 2, 3}
        Period of the plan of a high-leakage entity: coefficient 0.2 / 0.4 / 0.6.
    offsets_t : float
        Domestic offset credits surrendered; at most 10 % of the chargeable emissions are
        deducted. [t CO2e]

    Returns
    -------
    FeeResult
        Chargeable emissions, rate, fee and the working.

    Raises
    ------
    InputError
        Negative emissions or offsets, an unknown plan, a period without high leakage and a plan.

    References
    ----------
    .. [1] 氣候變遷因應法 §28; 碳費收費辦法 §2, §3, §5 (formula, K, rounding), §6 (coefficients),
       §9 (offsets ≤ 10 %), 2024-08-29.
    .. [2] 環境部公告「碳費徵收費率」, 2024-10-21, effective 2025-01-01.
    """
    problems = []
    for name, v in (("emissions_t", emissions_t), ("offsets_t", offsets_t)):
        if v is None or not math.isfinite(float(v)) or float(v) < 0:
            problems.append(Problem(f"{name} {v!r} must be a number ≥ 0.", column=name, hint="Give tonnes of CO2e."))
    if problems:
        raise InputError(problems)
    e = Decimal(repr(float(emissions_t)))
    rate, rate_text = _rate(plan)
    coef, coef_text = _coefficient(high_leakage, plan, period)
    threshold = _p("threshold_t")
    k = _p("K_high_leakage_t") if high_leakage else _p("K_t")
    payer = e >= threshold
    steps = [f"年排放量 (direct + electricity-indirect) = {e:,} t CO2e"]
    if not payer:
        steps.append(f"{e:,} t < {threshold:,} t CO2e: not a payer (碳費收費辦法 §3); nothing chargeable")
        chargeable0 = Decimal(0)
    else:
        chargeable0 = (max(Decimal(0), e - k) * coef).quantize(_MILLI, rounding=ROUND_HALF_UP)
        k_text = "K = 0 (high leakage)" if high_leakage else f"K = {k:,}"
        steps.append(f"收費排放量 = ({e:,} − {k:,}) × {coef} = {chargeable0:,} t CO2e ({k_text}; {coef_text}; rounded half-up to 3 decimals)")
    off = Decimal(repr(float(offsets_t)))
    cap = chargeable0 * _p("offset_cap_share")
    deducted = min(off, cap).quantize(_MILLI, rounding=ROUND_DOWN)
    if off > 0:
        steps.append(f"offsets: {off:,} t given, cap 10 % × {chargeable0:,} = {cap:,} t; deducted {deducted:,} t")
    chargeable = chargeable0 - deducted
    fee = int((chargeable * rate).to_integral_value(rounding=ROUND_DOWN))
    steps.append(f"碳費 = {chargeable:,} t × NT${rate:,}/t ({rate_text}) = NT${fee:,} (truncated to whole NT$)")
    return FeeResult(
        emissions_t=float(e),
        payer=bool(payer),
        high_leakage=bool(high_leakage),
        plan=None if plan is None or str(plan).lower() in ("", "none", "general") else str(plan).upper(),
        period=None if period is None else int(period),
        k_t=float(k),
        coefficient=float(coef),
        chargeable_before_offsets_t=float(chargeable0),
        offsets_given_t=float(off),
        offsets_deducted_t=float(deducted),
        chargeable_t=float(chargeable),
        rate_ntd_per_t=float(rate),
        fee_ntd=fee,
        steps=tuple(steps),
    )


@dataclass(frozen=True)
class FeeBasis:
    """Which emissions of an inventory count for the carbon fee.

    Attributes
    ----------
    direct_t, electricity_t : float
        Counted direct (category 1) and purchased-electricity (2.1) emissions. [t CO2e]
    not_counted : dict
        Emissions left out, by reason (steam / other imported energy 2.2, categories 3–6). [t CO2e]
    by_facility : dict
        Direct + electricity per facility (the fee is per site). [t CO2e]
    sources : pandas.DataFrame
        One row per source: source_id, name, iso_subcategory, co2e_t, counts, reason.
    """

    direct_t: float
    electricity_t: float
    not_counted: dict[str, float]
    by_facility: dict[str, float]
    sources: pd.DataFrame = field(repr=False)
    source: str = FEE_SOURCE

    @property
    def emissions_t(self) -> float:
        """Direct + electricity-indirect emissions [t CO2e]."""
        return self.direct_t + self.electricity_t

    def per_site(self, **kwargs) -> dict[str, FeeResult]:
        """The fee of each facility on its own (the fee and its 25,000 t threshold apply per site, 全廠場).

        ``kwargs`` as in :func:`carbon_fee`.
        """
        return {f: carbon_fee(e, **kwargs) for f, e in self.by_facility.items()}

    def to_dict(self) -> dict:
        """JSON form."""
        return {
            "direct_t": self.direct_t,
            "electricity_t": self.electricity_t,
            "emissions_t": self.emissions_t,
            "not_counted": self.not_counted,
            "by_facility": self.by_facility,
            "sources": self.sources.to_dict(orient="records"),
            "source": self.source,
        }


def fee_basis(records: pd.DataFrame) -> FeeBasis:
    """Split counted emission records into what the carbon fee counts and what it does not.

    Parameters
    ----------
    records : pandas.DataFrame
        Counted emission records (``InventoryResult.counted``: included sources, biogenic CO2
        left out), with ``iso_subcategory``, ``facility``, ``source_id``, ``co2e_t``.

    Returns
    -------
    FeeBasis

    References
    ----------
    .. [1] 碳費收費辦法 §2 (direct + electricity indirect emissions), 2024-08-29.
    """
    sub = records["iso_subcategory"].astype(str)
    direct = sub.str.startswith("1")
    elec = sub == "2.1"
    counts = direct | elec
    reason = pd.Series("category 3–6: not counted (碳費收費辦法 §2)", index=records.index)
    reason[direct] = "direct emissions (category 1): counted"
    reason[elec] = "purchased electricity (2.1): counted"
    reason[sub == "2.2"] = "imported steam/other energy (2.2): not counted (electricity only)"
    names = records["source_name"].astype(object) if "source_name" in records else pd.Series(None, index=records.index)
    per = cast(  # pandas-stubs types groupby(as_index=False)[col].sum() as a Series; it is a DataFrame
        pd.DataFrame,
        pd.DataFrame(
            {
                "source_id": records["source_id"].astype(str),
                "name": names.where(names.notna(), ""),
                "iso_subcategory": sub,
                "co2e_t": records["co2e_t"].astype(float),
                "counts": counts,
                "reason": reason,
            }
        )
        .groupby(["source_id", "name", "iso_subcategory", "counts", "reason"], sort=False, as_index=False)["co2e_t"]
        .sum(),
    )
    fac = records["facility"].astype(object).where(records["facility"].notna(), "(site)") if "facility" in records else pd.Series("(site)", index=records.index)
    by_fac = records.loc[counts, "co2e_t"].groupby(fac[counts].astype(str)).sum()
    not_counted = {
        "steam_and_other_imported_energy_2.2": float(records.loc[sub == "2.2", "co2e_t"].sum()),
        "categories_3_to_6": float(records.loc[~counts & (sub != "2.2"), "co2e_t"].sum()),
    }
    return FeeBasis(
        direct_t=float(records.loc[direct, "co2e_t"].sum()),
        electricity_t=float(records.loc[elec, "co2e_t"].sum()),
        not_counted=not_counted,
        by_facility={str(k): float(v) for k, v in by_fac.items()},
        sources=per[["source_id", "name", "iso_subcategory", "co2e_t", "counts", "reason"]],
    )


def fee_from_inventory(result, **kwargs) -> tuple[FeeBasis, FeeResult]:
    """The carbon fee of an inventory result: which emissions count, and the fee.

    Parameters
    ----------
    result : carbon.inventory.InventoryResult
        The calculated inventory (its ``counted`` records are used).
    **kwargs
        ``high_leakage``, ``plan``, ``period``, ``offsets_t`` as in :func:`carbon_fee`.

    Returns
    -------
    (FeeBasis, FeeResult)
        The split of the emissions and the fee on direct + electricity-indirect emissions.

    Notes
    -----
    The fee is levied per site (全廠場); an inventory with several facilities is charged on its
    total here, and ``FeeBasis.by_facility`` shows each site's figure for a per-site check.
    """
    basis = fee_basis(result.counted)
    return basis, carbon_fee(basis.emissions_t, **kwargs)
