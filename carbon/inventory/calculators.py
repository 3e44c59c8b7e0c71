"""The calculation methods of an inventory source, one function per method.

Each calculator reads and updates the working columns of the sources of its method
(:class:`Work`): the activity amount and unit, the factor id, the gas and a note
saying what it did. Problems are collected, never raised one by one, so the user sees
all of them together. The methods are :data:`carbon.schema.METHODS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from carbon.errors import CarbonError, FactorTableError
from carbon.factors import FactorRegistry
from carbon.units import is_convertible, multiplier, parse_date, parse_roc_year

__all__ = [
    "Work",
    "electricity",
    "extinguisher",
    "fuel",
    "mass_balance",
    "measured",
    "proration",
    "refrigerant",
    "septic",
    "steam",
]


@dataclass
class Work:
    """Working columns of the prepared sources (one row per source, positional index).

    Attributes
    ----------
    src : pandas.DataFrame
        The sources with every :data:`carbon.schema.SOURCE_COLUMNS` column present.
    method, cat : pandas.Series
        Calculation method and ISO 14064-1 sub-category per source.
    amount : pandas.Series
        Activity amount [activity unit], changed by the calculators.
    unit, fid, gas : pandas.Series
        Activity unit, factor id and gas (object, None = missing).
    notes : pandas.Series
        What the calculators did, per source (text ending in "; ").
    allow_negative : pandas.Series
        Sources whose amount may be negative (mass-balance outputs).
    certificate : pandas.Series
        Renewable-energy certificates (電證合一) deducted [activity unit].
    problem : callable
        ``problem(row, column, message, hint=None)`` records a problem of a source.
    """

    src: pd.DataFrame
    method: pd.Series
    cat: pd.Series
    amount: pd.Series
    unit: pd.Series
    fid: pd.Series
    gas: pd.Series
    notes: pd.Series
    allow_negative: pd.Series
    certificate: pd.Series
    problem: Callable[..., None]

    def rows(self, method: str) -> np.ndarray:
        """Positions of the sources of one method."""
        return np.flatnonzero((self.method == method).to_numpy(dtype=bool))


def _grid_factor(w: Work, i: int, registry: FactorRegistry, reporting_year: int | None) -> str | None:
    """The grid factor id of the data year of source ``i`` (``tw-grid/<year>``), or None with a problem."""
    year = w.src.at[i, "data_year"]
    try:
        y = parse_roc_year(year) if pd.notna(year) else reporting_year
    except (CarbonError, ValueError, TypeError):
        w.problem(i, "data_year", f"'{year}' is not a year.", "Write e.g. 2024 or 113.")
        return None
    if y is None:
        w.problem(i, "data_year", "no data year for the grid factor.", "Fill data_year or the organisation's reporting year.")
        return None
    cand = f"tw-grid/{y}"
    if cand not in registry:
        have = sorted(registry.ids("tw-grid"))
        hint = f"Use the latest announced factor ({have[-1] if have else 'none'}) as the rule says, via factor_id."
        w.problem(i, "data_year", f"the grid factor for {y} ({cand}) has not been announced.", hint)
        return None
    return cand


def electricity(w: Work, registry: FactorRegistry, reporting_year: int | None) -> None:
    """Purchased electricity: the grid factor of the data year; certificates count 0.

    The factor is ``tw-grid/<data year>`` unless a factor id is given. Renewable-energy
    certificates bundled with the electricity (電證合一, ``certificate_kwh`` [kWh]) are
    deducted from the amount, as the MOENV rule counts them 0; the deducted amount is
    kept (:attr:`Work.certificate`) for the location-based scope 2, which ignores them.

    References
    ----------
    .. [1] 環境部 溫室氣體排放量盤查登錄作業指引 (2024), 外購電力: 當年度公告電力排碳係數;
       再生能源憑證 (電證合一) 之電力排放量以零計.
    .. [2] GHG Protocol Scope 2 Guidance (2015), ch. 6 (location- and market-based).
    """
    is_el = w.method == "electricity"
    for i in np.flatnonzero((is_el & w.cat.notna() & (w.cat != "2.1")).to_numpy()):
        w.problem(int(i), "iso_category", f"purchased electricity belongs in category 2.1, not {w.cat[i]}.", "Set the category to 2.1.")
    cert_given = w.src["certificate_kwh"].fillna(0) > 0
    for i in np.flatnonzero((is_el & (w.fid.isna() | cert_given)).to_numpy()):
        i = int(i)
        if pd.isna(w.fid[i]):
            cand = _grid_factor(w, i, registry, reporting_year)
            if cand is None:
                continue
            w.fid[i] = cand
        cert = w.src.at[i, "certificate_kwh"]
        if pd.notna(cert) and cert > 0 and pd.notna(w.amount[i]) and pd.notna(w.unit[i]):
            _deduct_certificates(w, i, float(cert))


def _deduct_certificates(w: Work, i: int, cert: float) -> None:
    """Deduct ``cert`` [kWh] of certificates from the electricity of source ``i``."""
    try:
        cert_in_unit = cert * multiplier("kWh", str(w.unit[i]))
    except CarbonError:
        w.problem(i, "activity_unit", f"electricity in '{w.unit[i]}' is not an energy unit.", "Use kWh, 度, MWh or 千度.")
        return
    if cert_in_unit > w.amount[i] + 1e-9:
        w.problem(i, "certificate_kwh", f"certificates ({cert:g} kWh) exceed the electricity used.", "Check the amounts.")
        return
    w.amount[i] = w.amount[i] - cert_in_unit
    w.certificate[i] = cert_in_unit
    w.notes[i] += f"renewable-energy certificates {cert:g} kWh counted 0 (電證合一); "


def fuel(w: Work) -> None:
    """Fuel and generic factor sources (``fuel``, ``factor``, ``steam``): a factor id is required.

    The arithmetic (heat value, per-energy factors) is :func:`carbon.accounting.compute_records`.
    """
    needs_factor = w.method.isin(["factor", "fuel", "steam"])
    for i in np.flatnonzero((needs_factor & w.fid.isna()).to_numpy()):
        w.problem(int(i), "factor_id", "no emission factor given.", "Enter a library id (`carbon factors search`) or a custom factor id.")


def steam(w: Work) -> None:
    """Purchased steam (and other imported energy): category 2.2, the supplier's factor."""
    for i in w.rows("steam"):
        if pd.notna(w.cat[i]) and w.cat[i] != "2.2":
            w.problem(int(i), "iso_category", f"purchased steam belongs in category 2.2, not {w.cat[i]}.", "Set the category to 2.2.")


