"""The two-minute quick estimate of the CEO class (in the spirit of the programme's 金好算 tool).

A company enters its annual electricity (度) and the fuels it buys, in the units on its bills;
the estimate is an ordinary inventory calculation (:func:`carbon.inventory.calculate`) over the
official factors — the same numbers a full inventory would give for those sources — with the
largest sources named and the next step suggested. The carbon fee applies to the registrable
total (categories 1 and 2).

References
----------
ISO 14064-1:2018 §5.2 (categories 1 and 2); 環境部 113年2月5日公告「溫室氣體排放係數」;
經濟部能源署 電力排碳係數.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from carbon.errors import InputError, Problem

__all__ = ["ITEMS", "QuickEstimate", "quick_estimate", "quick_project"]


@dataclass(frozen=True)
class Item:
    """One line of the quick estimate's form."""

    key: str
    name_zh: str
    name_en: str
    unit: str
    iso_category: str
    method: str
    factor_id: str | None = None


#: The form's lines: electricity and the fuels SMEs buy, in the units of their bills.
ITEMS: dict[str, Item] = {
    i.key: i
    for i in (
        Item("electricity", "外購電力", "purchased electricity", "度", "2.1", "electricity"),
        Item("natural_gas", "天然氣", "natural gas", "立方公尺", "1.1", "fuel", "moenv-2024/natural-gas-stationary"),
        Item("fuel_oil", "燃料油 (重油)", "fuel oil", "公升", "1.1", "fuel", "moenv-2024/fuel-oil-stationary"),
        Item("diesel_stationary", "柴油 (鍋爐、發電機)", "diesel (boilers, generators)", "公升", "1.1", "fuel", "moenv-2024/diesel-stationary"),
        Item("lpg", "液化石油氣", "LPG", "公升", "1.1", "fuel", "moenv-2024/lpg-stationary"),
        Item("diesel_vehicles", "柴油 (車輛、堆高機)", "diesel (vehicles, forklifts)", "公升", "1.2", "fuel", "moenv-2024/diesel-mobile"),
        Item("gasoline_vehicles", "汽油 (車輛)", "gasoline (vehicles)", "公升", "1.2", "fuel", "moenv-2024/motor-gasoline-mobile"),
    )
}


@dataclass(frozen=True)
class QuickEstimate:
    """The estimate: total, each line, the three largest, and the inventory result behind it."""

    total_tco2e: float
    lines: tuple[dict, ...]
    top3: tuple[str, ...]
    year: int
    gwp_set: str
    result: object

    def to_dict(self) -> dict:
        """Plain data (the inventory result is left out; its editions are kept)."""
        return {
            "total_tco2e": self.total_tco2e,
            "lines": list(self.lines),
            "top3": list(self.top3),
            "year": self.year,
            "gwp_set": self.gwp_set,
            "factor_editions": self.result.factor_editions,  # type: ignore[attr-defined]
        }


def _sources(amounts: Mapping[str, float], units: Mapping[str, str], year: int) -> pd.DataFrame:
    problems, rows = [], []
    for key, amount in amounts.items():
        item = ITEMS.get(key)
        if item is None:
            problems.append(Problem(f"'{key}' is not a line of the quick estimate.", column=key, hint=f"Use {sorted(ITEMS)}."))
            continue
        if amount is None or amount == 0:
            continue
        rows.append(
            {
                "source_id": key,
                "name": item.name_zh,
                "iso_category": item.iso_category,
                "method": item.method,
                "activity_amount": float(amount),
                "activity_unit": units.get(key, item.unit),
                "factor_id": item.factor_id,
                "data_year": year if item.method == "electricity" else None,
            }
        )
    if problems:
        raise InputError(problems)
    if not rows:
        raise InputError([Problem("enter at least one amount (electricity or a fuel).", hint="e.g. annual electricity in 度 from the Taipower bills.")])
    return pd.DataFrame(rows)


def quick_project(amounts: Mapping[str, float], *, units: Mapping[str, str] | None = None, year: int = 2024, gwp_set: str = "MOENV-2024"):
    """The inventory project behind a quick estimate (arguments as :func:`quick_estimate`)."""
    from carbon.inventory import InventoryProject, Organisation
    from carbon.units import parse_roc_year

    y = parse_roc_year(year)
    return InventoryProject(Organisation(name="quick estimate", reporting_year=y), sources=_sources(amounts, units or {}, y), gwp_set=gwp_set)


def quick_estimate(amounts: Mapping[str, float], *, units: Mapping[str, str] | None = None, year: int = 2024, gwp_set: str = "MOENV-2024") -> QuickEstimate:
    """Estimate a company's annual emissions from its electricity and fuel bills.

    Parameters
    ----------
    amounts : mapping
        Line key of :data:`ITEMS` -> annual amount [in the line's unit, or ``units[key]``].
    units : mapping, optional
        Another unit for a line (e.g. ``{"electricity": "千度"}``); checked by the core.
    year : int
        Data year of the electricity factor (ROC years accepted by the core, e.g. 113).
    gwp_set : str
        GWP set, recorded in the result.

    Returns
    -------
    QuickEstimate
        Total [t CO2e], each line with its share, the three largest lines.
    """
    from carbon.inventory import calculate

    project = quick_project(amounts, units=units, year=year, gwp_set=gwp_set)
    year = project.organisation.reporting_year
    result = calculate(project)
    total = result.total_tco2e
    by_source = result.by_source
    ranked = sorted(by_source.items(), key=lambda kv: -kv[1])
    lines = tuple(
        {"key": k, "name_zh": ITEMS[k].name_zh, "name_en": ITEMS[k].name_en, "tco2e": v, "share": v / total if total else 0.0}
        for k, v in ranked
    )
    return QuickEstimate(total, lines, tuple(k for k, _ in ranked[:3]), year, gwp_set, result)
