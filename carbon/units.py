"""Units: the one pint registry, Taiwanese spellings, gases as dimensions, ROC years.

pint is used at the edges only: a unit string is parsed once, and a conversion
factor is computed once per distinct ``(from_unit, to_unit)`` pair and cached.
Columns of numbers are then converted with plain numpy multiplication
(:func:`convert`), never with a pint object per row.

Gases are dimensions of their own (as in openscm-units), so ``t CH4 + t CO2``
raises instead of silently adding; CO2-equivalent only comes from
:func:`carbon.gwp.to_co2e` with a named GWP set.

Examples
--------
>>> multiplier("千度", "kWh")
1000.0
>>> multiplier("公秉", "L")
1000.0
>>> parse_roc_year("民國113年")
2024
"""

from __future__ import annotations

import datetime as _dt
import re
import tokenize
from functools import lru_cache
from typing import cast

import numpy as np
import pint

from carbon.errors import DateError, GasMixError, UnitError, UnitMismatchError, did_you_mean

#: What pint's expression parser raises for text that is not a unit: its own errors, the
#: tokenizer's, and the assertions and type errors of its expression tree on malformed input.
_PARSE_ERRORS = (pint.errors.PintError, tokenize.TokenError, AssertionError, AttributeError, TypeError, ValueError, SyntaxError)

__all__ = [
    "GASES",
    "Q_",
    "canonical_unit",
    "convert",
    "is_convertible",
    "multiplier",
    "parse_date",
    "parse_roc_year",
    "parse_unit",
    "split_factor_unit",
    "ureg",
]

ureg: pint.UnitRegistry = pint.UnitRegistry(autoconvert_offset_to_baseunit=True)
Q_ = ureg.Quantity
pint.set_application_registry(ureg)

# --- gases: each its own dimension --------------------------------------------
#: Gas symbols that are pint units (each a dimension of its own).  Other gases
#: (HFC-134a, R-410A ...) are handled by name in the records table.
GASES = ("CO2", "CH4", "N2O", "SF6", "NF3", "HFC", "PFC", "CO2e", "CO2_bio")
_GAS_DIMS = {
    "CO2": "carbon_dioxide",
    "CH4": "methane",
    "N2O": "nitrous_oxide",
    "SF6": "sulfur_hexafluoride",
    "NF3": "nitrogen_trifluoride",
    "HFC": "hydrofluorocarbons",
    "PFC": "perfluorocarbons",
    "CO2e": "co2_equivalent",
    "CO2_bio": "biogenic_carbon_dioxide",
}
for _gas, _dim in _GAS_DIMS.items():
    ureg.define(f"{_gas} = [{_dim}]")

# --- counting units -------------------------------------------------------------
for _line in (
    "person = [person]",
    "person_hour = person * hour",
    # a person-day is a working day, not 24 person-hours: its own dimension, so
    # no silent 24 h conversion; calculators that need hours per day ask for them
    "person_day = [person_day]",
    "passenger = [passenger]",
    "passenger_km = passenger * kilometer = pkm",
    "ton_km = tonne * kilometer = tkm",
    "TEU = [container]",
    "TEU_km = TEU * kilometer",
    "item = [item]",
    "kL = kiloliter",
    # 坪: Taiwan's floor-area unit, defined as 400/121 m² (1 坪 = 6 台尺 × 6 台尺, 1 台尺 = 10/33 m)
    "ping = 400 / 121 * meter ** 2",
    "Nm3 = meter ** 3",
    "MMBtu = 1e6 * Btu",
    # Taiwan (MOENV) and IPCC use the International Table calorie: 1 kcal = 4.1868 kJ,
    # so 1 kcal = 4.1868e-9 TJ (6.0.4 table, sheet 1 col F).  pint's plain 'kcal' is
    # thermochemical (4.184 kJ); every 'kcal' a user writes is read as kcal_IT.
    "kcal_IT = 4186.8 * joule",
    "Mcal_IT = 1e3 * kcal_IT",
    "Gcal_IT = 1e6 * kcal_IT",
):
    ureg.define(_line)

