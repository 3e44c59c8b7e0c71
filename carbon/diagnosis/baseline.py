"""The baseline a diagnosis works on: each counted source's energy and its own CO2e per unit of energy.

Measures never use a factor of their own for what they save: the t CO2e avoided per kWh of
electricity or per GJ of fuel is the inventory's, taken from the factor rows of the source the
measure acts on (Σ over gases of co2e_t ÷ energy, with the inventory's GWP set). A fuel switch
computes the new fuel's factor with the inventory engine itself (same GWP set, same library).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, cast

import numpy as np
import pandas as pd

from carbon.errors import InputError, Problem
from carbon.units import Q_, is_convertible, multiplier, parse_unit

__all__ = ["Baseline", "SourceEnergy", "baseline_from_inventory", "fuel_factor_per_gj"]


@dataclass(frozen=True)
class SourceEnergy:
    """One counted source as a diagnosis sees it.

    Attributes
    ----------
    kind : {"electricity", "fuel", "other"}
    energy : float or None
        Annual energy in ``energy_unit`` (kWh for electricity, GJ for fuels with a heat value). [kWh or GJ]
    co2e_t : float
        The source's counted emissions. [t CO2e]
    co2e_per_energy : float or None
        co2e_t ÷ energy. [t CO2e/kWh or t CO2e/GJ]
    factors : list of dict
        The factor rows (gas, factor id, dataset, edition, value, unit, GWP, t CO2e).
    """

    source_id: str
    name: str
    iso_subcategory: str
    kind: str
    energy: float | None
    energy_unit: str | None
    activity_amount: float
    activity_unit: str
    co2e_t: float
    co2e_per_energy: float | None
    heat_value: float | None
    heat_value_unit: str | None
    facility: str | None
    factors: list[dict] = field(default_factory=list)

    def energy_per_unit(self, unit: str) -> float:
        """Energy of one ``unit`` of this source's carrier (e.g. one L of diesel) [energy_unit per unit]."""
        if self.kind == "electricity":
            return multiplier(unit, "kWh")
        if self.energy_unit == "GJ" and self.heat_value is not None:
            return float((Q_(1.0, parse_unit(unit)) * Q_(self.heat_value, parse_unit(self.heat_value_unit))).to("GJ").magnitude)
        if self.energy_unit == "GJ":
            return multiplier(unit, "GJ")
        return multiplier(unit, self.activity_unit)

    def factor_text(self) -> str:
        """The factor rows in one line: ids, editions, GWP."""
        return "; ".join(f"{f['gas']} {f['factor_id']} ({f['factor_dataset']} {f['factor_edition']}) × GWP {f['gwp']:g}" for f in self.factors)


@dataclass(frozen=True)
class Baseline:
    """Every counted source of an inventory with its energy and own factor."""

    sources: dict[str, SourceEnergy]
    gwp_set: str
    total_tco2e: float
    reporting_year: int | None
    registry: object = field(repr=False, default=None)

    def get(self, source_id: str) -> SourceEnergy:
        """One source; an InputError names the known ids."""
        if source_id not in self.sources:
            from carbon.errors import did_you_mean

            msg = f"no counted source '{source_id}' in the inventory. {did_you_mean(source_id, self.sources)}"
            raise InputError([Problem(msg, column="source_id", hint="Name the inventory source the measure acts on (e.g. the electricity or fuel source).")])
        return self.sources[source_id]


def _energy(kind: str, amount: float, unit: str, hv: float | None, hv_unit: str | None) -> tuple[float | None, str | None]:
    if kind == "electricity":
        return amount * multiplier(unit, "kWh"), "kWh"
    if hv is not None and hv_unit:
        return float((Q_(amount, parse_unit(unit)) * Q_(hv, parse_unit(hv_unit))).to("GJ").magnitude), "GJ"
    if is_convertible(unit, "GJ"):
        return amount * multiplier(unit, "GJ"), "GJ"
    return None, None  # a fuel in mass or volume without a heat value: energy measures ask for one