def _needs_gas(w: Work, i: int, method: str) -> bool:
    """Report a missing gas on a gas-as-is source; True when the gas is there."""
    if pd.notna(w.gas[i]):
        return True
    w.problem(i, "gas", f"a {method} source needs the gas (e.g. R-410A, HFC-134a, SF6).", "Fill column 'gas'.")
    return False


def refrigerant(w: Work, registry: FactorRegistry) -> None:
    """Refrigerant leaks, emission-factor method: charge × 排放因子 × (1 − 防治設備回收率 × 使用率).

    With ``charge_kg`` [kg], the annual emission factor is ``leak_rate`` or the 6.0.4
    example 排放因子 of the equipment code (4090–4097); the recovery term is the
    factory's own abatement equipment (``recovery_rate`` × ``recovery_use_rate``, 0
    unless stated), not sheet 8's end-of-life recovery. Without a charge the activity is
    the refilled mass [kg]. The gas's GWP applies (blends from their composition).

    References
    ----------
    .. [1] 環境部 溫室氣體排放係數管理表 6.0.4 版, sheet 6 逸散排放源 §五 冷媒 (排放係數法)
       and sheet 8 (設備之冷媒逸散率).
    """
    for i in w.rows("refrigerant"):
        i = int(i)
        if not _needs_gas(w, i, "refrigerant"):
            continue
        if pd.notna(w.src.at[i, "charge_kg"]) and not _charge_times_rate(w, i, registry):
            continue
        if pd.isna(w.fid[i]):
            w.fid[i] = "carbon/emitted-as-is"


