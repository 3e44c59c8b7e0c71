"""Cached calls into carbon (plain values only: no pint objects cross the cache)."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from carbon import load_registry
from carbon.formats.project import read_project
from carbon.inventory import calculate

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "demo-factory.yaml"


@st.cache_resource
def factor_registry():
    """The factor library, shared read-only by every session."""
    return load_registry()


def example_result(gwp_set: str | None = None, rounding: str = "exact"):
    """The bundled example project, calculated."""
    return calculate(read_project(EXAMPLE), gwp_set=gwp_set, rounding=rounding, registry=factor_registry())
