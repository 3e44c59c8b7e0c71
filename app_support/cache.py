"""Cached calls into carbon (plain values only: no pint objects cross the cache)."""

from __future__ import annotations

import streamlit as st

from carbon import load_registry


@st.cache_resource(show_spinner=False)
def factor_registry():
    """The factor library, shared read-only by every session."""
    return load_registry()


INVENTORY_DATASETS = ("moenv-2024", "moenv-6.0.4", "tw-grid", "ipcc-2006", "tw-cfp", "carbon")


@st.cache_data(show_spinner=False)
def factor_ids() -> list[str]:
    """Library factor ids an inventory source can use, sorted (drop-down options; CBAM tables left out)."""
    reg = factor_registry()
    return sorted(i for d in INVENTORY_DATASETS if d in reg.datasets() for i in reg.ids(d))


@st.cache_data(max_entries=512, show_spinner=False)
def factor_search(query: str, dataset: str | None, lang: str, limit: int = 200) -> list[dict]:
    """Search the library (cached per query): one plain row per factor for the results table."""
    hits = factor_registry().search(query, dataset=dataset, limit=limit)
    return [
        {
            "id": f.id,
            "name": f.name_zh if lang == "zh-TW" else f.name_en,
            "dataset": f.dataset,
            "edition": f.edition,
            "gases": ", ".join(f"{g} {v.value:g} {v.unit}" for g, v in f.gases.items()),
        }
        for f in hits
    ]