def _charge_times_rate(w: Work, i: int, registry: FactorRegistry) -> bool:
    """Amount of refrigerant emitted by source ``i`` from its charge [kg]; False on a problem."""
    leak = w.src.at[i, "leak_rate"]
    if pd.isna(leak):
        d = refrigeration_default(registry, w.src.at[i, "equipment_code"])
        if d is None:
            w.problem(
                i,
                "leak_rate",
                f"no leak rate and no default for equipment '{w.src.at[i, 'equipment_code']}'.",
                "Give leak_rate (kg per kg charge per year), or an equipment code 4090–4097.",
            )
            return False
        leak = d[0]
        w.notes[i] += f"排放因子 (leak rate) {leak:g} = {d[1]}; "
    rec, use = w.src.at[i, "recovery_rate"], w.src.at[i, "recovery_use_rate"]
    rec = 0.0 if pd.isna(rec) else float(rec)
    if pd.isna(use):
        use = 1.0 if rec else 0.0
        if rec:
            w.notes[i] += "abatement equipment use rate taken as 1 (in use all year); "
    if not (0 <= rec <= 1 and 0 <= float(use) <= 1):
        w.problem(i, "recovery_rate", "recovery and use rate of the abatement equipment are fractions 0–1.", "E.g. 0.9 for 90 %.")
        return False
    w.amount[i] = float(w.src.at[i, "charge_kg"]) * float(leak) * (1.0 - rec * float(use))
    w.unit[i] = "kg"
    term = f"(1 − 防治設備回收率 {rec:g} × 使用率 {float(use):g})" if rec else "(no abatement equipment: recovery 0)"
    w.notes[i] += f"charge {w.src.at[i, 'charge_kg']:g} kg × 排放因子 {leak:g} × {term} (6.0.4 sheet 6 §五); "
    return True


def refrigeration_default(registry: FactorRegistry, code) -> tuple[float, str] | None:
    """Default annual emission factor (leak rate) for an equipment code 4090–4097.

    The 6.0.4 table's example 排放因子 of sheet 6 [kg refrigerant per kg charge per year].
    Sheet 8's recovery efficiency is the end-of-life recovery of the refrigerant and is
    not used for operating leaks.

    Returns
    -------
    tuple of (float, str) or None
        ``(rate [kg/kg/yr], origin)``; None when the code is empty or unknown.

    References
    ----------
    .. [1] 環境部 溫室氣體排放係數管理表 6.0.4 版, sheet 6 逸散排放源 §五 冷媒 (排放係數法).
    """
    if code is None or pd.isna(code):
        return None
    try:
        t = registry.extra_table("moenv-6.0.4", "refrigeration_equipment.csv")
    except FactorTableError:
        return None
    key = str(code).strip().removesuffix(".0")
    hit = t[t["equipment_code"].astype(str) == key]
    if hit.empty:
        return None
    r = hit.iloc[0]
    return float(r["example_factor_kg_per_kg_yr"]), f"moenv-6.0.4 equipment {key} ({r['name_zh']})"


def extinguisher(w: Work) -> None:
    """Fire extinguishers: the agent discharged or refilled [kg], emitted as is (CO2 if no gas is named)."""
    for i in w.rows("extinguisher"):
        i = int(i)
        if pd.isna(w.gas[i]):
            w.gas[i] = "CO2"
            w.notes[i] += "extinguisher agent taken as CO2; "
        if pd.isna(w.fid[i]):
            w.fid[i] = "carbon/emitted-as-is"


