"""Input data model of the CBAM calculation (pure, frozen, typed data).

The classes mirror the input sections of the Commission's *Communication template for
installations* (v2.1.x) and the parameters of Implementing Regulation (EU) 2025/2547
Annex II (monitoring) and Annex III (attribution to goods).  They hold data only; every
computation lives in :mod:`carbon.cbam.engine`.

Conventions
-----------
* Masses in tonnes [t], energy in terajoule [TJ], electricity in megawatt hours [MWh].
* Fractions are numbers between 0 and 1 (the template's percentages are divided by 100 when
  read).
* Names link things together: a :class:`ProductionProcess` names the source streams it
  takes emissions from and the precursors it consumes; a :class:`Good` names its process.
* CN codes are kept as digits only (``"73181542"``); :func:`normalise_cn` converts
  ``"7318 15 42"``.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

from carbon.errors import CalculationError

from .goods import normalise_cn

__all__ = [
    "EF_SOURCE_CODES",
    "CbamInput",
    "Electricity",
    "EmissionSource",
    "Good",
    "HeatFlow",
    "Installation",
    "PFC",
    "Precursor",
    "PrecursorUse",
    "ProductionProcess",
    "SourceStream",
    "WasteGas",
    "cbam_input_from_dict",
    "load_cbam_yaml",
]

SourceMethod = Literal["combustion", "process", "mass_balance"]
ActivityUnit = Literal["t", "1000Nm3", "TJ"]
EFUnit = Literal["tCO2/TJ", "tCO2/t", "tCO2/1000Nm3"]
Direction = Literal["import", "export"]
ValueSource = Literal["measured", "default", "unknown"]

#: Electricity emission-factor sources: template code -> meaning (IR 2025/2547 Annex II D.4).
#: Friendly aliases accepted by :func:`carbon.cbam.load_cbam_yaml` map onto these codes.
EF_SOURCE_CODES: Mapping[str, str] = MappingProxyType(
    {
        "D.4(a)": "grid default of the country of origin (IR 2025/2621 Annex II)",
        "D.4(b)": "other published grid emission factor",
        "D.4.1": "own generation, not cogeneration (Eq. 38)",
        "D.4.2": "own cogeneration (Eq. 46-52)",
        "D.4.3.1": "direct technical connection to a generator",
        "D.4.3.2": "power purchase agreement",
        "Mix": "mix of the above",
    }
)

_EMPTY: Mapping[str, float] = MappingProxyType({})


@dataclass(frozen=True)
class Installation:
    """Installation identification (template sheet A_InstData, section 2).

    Attributes
    ----------
    name : str
        English name of the installation.
    country : str
        Country as entered (template list name, e.g. ``"United States"``, or ISO code).
    country_code : str
        ISO 3166-1 alpha-2 code when known (``""`` otherwise).
    """

    name: str
    country: str = ""
    country_code: str = ""
    name_local: str = ""
    street: str = ""
    economic_activity: str = ""
    post_code: str = ""
    po_box: str = ""
    city: str = ""
    unlocode: str = ""
    latitude: str = ""
    longitude: str = ""
    representative: str = ""
    email: str = ""
    phone: str = ""


@dataclass(frozen=True)
class SourceStream:
    """A calculation-based source stream (IR 2025/2547 Annex II B.3).

    Attributes
    ----------
    name : str
        Name of the fuel or material.
    method : {'combustion', 'process', 'mass_balance'}
        Standard method for combustion (Eq. 5-10) or process emissions (Eq. 11) or the mass
        balance method (Eq. 12-15).
    activity : float
        Activity data [t, 1000 Nm3 or TJ]; for mass-balance *outputs* negative (Eq. 12).
    activity_unit : {'t', '1000Nm3', 'TJ'}
    ncv : float or None
        Net calorific value [GJ/t or GJ/1000 Nm3] (= TJ/Gg); needed when ``ef_unit`` is
        ``tCO2/TJ`` and the activity is not already in TJ.
    emission_factor : float or None
        Emission factor in ``ef_unit`` (preliminary, i.e. assuming fully fossil).
    ef_unit : {'tCO2/TJ', 'tCO2/t', 'tCO2/1000Nm3'}
    carbon_content : float or None
        Carbon content [t C / t] (mass balance, Eq. 12).
    oxidation_factor : float
        OF, combustion only [fraction] (Eq. 5, 7); 1 may always be used.
    conversion_factor : float
        CF, process emissions only [fraction] (Eq. 11); 1 may always be used.
    biomass_fraction : float
        Biomass fraction BF [fraction] (Eq. 10, 15).
    non_sustainable_biomass_fraction : float
        Share of the biomass not meeting the criteria of Annex II B.3.3 [fraction]; it is
        counted as fossil (B.3.3: BF of non-compliant biomass is zero).
    """

    name: str
    method: SourceMethod
    activity: float
    activity_unit: ActivityUnit = "t"
    ncv: float | None = None
    emission_factor: float | None = None
    ef_unit: EFUnit = "tCO2/TJ"
    carbon_content: float | None = None
    oxidation_factor: float = 1.0
    conversion_factor: float = 1.0
    biomass_fraction: float = 0.0
    non_sustainable_biomass_fraction: float = 0.0

    @property
    def zero_rated_fraction(self) -> float:
        """Biomass fraction that may be zero-rated [fraction] (Annex II B.3.3)."""
        return self.biomass_fraction * (1.0 - self.non_sustainable_biomass_fraction)


@dataclass(frozen=True)
class EmissionSource:
    """A measurement-based emission source, CEMS (IR 2025/2547 Annex II B.6).

    Either ``mass_t`` (annual mass of the gas, Eq. 16 already summed) or the three
    template parameters ``concentration_g_per_nm3``, ``hours`` and
    ``flue_gas_1000nm3_per_h`` (annual averages) are given.

    Attributes
    ----------
    gas : {'CO2', 'N2O'}
        Gas measured; N2O is converted with the GWP of Annex II G Table 6 (Eq. 18).
    biomass_fraction : float
        Share of measured CO2 from biomass meeting B.3.3 [fraction] (B.6.2.3).
    """

    name: str
    gas: Literal["CO2", "N2O"] = "CO2"
    mass_t: float | None = None
    concentration_g_per_nm3: float | None = None
    hours: float | None = None
    flue_gas_1000nm3_per_h: float | None = None
    biomass_fraction: float = 0.0


@dataclass(frozen=True)
class PFC:
    """Perfluorocarbon emissions of primary aluminium (IR 2025/2547 Annex II B.7).

    Attributes
    ----------
    method : {'slope', 'overvoltage'}
        Method A, slope (Eq. 21-23) or method B, overvoltage (Eq. 24-25).
    primary_aluminium_t : float
        Pr_Al, primary aluminium produced [t].
    frequency, duration : float
        Anode effects per cell-day and minutes per anode effect (AEM = frequency x
        duration, Eq. 23); alternatively ``aem`` directly [AE-min/cell-day].
    sef_cf4 : float
        Slope emission factor [(kg CF4/t Al)/(AE-min/cell-day)] (Table 2).
    aeo_mv, current_efficiency_pct, ovc : float
        Anode effect overvoltage [mV], current efficiency [%] and overvoltage coefficient
        [(kg CF4/t Al)/mV] (Eq. 24, Table 3).
    f_c2f6 : float
        Weight fraction C2F6/CF4 [t/t] (Eq. 22, 25).
    collection_efficiency : float
        Collection efficiency of the duct [fraction] (Eq. 20); the duct emissions are
        divided by it.
    cf4_gwp_name, c2f6_gwp_name : str
        Gases whose GWP (Annex II G Table 6) converts to CO2e (Eq. 26).
    """

    name: str
    method: Literal["slope", "overvoltage"]
    primary_aluminium_t: float
    technology: str = ""
    frequency: float | None = None
    duration: float | None = None
    aem: float | None = None
    sef_cf4: float | None = None
    aeo_mv: float | None = None
    current_efficiency_pct: float | None = None
    ovc: float | None = None
    f_c2f6: float = 0.0
    collection_efficiency: float = 1.0
    cf4_gwp_name: str = "CF4"
    c2f6_gwp_name: str = "C2F6"


@dataclass(frozen=True)
class HeatFlow:
    """Net measurable heat imported to or exported from a production process.

    IR 2025/2547 Annex III A.3 Eq. 55 (Em_H,imp, Em_H,exp) and Eq. "52" (Q x EF_heat).

    Attributes
    ----------
    direction : {'import', 'export'}
    amount_tj : float
        Net measurable heat [TJ].
    emission_factor : float
        EF of the heat [t CO2/TJ] (Annex III A.2.2; see
        :func:`carbon.cbam.engine.heat_emission_factor` and
        :func:`carbon.cbam.engine.chp_heat_emission_factor`).
    """

    direction: Direction
    amount_tj: float
    emission_factor: float
    source: str = ""


@dataclass(frozen=True)
class WasteGas:
    """Waste gas imported to or exported from a production process (Annex III A.2.3).

    The correction uses the energy content V x NCV [TJ], the natural-gas EF of Annex II G
    Table 1 and, for exports, Corr_eta (Eq. 53, 54).  ``emission_factor`` of the waste gas
    itself is informational (the template asks for it; the equations do not use it).
    """

    direction: Direction
    amount_tj: float
    emission_factor: float | None = None
    name: str = ""


@dataclass(frozen=True)
class Electricity:
    """Electricity consumed (or produced) within a production process (Annex II D).

    Attributes
    ----------
    mwh : float
        Electricity [MWh].
    emission_factor : float
        EF [t CO2/MWh].
    ef_source : str
        One of :data:`EF_SOURCE_CODES` (``'D.4(a)'`` grid default of the country,
        ``'D.4.3.1'`` direct connection, ``'D.4.3.2'`` PPA, ...).
    country : str
        Country whose grid default applies (when ``ef_source`` is a grid default).
    """

    mwh: float
    emission_factor: float
    ef_source: str = "D.4(a)"
    country: str = ""


@dataclass(frozen=True)
class PrecursorUse:
    """Mass M_i of a precursor consumed by a production process (Annex III B, Eq. 60).

    ``precursor`` names either another :class:`ProductionProcess` of the installation
    (internal precursor) or a purchased :class:`Precursor`.  M_i includes what is cut off,
    spilt or leaves as scrap.
    """

    precursor: str
    mass_t: float


@dataclass(frozen=True)
class ProductionProcess:
    """A production process (IR 2025/2547 Art. 4, Annex II A.4; template D_Processes).

    Attributes
    ----------
    name : str
        Unique name (template A_InstData L83:L92).
    category : str
        Aggregated goods category (IR 2025/2547 Annex I Table 1, template list name, e.g.
        ``"Iron or steel products"``).
    production_t : tuple of float
        Production per route [t]; the activity level AL is the sum (Annex II F).
    produced_for_market_t : float or None
        Quantity leaving the installation [t] (template D_Processes (b)).
    direct_emissions_t : float or None
        DirEm*, directly attributable emissions [t CO2e] (Annex III A.3).  When ``None``
        it is the sum of ``sources`` shares of the installation's source streams,
        measurement sources and PFC rows.
    sources : mapping of str to float
        Source name -> share attributed to this process [fraction].
    heat : tuple of HeatFlow
    waste_gases : tuple of WasteGas
    electricity : Electricity or None
        Electricity consumed (Em_el,cons, Eq. 56).
    electricity_produced : Electricity or None
        Electricity produced within the process boundaries (Em_el,prod, Eq. 55).
    precursors : tuple of PrecursorUse
        Inputs that are CBAM goods (Annex III B).
    """

    name: str
    category: str = ""
    production_t: tuple[float, ...] = ()
    produced_for_market_t: float | None = None
    direct_emissions_t: float | None = None
    sources: Mapping[str, float] = field(default_factory=lambda: _EMPTY)
    heat: tuple[HeatFlow, ...] = ()
    waste_gases: tuple[WasteGas, ...] = ()
    electricity: Electricity | None = None
    electricity_produced: Electricity | None = None
    precursors: tuple[PrecursorUse, ...] = ()
    other_uses_t: float | None = None
    heat_relevant: bool | None = None
    waste_gas_relevant: bool | None = None

    @property
    def activity_level_t(self) -> float:
        """AL, total production leaving the process [t] (Annex II F)."""
        return float(sum(self.production_t))


@dataclass(frozen=True)
class Precursor:
    """A purchased precursor (template E_PurchPrec; IR 2025/2547 Annex II E, Annex III B).

    Internal precursors are the installation's own :class:`ProductionProcess` outputs and
    are referenced by process name in :class:`PrecursorUse`; this class is for precursors
    bought from another installation, with the supplier's actual values or default values.

    Attributes
    ----------
    see_direct : float
        Specific embedded direct emissions [t CO2e/t].
    see_direct_source : {'measured', 'default', 'unknown'}
        Whether ``see_direct`` is an actual (verified) value or a default value.
    specific_electricity_mwh_per_t : float or None
        Embedded electricity [MWh/t].
    electricity_ef : float or None
        EF of that electricity [t CO2/MWh].
    see_indirect_value : float or None
        Specific embedded indirect emissions [t CO2e/t] given directly; otherwise
        ``specific_electricity_mwh_per_t x electricity_ef``.
    zero_rated : bool
        The precursor originates in the Union or in a country/territory of Annex III
        point 1 of Regulation (EU) 2023/956: its SEE count as zero (Annex III B).
    """

    name: str
    category: str = ""
    country: str = ""
    cn_code: str = ""
    see_direct: float = 0.0
    see_direct_source: ValueSource = "measured"
    specific_electricity_mwh_per_t: float | None = None
    specific_electricity_source: ValueSource = "measured"
    electricity_ef: float | None = None
    electricity_ef_source: str = ""
    see_indirect_value: float | None = None
    purchased_t: tuple[float, ...] = ()
    other_uses_t: float | None = None
    zero_rated: bool = False

    @property
    def kind(self) -> str:
        """Always ``'purchased'`` (internal precursors are production processes)."""
        return "purchased"

    @property
    def see_indirect(self) -> float:
        """Specific embedded indirect emissions [t CO2e/t] (0 when unknown)."""
        if self.see_indirect_value is not None:
            return float(self.see_indirect_value)
        if self.specific_electricity_mwh_per_t is None or self.electricity_ef is None:
            return 0.0
        return float(self.specific_electricity_mwh_per_t) * float(self.electricity_ef)


@dataclass(frozen=True)
class Good:
    """A good (CN code) produced by a production process (template Summary_Products)."""

    cn_code: str
    process: str
    name: str = ""
    extra: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True)
class CbamInput:
    """Everything needed to compute the embedded emissions of an installation's goods.

    Attributes
    ----------
    installation : Installation
    period_start, period_end : datetime.date or None
        Reporting period (IR 2025/2547 Art. 7: the calendar year).
    source_streams, emission_sources, pfc : tuples
        Installation-level direct emission sources (Annex II B).
    processes : tuple of ProductionProcess
    precursors : tuple of Precursor
        Purchased precursors.
    goods : tuple of Good
    reported_indirect_t : float or None
        Installation indirect emissions entered by the operator (template
        C_Emissions&Energy M26), kept for cross-checking.
    extra_cells : mapping
        Other template input cells (``"Sheet!A1"`` -> value) that the model does not
        interpret (verifier, data quality, carbon price ...); written back unchanged.
    source_file : str
        Where the input came from (for messages).
    """

    installation: Installation
    period_start: _dt.date | None = None
    period_end: _dt.date | None = None
    source_streams: tuple[SourceStream, ...] = ()
    emission_sources: tuple[EmissionSource, ...] = ()
    pfc: tuple[PFC, ...] = ()
    processes: tuple[ProductionProcess, ...] = ()
    precursors: tuple[Precursor, ...] = ()
    goods: tuple[Good, ...] = ()
    reported_indirect_t: float | None = None
    extra_cells: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    source_file: str = ""

    def process(self, name: str) -> ProductionProcess:
        """Return the production process called ``name`` (``KeyError`` if absent)."""
        for p in self.processes:
            if p.name == name:
                return p
        raise KeyError(name)


# --------------------------------------------------------------------------------------
# Construction from plain data (our YAML format)
# --------------------------------------------------------------------------------------
EF_SOURCE_ALIASES: Mapping[str, str] = MappingProxyType(
    {
        "grid_default": "D.4(a)",
        "grid": "D.4(a)",
        "other_grid": "D.4(b)",
        "own_generation": "D.4.1",
        "chp": "D.4.2",
        "direct_connection": "D.4.3.1",
        "ppa": "D.4.3.2",
        "mix": "Mix",
    }
)

_ALIASES = {
    "SourceStream": {"unit": "activity_unit", "ef": "emission_factor", "cc": "carbon_content"},
    "Electricity": {"source": "ef_source", "ef": "emission_factor"},
    "HeatFlow": {"ef": "emission_factor"},
    "WasteGas": {"ef": "emission_factor"},
    "Precursor": {"see_indirect": "see_indirect_value", "ef": "electricity_ef"},
}


class _Builder:
    def __init__(self, file: str | None) -> None:
        self.file = file
        self.problems: list[Any] = []

    def problem(self, where: str, msg: str, hint: str | None = None) -> None:
        from carbon.errors import Problem

        self.problems.append(Problem(msg, file=self.file, column=where, hint=hint))

    def make(self, cls: type, data: Any, where: str, **fixed: Any) -> Any:
        from dataclasses import fields

        from carbon.errors import did_you_mean

        if not isinstance(data, Mapping):
            self.problem(where, f"expected a mapping of {cls.__name__} fields, found {type(data).__name__}")
            return None
        names = {f.name for f in fields(cls)}
        alias = _ALIASES.get(cls.__name__, {})
        kwargs: dict[str, Any] = {}
        for key, value in data.items():
            k = alias.get(str(key), str(key))
            if k not in names:
                self.problem(
                    f"{where}.{key}",
                    f"unknown key '{key}' for {cls.__name__}",
                    did_you_mean(str(key), [*names, *alias]) or None,
                )
                continue
            kwargs[k] = value
        kwargs.update(fixed)
        try:
            return cls(**kwargs)
        except TypeError as exc:
            self.problem(where, f"{cls.__name__}: {exc}")
            return None


def _num_or_none(b: _Builder, where: str, v: Any) -> float | None:
    if v is None or v == "":
        return None
    try:
        return float(v)
    except (TypeError, ValueError):
        b.problem(where, f"expected a number, found {v!r}")
        return None


def _date(b: _Builder, where: str, v: Any) -> _dt.date | None:
    if v is None or isinstance(v, _dt.date):
        return v
    from carbon.units import parse_date

    try:
        return parse_date(v)
    except ValueError:  # DateError
        b.problem(where, f"cannot read the date {v!r}", "Write dates as YYYY-MM-DD.")
        return None


_FLOAT_FIELDS = {
    "activity",
    "ncv",
    "emission_factor",
    "carbon_content",
    "oxidation_factor",
    "conversion_factor",
    "biomass_fraction",
    "non_sustainable_biomass_fraction",
    "mass_t",
    "concentration_g_per_nm3",
    "hours",
    "flue_gas_1000nm3_per_h",
    "primary_aluminium_t",
    "frequency",
    "duration",
    "aem",
    "sef_cf4",
    "aeo_mv",
    "current_efficiency_pct",
    "ovc",
    "f_c2f6",
    "collection_efficiency",
    "amount_tj",
    "mwh",
    "see_direct",
    "specific_electricity_mwh_per_t",
    "electricity_ef",
    "see_indirect_value",
    "produced_for_market_t",
    "direct_emissions_t",
    "other_uses_t",
}


def _clean(b: _Builder, where: str, data: Any) -> Any:
    """Convert numeric fields of one mapping to float, reporting bad values."""
    if not isinstance(data, Mapping):
        return data
    out = dict(data)
    for k, v in data.items():
        key = _ALIASES_ALL.get(str(k), str(k))
        if key in _FLOAT_FIELDS:
            out[k] = _num_or_none(b, f"{where}.{k}", v)
    return out


_ALIASES_ALL = {k: v for d in _ALIASES.values() for k, v in d.items()}


def _many(b: _Builder, data: Mapping[str, Any], key: str, cls: type, prep: Any = None) -> tuple:
    items = data.get(key) or []
    if not isinstance(items, list):
        b.problem(key, f"'{key}' must be a list")
        return ()
    out = []
    for i, item in enumerate(items):
        where = f"{key}[{i}]"
        item = _clean(b, where, item)
        if prep is not None and isinstance(item, Mapping):
            item = prep(b, where, dict(item))
        obj = b.make(cls, item, where)
        if obj is not None:
            out.append(obj)
    return tuple(out)


def _prep_stream(b: _Builder, where: str, d: dict) -> dict:
    if "method" in d:
        d["method"] = str(d["method"]).strip().lower().replace(" ", "_").replace("-", "_")
        if d["method"] not in ("combustion", "process", "mass_balance"):
            b.problem(f"{where}.method", f"unknown method {d['method']!r}", "Use combustion, process or mass_balance.")
    return d


def _electricity(b: _Builder, where: str, d: Any) -> Electricity | None:
    if d is None:
        return None
    d = _clean(b, where, d)
    if isinstance(d, Mapping):
        d = dict(d)
        src = d.get("source", d.get("ef_source"))
        if src is not None:
            code = EF_SOURCE_ALIASES.get(str(src).lower(), str(src))
            if code not in EF_SOURCE_CODES:
                b.problem(
                    f"{where}.source",
                    f"unknown electricity EF source {src!r}",
                    "Use one of " + ", ".join([*EF_SOURCE_ALIASES, *EF_SOURCE_CODES]) + ".",
                )
            d.pop("source", None)
            d["ef_source"] = code
    return b.make(Electricity, d, where)


def _prep_process(b: _Builder, where: str, d: dict) -> dict:
    prod = d.pop("production_t", None)
    if prod is not None:
        prod = prod if isinstance(prod, list) else [prod]
        d["production_t"] = tuple(_num_or_none(b, f"{where}.production_t", x) or 0.0 for x in prod)
    src = d.get("sources")
    if src is not None:
        if isinstance(src, Mapping):
            d["sources"] = MappingProxyType(
                {str(k): _num_or_none(b, f"{where}.sources.{k}", v) or 0.0 for k, v in src.items()}
            )
        else:
            b.problem(f"{where}.sources", "'sources' must map source names to shares (0-1)")
            d.pop("sources")
    for key, cls in (("heat", HeatFlow), ("waste_gases", WasteGas)):
        items = d.get(key) or []
        d[key] = tuple(
            x
            for x in (
                b.make(cls, _clean(b, f"{where}.{key}[{i}]", it), f"{where}.{key}[{i}]") for i, it in enumerate(items)
            )
            if x is not None
        )
    for key in ("electricity", "electricity_produced"):
        if key in d:
            d[key] = _electricity(b, f"{where}.{key}", d[key])
    pre = d.get("precursors") or {}
    uses = []
    if isinstance(pre, Mapping):
        for k, v in pre.items():
            uses.append(PrecursorUse(str(k), _num_or_none(b, f"{where}.precursors.{k}", v) or 0.0))
    elif isinstance(pre, list):
        for i, it in enumerate(pre):
            u = b.make(PrecursorUse, _clean(b, f"{where}.precursors[{i}]", it), f"{where}.precursors[{i}]")
            if u is not None:
                uses.append(PrecursorUse(u.precursor, float(u.mass_t)))
    d["precursors"] = tuple(uses)
    return d


def _cn(b: _Builder, where: str, d: dict) -> None:
    if "cn_code" in d:
        try:
            d["cn_code"] = normalise_cn(d["cn_code"])
        except CalculationError as err:
            b.problem(f"{where}.cn_code", str(err), "Write the CN code with 4, 6 or 8 digits, e.g. 7318 15 42.")


def _prep_precursor(b: _Builder, where: str, d: dict) -> dict:
    _cn(b, where, d)
    if "purchased_t" in d:
        v = d["purchased_t"]
        d["purchased_t"] = tuple(float(x) for x in (v if isinstance(v, list) else [v]))
    for k in ("see_direct_source", "specific_electricity_source"):
        if k in d:
            d[k] = str(d[k]).lower()
    return d


def _prep_good(b: _Builder, where: str, d: dict) -> dict:
    _cn(b, where, d)
    return d


def cbam_input_from_dict(data: Mapping[str, Any], source_file: str = "") -> CbamInput:
    """Build a :class:`CbamInput` from plain data (the structure of :func:`load_cbam_yaml`).

    Raises
    ------
    carbon.errors.InputError
        Listing every problem with its key path.

    Parameters
    ----------
    data : mapping
        Plain data with the keys of :func:`load_cbam_yaml`.
    source_file : str
        File the data came from, for messages.

    Returns
    -------
    CbamInput

    References
    ----------
    IR (EU) 2025/2547 Annex II (monitoring), Annex III (attribution), Annex IV (communication).
    """
    from carbon.errors import InputError

    b = _Builder(source_file or None)
    if not isinstance(data, Mapping):
        b.problem("", "the file must hold a mapping with at least 'installation' and 'processes'")
        raise InputError(b.problems)
    known = {
        "installation",
        "period",
        "source_streams",
        "emission_sources",
        "pfc",
        "processes",
        "precursors",
        "goods",
        "reported_indirect_t",
    }
    for k in data:
        if k not in known:
            from carbon.errors import did_you_mean

            b.problem(str(k), f"unknown top-level key '{k}'", did_you_mean(str(k), known) or None)
    inst_data = data.get("installation") or {}
    if isinstance(inst_data, str):
        inst_data = {"name": inst_data}
    inst_data = {k: ("" if v is None else str(v)) for k, v in dict(inst_data).items()}
    installation = b.make(Installation, inst_data, "installation")
    country = inst_data.get("country", "")
    if installation is not None and not installation.country_code and len(country) == 2:
        installation = Installation(**{**installation.__dict__, "country_code": country.upper()})
    period = data.get("period") or {}
    start = _date(b, "period.start", period.get("start")) if isinstance(period, Mapping) else None
    end = _date(b, "period.end", period.get("end")) if isinstance(period, Mapping) else None

    result = CbamInput(
        installation=installation or Installation(name=""),
        period_start=start,
        period_end=end,
        source_streams=_many(b, data, "source_streams", SourceStream, _prep_stream),
        emission_sources=_many(b, data, "emission_sources", EmissionSource),
        pfc=_many(b, data, "pfc", PFC),
        processes=_many(b, data, "processes", ProductionProcess, _prep_process),
        precursors=_many(b, data, "precursors", Precursor, _prep_precursor),
        goods=_many(b, data, "goods", Good, _prep_good),
        reported_indirect_t=_num_or_none(b, "reported_indirect_t", data.get("reported_indirect_t")),
        source_file=source_file,
    )
    if b.problems:
        raise InputError(b.problems)
    return result


def load_cbam_yaml(path: str | Any) -> CbamInput:
    """Read a CBAM installation described in our YAML format.

    Format (units in brackets; every key except ``installation``, ``processes`` and
    ``goods`` is optional)::

        installation: {name: Example Screw Plant, country: TW}   # any Installation field
        period: {start: 2026-01-01, end: 2026-12-31}
        source_streams:              # IR 2025/2547 Annex II B.3
          - name: Natural gas
            method: combustion       # combustion | process | mass_balance
            activity: 1837.5         # [t | 1000Nm3 | TJ]; mass-balance outputs negative
            unit: t                  # t | 1000Nm3 | TJ
            ncv: 48                  # [GJ/t or GJ/1000Nm3]
            ef: 56.1                 # in ef_unit
            ef_unit: tCO2/TJ         # tCO2/TJ | tCO2/t | tCO2/1000Nm3
            carbon_content: 0.8      # [t C/t], mass balance
            oxidation_factor: 1      # [fraction]; conversion_factor, biomass_fraction alike
        emission_sources:            # CEMS, Annex II B.6
          - {name: N2O stack, gas: N2O, mass_t: 12.3}
        pfc:                         # Annex II B.7
          - {name: Potline, method: slope, primary_aluminium_t: 100000,
             frequency: 0.2, duration: 1.5, sef_cf4: 0.143, f_c2f6: 0.121,
             collection_efficiency: 0.98}
        processes:                   # Annex III A.3
          - name: Carbon steel screws
            category: Iron or steel products   # aggregated goods category (template name)
            production_t: 17000      # [t], or a list per route
            direct_emissions_t: 3337.95        # DirEm* [t CO2e]; or instead:
            # sources: {Natural gas: 0.675}    # share of each source attributed here
            heat: [{direction: import, amount_tj: 10, ef: 62.3}]      # [TJ], [t CO2/TJ]
            waste_gases: [{direction: export, amount_tj: 50}]         # V x NCV [TJ]
            electricity: {mwh: 3400, ef: 0.833, source: grid_default} # [MWh], [t CO2/MWh]
            electricity_produced: {mwh: 0, ef: 0}
            precursors: {Carbon steel: 20000}  # precursor name -> M_i [t]
        precursors:                  # purchased precursors (internal ones are processes)
          - name: Carbon steel
            category: Iron or steel products
            country: CN
            see_direct: 1.539                  # [t CO2e/t]
            see_direct_source: measured        # measured | default | unknown
            specific_electricity_mwh_per_t: 0.3455925
            electricity_ef: 0.5902905879       # or see_indirect: 0.204
            zero_rated: false                  # EU / exempted origin (Annex III B)
        goods:
          - {cn_code: 7318 15 42, process: Carbon steel screws, name: Screws C1}

    Electricity EF ``source`` takes the template codes (``D.4(a)``, ``D.4(b)``, ``D.4.1``,
    ``D.4.2``, ``D.4.3.1``, ``D.4.3.2``, ``Mix``) or ``grid_default``, ``other_grid``,
    ``own_generation``, ``chp``, ``direct_connection``, ``ppa``, ``mix``.

    Parameters
    ----------
    path : str or Path
        YAML file (UTF-8).

    Returns
    -------
    CbamInput

    Raises
    ------
    carbon.errors.InputError
        Unknown keys (with suggestions), wrong types, unreadable YAML.

    References
    ----------
    IR (EU) 2025/2547 Annex II B (source streams, Eq. 5-26), Annex III A.3, B (Eq. 55-63), Annex IV.
    """
    from pathlib import Path

    import yaml

    from carbon.errors import InputError, Problem

    p = Path(path)
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError([Problem("file not found", file=str(p))]) from None
    except yaml.YAMLError as exc:
        raise InputError([Problem(f"not valid YAML: {exc}", file=str(p))]) from None
    return cbam_input_from_dict(data or {}, source_file=str(p))
