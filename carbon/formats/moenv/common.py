"""Helpers shared by the reader's modules: problem collection, number and unit-text parsing."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from carbon.errors import Problem
from carbon.formats.moenv.cells import Sheet
from carbon.units import is_convertible, multiplier

__all__ = ["Context", "fgas_name", "mass_of", "per_unit_from_energy", "same", "to_float", "unit_of"]


@dataclass
class Context:
    """Where problems found while reading one file are collected (all reported together)."""

    file: str
    problems: list[Problem] = field(default_factory=list)

    def problem(self, sheet: str, row: int | None, col: str | None, header: str | None, msg: str, hint: str = ""):
        """Record a problem at a cell."""
        column = f"{col} ({header})" if col and header else col
        self.problems.append(Problem(msg, file=self.file, sheet=sheet, row=row, column=column, hint=hint or None))

    def number(
        self, sh: Sheet, row: int, col: str, header: str, *, required: bool = False, nonneg: bool = True
    ) -> float | None:
        """Read a number cell; record a problem when it is not a (non-negative) number."""
        v = sh.raw(row, col)
        if v is None:
            if required:
                self.problem(sh.name, row, col, header, "is empty.", "Enter a number.")
            return None
        x = to_float(v)
        if x is None or not math.isfinite(x):
            self.problem(sh.name, row, col, header, f"'{v}' is not a number.", "Enter a number.")
            return None
        if nonneg and x < 0:
            self.problem(sh.name, row, col, header, f"is negative ({x:g}).", "Enter an amount ≥ 0.")
            return None
        return x


def to_float(v) -> float | None:
    """Return a cell as a float (text with thousands separators accepted), else None."""
    if v is None or isinstance(v, bool):
        return None
    if isinstance(v, (int, float)):
        return float(v)
    if isinstance(v, str):
        try:
            return float(v.replace(",", ""))
        except ValueError:
            return None
    return None


def same(a: float, b: float, rel: float = 1e-9) -> bool:
    """Whether two numbers agree to a relative tolerance."""
    return abs(a - b) <= rel * max(abs(a), abs(b), 1e-300)


def unit_of(text: str | None) -> str | None:
    """Return the per-unit of a 表五 unit text ('公噸/公秉' -> '公秉')."""
    if not text or "/" not in text:
        return None
    return text.split("/", 1)[1].strip() or None


def mass_of(text: str | None) -> str:
    """Return the mass unit of a 表五 unit text ('公噸/公秉' -> 't')."""
    if not text or "/" not in text:
        return "t"
    m = text.split("/", 1)[0].strip()
    return {"公噸": "t", "公斤": "kg", "噸": "t"}.get(m, m)


def fgas_name(material_name: str | None, flag_gas: str) -> str:
    """Gas name of a fluorinated-gas row: 'HFC-23/R-23三氟甲烷，CHF3' -> 'HFC-23'."""
    if flag_gas in ("SF6", "NF3"):
        return flag_gas
    if material_name:
        m = re.match(
            r"\s*((?:HFC|PFC|HCFC|CFC|HFO)-[0-9A-Za-z]+|R-?[0-9]{2,3}[A-Za-z]?|C[0-9]F[0-9]+|c-C4F8)", material_name
        )
        if m:
            return m.group(1)
    return flag_gas


def per_unit_from_energy(ef_kg_per_tj: float, lhv: float, lhv_unit: str, activity_unit: str) -> float | None:
    """Return t gas per activity unit = kg/TJ × LHV [energy/unit] (表五 T with units checked)."""
    num, _, den = lhv_unit.partition("/")
    if not (is_convertible(num.strip(), "TJ") and is_convertible(activity_unit, den.strip())):
        return None
    return ef_kg_per_tj / 1000.0 * lhv * multiplier(num.strip(), "TJ") * multiplier(activity_unit, den.strip())