#: Taiwanese and common spellings -> a pint expression.
ALIASES: dict[str, str] = {
    "度": "kWh",
    "千度": "MWh",
    "百萬度": "GWh",
    "萬度": "(10000 * kWh)",
    "公秉": "kL",
    "公升": "L",
    "升": "L",
    "立方公尺": "m**3",
    "立方米": "m**3",
    "千立方公尺": "(1000 * m**3)",
    "千立方米": "(1000 * m**3)",
    "千m3": "(1000 * m**3)",
    "千M3": "(1000 * m**3)",
    "公噸": "t",
    "噸": "t",
    "公斤": "kg",
    "千克": "kg",
    "公克": "g",
    "克": "g",
    "噸公里": "tkm",
    "延噸公里": "tkm",
    "人時": "person_hour",
    "人小時": "person_hour",
    "人天": "person_day",
    "人日": "person_day",
    "延人公里": "pkm",
    "人公里": "pkm",
    "人": "person",
    "小時": "hour",
    "天": "day",
    "日": "day",
    "年": "year",
    "公里": "km",
    "千卡": "kcal_IT",
    "大卡": "kcal_IT",
    "仟卡": "kcal_IT",
    "個": "item",
    "件": "item",
    "片": "item",
    "台": "item",
    "支": "item",
    "組": "item",
    "公尺": "m",
    "米": "m",
    "公分": "cm",
    "平方公尺": "m**2",
    "平方米": "m**2",
    "m2": "m**2",
    "坪": "ping",
    "人次": "person",
    "公噸(mt)": "t",
    "mt": "t",
    "包": "item",
    "瓶": "item",
    "盒": "item",
    "罐": "item",
    "顆": "item",
    "條": "item",
    "桶": "item",
    "卷": "item",
    "捲": "item",
    "箱": "item",
    "袋": "item",
    "雙": "item",
    "杯": "item",
    "張": "item",
    "盞": "item",
    "TEU-km": "TEU_km",
    "teu-km": "TEU_km",
    "tonne-km": "tkm",
    "t-km": "tkm",
    "t.km": "tkm",
    "ton-km": "tkm",
    "p-km": "pkm",
    "pkm": "pkm",
    "person-hour": "person_hour",
    "person-day": "person_day",
}

_T = "t"  # pint's 't' is the metric ton (tonne)


def _prepare(text: str) -> str:
    """Turn a user's unit spelling into a pint expression (aliases, ³, m3)."""
    s = str(text).strip()
    if s in ALIASES:
        return ALIASES[s]
    # "公斤(kg)", "公噸(mt)": a Chinese name with the English unit in brackets -> one unit
    m = re.fullmatch(r"([^()（）]+)[(（]([^()（）]+)[)）]", s)
    if m:
        inner, outer = m.group(2).strip(), m.group(1).strip()
        return ALIASES.get(inner, ALIASES.get(outer, inner if inner != "mt" else "t"))
    s = s.replace("³", "**3").replace("²", "**2").replace("·", "*").replace("．", ".")
    # replace Chinese spellings inside compound units, longest first
    for alias in sorted(ALIASES, key=len, reverse=True):
        if any("\u4e00" <= ch <= "\u9fff" for ch in alias) and alias in s:
            s = s.replace(alias, f" {ALIASES[alias]} ")
    s = re.sub(r"\b([mM])3\b", "m**3", s)
    s = re.sub(r"\bM(\*\*3)", r"m\1", s)
    s = re.sub(r"\b(?:kcal|Kcal|KCAL|KCal)\b", "kcal_IT", s)
    s = re.sub(r"\bMcal\b", "Mcal_IT", s)
    s = re.sub(r"\bGcal\b", "Gcal_IT", s)
    s = re.sub(r"\bKWh\b|\bKWH\b|\bkwh\b", "kWh", s)
    s = re.sub(r"\bMWH\b|\bmwh\b", "MWh", s)
    s = re.sub(r"\bKL\b|\bkl\b", "kL", s)
    s = re.sub(r"\btonnes?\b|\btons?\b", _T, s)
    return s.strip()


