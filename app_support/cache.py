"""Cached calls into carbon (plain values only: no pint objects cross the cache)."""

from __future__ import annotations

import streamlit as st

from carbon import load_registry


@st.cache_resource(show_spinner=False)
def factor_registry():
    """The factor library, shared read-only by every session."""
    return load_registry()


@st.cache_data(show_spinner=False)
def factor_ids() -> list[str]:
    """Every library factor id, sorted (drop-down options)."""
    return sorted(factor_registry().ids())