def baseline_from_inventory(result) -> Baseline:
    """Build the baseline from an inventory result's counted records.

    Parameters
    ----------
    result : carbon.inventory.InventoryResult

    Returns
    -------
    Baseline
        One :class:`SourceEnergy` per counted source: electricity (category 2.1) in kWh after
        certificates; fuels in GJ = activity × allocation × heat value; other sources without energy.
    """
    r = result.counted
    out: dict[str, SourceEnergy] = {}
    for sid, g in r.groupby("source_id", observed=True, sort=False):
        first = g.iloc[0]
        sub = str(first["iso_subcategory"])
        elec = sub == "2.1" or str(first["emission_type"]) == "imported electricity"
        amount = float(first["activity_amount"]) * (1.0 if pd.isna(first["allocation"]) else float(first["allocation"]))
        unit = str(first["activity_unit"])
        hv = None if pd.isna(first["heat_value"]) else float(first["heat_value"])
        hv_unit = None if pd.isna(first["heat_value_unit"]) else str(first["heat_value_unit"])
        combustion = str(first["emission_type"]) in ("stationary combustion", "mobile combustion")
        kind = "electricity" if elec else ("fuel" if combustion or hv is not None else "other")
        energy, eunit = _energy(kind, amount, unit, hv, hv_unit) if kind != "other" else (None, None)
        co2e = float(g["co2e_t"].sum())
        factors = [
            {
                "gas": str(x.gas),
                "factor_id": str(x.factor_id),
                "factor_dataset": str(x.factor_dataset),
                "factor_edition": str(x.factor_edition),
                "factor_value": float(x.factor_value),
                "factor_unit": str(x.factor_unit),
                "gwp": float(x.gwp),
                "co2e_t": float(x.co2e_t),
            }
            for x in g.itertuples()
        ]
        out[str(sid)] = SourceEnergy(
            source_id=str(sid),
            name="" if pd.isna(first["source_name"]) else str(first["source_name"]),
            iso_subcategory=sub,
            kind=kind,
            energy=energy,
            energy_unit=eunit,
            activity_amount=amount,
            activity_unit=unit,
            co2e_t=co2e,
            co2e_per_energy=(co2e / energy) if energy else None,
            heat_value=hv,
            heat_value_unit=hv_unit,
            facility=None if pd.isna(first["facility"]) else str(first["facility"]),
            factors=factors,
        )
    return Baseline(
        sources=out,
        gwp_set=result.gwp_set,
        total_tco2e=float(np.sum(r["co2e_t"])),
        reporting_year=result.project.organisation.reporting_year,
        registry=result.registry,
    )


@lru_cache(maxsize=64)
def fuel_factor_per_gj(factor_id: str, gwp_set: str, registry=None) -> tuple[float, list[dict]]:
    """CO2e per GJ of a fuel, computed by the inventory engine (same GWP set and library).

    A one-source inventory of 1 GJ of the fuel is calculated with :func:`carbon.inventory.calculate`,
    so the CH4 fossil/non-fossil rule and the GWP set are exactly the inventory's.

    Returns
    -------
    (float, list of dict)
        t CO2e per GJ [t CO2e/GJ] and the factor rows used (cached per fuel, GWP set and library;
        treat the rows as read-only).
    """
    from carbon.inventory import InventoryProject, Organisation, calculate

    src = pd.DataFrame([{"source_id": "NEW", "name": factor_id, "iso_category": "1.1", "method": "fuel", "activity_amount": 1.0, "activity_unit": "GJ", "factor_id": factor_id}])
    proj = InventoryProject(organisation=Organisation(name="fuel switch"), sources=src, gwp_set=gwp_set)
    res = calculate(proj, registry=registry)
    rec = res.counted
    rows = [
        {"gas": str(x.gas), "factor_id": str(x.factor_id), "factor_dataset": str(x.factor_dataset), "factor_edition": str(x.factor_edition),
         "factor_value": float(x.factor_value), "factor_unit": str(x.factor_unit), "gwp": float(x.gwp), "co2e_t": float(x.co2e_t)}
        for x in cast("Iterator[Any]", rec.itertuples())  # pandas-stubs type the fields as any scalar
    ]  # fmt: skip
    return float(rec["co2e_t"].sum()), rows
