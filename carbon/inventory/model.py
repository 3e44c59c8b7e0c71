"""Data of an organisational inventory: the organisation, the project and the result.

:class:`InventoryResult` holds data only (the records and what made them); totals,
scope 2 both ways, the JSON form and the working of a source are functions over it in
:mod:`carbon.inventory.results`, reached through thin methods kept for callers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from carbon.errors import InputError, Problem
from carbon.factors import FactorRegistry, load_registry
from carbon.schema import is_true
from carbon.units import parse_date, parse_roc_year

__all__ = ["BOUNDARY_APPROACHES", "InventoryProject", "InventoryResult", "Organisation"]

#: ISO 14064-1:2018 5.1 consolidation approaches.
BOUNDARY_APPROACHES = ("operational_control", "financial_control", "equity_share")


@dataclass
class Organisation:
    """The reporting organisation (表一).

    ``reporting_year`` and ``base_year`` accept ROC years (``113``, ``民國113年``);
    a reporting year without dates spans 1 January to 31 December.
    """

    name: str
    tax_id: str | None = None
    registration_no: str | None = None
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    reporting_year: int | None = None
    boundary_approach: str = "operational_control"
    base_year: int | None = None
    industry_codes: tuple[str, ...] = ()
    address: str | None = None
    responsible_person: str | None = None
    contact: str | None = None
    standard: str | None = None

    def __post_init__(self) -> None:
        if self.boundary_approach not in BOUNDARY_APPROACHES:
            msg = f"boundary_approach '{self.boundary_approach}' is not one of {BOUNDARY_APPROACHES}."
            raise InputError([Problem(msg, column="boundary_approach")])
        if self.reporting_year is not None:
            self.reporting_year = parse_roc_year(self.reporting_year)
        if self.base_year is not None:
            self.base_year = parse_roc_year(self.base_year)
        if self.period_start is not None:
            self.period_start = parse_date(self.period_start)
        if self.period_end is not None:
            self.period_end = parse_date(self.period_end)
        if self.reporting_year is None and self.period_start is not None:
            self.reporting_year = self.period_start.year
        if self.reporting_year is not None and self.period_start is None:
            self.period_start = dt.date(self.reporting_year, 1, 1)
            self.period_end = dt.date(self.reporting_year, 12, 31)


@dataclass
class InventoryProject:
    """Everything an inventory calculation needs."""

    organisation: Organisation
    facilities: pd.DataFrame = field(default_factory=pd.DataFrame)
    sources: pd.DataFrame = field(default_factory=pd.DataFrame)
    custom_factors: pd.DataFrame = field(default_factory=pd.DataFrame)
    gwp_set: str = "MOENV-2024"
    origin: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    significance: dict = field(default_factory=dict)

    def registry(self, base: FactorRegistry | None = None) -> FactorRegistry:
        """The factor library with this project's custom and the built-in factors."""
        reg = base or load_registry()
        custom = self.custom_factors
        if custom is not None and len(custom):
            reg = reg.with_custom(custom, dataset="custom", edition="project")
        return reg