@lru_cache(maxsize=4096)
def parse_unit(text: str) -> pint.Unit:
    """Parse a unit string (English or Taiwanese spelling) into a pint unit.

    Parameters
    ----------
    text : str
        E.g. ``"kWh"``, ``"度"``, ``"千立方公尺"``, ``"kg CO2/TJ"``, ``"kcal/L"``.

    Returns
    -------
    pint.Unit

    Raises
    ------
    UnitError
        If the text is not a unit carbon knows; the message suggests close spellings.
    """
    if text is None or str(text).strip() == "":
        msg = "An empty unit was given. Write the unit of the amount, e.g. 'kWh', '度', 'L', '公秉'."
        raise UnitError(msg)
    expr = _prepare(str(text))
    try:
        q = ureg.parse_expression(expr)
    except _PARSE_ERRORS as err:
        hint = did_you_mean(str(text), list(ALIASES) + ["kWh", "MWh", "L", "kL", "m3", "kg", "t", "TJ", "GJ"])
        msg = f"Unknown unit '{text}'. {hint} Units carbon reads are listed in carbon.units.ALIASES and pint's registry."
        raise UnitError(msg) from err
    if isinstance(q, (int, float)):
        if q == 1:
            return ureg.dimensionless
        msg = f"'{text}' is a number, not a unit."
        raise UnitError(msg)
    if q.magnitude != 1:
        # e.g. "千立方公尺" -> 1000 m**3: keep as a scaled unit via a definition
        name = "u_" + re.sub(r"\W", "_", str(text).encode("unicode_escape").decode("ascii"))
        if name not in ureg:
            ureg.define(f"{name} = {q.magnitude!r} * {q.units}")
        return ureg.Unit(name)
    return cast(pint.Unit, q.units)  # pint annotates Quantity.units as PlainUnit; the registry's units are pint.Unit


def canonical_unit(text: str) -> str:
    """Return a stable, readable spelling of a unit, e.g. ``'度'`` -> ``'kilowatt_hour'``."""
    return str(parse_unit(text))


@lru_cache(maxsize=8192)
def multiplier(from_unit: str, to_unit: str) -> float:
    """Return the number that converts an amount in ``from_unit`` to ``to_unit``.

    Computed once per pair with pint and cached; use it on whole columns.

    Raises
    ------
    UnitMismatchError
        If the dimensions differ (e.g. m³ to TJ: give a heat value instead).
    """
    src = parse_unit(from_unit)
    dst = parse_unit(to_unit)
    try:
        return float(Q_(1.0, src).to(dst).magnitude)
    except pint.DimensionalityError as err:
        gas_dims = {f"[{d}]" for d in _GAS_DIMS.values()}
        sd, dd = str(src.dimensionality), str(dst.dimensionality)
        if any(g in sd for g in gas_dims) or any(g in dd for g in gas_dims):
            msg = (
                f"'{from_unit}' cannot become '{to_unit}': they are different gases. "
                "Convert each gas to CO2e with carbon.gwp.to_co2e and a named GWP set first."
            )
            raise GasMixError(msg) from err
        msg = (
            f"'{from_unit}' ({sd}) cannot be converted to '{to_unit}' ({dd}). "
            "Use an amount in a unit of the same kind, or a factor per the unit you have."
        )
        raise UnitMismatchError(msg) from err


def is_convertible(from_unit: str, to_unit: str) -> bool:
    """Return True if ``from_unit`` converts to ``to_unit``."""
    try:
        multiplier(from_unit, to_unit)
    except (UnitError, UnitMismatchError):
        return False
    return True


def convert(values: np.ndarray, units: np.ndarray | list[str] | str, to_unit: str) -> np.ndarray:
    """Convert a column of amounts, each with its own unit, to ``to_unit``.

    One pint conversion per *distinct* unit; the rest is numpy.

    >>> convert(np.array([1.0, 2.0]), np.array(["度", "千度"]), "kWh").tolist()
    [1.0, 2000.0]
    """
    vals = np.asarray(values, dtype=float)
    if isinstance(units, str):
        return vals * multiplier(units, to_unit)
    u = np.asarray(units, dtype=object)
    uniq, inverse = np.unique(u.astype(str), return_inverse=True)
    mult = np.array([multiplier(x, to_unit) for x in uniq], dtype=float)
    return vals * mult[inverse]


