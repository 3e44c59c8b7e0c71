"""From a Taiwanese GHG inventory to a CBAM installation, and Taiwan's carbon fee as carbon price.

A Taiwanese manufacturer already keeps an ISO 14064-1 / MOENV inventory (溫室氣體盤查) with
its fuel, process and electricity data.  :func:`build_installation` turns the *same* data
into the installation part of a CBAM calculation (:class:`carbon.cbam.CbamInput`) so that the
two never disagree:

* **Source streams** (IR 2025/2547 Annex II B.3) from the inventory's stationary combustion
  (category 1.1) and process (1.3) sources: the activity, the heat value (→ NCV in GJ/t or
  GJ/1000 Nm3) and the emission factor (→ t CO2/TJ, t CO2/t or t CO2/1000 Nm3) are the
  numbers of the inventory's emission record, converted with :mod:`carbon.units`; the
  CO2 of each stream equals the inventory's CO2 record of that source (mass-balance sources
  differ only by f = 3.664 of Annex II B.3.1 against the inventory's 44/12).
* **Excluded** with a reason: mobile combustion (1.2; "emissions from mobile machinery for
  transportation purposes shall be excluded", IR 2025/2547 Annex II B.1(c)); CH4 and N2O of
  combustion, refrigerants, septic tanks (not a greenhouse gas of Annex I of Regulation
  (EU) 2023/956 for these goods, nor a source stream); categories 3–6 (outside the
  installation).
* **Electricity** consumed (category 2.1, MWh) with the emission factor chosen by the rule
  of IR 2025/2547 Annex II D.4 — see :func:`build_installation` ``electricity_factor``.
* **Attribution** of every converted source to production processes with a user mapping
  ``source_id -> process`` or ``source_id -> {process: share}`` (Annex III A.3); a source
  left out is an error naming it.

:func:`carbon_price_from_fee` shows how the Taiwan carbon fee (碳費) enters as the carbon
price effectively paid (Regulation (EU) 2023/956 Art 9 as replaced by Regulation (EU)
2025/2083) in :func:`carbon.cbam.cost.good_cost`.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any, cast

import pandas as pd

from carbon.errors import CalculationError, InputError, Problem, UnitError, UnitMismatchError, did_you_mean
from carbon.units import is_convertible, multiplier, split_factor_unit

from .cost import CarbonPricePaid, taiwan_carbon_fee
from .engine import source_stream_emissions
from .goods import LEGAL_DIR, indirect_counts
from .model import (
    EF_SOURCE_CODES,
    CbamInput,
    Electricity,
    Good,
    Installation,
    Precursor,
    ProductionProcess,
    SourceStream,
)

__all__ = [
    "ELECTRICITY_RULE",
    "GridFactor",
    "InventoryInstallation",
    "build_installation",
    "carbon_price_from_fee",
    "fee_covered_t_per_t",
    "grid_default_ef",
    "installation_from_inventory",
    "taiwan_carbon_fee",
]

IR2621_FILE = "ir-2025-2621-default-values.txt"

#: The rule for the electricity emission factor of goods (IR 2025/2547 Annex II D.4; R 2023/956
#: Art 7(4), Annex IV points 4.3 and 6), as applied by :func:`build_installation`.
ELECTRICITY_RULE = (
    "IR 2025/2547 Annex II D.4: the emission factor of electricity used to produce goods is the average emission "
    "factor of the country-of-origin grid made available under Annex IV of R 2023/956 (IR 2025/2621 Annex II; "
    "template code D.4(a)); a lower alternative default only once the Commission has established it from data "
    "submitted by the third country (D.4.4); actual factors only with a direct technical link or a power purchase "
    "agreement and hourly smart-meter evidence (R 2023/956 Art 7(4), Annex IV point 6; IR 2025/2547 Art 8, "
    "D.4.1-D.4.3). The national grid factor of the inventory (tw-grid/<year>, 經濟部能源署 電力排碳係數) is none "
    "of these, and renewable-energy certificates (T-REC, 電證合一) are not a route unless the contract is a PPA "
    "with that evidence."
)

_ACTUAL_EF_SOURCES = ("D.4.1", "D.4.2", "D.4.3.1", "D.4.3.2", "Mix")
_GAS_VOLUME = re.compile(r"m3|m³|立方公尺|Nm3", re.IGNORECASE)


# --------------------------------------------------------------------------------------
# Grid default emission factors (IR 2025/2621 Annex II)
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class GridFactor:
    """Country grid default emission factor for indirect emissions.

    Attributes
    ----------
    value : float
        Emission factor [t CO2e/MWh].
    country : str
        Country or territory as printed in IR 2025/2621 Annex II.
    source : str
        File and line of the value.
    fallback : str
        Why "Other countries and territories" was used ("" if not).
    """

    value: float
    country: str
    source: str
    fallback: str = ""


def _norm_name(s: str) -> str:
    return re.sub(r"[^a-z]", "", s.lower())


def _word_key(s: str) -> str:
    """Order-free key: 'Congo, Democratic Republic of' == 'Democratic Republic of the Congo'."""
    words = re.findall(r"[a-z]+", s.lower())
    return " ".join(sorted(w for w in words if w not in ("of", "the", "and")))


@functools.cache
def _annex_ii_grid(directory: str | None = None) -> dict[str, tuple[str, float, str]]:
    """Normalised country name -> (printed name, EF [t CO2e/MWh], 'file:line') of IR 2025/2621 Annex II."""
    path = Path(directory or LEGAL_DIR) / IR2621_FILE
    lines = [s.rstrip("\r") for s in path.read_text(encoding="utf-8").split("\n")]  # grep line numbers
    try:
        start = next(i for i, s in enumerate(lines) if s.strip() == "ANNEX II")
        end = next(i for i, s in enumerate(lines) if s.strip() == "ANNEX III" and i > start)
    except StopIteration:
        msg = (
            f"{path}: 'ANNEX II' / 'ANNEX III' headings not found; restore the legal text (factors/sources/SOURCES.md)."
        )
        raise CalculationError(msg) from None
    rx = re.compile(r"^(\D+?) (\d+(?:,\d+)?)\s*$")
    out: dict[str, tuple[str, float, str]] = {}
    for i in range(start, end):
        m = rx.match(lines[i].strip())
        if not m or m.group(1).startswith(("ELI", "OJ L", "EN OJ")):
            continue
        name = m.group(1).strip()
        hit = (name, float(m.group(2).replace(",", ".")), f"{IR2621_FILE}:{i + 1}")
        out[_norm_name(name)] = hit
        out.setdefault(_word_key(name), hit)
        # 'Korea, Republic of (South Korea)' is also 'South Korea' and 'Korea'
        for alias in (*re.findall(r"\(([^)]*)\)", name), name.split(",")[0]):
            out.setdefault(_norm_name(alias), hit)
    if _norm_name("Other countries and territories") not in out or len(out) < 50:
        msg = f"{path}: the table of IR 2025/2621 Annex II could not be read ({len(out)} rows)."
        raise CalculationError(msg)
    return out


def grid_default_ef(country: str = "TW") -> GridFactor:
    """Default emission factor of a country's electricity grid for CBAM indirect emissions.

    Parameters
    ----------
    country : str
        ISO 3166-1 alpha-2 code (``"TW"``) or the country name as printed in the annex.

    Returns
    -------
    GridFactor
        Value [t CO2e/MWh] with the line of the legal text it was read from.  A country
        with no row of its own gets "Other countries and territories" (noted in
        ``fallback``).

    References
    ----------
    .. [1] Implementing Regulation (EU) 2025/2621, Annex II (IEA data, 5-year average).
    .. [2] Implementing Regulation (EU) 2025/2547, Annex II D.4.
    """
    table = _annex_ii_grid()
    c = (country or "").strip()
    names = [c]
    if len(c) == 2 and c.isalpha():
        from .defaults import country_name  # ISO code -> country name of IR 2025/2621 Annex I

        name = country_name(c)
        if name:
            names.append(name)
    for n in names:
        hit = table.get(_norm_name(n)) or table.get(_word_key(n))
        if not hit and len(_norm_name(n)) >= 4:  # 'Russia' -> 'Russian Federation'
            pre = {v for k, v in table.items() if k.startswith(_norm_name(n))}
            hit = pre.pop() if len(pre) == 1 else None
        if hit:
            return GridFactor(value=hit[1], country=hit[0], source=f"IR 2025/2621 Annex II, {hit[2]}")
    if len(c) == 2 and c.isalpha():
        other = table[_norm_name("Other countries and territories")]
        close = did_you_mean(names[-1], sorted({v[0] for v in table.values()}))
        return GridFactor(
            value=other[1],
            country=other[0],
            source=f"IR 2025/2621 Annex II, {other[2]}",
            fallback=f"{c.upper()} has no row of its own in IR 2025/2621 Annex II; 'Other countries and territories' used"
            + (f" ({close} If so, pass that name as the country.)" if close else ""),
        )
    hint = did_you_mean(c, sorted({v[0] for v in table.values()}))
    msg = f"Country {country!r} is neither an ISO 3166 alpha-2 code nor a country of IR 2025/2621 Annex II. {hint}"
    raise CalculationError(msg.strip())


# --------------------------------------------------------------------------------------
# Inventory -> installation
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class InventoryInstallation:
    """A CBAM installation built from an inventory, with the working shown.

    Attributes
    ----------
    cbam_input : CbamInput
        Ready for :func:`carbon.cbam.calculate` and :func:`carbon.formats.cbam_template.write_template`.
    streams : pandas.DataFrame
        One row per source stream: ``source_id``, ``stream`` (name in the CBAM input),
        ``method``, ``activity``, ``activity_unit``, ``ncv`` [GJ/t or GJ/1000Nm3],
        ``emission_factor``, ``ef_unit``, ``inventory_co2_t`` (the inventory's CO2 record)
        and ``cbam_co2_t`` (Annex II Eq. 5-12 on the converted numbers) [t CO2].
    electricity : pandas.DataFrame
        One row per category-2.1 source: ``source_id``, ``mwh`` (consumed, incl. electricity
        covered by certificates), ``certificate_mwh``, ``inventory_ef``, ``cbam_ef``
        [t CO2e/MWh], ``ef_source``, ``inventory_co2e_t``, ``cbam_co2e_t``.
    excluded : pandas.DataFrame
        Inventory records left out: ``source_id``, ``source_name``, ``iso_subcategory``,
        ``gas``, ``co2e_t``, ``reason``.
    notes : tuple of str
        Decisions taken (electricity rule, units, boundaries).
    """

    cbam_input: CbamInput
    streams: pd.DataFrame
    electricity: pd.DataFrame
    excluded: pd.DataFrame
    notes: tuple[str, ...] = field(default_factory=tuple)


def _unit_kind(unit: str, heat_unit: str | None = None) -> str:
    """'mass', 'energy', 'gas' (volume in m3) or 'liquid' (volume in L/kL) of an activity unit."""
    if is_convertible(unit, "t"):
        return "mass"
    if is_convertible(unit, "TJ"):
        return "energy"
    if is_convertible(unit, "m3"):
        if _GAS_VOLUME.search(unit) or (heat_unit and _GAS_VOLUME.search(heat_unit)):
            return "gas"
        return "liquid"
    return "other"


def _is_energy(unit: str) -> bool:
    return is_convertible(unit, "TJ")


def _stream_numbers(
    sid: str,
    amount: float,
    unit: str,
    heat: float | None,
    heat_unit: str | None,
    fvalue: float,
    funit: str,
    density: float | None,
) -> tuple[float, str, float | None, float, str, str]:
    """Activity, unit, NCV, EF and EF unit of a CBAM source stream from an inventory record.

    Returns ``(activity, activity_unit, ncv, ef, ef_unit, note)``; raises CalculationError when
    the record cannot be expressed in the units of Annex II B.3 (t, 1000 Nm3 or TJ).
    """
    mass_u, _gas, per = split_factor_unit(funit)
    ef_t = fvalue * multiplier(mass_u, "t")  # t CO2 per `per`
    kind = _unit_kind(unit, heat_unit)
    note = ""
    if _is_energy(per):
        ef = ef_t / multiplier(per, "TJ")  # t CO2/TJ
        if kind == "energy":
            return amount * multiplier(unit, "TJ"), "TJ", None, ef, "tCO2/TJ", ""
        if heat is None or heat_unit is None:
            msg = f"source {sid}: the factor is per energy ({funit}) but the record has no heat value."
            raise CalculationError(msg)
        if kind == "mass":
            return amount * multiplier(unit, "t"), "t", heat * multiplier(heat_unit, "GJ/t"), ef, "tCO2/TJ", ""
        if kind == "gas":
            act = amount * multiplier(unit, "m3") / 1000.0
            ncv = heat * multiplier(heat_unit, "GJ/m3") * 1000.0
            note = f"{sid}: {unit} taken as normal cubic metres (1000Nm3), heat value {heat:g} {heat_unit}"
            return act, "1000Nm3", ncv, ef, "tCO2/TJ", note
        if kind == "liquid":
            kl = amount * multiplier(unit, "kL")
            if density is not None:
                return kl * density, "t", heat * multiplier(heat_unit, "GJ/kL") / density, ef, "tCO2/TJ", ""
            tj = kl * heat * multiplier(heat_unit, "TJ/kL")
            note = (
                f"{sid}: liquid fuel metered by volume ({unit}) and no density given: activity entered as energy "
                f"{tj:.6g} TJ (Eq. 6). The Communication template needs tonnes: pass densities={{'{sid}': t/kL}} "
                "from the supplier's certificate of analysis (the emissions do not change)."
            )
            return tj, "TJ", None, ef, "tCO2/TJ", note
    else:
        per_kind = _unit_kind(per)
        if per_kind == "mass" and kind == "mass":
            return amount * multiplier(unit, "t"), "t", None, ef_t / multiplier(per, "t"), "tCO2/t", ""
        if per_kind in ("gas", "liquid") and kind == "gas":
            act = amount * multiplier(unit, "m3") / 1000.0
            return act, "1000Nm3", None, ef_t / multiplier(per, "m3") * 1000.0, "tCO2/1000Nm3", ""
        if kind == "liquid" and density is not None and per_kind in ("liquid", "gas", "mass"):
            t = amount * multiplier(unit, "kL") * density
            ef = ef_t / multiplier(per, "t") if per_kind == "mass" else ef_t / multiplier(per, "kL") / density
            return t, "t", None, ef, "tCO2/t", ""
    msg = (
        f"source {sid}: activity in '{unit}' with a factor in '{funit}' cannot be written as a CBAM source stream "
        "(activity in t, 1000Nm3 or TJ with an EF in tCO2/TJ, tCO2/t or tCO2/1000Nm3, IR 2025/2547 Annex II B.3)."
    )
    hint = f" Give densities={{'{sid}': t/kL}} for a liquid metered by volume." if kind == "liquid" else ""
    raise CalculationError(msg + hint)


def _shares(sid: str, spec: Any, proc_names: Sequence[str], problems: list[Problem]) -> dict[str, float]:
    if isinstance(spec, str):
        spec = {spec: 1.0}
    if not isinstance(spec, Mapping):
        problems.append(Problem(f"attribution of {sid}: expected a process name or {{process: share}}, found {spec!r}"))
        return {}
    out: dict[str, float] = {}
    for name, share in spec.items():
        if name not in proc_names:
            problems.append(
                Problem(
                    f"attribution of {sid}: unknown production process '{name}'",
                    hint=did_you_mean(str(name), proc_names) or f"Processes: {', '.join(proc_names)}.",
                )
            )
            continue
        s = float(share)
        if not 0 <= s <= 1:
            problems.append(Problem(f"attribution of {sid} to '{name}': share {share!r} outside 0-1"))
            continue
        out[str(name)] = s
    if sum(out.values()) > 1 + 1e-9:
        problems.append(
            Problem(
                f"attribution of {sid}: shares add up to {sum(out.values()):.6g} > 1",
                hint="The shares of one source over all processes must not exceed 1 (IR 2025/2547 Annex III A.3).",
            )
        )
    return out


def _text(v: Any) -> str | None:
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA:
        return None
    s = str(v).strip()
    return s or None


def _num(v: Any) -> float | None:
    try:
        x = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(x) else x


def build_installation(
    result: Any,
    *,
    processes: Sequence[ProductionProcess],
    attribution: Mapping[str, str | Mapping[str, float]],
    goods: Sequence[Good],
    precursors: Sequence[Precursor] = (),
    electricity_factor: str | float = "grid_default",
    electricity_ef_source: str | None = None,
    certificates_as_ppa: bool = False,
    country: str = "TW",
    installation: Installation | Mapping[str, Any] | None = None,
    include_mobile: bool = False,
    exclude: Mapping[str, str] | None = None,
    densities: Mapping[str, float] | None = None,
) -> InventoryInstallation:
    """Build a CBAM installation from an inventory result, showing every conversion.

    Parameters
    ----------
    result : carbon.inventory.InventoryResult
        The calculated inventory; its emission records (``result.records``) are read.
    processes : sequence of ProductionProcess
        Production processes with ``name``, ``category``, ``production_t`` [t] and
        ``precursors``; their ``sources`` and ``electricity`` are filled here.
    attribution : mapping
        ``source_id -> process name`` or ``source_id -> {process name: share}`` for every
        converted source (categories 1.1, 1.3, mass balance, 2.1; 1.2 with
        ``include_mobile``) [share: fraction 0-1; the rest serves non-CBAM goods].
    goods : sequence of Good
        Goods (CN code, process).
    precursors : sequence of Precursor
        Purchased precursors (wire rod, ...).
    electricity_factor : {'grid_default', 'inventory'} or float
        ``'grid_default'`` (default; the rule of IR 2025/2547 Annex II D.4, see
        :data:`ELECTRICITY_RULE`): the country grid default of IR 2025/2621 Annex II for
        ``country`` (Taiwan 0.561 t CO2e/MWh), template code ``D.4(a)``.
        ``'inventory'``: the factor the inventory used (tw-grid/<year>); code ``D.4(b)``;
        not an allowed basis for goods imported from 2026 (D.4) — for comparison and for
        reconciling with the inventory only.
        A number: an actual factor [t CO2/MWh] (direct technical link or PPA, Annex IV
        point 6 of R 2023/956), with ``electricity_ef_source`` one of ``D.4.1``, ``D.4.2``,
        ``D.4.3.1``, ``D.4.3.2``, ``Mix``.
    electricity_ef_source : str, optional
        Template code of an actual factor (required with a number).
    certificates_as_ppa : bool
        The inventory counts electricity covered by renewable certificates (column
        ``certificate_kwh``, 電證合一) as zero.  CBAM does not accept certificates; with
        ``False`` (default) that electricity gets the chosen factor.  ``True`` treats it as
        renewable electricity under a PPA (D.4.3.2, factor 0), which requires the PPA and
        hourly smart-meter evidence of D.4.3; the process factor is then the weighted
        average of the sources (IR 2025/2547 Art 9(1)), code ``Mix``.
    country : str
        Country of the installation (ISO-2); selects the grid default.
    installation : Installation or mapping, optional
        Installation identification; default: the organisation's name and ``country``.
    include_mobile : bool
        Include category 1.2 (mobile combustion).  Default False: IR 2025/2547 Annex II
        B.1(c) excludes mobile machinery for transportation purposes.
    exclude : mapping, optional
        ``source_id -> reason`` for sources outside the installation's boundary.
    densities : mapping, optional
        ``source_id -> density`` [t/kL] of liquid fuels metered by volume, from the
        supplier's analysis; needed only for the template (which takes tonnes).

    Returns
    -------
    InventoryInstallation

    Raises
    ------
    InputError
        Sources not attributed (named), unknown source ids or processes, shares > 1,
        category 2.2 (imported heat/steam) not handled, records that cannot be converted.

    References
    ----------
    .. [1] Implementing Regulation (EU) 2025/2547, Annex II B.1, B.3 (Eq. 5-12), D.4;
       Annex III A.3 (Eq. 55-56), Art 9.
    .. [2] Regulation (EU) 2023/956, Art 7(4), Annex I (greenhouse gases), Annex IV point 6.
    .. [3] Implementing Regulation (EU) 2025/2621, Annex II.
    """
    work = _Work(result, processes, attribution, exclude, densities, include_mobile)
    work.check_ids()
    el_choice = _electricity_choice(electricity_factor, electricity_ef_source, country, work)
    for sid, g in work.rec.groupby(work.rec["source_id"].astype(str), sort=False):
        work.convert_source(sid, g, el_choice, certificates_as_ppa)
    work.check_attribution()
    if work.problems:
        raise InputError(work.problems)
    org = result.project.organisation
    cbam_input = CbamInput(
        installation=_installation_ident(installation, org.name, country),
        period_start=org.period_start,
        period_end=org.period_end,
        source_streams=tuple(work.stream_objs),
        processes=tuple(work.processes_filled(country)),
        precursors=tuple(precursors),
        goods=tuple(goods),
        source_file=str(result.project.origin.get("file") or ""),
    )
    if any(not indirect_counts(cn_code=gd.cn_code) for gd in goods):
        work.notes.append(
            "goods of R 2023/956 Annex II (iron and steel, aluminium, hydrogen): only direct emissions count "
            "(Art 7(1)); electricity is still reported"
        )
    cols_ex = ["source_id", "source_name", "iso_subcategory", "gas", "co2e_t", "reason"]
    return InventoryInstallation(
        cbam_input=cbam_input,
        streams=pd.DataFrame(work.streams),
        electricity=pd.DataFrame(work.elec_rows),
        excluded=pd.DataFrame(work.excl_rows, columns=cols_ex),
        notes=tuple(dict.fromkeys(work.notes)),
    )


def _installation_ident(installation: Installation | Mapping[str, Any] | None, name: str, country: str) -> Installation:
    """The installation identification: given, or the organisation's name and ``country``."""
    if installation is None:
        inst = Installation(name=name, country=country, country_code=country.upper() if len(country) == 2 else "")
    elif isinstance(installation, Installation):
        inst = installation
    else:
        inst = Installation(**{"country": country, **dict(installation)})
    if not inst.country_code and len(inst.country) == 2:
        inst = replace(inst, country_code=inst.country.upper())
    return inst


def _electricity_choice(
    electricity_factor: str | float, ef_source: str | None, country: str, work: _Work
) -> tuple[float, str, str] | None:
    """(EF [t CO2/MWh], template code, note) of the electricity rule chosen; None after a problem.

    ``'inventory'`` gives NaN: the inventory's own factor is then taken per source.
    """
    if electricity_factor == "grid_default":
        gf = grid_default_ef(country)
        if gf.fallback:
            work.notes.append(gf.fallback)
        return gf.value, "D.4(a)", f"grid default {gf.country} {gf.value} t CO2e/MWh ({gf.source})"
    if electricity_factor == "inventory":
        return math.nan, "D.4(b)", ""
    if isinstance(electricity_factor, int | float) and not isinstance(electricity_factor, bool):
        if ef_source in _ACTUAL_EF_SOURCES and math.isfinite(electricity_factor) and electricity_factor >= 0:
            code, ef = str(ef_source), float(electricity_factor)
            return ef, code, f"actual factor {ef:g} t CO2/MWh ({code}: {EF_SOURCE_CODES[code]})"
        work.problems.append(
            Problem(
                f"an actual electricity factor ({electricity_factor!r} t CO2/MWh, >= 0) needs electricity_ef_source",
                hint="One of "
                + ", ".join(f"{c} ({EF_SOURCE_CODES[c]})" for c in _ACTUAL_EF_SOURCES)
                + "; evidence per IR 2025/2547 Annex II D.4.3.",
            )
        )
        return None
    work.problems.append(
        Problem(
            f"electricity_factor {electricity_factor!r}",
            hint="Use 'grid_default' (the rule of IR 2025/2547 Annex II D.4), 'inventory' or a number in t CO2/MWh.",
        )
    )
    return None


_MOBILE = (
    "mobile combustion: 'emissions from mobile machinery for transportation purposes shall be excluded' "
    "(IR 2025/2547 Annex II B.1(c))"
)
_FUGITIVE = (
    "fugitive / land-use emissions: not a source stream of IR 2025/2547 Annex II B and not a greenhouse "
    "gas of R 2023/956 Annex I for these goods"
)


class _Work:
    """The working of :func:`build_installation`: rows shown to the user, problems and notes."""

    def __init__(
        self,
        result: Any,
        processes: Sequence[ProductionProcess],
        attribution: Mapping[str, str | Mapping[str, float]],
        exclude: Mapping[str, str] | None,
        densities: Mapping[str, float] | None,
        include_mobile: bool,
    ) -> None:
        self.rec = result.records
        self.processes = list(processes)
        self.attribution = attribution
        self.exclude = dict(exclude or {})
        self.densities = dict(densities or {})
        self.include_mobile = include_mobile
        self.proc_names = [p.name for p in processes]
        self.problems: list[Problem] = []
        self.notes: list[str] = []
        self.all_ids = [str(x) for x in self.rec["source_id"].astype(str).unique()]
        self.excluded_by_inventory = set(getattr(result, "excluded_sources", []) or [])
        src_table = result.project.sources.copy()
        src_table["source_id"] = src_table["source_id"].astype(str)
        self.src_rows = {r["source_id"]: r for r in src_table.to_dict("records")}
        self.streams: list[dict] = []
        self.stream_objs: list[SourceStream] = []
        self.elec_rows: list[dict] = []
        self.excl_rows: list[dict] = []
        self.shares_by_proc: dict[str, dict[str, float]] = {n: {} for n in self.proc_names}
        self.elec_by_proc: dict[str, list[tuple[float, float, str]]] = {n: [] for n in self.proc_names}
        self.needs_map: list[str] = []
        self.whole: dict[str, str] = {}  # source id -> reason, for sources left out entirely

    def check_ids(self) -> None:
        """Every source id named in attribution, exclude or densities is in the inventory."""
        for key in (*self.attribution, *self.exclude, *self.densities):
            if key not in self.all_ids:
                hint = did_you_mean(str(key), self.all_ids) or f"Source ids: {', '.join(self.all_ids)}."
                self.problems.append(Problem(f"source '{key}' is not in the inventory", hint=hint))

    def exclude_rows(self, g: pd.DataFrame, reason: str, entire: bool = True) -> None:
        """Record the inventory rows ``g`` as left out, with the reason."""
        if entire:
            self.whole[str(g.iloc[0]["source_id"])] = reason
        for r in cast("Iterator[Any]", g.itertuples()):  # pandas-stubs type the fields as any scalar
            self.excl_rows.append(
                {
                    "source_id": str(r.source_id),
                    "source_name": _text(r.source_name),
                    "iso_subcategory": str(r.iso_subcategory),
                    "gas": str(r.gas),
                    "co2e_t": float(r.co2e_t) if not bool(r.biogenic) else 0.0,
                    "reason": reason,
                }
            )

    def _left_out(self, sid: str, cat: str, method: str) -> str | None:
        """Why a whole source is left out of the installation (None if it is converted)."""
        if sid in self.exclude:
            return f"excluded by the user: {self.exclude[sid]}"
        if sid in self.excluded_by_inventory:
            return "excluded from the inventory total"
        if cat.startswith(("3", "4", "5", "6")):
            return "other indirect emissions (ISO 14064-1 categories 3-6): outside the installation"
        if cat == "1.2" and not self.include_mobile:
            return _MOBILE
        if cat in ("1.4", "1.5") and method != "mass_balance":
            return _FUGITIVE
        if not cat.startswith(("1", "2")):
            return f"category {cat} not converted"
        return None

    def convert_source(self, sid: str, g: pd.DataFrame, el_choice: tuple[float, str, str] | None, ppa: bool) -> None:
        """Convert, exclude or report one inventory source (all its records ``g``)."""
        first = g.iloc[0]
        cat = str(first["iso_subcategory"])
        name = _text(first["source_name"]) or sid
        srow = self.src_rows.get(sid, {})
        method = (_text(srow.get("method")) or "").lower()
        reason = self._left_out(sid, cat, method)
        if reason is not None:
            self.exclude_rows(g, reason)
        elif cat == "2.2":
            self.problems.append(
                Problem(
                    f"source '{sid}' ({name}) is imported energy (category 2.2)",
                    hint="Enter imported measurable heat as a HeatFlow of the process (IR 2025/2547 Annex III A.2.2, "
                    "Eq. 55) and pass exclude={'" + sid + "': 'entered as heat flow'}.",
                )
            )
        elif cat == "2.1":
            self.electricity_source(sid, name, g, srow, el_choice, ppa)
        elif cat.startswith("1"):
            self.direct_source(sid, name, cat, method, g, srow)
        else:
            self.exclude_rows(g, f"category {cat} not converted")

    def attribute(self, sid: str, add: Any) -> None:
        """Call ``add(process, share)`` for each share of the user's attribution of ``sid``."""
        if sid not in self.attribution:
            self.needs_map.append(sid)
            return
        for pname, s in _shares(sid, self.attribution[sid], self.proc_names, self.problems).items():
            add(pname, s)

    def electricity_source(
        self, sid: str, name: str, g: pd.DataFrame, srow: Mapping, el_choice: tuple[float, str, str] | None, ppa: bool
    ) -> None:
        """Category 2.1: MWh consumed (incl. certificates) with the factor of the chosen rule (Annex II D.4)."""
        first = g.iloc[0]
        unit = str(first["activity_unit"])
        alloc = _num(first["allocation"]) or 1.0
        try:
            net_mwh = float(first["activity_amount"]) * alloc * multiplier(unit, "MWh")
            mass_u, _g, per = split_factor_unit(str(first["factor_unit"]))
            inv_ef = float(first["factor_value"]) * multiplier(mass_u, "t") / multiplier(per, "MWh")
        except (UnitError, UnitMismatchError) as err:  # a unit that is not energy
            self.problems.append(Problem(f"source '{sid}': electricity in '{unit}': {err}"))
            return
        cert_mwh = (_num(srow.get("certificate_kwh")) or 0.0) * multiplier("kWh", "MWh") * alloc
        mwh = net_mwh + cert_mwh
        if el_choice is None:
            return  # the problem is reported once, above
        ef, code, ef_note = el_choice
        if code == "D.4(b)":
            ef = inv_ef
            ef_note = (
                f"inventory factor {first['factor_id']} = {inv_ef:.6g} t CO2e/MWh: not a basis allowed by "
                "IR 2025/2547 Annex II D.4 for goods (use for comparison only)"
            )
        co2e, cbam_ef, code = self._certificates(sid, mwh, cert_mwh, ef, code, ppa)
        self.notes.append(f"{sid}: electricity {mwh:g} MWh; {ef_note}")
        el = g[~g["biogenic"].astype(bool)]
        self.elec_rows.append(
            {
                "source_id": sid,
                "source_name": name,
                "mwh": mwh,
                "certificate_mwh": cert_mwh,
                "inventory_ef": inv_ef,
                "cbam_ef": cbam_ef,
                "ef_source": code,
                "inventory_co2e_t": float(el["co2e_t"].sum()),
                "cbam_co2e_t": co2e,
            }
        )
        self.attribute(sid, lambda p, s: self.elec_by_proc[p].append((mwh * s, co2e * s, code)))

    def _certificates(
        self, sid: str, mwh: float, cert_mwh: float, ef: float, code: str, ppa: bool
    ) -> tuple[float, float, str]:
        """(CO2e [t], process EF [t CO2e/MWh], code) with electricity under renewable certificates."""
        if cert_mwh and ppa:
            co2e = (mwh - cert_mwh) * ef  # PPA share at 0 (renewable), Art 9(1) weighted average
            cbam_ef = co2e / mwh if mwh else 0.0
            self.notes.append(
                f"{sid}: {cert_mwh:g} MWh under renewable certificates treated as a PPA (D.4.3.2) with factor 0; "
                f"process factor is the weighted average {cbam_ef:.6g} t CO2e/MWh (IR 2025/2547 Art 9(1)); "
                "requires the PPA and hourly smart-meter evidence of Annex II D.4.3"
            )
            return co2e, cbam_ef, "Mix"
        if cert_mwh:
            self.notes.append(
                f"{sid}: {cert_mwh:g} MWh covered by renewable certificates (電證合一) count at the chosen "
                "factor: certificates are not a route under IR 2025/2547 Annex II D.4 (only a PPA or a direct "
                "technical link with hourly evidence, D.4.3)"
            )
        return mwh * ef, ef, code

    def _other_gases(self, sid: str, name: str, cat: str, g: pd.DataFrame) -> None:
        """Non-CO2 records of a direct source: left out with the reason, or a problem."""
        other = g[g["gas"].astype(str) != "CO2"]
        for gas_name, og in other.groupby(other["gas"].astype(str), sort=False):
            if gas_name in ("CH4", "N2O") and cat != "1.3":
                reason = "CH4/N2O of combustion: not a greenhouse gas of R 2023/956 Annex I for these goods"
                self.exclude_rows(og, reason, entire=False)
            elif cat == "1.3" and gas_name in ("N2O", "CF4", "C2F6"):
                self.problems.append(
                    Problem(
                        f"source '{sid}' ({name}): process {gas_name} is not converted automatically",
                        hint="Enter it as a measurement-based EmissionSource (N2O, IR 2025/2547 Annex II B.6) or a PFC "
                        f"row (B.7) and pass exclude={{'{sid}': 'entered as CEMS/PFC'}}.",
                    )
                )
            elif gas_name in ("CO2e", "CO2_bio"):
                self.problems.append(
                    Problem(
                        f"source '{sid}' ({name}): its factor gives {gas_name}, not CO2 per gas",
                        hint="CBAM source streams need the CO2 factor (IR 2025/2547 Annex II B.3); use a per-gas factor "
                        f"or exclude={{'{sid}': 'reason'}}.",
                    )
                )
            else:
                reason = f"{gas_name}: not a greenhouse gas of R 2023/956 Annex I for these goods"
                self.exclude_rows(og, reason, entire=False)

    def _stream(self, sid: str, name: str, cat: str, method: str, co2: pd.DataFrame, srow: Mapping) -> SourceStream:
        """The CBAM source stream of a direct source's CO2 record (Annex II B.3, Eq. 5-12)."""
        r = co2.iloc[0]
        biogenic = bool(co2["biogenic"].astype(bool).any())
        alloc = _num(r["allocation"]) or 1.0
        stream_name = f"{sid} {name}"
        if method == "mass_balance":
            amount, cc = _num(srow.get("activity_amount")), _num(srow.get("carbon_content"))
            unit = _text(srow.get("activity_unit")) or "t"
            if amount is None or cc is None:
                msg = f"source {sid}: mass balance needs activity_amount and carbon_content."
                raise CalculationError(msg)
            self.notes.append(
                f"{sid}: mass balance with f = 3.664 t CO2/t C (IR 2025/2547 Annex II B.3.1); the inventory uses "
                f"its own factor {r['factor_value']:g} {r['factor_unit']}"
            )
            activity = amount * alloc * multiplier(unit, "t")
            bf = 1.0 if biogenic else 0.0
            return SourceStream(stream_name, "mass_balance", activity, "t", carbon_content=cc, biomass_fraction=bf)
        act, unit, ncv, ef, ef_unit, note = _stream_numbers(
            sid,
            float(r["activity_amount"]) * alloc,
            str(r["activity_unit"]),
            _num(r["heat_value"]),
            _text(r["heat_value_unit"]),
            float(r["factor_value"]),
            str(r["factor_unit"]),
            self.densities.get(sid),
        )
        if note:
            self.notes.append(note)
        return SourceStream(
            name=stream_name,
            method="process" if cat == "1.3" else "combustion",
            activity=act,
            activity_unit=unit,  # type: ignore[arg-type]
            ncv=ncv,
            emission_factor=ef,
            ef_unit=ef_unit,  # type: ignore[arg-type]
            biomass_fraction=1.0 if biogenic else 0.0,
        )

    def direct_source(self, sid: str, name: str, cat: str, method: str, g: pd.DataFrame, srow: Mapping) -> None:
        """Categories 1.1, 1.3 (and 1.2 when included; mass balance anywhere in 1.x): a source stream."""
        self._other_gases(sid, name, cat, g)
        co2 = g[g["gas"].astype(str) == "CO2"]
        if co2.empty:
            return
        try:
            stream = self._stream(sid, name, cat, method, co2, srow)
        except CalculationError as err:
            self.problems.append(Problem(str(err)))
            return
        fossil, bio = source_stream_emissions(stream)
        self.stream_objs.append(stream)
        self.streams.append(
            {
                "source_id": sid,
                "stream": stream.name,
                "iso_subcategory": cat,
                "method": stream.method,
                "activity": stream.activity,
                "activity_unit": stream.activity_unit,
                "ncv": stream.ncv,
                "emission_factor": stream.emission_factor,
                "ef_unit": stream.ef_unit if stream.method != "mass_balance" else None,
                "carbon_content": stream.carbon_content,
                "factor_id": str(co2.iloc[0]["factor_id"]),
                "inventory_co2_t": float(co2["mass_t"].sum()),
                "cbam_co2_t": fossil + bio,
            }
        )

        def add(pname: str, s: float) -> None:
            shares = self.shares_by_proc[pname]
            shares[stream.name] = shares.get(stream.name, 0.0) + s

        self.attribute(sid, add)

    def check_attribution(self) -> None:
        """Attributed sources left out, and converted sources not attributed, are problems."""
        for sid in self.attribution:
            if sid in self.whole:
                extra = (
                    ", or pass include_mobile=True for machinery not used for transport."
                    if "B.1(c)" in self.whole[sid]
                    else "."
                )
                hint = "Remove it from the attribution" + extra
                self.problems.append(
                    Problem(
                        f"source '{sid}' is attributed but left out of the installation: {self.whole[sid]}", hint=hint
                    )
                )
        if self.needs_map:
            first = self.needs_map[0]
            proc = self.proc_names[0] if self.proc_names else "process"
            hint = (
                f"Add them to attribution, e.g. {{'{first}': '{proc}'}} or {{'{first}': {{'P1': 0.6, 'P2': 0.4}}}}, or "
                f"exclude={{'{first}': 'reason'}} if outside the installation (IR 2025/2547 Annex III A.3)."
            )
            self.problems.insert(
                0, Problem(f"sources not attributed to a production process: {', '.join(self.needs_map)}", hint=hint)
            )

    def processes_filled(self, country: str) -> list[ProductionProcess]:
        """The processes with their attributed source shares and electricity (Annex III A.3, Eq. 56)."""
        out = []
        for p in self.processes:
            el = self.elec_by_proc[p.name]
            electricity = p.electricity
            if el:
                mwh = sum(x[0] for x in el)
                co2e = sum(x[1] for x in el)
                codes = {x[2] for x in el}
                code = codes.pop() if len(codes) == 1 else "Mix"
                electricity = Electricity(
                    mwh=mwh, emission_factor=co2e / mwh if mwh else 0.0, ef_source=code, country=country
                )
            sources = dict(p.sources)
            sources.update(self.shares_by_proc[p.name])
            out.append(replace(p, sources=MappingProxyType(sources), electricity=electricity))
        return out


def installation_from_inventory(result: Any, **kwargs: Any) -> CbamInput:
    """The :class:`CbamInput` of :func:`build_installation` (same parameters).

    Returns
    -------
    CbamInput
        Source streams, processes with attributed sources and electricity, goods and
        precursors; see :func:`build_installation` for the rules and the working.

    Parameters
    ----------
    result : carbon.inventory.InventoryResult
        The calculated inventory.
    **kwargs
        As :func:`build_installation`.

    References
    ----------
    IR (EU) 2025/2547 Annex II B.1, B.3, D.4; Annex III A.3.
    """
    return build_installation(result, **kwargs).cbam_input


# --------------------------------------------------------------------------------------
# Taiwan carbon fee as carbon price paid (Art 9)
# --------------------------------------------------------------------------------------
def fee_covered_t_per_t(result: Any, process: str) -> float:
    """Embedded emissions per tonne of good that the installation's own carbon fee covers.

    The Taiwan carbon fee is charged on the site's own emissions; precursors bought from
    another site (e.g. wire rod from a steel mill) are not covered by the fastener maker's
    fee.  Covered per tonne of good = attributed direct emissions of the process / activity
    level (Annex III Eq. 55, 57), plus attributed indirect emissions when they count for the
    good (non-Annex II goods, Art 7(1)).

    Parameters
    ----------
    result : CbamResult
        Result of :func:`carbon.cbam.calculate`.
    process : str
        Name of the production process of the good.

    Returns
    -------
    float
        [t CO2e/t]

    References
    ----------
    IR (EU) 2025/2547 Annex III A.3 (Eq. 55-57); Regulation (EU) 2023/956 Art 7(1), Art 9.
    """
    p = result.process(process)
    if p.activity_level_t <= 0:
        msg = f"process '{process}' has no production; the covered emissions per tonne are undefined."
        raise CalculationError(msg)
    covered = p.attributed_direct_t
    if p.indirect_counted:
        covered += p.attributed_indirect_t
    return covered / p.activity_level_t


def carbon_price_from_fee(
    fee: float | CarbonPricePaid,
    twd_per_eur: float | None = None,
    *,
    site_emissions_t: float | None = None,
    covered_t_per_t: float | None = None,
    rebate_twd: float = 0.0,
) -> CarbonPricePaid:
    """Taiwan's carbon fee (碳費) as the carbon price effectively paid for CBAM.

    Regulation (EU) 2023/956 Art 3(29) counts a *fee* as a carbon price; Art 9(1) (as
    replaced by Regulation (EU) 2025/2083) lets the declarant reduce the certificates by the
    carbon price effectively paid in the third country for the declared embedded emissions,
    net of any rebate or compensation, only on actual embedded emissions, with evidence
    certified by an independent person.  The conversion to EUR at the yearly average exchange
    rate is left to an implementing act (Art 9(5)); the rate is therefore a required input.

    Parameters
    ----------
    fee : float or CarbonPricePaid
        Either the fee paid for the year [TWD] (from the 碳費 payment notice), or the result
        of :func:`carbon.cbam.cost.taiwan_carbon_fee` (already in EUR/t).
    twd_per_eur : float
        Yearly average exchange rate [TWD/EUR]; required with a TWD amount.
    site_emissions_t : float
        The site's annual emissions on which the fee was assessed [t CO2e]; required with a
        TWD amount (effective price = fee / emissions).
    covered_t_per_t : float, optional
        Embedded emissions per tonne of good subject to the fee [t CO2e/t], e.g. from
        :func:`fee_covered_t_per_t`; None = all of the good's embedded emissions.
    rebate_twd : float
        Rebate or compensation to deduct [TWD] (Art 9(1)).

    Returns
    -------
    CarbonPricePaid
        ``kind="actual"``; pass as ``carbon_price=`` to :func:`carbon.cbam.cost.good_cost`,
        where it reduces the certificates by ``covered x quantity x eur_per_t / price``.

    References
    ----------
    .. [1] Regulation (EU) 2023/956 Art 3(29), Art 9 as replaced by Regulation (EU) 2025/2083 Art 1(8).
    .. [2] 碳費收費辦法 §5 (2024-08-29); docs/FACTS-cbam.md §7.1.
    """
    if isinstance(fee, CarbonPricePaid):
        if twd_per_eur is not None or site_emissions_t is not None or rebate_twd:
            msg = "fee is already an effective price in EUR/t; give twd_per_eur, site_emissions_t and rebate_twd to taiwan_carbon_fee instead."
            raise CalculationError(msg)
        return replace(fee, covered_t_per_t=covered_t_per_t)
    fx = _num(twd_per_eur)
    if fx is None or not math.isfinite(fx) or fx <= 0:
        msg = f"twd_per_eur {twd_per_eur!r}: give the yearly average TWD per EUR exchange rate (Art 9(5)), a positive number."
        raise CalculationError(msg)
    e = _num(site_emissions_t)
    if e is None or e <= 0:
        msg = f"site_emissions_t {site_emissions_t!r}: give the site's annual emissions on which the fee was assessed [t CO2e]."
        raise CalculationError(msg)
    paid = float(fee)
    if paid < 0:
        msg = f"fee {fee!r}: a fee paid cannot be negative [TWD]."
        raise CalculationError(msg)
    net = max(0.0, paid - float(rebate_twd))
    src = (
        f"碳費 {paid:,.0f} TWD" + (f" − rebate {rebate_twd:,.0f}" if rebate_twd else "") + f" on {e:,.6g} t CO2e "
        f"= {net / e:.6g} TWD/t ÷ {fx:g} TWD/EUR"
    )
    return CarbonPricePaid(eur_per_t=net / e / fx, covered_t_per_t=covered_t_per_t, kind="actual", source=src)
