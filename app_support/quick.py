"""The Home page's quick estimate: a few yearly amounts in Taiwanese units → an inventory result.

The amounts become sources of a small project calculated by :func:`carbon.inventory.calculate`
with the MOENV 2024 factors (their default heat values) and the grid factor of the year.
"""

from __future__ import annotations

import streamlit as st

from carbon.errors import InputError

#: key -> (ISO 14064-1 sub-category, method, unit, factor id or None for the grid factor)
QUICK_SOURCES = {
    "electricity": ("2.1", "electricity", "度", None),
    "diesel": ("1.1", "fuel", "公升", "moenv-2024/diesel-stationary"),
    "gasoline": ("1.2", "fuel", "公升", "moenv-2024/motor-gasoline-mobile"),
    "natural_gas": ("1.1", "fuel", "立方公尺", "moenv-2024/natural-gas-stationary"),
    "lpg": ("1.1", "fuel", "公升", "moenv-2024/lpg-stationary"),
    "fuel_oil": ("1.1", "fuel", "公升", "moenv-2024/fuel-oil-stationary"),
}


def quick_document(amounts: dict[str, float], year: int | str) -> dict:
    """A project document with one source per non-zero amount."""
    sources = []
    for key, amount in amounts.items():
        if not amount:
            continue
        cat, method, unit, fid = QUICK_SOURCES[key]
        s = {"source_id": key, "name": key, "iso_category": cat, "method": method, "activity_amount": float(amount), "activity_unit": unit}
        if fid:
            s["factor_id"] = fid
        else:
            s["data_year"] = year
        sources.append(s)
    return {"organisation": {"name": "quick estimate", "reporting_year": year}, "gwp_set": "MOENV-2024", "sources": sources}


@st.cache_data(max_entries=256, show_spinner=False)
def quick_estimate(amounts: tuple[tuple[str, float], ...], year: int | str) -> dict:
    """Totals of the quick estimate: total, scope 1, scope 2, by source [t CO2e], or problems."""
    from app_support.cache import factor_registry
    from carbon.inventory import calculate
    from carbon.store.documents import document_to_project

    doc = quick_document(dict(amounts), year)
    if not doc["sources"]:
        return {"total": 0.0, "scope1": 0.0, "scope2": 0.0, "by_source": {}, "problems": []}
    try:
        res = calculate(document_to_project(doc, label="quick estimate"), registry=factor_registry())
    except InputError as err:
        return {"problems": [p.message + (f" {p.hint}" if p.hint else "") for p in err.problems]}
    scopes = res.by_scope
    return {"total": res.total_tco2e, "scope1": scopes.get("1", 0.0), "scope2": scopes.get("2", 0.0), "by_source": res.by_source, "problems": []}
