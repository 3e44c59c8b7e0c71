"""The factor library seen from the workbook: GWPs, the official grid factor, combustion factors.

A workbook's factor that equals a library factor is recorded with the library's id (so
results name the dataset, edition and source); one that does not stays a custom factor
with a note.  Purchased electricity whose year 附表一 does not list takes the library's
grid factor of that year.

References
----------
.. [1] 溫室氣體排放量盤查登錄及查驗管理辦法 §4-2-1 (announced factors); docs/FACTS-taiwan.md §1.6.
"""

from __future__ import annotations

from functools import cache

from carbon.errors import FactorNotFoundError, FactorTableError, GWPError, UnitError
from carbon.formats.moenv.common import same
from carbon.units import is_convertible, multiplier, split_factor_unit

__all__ = [
    "announced_factor",
    "ch4_kind",
    "check_gwp",
    "grid_kg_per_kwh",
    "grid_match",
    "gwp",
    "library_match",
    "registry",
]


def registry():
    """Return the factor library, or None when its datasets are not built."""
    from carbon.factors import load_registry

    try:
        return load_registry()
    except (FileNotFoundError, FactorTableError):
        return None


def gwp(gas: str, gwp_set: str, kind: str | None = None) -> float | None:
    """Return the GWP of a gas in a set, or None when the set does not list it."""
    from carbon.gwp import gwp_value

    try:
        return gwp_value(gas, gwp_set, kind)
    except (GWPError, KeyError, ValueError):
        return None


def ch4_kind(value: float, gwp_set: str) -> str | None:
    """Return 'fossil' or 'non_fossil' when a CH4 GWP equals that kind's value in ``gwp_set``."""
    fossil, non = gwp("CH4", gwp_set, "fossil"), gwp("CH4", gwp_set, "non_fossil")
    if fossil is not None and same(value, fossil):
        return "fossil"
    if non is not None and same(value, non):
        return "non_fossil"
    return {30.0: "fossil", 28.0: "non_fossil"}.get(float(value))  # MOENV 附表四 when no table is built


def check_gwp(typed: float | None, gas: str, gwp_set: str, notes: list[str]) -> None:
    """Note a workbook GWP that differs from ``gwp_set`` (carbon uses the set's value)."""
    if typed is None:
        return
    lib = gwp(gas, gwp_set)
    if lib is not None and not same(typed, lib):
        notes.append(f"GWP of {gas} is {typed:g} in 表五, {gwp_set} gives {lib:g}; carbon uses {lib:g}.")


def _per_kwh(unit: str, value: float) -> float | None:
    try:
        m, _g, p = split_factor_unit(unit)
    except (UnitError, ValueError):
        return None
    if not (is_convertible(m, "kg") and is_convertible(p, "kWh")):
        return None
    return value * multiplier(m, "kg") / multiplier(p, "kWh")


def grid_kg_per_kwh(reg, fid: str) -> float | None:
    """Return the library grid factor ``fid`` in kg CO2/kWh, or None."""
    if reg is None or fid not in reg:
        return None
    try:
        gv = next(iter(reg.get(fid).gases.values()))
    except FactorNotFoundError:
        return None
    return _per_kwh(gv.unit, gv.value)


def grid_match(reg, year: int, typed_kg_kwh: float) -> bool | str | None:
    """True if ``typed_kg_kwh`` equals tw-grid/<year>; else an explanatory note (None: no library)."""
    if reg is None:
        return None
    fid = f"tw-grid/{year}"
    lib = grid_kg_per_kwh(reg, fid)
    if lib is None:
        return (
            f"no official grid factor {fid} in the library to compare {typed_kg_kwh:g} kg/kWh with; "
            "the workbook's value is used."
        )
    if same(typed_kg_kwh, lib):
        return True
    other = [i for i in reg.ids("tw-grid") if (v := grid_kg_per_kwh(reg, i)) is not None and same(v, typed_kg_kwh)]
    return (
        f"electricity factor {typed_kg_kwh:g} kg/kWh differs from the official {fid} = {lib:g} "
        "(the sample workbook's electricity list has known errors, FACTS §1.6); the workbook's value is used"
        + (f" (it equals {', '.join(other)})" if other else "")
        + "."
    )


@cache
def _combustion_index(reg) -> dict[str, list]:
    """{kind: [(factor id, {gas: kg/TJ}, moenv codes)]} of the moenv-2024 combustion factors."""
    tab = reg.table
    sel = tab[(tab["dataset"] == "moenv-2024") & tab["kind"].isin(["stationary_combustion", "mobile_combustion"])]
    per: dict[str, tuple[str, dict, set]] = {}
    for fid, kind, gas, value, unit, code in sel[
        ["factor_id", "kind", "gas", "value", "unit", "moenv_code"]
    ].itertuples(index=False):
        m, _g, p = split_factor_unit(str(unit))
        if not (is_convertible(m, "kg") and is_convertible(p, "TJ")):
            continue  # not a per-energy factor
        entry = per.setdefault(fid, (kind, {}, set()))
        entry[1][gas] = float(value) * multiplier(m, "kg") / multiplier(p, "TJ")
        if isinstance(code, str) and code:
            entry[2].add(code)
    out: dict[str, list] = {"stationary_combustion": [], "mobile_combustion": []}
    for fid, (kind, gases, codes) in per.items():
        out[kind].append((fid, gases, codes))
    return out


def library_match(reg, sub: str, mat_code: str | None, values: dict[str, float]) -> str | None:
    """Id of the moenv-2024 combustion factor whose per-TJ values equal ``values`` (same gases).

    Several fuels share the IPCC values (e.g. motor and other gasoline); the one whose MOENV
    code equals the source's 原燃物料代碼 wins, else a single match, else none.
    """
    if reg is None:
        return None
    kind = "stationary_combustion" if sub == "1.1" else "mobile_combustion"
    hits = [
        (fid, bool(mat_code) and mat_code in codes)
        for fid, gases, codes in _combustion_index(reg).get(kind, [])
        if set(gases) == set(values) and all(same(gases[g], v) for g, v in values.items())
    ]
    by_code = [h for h, c in hits if c]
    if len(by_code) == 1:
        return by_code[0]
    if len(hits) == 1:
        return hits[0][0]
    return None


def announced_factor(reg, sub: str, mat_code: str | None, gas: str) -> tuple[str, float] | None:
    """The moenv-2024 combustion factor of a material code and gas, when exactly one fuel has the code.

    Parameters
    ----------
    reg : FactorRegistry or None
        The library.
    sub : str
        ISO sub-category ('1.1' stationary, '1.2' mobile combustion).
    mat_code : str or None
        原燃物料代碼 (表三 H).
    gas : str
        'CO2', 'CH4' or 'N2O'.

    Returns
    -------
    tuple of (str, float) or None
        Factor id and value [kg gas/TJ], or None.
    """
    if reg is None or not mat_code or sub not in ("1.1", "1.2"):
        return None
    kind = "stationary_combustion" if sub == "1.1" else "mobile_combustion"
    hits = [(fid, gases) for fid, gases, codes in _combustion_index(reg).get(kind, []) if mat_code in codes]
    if len(hits) != 1 or gas not in hits[0][1]:
        return None
    return hits[0][0], hits[0][1][gas]