def measured(w: Work) -> None:
    """Directly measured mass of a gas (e.g. SF6 from a CEMS or a weighing), emitted as is."""
    for i in w.rows("measured"):
        i = int(i)
        if _needs_gas(w, i, "measured") and pd.isna(w.fid[i]):
            w.fid[i] = "carbon/emitted-as-is"


def mass_balance(w: Work) -> None:
    """Mass balance: carbon in (positive) and out (negative) × carbon content × 44/12.

    References
    ----------
    .. [1] 2006 IPCC Guidelines, Vol. 3, Ch. 1, §1.3.1 (mass balance); molar masses CO2 44, C 12.
    """
    for i in w.rows("mass_balance"):
        i = int(i)
        cc = w.src.at[i, "carbon_content"]
        if pd.isna(cc) or not 0 <= cc <= 1:
            w.problem(i, "carbon_content", "a mass-balance source needs the carbon content as a fraction 0–1.", "E.g. 0.923 for acetylene.")
            continue
        w.amount[i] = w.amount[i] * cc
        w.allow_negative[i] = True
        if pd.isna(w.fid[i]):
            w.fid[i] = "carbon/carbon-to-co2"
        w.notes[i] += f"carbon content {cc:g} × 44/12; "


def septic(w: Work, registry: FactorRegistry) -> None:
    """Septic tanks: person-hours [person_hour], or person-days × working hours per day.

    References
    ----------
    .. [1] 環境部 溫室氣體排放係數管理表 6.0.4 版, sheet 6 §八 化糞池 (working hours per day).
    """
    for i in w.rows("septic"):
        i = int(i)
        if pd.isna(w.fid[i]):
            w.fid[i] = "moenv-6.0.4/septic-tank"
        u = str(w.unit[i]) if pd.notna(w.unit[i]) else ""
        if not (u and is_convertible(u, "person_day")):
            continue
        h = w.src.at[i, "hours_per_day"]
        if pd.isna(h):
            h = septic_hours(registry)
            if h is None:
                w.problem(i, "hours_per_day", "activity in person-days needs working hours per day.", "Fill hours_per_day (e.g. 8).")
                continue
            w.notes[i] += f"{h:g} working hours per person-day (6.0.4 septic parameters); "
        w.amount[i] = w.amount[i] * multiplier(u, "person_day") * float(h)
        w.unit[i] = "person_hour"


def septic_hours(registry: FactorRegistry) -> float | None:
    """Working hours per person-day of the 6.0.4 septic-tank example (sheet 6 §八) [h]."""
    try:
        t = registry.extra_table("moenv-6.0.4", "septic_parameters.csv")
    except FactorTableError:
        return None
    hit = t[t["parameter"] == "working_hours_per_day"]
    return float(hit["value"].iloc[0]) if len(hit) else None


def proration(w: Work, period_start, period_end) -> None:
    """Bills that straddle the reporting period: amount × overlapping days / billed days.

    Applies to every method; certificates deducted from the bill are prorated alike.
    """
    ps, pe = w.src["period_start"], w.src["period_end"]
    for i in np.flatnonzero((ps.notna() | pe.notna()).to_numpy()):
        i = int(i)
        try:
            a, b = parse_date(ps[i]), parse_date(pe[i])
        except (CarbonError, ValueError, TypeError) as err:
            w.problem(i, "period_start", str(err))
            continue
        if period_start is None or period_end is None:
            w.problem(i, "period_start", "bill dates given but the organisation has no reporting period.", "Fill the reporting year.")
            continue
        days = (b - a).days + 1
        overlap = (min(b, period_end) - max(a, period_start)).days + 1
        if days <= 0:
            w.problem(i, "period_end", "the bill ends before it starts.", "Check the dates.")
            continue
        frac = max(0, overlap) / days
        if frac < 1:
            w.amount[i] = w.amount[i] * frac
            w.certificate[i] = w.certificate[i] * frac
            w.notes[i] += f"prorated {max(0, overlap)}/{days} days to the reporting period; "