_FACTOR_UNIT = re.compile(r"^\s*(?P<mass>[A-Za-z公噸斤克]+)\s+(?P<gas>[A-Za-z0-9_\-\.]+)\s*/\s*(?P<per>.+?)\s*$")


@lru_cache(maxsize=4096)
def split_factor_unit(unit: str) -> tuple[str, str, str]:
    """Split an emission-factor unit into ``(mass unit, gas, per unit)``.

    >>> split_factor_unit("kg CO2/TJ")
    ('kg', 'CO2', 'TJ')
    >>> split_factor_unit("kg CO2e / 度")
    ('kg', 'CO2e', '度')

    Raises
    ------
    UnitError
        If the unit is not of the form ``<mass> <gas>/<activity unit>``.
    """
    m = _FACTOR_UNIT.match(str(unit))
    if not m:
        msg = (
            f"Emission-factor unit '{unit}' is not of the form '<mass> <gas>/<activity unit>'; "
            "write e.g. 'kg CO2/TJ', 't CH4/person_hour' or 'kg CO2e/kWh'."
        )
        raise UnitError(msg)
    mass, gas, per = m.group("mass"), m.group("gas"), m.group("per")
    try:
        multiplier(mass, "t")
    except (UnitError, UnitMismatchError) as err:
        msg = f"Emission-factor unit '{unit}': '{mass}' is not a mass unit; write e.g. 'kg' or 't'."
        raise UnitError(msg) from err
    parse_unit(per)
    return mass, gas, per


# --- ROC (民國) years and dates ---------------------------------------------------
_ROC_OFFSET = 1911
_YEAR_RE = re.compile(r"^\s*(?:民國|中華民國|ROC\s*)?\s*(\d{1,4})\s*(?:年(?:度)?)?\s*$", re.IGNORECASE)
_DATE_RE = re.compile(
    r"^\s*(?:民國|中華民國|ROC\s*)?\s*(\d{1,4})\s*[年/\-.]\s*(\d{1,2})\s*[月/\-.]\s*(\d{1,2})\s*日?\s*$",
    re.IGNORECASE,
)


def _year(y: int, text: object) -> int:
    if y < 1000:  # ROC year (1..999): 113 -> 2024
        y += _ROC_OFFSET
    if not 1900 <= y <= 2200:
        msg = f"'{text}' is not a plausible year. Write a Gregorian year (2024) or an ROC year (民國113年, 113年)."
        raise DateError(msg)
    return y


def parse_roc_year(value: object) -> int:
    """Read a year written as Gregorian (2024) or ROC (民國113年, 113年, 113).

    >>> parse_roc_year("113年")
    2024
    >>> parse_roc_year(2023)
    2023
    """
    if isinstance(value, bool):
        msg = f"'{value}' is not a year."
        raise DateError(msg)
    if isinstance(value, (int, np.integer)):
        return _year(int(value), value)
    if isinstance(value, float) and value.is_integer():
        return _year(int(value), value)
    m = _YEAR_RE.match(str(value))
    if not m:
        msg = f"'{value}' is not a year. Write e.g. 2024, 民國113年 or 113年."
        raise DateError(msg)
    return _year(int(m.group(1)), value)


def parse_date(value: object) -> _dt.date:
    """Read a date, Gregorian or ROC (民國113年1月31日, 113/01/31, 2024-01-31).

    >>> parse_date("113/01/31")
    datetime.date(2024, 1, 31)
    """
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    if hasattr(value, "to_pydatetime"):
        return value.to_pydatetime().date()
    m = _DATE_RE.match(str(value))
    if not m:
        msg = f"'{value}' is not a date. Write e.g. 2024-01-31, 113/01/31 or 民國113年1月31日."
        raise DateError(msg)
    y = _year(int(m.group(1)), value)
    try:
        return _dt.date(y, int(m.group(2)), int(m.group(3)))
    except ValueError as err:
        msg = f"'{value}' is not a valid calendar date."
        raise DateError(msg) from err