@dataclass(frozen=True)
class InventoryResult:
    """The calculated inventory: the emission records and what made them.

    Attributes
    ----------
    project : InventoryProject
    records : pandas.DataFrame
        The emission-records table (:data:`carbon.schema.RECORD_COLUMNS`).
    gwp_set, rounding : str
    registry : FactorRegistry
        The factor library used (with the project's custom factors).
    activities : pandas.DataFrame, optional
        The prepared activity table (one row per source, after the calculators), with
        ``certificate_amount`` (renewable-energy certificates in the activity unit).
    """

    project: InventoryProject
    records: pd.DataFrame
    gwp_set: str
    rounding: str
    registry: FactorRegistry
    activities: pd.DataFrame | None = None

    # -- which records count -------------------------------------------------------
    @cached_property
    def significance(self) -> pd.DataFrame:
        """Significance of the category 3–6 sources under the project's criteria (empty if none)."""
        from carbon.inventory.quality import significance

        crit = self.project.significance or {}
        if not crit.get("weights"):
            return pd.DataFrame(columns=["source_id", "score", "significant", "reason"])
        return significance(self.project.sources, crit)

    @cached_property
    def excluded_sources(self) -> list[str]:
        """Ids of sources excluded: marked so, or not significant (categories 3–6) under the criteria."""
        s = self.project.sources
        out: list[str] = []
        if "excluded" in s:
            flag = s["excluded"].map(is_true)
            out = list(s.loc[flag.fillna(False).astype(bool), "source_id"].astype(str))
        sig = self.significance
        seen = set(out)
        out += [str(x) for x in sig.loc[~sig["significant"].astype(bool), "source_id"] if str(x) not in seen]
        return out

    @cached_property
    def included(self) -> pd.DataFrame:
        """Records of sources counted in the total (not excluded)."""
        ex = self.excluded_sources
        r = self.records
        return r[~r["source_id"].isin(ex)] if len(ex) else r

    @cached_property
    def counted(self) -> pd.DataFrame:
        """Records that make up the total: included sources, biogenic CO2 left out."""
        r = self.included
        return r[~r["biogenic"].astype(bool)]

    def _round(self, x: float, decimals: int = 4) -> float:
        """With ``moenv`` rounding: sub-totals to 4 decimals as 表五/表八, the inventory total to 3."""
        from carbon.accounting import round_half_up

        return float(round_half_up(np.array([x]), decimals)[0]) if self.rounding == "moenv" else float(x)

    # -- totals and forms (functions of carbon.inventory.results) -----------------------
    @property
    def total_tco2e(self) -> float:
        """ISO 14064-1 total of all included categories, biogenic CO2 excluded [t CO2e]."""
        return self._round(float(self.counted["co2e_t"].sum()), 3)

    @property
    def registrable_tco2e(self) -> float:
        """Categories 1 and 2: the figure the MOENV registry and the carbon fee use [t CO2e]."""
        from carbon.inventory.results import registrable_tco2e

        return registrable_tco2e(self)

    @property
    def biogenic_co2_t(self) -> float:
        """Biogenic CO2, reported separately [t CO2]."""
        r = self.included
        return self._round(float(r.loc[r["biogenic"].astype(bool), "mass_t"].sum()), 3)

    @property
    def by_category(self) -> dict[str, float]:
        """CO2e by ISO 14064-1 category [t CO2e]."""
        from carbon.inventory.results import totals_by

        return totals_by(self, "iso_category")

    @property
    def by_subcategory(self) -> dict[str, float]:
        """CO2e by ISO 14064-1 sub-category [t CO2e]."""
        from carbon.inventory.results import totals_by

        return totals_by(self, "iso_subcategory")

    @property
    def by_scope(self) -> dict[str, float]:
        """CO2e by GHG Protocol scope (scope 2 by the MOENV rule) [t CO2e]."""
        from carbon.inventory.results import totals_by

        return totals_by(self, "scope")

    @property
    def by_facility(self) -> dict[str, float]:
        """CO2e by facility [t CO2e]."""
        from carbon.inventory.results import totals_by

        return totals_by(self, "facility")

    @property
    def by_source(self) -> dict[str, float]:
        """CO2e by source [t CO2e]."""
        from carbon.inventory.results import totals_by

        return totals_by(self, "source_id")

    @property
    def by_gas(self) -> dict[str, dict[str, float]]:
        """Mass [t] and CO2e [t CO2e] by gas."""
        from carbon.inventory.results import totals_by_gas

        return totals_by_gas(self)

    @property
    def factor_editions(self) -> dict[str, str]:
        """Dataset → edition of every factor used (what made these numbers)."""
        r = self.records[["factor_dataset", "factor_edition"]].drop_duplicates()
        return {str(a): str(b) for a, b in r.itertuples(index=False)}

    @cached_property
    def data_quality(self):
        """表六 data quality, see :func:`carbon.inventory.quality.data_quality`."""
        from carbon.inventory.quality import data_quality

        return data_quality(self.included, self.project.sources)

    @cached_property
    def uncertainty(self):
        """表七 uncertainty (Approach 1), see :func:`carbon.uncertainty.analytic`."""
        from carbon.uncertainty import analytic

        return analytic(self.counted)

    @cached_property
    def scope2(self) -> dict:
        """Scope 2 both ways and by the MOENV rule, see :func:`carbon.inventory.results.scope2`."""
        from carbon.inventory.results import scope2

        return scope2(self)

    def uncertainty_inputs(self) -> pd.DataFrame:
        """Where each counted record's uncertainty comes from, see :func:`carbon.inventory.results.uncertainty_inputs`."""
        from carbon.inventory.results import uncertainty_inputs

        return uncertainty_inputs(self)

    def exclusions(self) -> list[dict]:
        """Excluded sources with their justification, see :func:`carbon.inventory.results.exclusions`."""
        from carbon.inventory.results import exclusions

        return exclusions(self)

    def to_dict(self) -> dict:
        """The JSON of ``carbon inventory calc --json``, see :func:`carbon.inventory.results.to_dict`."""
        from carbon.inventory.results import to_dict

        return to_dict(self)

    def explain(self, source_id: str) -> str:
        """The working of one source, see :func:`carbon.inventory.results.explain`."""
        from carbon.inventory.results import explain

        return explain(self, source_id)
