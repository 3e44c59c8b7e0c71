"""The Home page's quick estimate: :func:`carbon.estimate.quick_estimate` cached per input,
with the carbon fee from :func:`carbon.fee.carbon_fee` (the one place of the fee's rules)."""

from __future__ import annotations

import streamlit as st

from carbon.errors import InputError


@st.cache_data(max_entries=256, show_spinner=False)
def quick_estimate(amounts: tuple[tuple[str, float], ...], year: int | str) -> dict:
    """Totals of the quick estimate [t CO2e], its three largest lines and the fee [NT$], or problems."""
    from carbon.estimate import quick_estimate as estimate
    from carbon.fee import carbon_fee

    if not any(v for _, v in amounts):
        return {"total": 0.0, "scope1": 0.0, "scope2": 0.0, "lines": [], "fee": None, "problems": []}
    try:
        q = estimate(dict(amounts), year=year)
    except InputError as err:
        return {"problems": [p.message + (f" {p.hint}" if p.hint else "") for p in err.problems]}
    scopes = q.result.by_scope
    fee = carbon_fee(scopes.get("1", 0.0) + scopes.get("2", 0.0))
    return {"total": q.total_tco2e, "scope1": scopes.get("1", 0.0), "scope2": scopes.get("2", 0.0), "lines": list(q.lines), "fee": fee.to_dict(), "problems": []}
