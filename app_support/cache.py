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
