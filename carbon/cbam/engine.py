"""CBAM calculation engine: Implementing Regulation (EU) 2025/2547 Annex II and III.

Steps
-----
1. Installation direct emissions, Annex II B, Eq. 4: calculation-based source streams
   (Eq. 5-15), measurement-based sources (Eq. 16-18) and PFC of primary aluminium
   (Eq. 20-26).  Installation indirect emissions: electricity consumed x EF (Eq. 35).
2. Attribution to production processes, Annex III A.3:
   ``AttrEm_Dir = max(0, DirEm* + Em_H,imp - Em_H,exp + WG_corr,imp - WG_corr,exp - Em_el,prod)``
   (Eq. 55, heat Eq. "52", waste gases Eq. 53-54) and ``AttrEm_Indir = Em_el,cons``
   (Eq. 56).
3. Specific embedded emissions, Annex III B: ``SEE_g = AttrEm_g/AL_g + sum_i m_i SEE_i``
   (Eq. 57-63), direct and indirect separately, solved over the whole precursor chain in
   topological order (a cycle is an error).
4. Which indirect emissions count in the definitive period: only for goods *not* listed in
   Annex II of Regulation (EU) 2023/956 (as amended by (EU) 2025/2083), with the cross
   rule of IR 2025/2547 Annex I point 3.1 for precursors.

Every regulatory constant (f = 3.664, GWPs, EF of natural gas, Corr_eta, boiler efficiency
90 %, Annex II CN list, exempted countries) is read from the legal texts under
``factors/sources/cbam/legal/`` by :func:`legal_constants`, with the line it came from.
"""

from __future__ import annotations

import functools
import graphlib
import math
import re
import warnings
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pandas as pd

from carbon.errors import CalculationError, DataQualityWarning, InputError, Problem, did_you_mean
from carbon.units import multiplier

from .goods import IR2547_FILE, LEGAL_DIR, R956_FILE, annex_ii, indirect_counts, normalise_cn
from .model import (
    PFC,
    CbamInput,
    EmissionSource,
    HeatFlow,
    Precursor,
    ProductionProcess,
    SourceStream,
    WasteGas,
)

__all__ = [
    "CbamResult",
    "GoodResult",
    "InstallationResult",
    "LegalConstants",
    "ProcessResult",
    "calculate",
    "chp_emission_factors",
    "default_heat_emission_factor",
    "emission_source_emissions",
    "heat_emission_factor",
    "is_zero_rated_origin",
    "legal_constants",
    "pfc_emissions",
    "source_stream_emissions",
    "waste_gas_correction",
]


# --------------------------------------------------------------------------------------
# Legal constants
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LegalConstants:
    """Constants of the CBAM methodology, read from the legal texts.

    Attributes
    ----------
    f_co2_c : float
        Ratio of molar masses CO2/C [t CO2/t C] (IR 2025/2547 Annex II B.3.1, B.3.2).
    gwp : mapping
        GWP [t CO2e/t] of N2O, CF4, C2F6 (IR 2025/2547 Annex II G Table 6).
    ef_natural_gas : float
        Standard EF of natural gas [t CO2/TJ] (Annex II G Table 1), used in Eq. 53-54.
    corr_eta : float
        Corr_eta for exported waste gas (Annex III A.2.3, Eq. 54).
    boiler_efficiency : float
        Boiler efficiency for heat imported without data (Annex III A.2.2 (2)).
    annex_ii_prefixes, annex_ii_exceptions : tuple of str
        CN prefixes of Regulation (EU) 2023/956 Annex II (direct emissions only), incl.
        electricity added by Regulation (EU) 2025/2083 Art. 1(29), and the listed
        exceptions.
    exempt_origins : tuple of str
        Countries and territories of R 2023/956 Annex III point 1.
    sources : mapping
        Constant name -> ``"file:line"`` it was read from.
    """

    f_co2_c: float
    gwp: Mapping[str, float]
    ef_natural_gas: float
    corr_eta: float
    boiler_efficiency: float
    annex_ii_prefixes: tuple[str, ...]
    annex_ii_exceptions: tuple[str, ...]
    exempt_origins: tuple[str, ...]
    sources: Mapping[str, str]


def _num(text: str) -> float:
    """Parse an OJ number: ``'6 630'`` -> 6630.0, ``'0,667'`` -> 0.667."""
    return float(text.replace("\u00a0", "").replace(" ", "").replace(",", "."))


def _find(lines: list[str], pattern: str, fname: str, what: str) -> tuple[re.Match[str], str]:
    rx = re.compile(pattern)
    for i, line in enumerate(lines, start=1):
        m = rx.search(line)
        if m:
            return m, f"{fname}:{i}"
    msg = (
        f"{what} not found in {LEGAL_DIR / fname} (pattern {pattern!r}); the legal text copy is "
        "damaged or a different edition - restore the file from factors/sources/SOURCES.md."
    )
    raise CalculationError(msg)


@functools.cache
def legal_constants(directory: str | None = None) -> LegalConstants:
    """Read the methodology constants from the legal texts (cached).

    Parameters
    ----------
    directory : str, optional
        Folder holding the legal text copies (default ``factors/sources/cbam/legal``).

    Returns
    -------
    LegalConstants

    References
    ----------
    IR (EU) 2025/2547 Annex II B.3.1 (f), G Tables 1 and 6; Annex III A.2.2, A.2.3.
    Regulation (EU) 2023/956 Annex II, Annex III; Regulation (EU) 2025/2083 Art. 1(29).
    """
    d = Path(directory) if directory else LEGAL_DIR
    ir = (d / IR2547_FILE).read_text(encoding="utf-8").splitlines()
    src: dict[str, str] = {}
    m, src["f_co2_c"] = _find(ir, r"f = (\d+,\d+) t CO2/t C", IR2547_FILE, "f (CO2/C)")
    f = _num(m.group(1))
    gwp = {}
    for gas in ("N2O", "CF4", "C2F6"):
        m, src[f"gwp_{gas}"] = _find(
            ir, rf"^{gas} (\d[\d ]*(?:,\d+)?) t CO2e/t {gas}\s*$", IR2547_FILE, f"GWP of {gas}"
        )
        gwp[gas] = _num(m.group(1))
    m, src["ef_natural_gas"] = _find(
        ir, r"^Natural gas (\d+,\d+) (\d+,\d+) IPCC", IR2547_FILE, "EF natural gas (Table 1)"
    )
    ef_ng = _num(m.group(1))
    m, src["corr_eta"] = _find(ir, r"standard value is Corr\S* = (\d+,\d+)", IR2547_FILE, "Corr_eta")
    corr = _num(m.group(1))
    m, src["boiler_efficiency"] = _find(ir, r"boiler efficiency of (\d+) %", IR2547_FILE, "boiler efficiency")
    boiler = _num(m.group(1)) / 100.0

    r956 = (d / R956_FILE).read_text(encoding="utf-8").splitlines()
    annex = annex_ii(directory)
    prefixes = [e.code for e in annex.entries if not e.exception]
    exceptions = [e.code for e in annex.entries if e.exception]
    src["annex_ii"] = annex.source
    a3 = next(i for i, s in enumerate(r956) if s.startswith("1. THIRD COUNTRIES AND TERRITORIES OUTSIDE"))
    exempt = []
    for s in r956[a3 + 1 : a3 + 15]:
        if s.startswith("2. "):
            break
        if s.startswith("\u2014 "):
            exempt.append(s[2:].strip())
    src["exempt_origins"] = f"{R956_FILE}:{a3 + 1}"
    return LegalConstants(
        f_co2_c=f,
        gwp=MappingProxyType(gwp),
        ef_natural_gas=ef_ng,
        corr_eta=corr,
        boiler_efficiency=boiler,
        annex_ii_prefixes=tuple(prefixes),
        annex_ii_exceptions=tuple(exceptions),
        exempt_origins=tuple(exempt),
        sources=MappingProxyType(src),
    )


def _gwp(gas: str) -> float:
    """GWP of N2O/CF4/C2F6 [t CO2e/t] from IR 2025/2547 Annex II G Table 6.

    The CBAM methodology prescribes these values.  When ``carbon.gwp`` can provide the AR5
    value it is cross-checked and a mismatch is reported as a warning; the legal value is
    used.
    """
    from carbon.gwp import gwp_value

    value = legal_constants().gwp[gas]
    try:
        other = gwp_value(gas, "AR5")
    except LookupError:  # GWPError: the gas is not in carbon.gwp's AR5 table: legal text only
        return value
    if not math.isclose(other, value, rel_tol=1e-9):
        warnings.warn(
            f"carbon.gwp gives AR5 GWP {other} for {gas} but IR 2025/2547 Annex II G Table 6 "
            f"prescribes {value}; using {value}.",
            DataQualityWarning,
            stacklevel=3,
        )
    return value


# --------------------------------------------------------------------------------------
# Installation-level emissions (Annex II B)
# --------------------------------------------------------------------------------------
def _ad_tj_or_mass(s: SourceStream) -> float:
    """Activity as used with the EF: TJ for t CO2/TJ factors (Eq. 6), else the quantity."""
    if s.ef_unit == "tCO2/TJ":
        if s.activity_unit == "TJ":
            return s.activity
        if s.ncv is None:
            msg = (
                f"Source stream '{s.name}': the emission factor is per TJ but no NCV is given; "
                "enter the NCV [GJ/t or GJ/1000Nm3] or the activity in TJ (IR 2025/2547 Eq. 6)."
            )
            raise CalculationError(msg)
        return s.activity * s.ncv / 1000.0
    expected = {"tCO2/t": "t", "tCO2/1000Nm3": "1000Nm3"}[s.ef_unit]
    if s.activity_unit != expected:
        msg = (
            f"Source stream '{s.name}': emission factor unit {s.ef_unit} does not fit activity "
            f"unit {s.activity_unit}; use activity in {expected} or an EF in tCO2/TJ."
        )
        raise CalculationError(msg)
    return s.activity


def source_stream_emissions(s: SourceStream) -> tuple[float, float]:
    """Fossil and zero-rated biomass CO2 of a source stream [t CO2].

    Combustion: ``AD x EF x OF`` (Eq. 5-6); process: ``AD x EF x CF`` (Eq. 11); mass
    balance: ``f x AD x CC`` (Eq. 12) with AD negative for outputs.  The fossil part is
    ``x (1 - BF)`` (Eq. 10, 15).

    Parameters
    ----------
    s : SourceStream

    Returns
    -------
    tuple of float
        (fossil CO2 [t], biomass CO2 [t]).

    References
    ----------
    IR (EU) 2025/2547 Annex II B.3.1 (Eq. 5-11), B.3.2 (Eq. 12-15), B.3.3 (biomass).
    """
    if s.method == "mass_balance":
        if s.carbon_content is None:
            msg = f"Source stream '{s.name}': the mass balance needs the carbon content [t C/t] (IR 2025/2547 Eq. 12)."
            raise CalculationError(msg)
        total = legal_constants().f_co2_c * s.activity * s.carbon_content
    else:
        if s.emission_factor is None:
            msg = f"Source stream '{s.name}': no emission factor given (Eq. 5, 11)."
            raise CalculationError(msg)
        factor = s.oxidation_factor if s.method == "combustion" else s.conversion_factor
        total = _ad_tj_or_mass(s) * s.emission_factor * factor
    bf = s.zero_rated_fraction
    return total * (1.0 - bf), total * bf


def source_stream_energy_tj(s: SourceStream) -> float | None:
    """Energy content of a source stream [TJ] (``AD x NCV``), ``None`` if unknown.

    Parameters
    ----------
    s : SourceStream

    Returns
    -------
    float or None
        ``AD x NCV`` [TJ].

    References
    ----------
    IR (EU) 2025/2547 Annex II B.3.1, Eq. 6.
    """
    if s.activity_unit == "TJ":
        return s.activity
    if s.ncv is None:
        return None
    return s.activity * s.ncv / 1000.0


def emission_source_emissions(e: EmissionSource) -> tuple[float, float, float]:
    """Emissions of a measurement-based source (Annex II B.6).

    Mass of the gas = concentration [g/Nm3] x hours x flue gas [1000 Nm3/h] / 1000 (Eq. 16
    with annual averages) unless ``mass_t`` is given; N2O x GWP (Eq. 18).

    Returns
    -------
    tuple of float
        (mass of gas [t], fossil CO2e [t], biomass CO2 [t]).

    Parameters
    ----------
    e : EmissionSource

    References
    ----------
    IR (EU) 2025/2547 Annex II B.6 (Eq. 16-18), G Table 6 (GWP).
    """
    if e.mass_t is not None:
        mass = float(e.mass_t)
    elif e.concentration_g_per_nm3 is not None and e.hours is not None and e.flue_gas_1000nm3_per_h is not None:
        mass = e.concentration_g_per_nm3 * e.hours * e.flue_gas_1000nm3_per_h / 1000.0
    else:
        msg = (
            f"Emission source '{e.name}': give the annual mass [t] or concentration [g/Nm3], "
            "operating hours [h] and flue gas flow [1000 Nm3/h] (IR 2025/2547 Eq. 16)."
        )
        raise CalculationError(msg)
    gwp = 1.0 if e.gas == "CO2" else _gwp(e.gas)
    bf = e.biomass_fraction if e.gas == "CO2" else 0.0
    return mass, mass * (1.0 - bf) * gwp, mass * bf * gwp


def pfc_emissions(p: PFC) -> tuple[float, float, float]:
    """PFC emissions of primary aluminium (Annex II B.7).

    Slope: ``CF4 = AEM x SEF/1000 x Pr_Al`` (Eq. 21, AEM = frequency x duration Eq. 23);
    overvoltage: ``CF4 = OVC x AEO/CE x Pr_Al x 0.001`` (Eq. 24); ``C2F6 = CF4 x F``
    (Eq. 22, 25); total = duct / collection efficiency (Eq. 20); CO2e with GWP (Eq. 26).

    Returns
    -------
    tuple of float
        (CF4 [t], C2F6 [t], CO2e [t]), all after the collection-efficiency correction.

    Parameters
    ----------
    p : PFC

    References
    ----------
    IR (EU) 2025/2547 Annex II B.7 (Eq. 20-26), G Tables 2, 3, 6.
    """
    if p.method == "slope":
        aem = p.aem if p.aem is not None else (p.frequency or 0.0) * (p.duration or 0.0)
        if p.sef_cf4 is None:
            msg = f"PFC '{p.name}': the slope method needs SEF_CF4 (Eq. 21, Table 2)."
            raise CalculationError(msg)
        cf4 = aem * (p.sef_cf4 / 1000.0) * p.primary_aluminium_t
    elif p.method == "overvoltage":
        if p.ovc is None or p.aeo_mv is None or not p.current_efficiency_pct:  # efficiency also not 0
            msg = f"PFC '{p.name}': the overvoltage method needs OVC, AEO [mV] and current efficiency [%] (Eq. 24)."
            raise CalculationError(msg)
        cf4 = p.ovc * (p.aeo_mv / p.current_efficiency_pct) * p.primary_aluminium_t * 0.001
    else:
        msg = f"PFC '{p.name}': method must be 'slope' or 'overvoltage', not {p.method!r}."
        raise CalculationError(msg)
    ce = p.collection_efficiency or 1.0
    cf4 /= ce
    c2f6 = cf4 * p.f_c2f6
    co2e = cf4 * _gwp(p.cf4_gwp_name) + c2f6 * _gwp(p.c2f6_gwp_name)
    return cf4, c2f6, co2e


# --------------------------------------------------------------------------------------
# Heat and waste gas helpers (Annex III A.2.2, A.2.3)
# --------------------------------------------------------------------------------------
def heat_emission_factor(
    fuels: Iterable[tuple[float, float] | tuple[float, float, bool]],
    efficiency: float,
    flue_gas_cleaning_t: float = 0.0,
) -> float:
    """Emission factor of measurable heat not from cogeneration [t CO2/TJ heat].

    ``EF_mix = (sum AD NCV EF + Em_FGC) / sum AD NCV`` (Eq. 45) and
    ``Em_Heat = EF_mix x Q / eta`` (Eq. 44), so the factor per TJ of heat is EF_mix/eta.
    A waste gas whose EF exceeds natural gas uses the natural-gas EF (A.2.2).

    Parameters
    ----------
    fuels : iterable of (energy [TJ], EF [t CO2/TJ]) or (energy, EF, is_waste_gas)
    efficiency : float
        eta of the heat production [fraction].
    flue_gas_cleaning_t : float
        Em_FGC [t CO2].

    Returns
    -------
    float
        [t CO2/TJ heat].

    References
    ----------
    IR (EU) 2025/2547 Annex III A.2.2 (Eq. 44-45).
    """
    ef_ng = legal_constants().ef_natural_gas
    energy = 0.0
    emis = float(flue_gas_cleaning_t)
    for item in fuels:
        tj, ef = float(item[0]), float(item[1])
        if len(item) > 2 and item[2] and ef > ef_ng:
            ef = ef_ng
        energy += tj
        emis += tj * ef
    if energy <= 0 or efficiency <= 0:
        msg = "heat_emission_factor needs fuel energy > 0 and efficiency > 0 (Eq. 44-45)."
        raise CalculationError(msg)
    return emis / energy / efficiency


def default_heat_emission_factor(fuel_ef: float) -> float:
    """EF of heat imported without verified data [t CO2/TJ heat] (Annex III A.2.2 (2)).

    The standard EF of the fuel most used in the country's industrial sector divided by
    the boiler efficiency of 90 % (read from the legal text).

    Parameters
    ----------
    fuel_ef : float
        Standard emission factor of the fuel [t CO2/TJ].

    Returns
    -------
    float
        [t CO2/TJ heat].

    References
    ----------
    IR (EU) 2025/2547 Annex III A.2.2 (2).
    """
    return fuel_ef / legal_constants().boiler_efficiency


def chp_emission_factors(
    fuels: Iterable[tuple[float, float]],
    heat_tj: float,
    electricity_mwh: float,
    ref_eff_heat: float,
    ref_eff_el: float,
    flue_gas_cleaning_t: float = 0.0,
) -> tuple[float, float]:
    """Emission factors of heat and electricity from cogeneration (Annex III A.2.2).

    ``Em_CHP = sum AD NCV EF + Em_FGC`` (Eq. 46), ``eta_heat = Q/E_in`` (Eq. 47),
    ``eta_el = E_el/E_in`` (Eq. 48), attribution factors Eq. 49-50,
    ``EF_heat = Em_CHP F_heat / Q`` (Eq. 51), ``EF_el = Em_CHP F_el / E_el`` (Eq. 52).

    Parameters
    ----------
    fuels : iterable of (energy [TJ], EF [t CO2/TJ])
    heat_tj : float
        Net heat produced [TJ].
    electricity_mwh : float
        Net electricity produced [MWh].
    ref_eff_heat, ref_eff_el : float
        Harmonised reference efficiencies (Annex III C).

    Returns
    -------
    tuple of float
        (EF heat [t CO2/TJ], EF electricity [t CO2/MWh]).

    References
    ----------
    IR (EU) 2025/2547 Annex III A.2.2 (Eq. 46-52), Annex III C (reference efficiencies).
    """
    fuels = [(float(a), float(b)) for a, b in fuels]
    e_in = sum(a for a, _ in fuels)
    em = sum(a * b for a, b in fuels) + flue_gas_cleaning_t
    el_tj = electricity_mwh * multiplier("MWh", "TJ")
    eta_h, eta_e = heat_tj / e_in, el_tj / e_in
    den = eta_h / ref_eff_heat + eta_e / ref_eff_el
    f_heat, f_el = (eta_h / ref_eff_heat) / den, (eta_e / ref_eff_el) / den
    ef_heat = em * f_heat / heat_tj if heat_tj else 0.0
    ef_el = em * f_el / electricity_mwh if electricity_mwh else 0.0
    return ef_heat, ef_el


def waste_gas_correction(amount_tj: float, direction: str) -> float:
    """WG_corr [t CO2] of imported (Eq. 53) or exported (Eq. 54) waste gas.

    ``WG_corr,imp = V NCV EF_NG``; ``WG_corr,exp = V NCV EF_NG Corr_eta``.

    Parameters
    ----------
    amount_tj : float
        V x NCV of the waste gas [TJ].
    direction : {'import', 'export'}

    Returns
    -------
    float
        [t CO2].

    References
    ----------
    IR (EU) 2025/2547 Annex III A.2.3 (Eq. 53-54), Annex II G Table 1.
    """
    lc = legal_constants()
    corr = lc.corr_eta if direction == "export" else 1.0
    return amount_tj * lc.ef_natural_gas * corr


# --------------------------------------------------------------------------------------
# Result objects
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class InstallationResult:
    """Installation totals [t CO2e]: direct (Annex II Eq. 4) and indirect (Eq. 35)."""

    direct_t: float
    indirect_t: float
    biomass_co2_t: float = 0.0


@dataclass(frozen=True)
class ProcessResult:
    """Attributed emissions of a production process (Annex III A.3, B).

    Attributes
    ----------
    attributed_direct_t, attributed_indirect_t : float
        AttrEm_Dir (Eq. 55, floored at 0) and AttrEm_Indir (Eq. 56) [t CO2e].
    see_direct, see_indirect : float
        Specific embedded emissions incl. precursors [t CO2e/t] (Eq. 59-62).
    see_indirect_counted : float
        Part of ``see_indirect`` counted in the definitive period (see
        :func:`indirect_counts` and IR 2025/2547 Annex I point 3.1).
    embedded_electricity_mwh_per_t : float
        Electricity embedded per tonne incl. precursors [MWh/t].
    complex : bool
        Complex good (a precursor with non-zero embedded emissions, R 2023/956 Annex IV 1).
    """

    name: str
    activity_level_t: float
    attributed_direct_t: float
    attributed_indirect_t: float
    direct_emissions_t: float = 0.0
    heat_t: float = 0.0
    waste_gas_t: float = 0.0
    electricity_produced_t: float = 0.0
    see_direct: float = math.nan
    see_indirect: float = math.nan
    see_indirect_counted: float = math.nan
    embedded_electricity_mwh_per_t: float = math.nan
    indirect_counted: bool = True
    complex: bool = False

    def to_dict(self) -> dict[str, Any]:
        """The four public keys (name, activity level, attributed direct/indirect)."""
        return {
            "name": self.name,
            "activity_level_t": self.activity_level_t,
            "attributed_direct_t": self.attributed_direct_t,
            "attributed_indirect_t": self.attributed_indirect_t,
        }


@dataclass(frozen=True)
class GoodResult:
    """Specific embedded emissions of a good [t CO2e/t].

    Attributes
    ----------
    see_direct, see_indirect : float
        Specific direct and indirect embedded emissions incl. precursors (Annex III B,
        Eq. 59-62).
    see_total : float
        ``see_direct + see_indirect``: the total of the Communication template (its
        "specific embedded emissions, total"), whatever counts for certificates.
    see_embedded : float
        The embedded emissions of the definitive period: ``see_direct +
        see_indirect_counted``, i.e. direct only for goods of Annex II of R 2023/956
        (steel, aluminium, hydrogen, electricity) except indirect emissions of
        non-Annex-II precursors (IR 2025/2547 Annex I 3.1); direct + indirect for the
        others (R 2023/956 Art 7(1)).  This is what certificates are due on.
    indirect_counted : bool
        Whether the good's own indirect emissions count (:func:`carbon.cbam.goods.indirect_counts`).
    """

    cn_code: str
    process: str
    see_direct: float
    see_indirect: float
    see_total: float
    embedded_electricity_mwh_per_t: float
    name: str = ""
    indirect_counted: bool = True
    see_indirect_counted: float = 0.0
    complex: bool = False
    see_embedded: float = math.nan

    def to_dict(self) -> dict[str, Any]:
        """The public keys: SEE direct, indirect, total (template) and embedded (definitive period)."""
        return {
            "cn_code": self.cn_code,
            "process": self.process,
            "see_direct": self.see_direct,
            "see_indirect": self.see_indirect,
            "see_total": self.see_total,
            "see_embedded": self.see_embedded,
            "indirect_counted": self.indirect_counted,
            "embedded_electricity_mwh_per_t": self.embedded_electricity_mwh_per_t,
        }


@dataclass(frozen=True)
class CbamResult:
    """Result of :func:`calculate`.

    Attributes
    ----------
    installation : InstallationResult
    processes : tuple of ProcessResult
    goods : tuple of GoodResult
    """

    installation: InstallationResult
    processes: tuple[ProcessResult, ...]
    goods: tuple[GoodResult, ...]
    source_rows: tuple[Mapping[str, Any], ...] = field(default=(), repr=False)
    period: str = ""
    entity: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict with exactly the keys ``installation``, ``processes``, ``goods``."""
        return {
            "installation": {"direct_t": self.installation.direct_t, "indirect_t": self.installation.indirect_t},
            "processes": [p.to_dict() for p in self.processes],
            "goods": [g.to_dict() for g in self.goods],
        }

    def process(self, name: str) -> ProcessResult:
        """Return the result of the process called ``name``."""
        for p in self.processes:
            if p.name == name:
                return p
        raise KeyError(name)

    def good(self, cn_code: str, process: str | None = None) -> GoodResult:
        """Return the first good with this CN code (and process, if given)."""
        code = normalise_cn(cn_code)
        for g in self.goods:
            if g.cn_code == code and (process is None or g.process == process):
                return g
        raise KeyError(cn_code)

    def records(self) -> pd.DataFrame:
        """Installation emissions per source as an emission-records table.

        One row per source stream (CO2; zero-rated biomass CO2 as a separate ``CO2_bio``
        row without CO2e), measurement source (CO2 or N2O) and PFC gas (CF4, C2F6).
        Columns are ``carbon.schema.RECORD_COLUMNS``; filled: record_id, source_id,
        source_name, entity, period, gas, activity_amount, activity_unit, mass_t, gwp_set,
        gwp, co2e_t, cn_code (when the source is attributed to one process with one good),
        biogenic (True on ``CO2_bio`` rows); the other columns are empty.
        The sum of ``co2e_t`` equals ``installation.direct_t``.
        """
        from carbon.schema import empty_records

        frame = empty_records()
        columns = list(frame.columns)
        int_ids = pd.api.types.is_integer_dtype(frame["record_id"].dtype)
        rows = []
        for i, r in enumerate(self.source_rows, start=1):
            row = dict.fromkeys(columns)
            row.update({k: v for k, v in r.items() if k in row})
            row["record_id"] = i if int_ids else f"cbam-{i}"
            row["entity"] = self.entity or None
            row["period"] = self.period or None
            if r.get("gas") == "CO2_bio" and "biogenic" in row:
                row["biogenic"] = True
            rows.append(row)
        if not rows:
            return frame
        out = pd.DataFrame(rows, columns=columns)
        return out.astype(frame.dtypes.to_dict())


# --------------------------------------------------------------------------------------
# Calculation
# --------------------------------------------------------------------------------------
def _check_names(inp: CbamInput) -> None:
    problems: list[Problem] = []
    where = inp.source_file or None
    seen: dict[str, str] = {}
    for kind, items in (("process", inp.processes), ("precursor", inp.precursors)):
        for it in items:
            if not it.name:
                problems.append(Problem(f"a {kind} has no name", file=where))
            elif it.name in seen:
                problems.append(
                    Problem(
                        f"name '{it.name}' is used for a {seen[it.name]} and a {kind}",
                        file=where,
                        hint="Give every production process and purchased precursor a unique name.",
                    )
                )
            seen[it.name] = kind
    names = set(seen)
    proc_names = {p.name for p in inp.processes}
    for p in inp.processes:
        for u in p.precursors:
            if u.precursor not in names:
                problems.append(
                    Problem(
                        f"process '{p.name}' consumes unknown precursor '{u.precursor}'",
                        file=where,
                        hint=did_you_mean(u.precursor, names) or "Declare it as a process or purchased precursor.",
                    )
                )
            if u.mass_t < 0:
                problems.append(Problem(f"process '{p.name}': negative precursor mass for '{u.precursor}'", file=where))
    for p in inp.processes:
        flows: tuple[HeatFlow | WasteGas, ...] = (*p.heat, *p.waste_gases)
        for flow in flows:
            if flow.direction not in ("import", "export"):
                problems.append(
                    Problem(
                        f"process '{p.name}': heat/waste-gas direction {flow.direction!r}",
                        file=where,
                        hint="Use 'import' or 'export'.",
                    )
                )
            if flow.amount_tj < 0:
                problems.append(Problem(f"process '{p.name}': negative heat/waste-gas amount", file=where))
        if any(x < 0 for x in p.production_t):
            problems.append(Problem(f"process '{p.name}': negative production", file=where))
    for g in inp.goods:
        if g.process not in proc_names:
            problems.append(
                Problem(
                    f"good {g.cn_code} refers to unknown process '{g.process}'",
                    file=where,
                    hint=did_you_mean(g.process, proc_names) or "Use the name of a production process.",
                )
            )
    if problems:
        raise InputError(problems)


def _source_rows(inp: CbamInput, attribution: Mapping[str, list[str]]) -> tuple[list[dict], float, float]:
    """Records rows for the installation's sources; returns (rows, direct_t, biomass_t)."""
    proc_cn: dict[str, set[str]] = {}
    for g in inp.goods:
        proc_cn.setdefault(g.process, set()).add(normalise_cn(g.cn_code))

    def cn_for(name: str) -> str | None:
        procs = attribution.get(name, [])
        if len(procs) == 1 and len(proc_cn.get(procs[0], ())) == 1:
            return next(iter(proc_cn[procs[0]]))
        return None

    rows: list[dict] = []
    direct = biomass = 0.0
    for i, s in enumerate(inp.source_streams, start=1):
        fossil, bio = source_stream_emissions(s)
        direct += fossil
        biomass += bio
        base = {
            "source_id": f"SS{i}",
            "source_name": s.name,
            "activity_amount": s.activity,
            "activity_unit": s.activity_unit,
            "cn_code": cn_for(s.name),
        }
        rows.append({**base, "gas": "CO2", "mass_t": fossil, "gwp_set": "AR5", "gwp": 1.0, "co2e_t": fossil})
        if bio:
            rows.append({**base, "gas": "CO2_bio", "mass_t": bio, "gwp_set": "AR5", "gwp": 1.0, "co2e_t": None})
    for i, e in enumerate(inp.emission_sources, start=1):
        mass, fossil, bio = emission_source_emissions(e)
        direct += fossil
        biomass += bio
        gwp = 1.0 if e.gas == "CO2" else _gwp(e.gas)
        base = {"source_id": f"CEMS{i}", "source_name": e.name, "cn_code": cn_for(e.name)}
        if e.hours is not None and e.mass_t is None:
            base.update(activity_amount=e.hours, activity_unit="h")
        rows.append({**base, "gas": e.gas, "mass_t": fossil / gwp, "gwp_set": "AR5", "gwp": gwp, "co2e_t": fossil})
        if bio:
            rows.append({**base, "gas": "CO2_bio", "mass_t": bio, "gwp_set": "AR5", "gwp": 1.0, "co2e_t": None})
    for i, p in enumerate(inp.pfc, start=1):
        cf4, c2f6, _ = pfc_emissions(p)
        base = {
            "source_id": f"PFC{i}",
            "source_name": p.name,
            "activity_amount": p.primary_aluminium_t,
            "activity_unit": "t",
            "cn_code": cn_for(p.name),
        }
        for gas, mass in (("CF4", cf4), ("C2F6", c2f6)):
            gwp = _gwp(gas)
            direct += mass * gwp
            rows.append({**base, "gas": gas, "mass_t": mass, "gwp_set": "AR5", "gwp": gwp, "co2e_t": mass * gwp})
    return rows, direct, biomass


def _source_co2e(inp: CbamInput) -> dict[str, float]:
    out: dict[str, float] = {}
    for s in inp.source_streams:
        out[s.name] = out.get(s.name, 0.0) + source_stream_emissions(s)[0]
    for e in inp.emission_sources:
        out[e.name] = out.get(e.name, 0.0) + emission_source_emissions(e)[1]
    for p in inp.pfc:
        out[p.name] = out.get(p.name, 0.0) + pfc_emissions(p)[2]
    return out


def _direct_star(p: ProductionProcess, by_source: Mapping[str, float], where: str | None) -> float:
    if p.direct_emissions_t is not None:
        return float(p.direct_emissions_t)
    total = 0.0
    for name, share in p.sources.items():
        if name not in by_source:
            raise InputError(
                [
                    Problem(
                        f"process '{p.name}' takes emissions from unknown source '{name}'",
                        file=where,
                        hint=did_you_mean(name, by_source) or "Name a source stream, CEMS or PFC row.",
                    )
                ]
            )
        total += share * by_source[name]
    return total


def _attribute(p: ProductionProcess, by_source: Mapping[str, float], where: str | None) -> dict[str, float]:
    """Eq. 55-56 for one process."""
    dir_star = _direct_star(p, by_source, where)
    heat = sum(h.amount_tj * h.emission_factor * (1 if h.direction == "import" else -1) for h in p.heat)
    wg = sum(
        waste_gas_correction(w.amount_tj, w.direction) * (1 if w.direction == "import" else -1) for w in p.waste_gases
    )
    el_prod = p.electricity_produced.mwh * p.electricity_produced.emission_factor if p.electricity_produced else 0.0
    attr_dir = max(0.0, dir_star + heat + wg - el_prod)
    attr_ind = p.electricity.mwh * p.electricity.emission_factor if p.electricity else 0.0
    return {
        "dir_star": dir_star,
        "heat": heat,
        "wg": wg,
        "el_prod": el_prod,
        "attr_dir": attr_dir,
        "attr_ind": attr_ind,
        "el_mwh": p.electricity.mwh if p.electricity else 0.0,
    }


#: ISO 3166-1 alpha-2 codes of the 27 EU Member States and of the four countries of
#: R 2023/956 Annex III point 1 (Iceland, Liechtenstein, Norway, Switzerland; the names are
#: read from the legal text by :func:`legal_constants`).  Precursors originating there have
#: zero embedded emissions (IR 2025/2547 Annex III B).
EU_MEMBER_STATES = frozenset("AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split())
EXEMPT_COUNTRY_CODES: Mapping[str, str] = MappingProxyType(
    {"Iceland": "IS", "Liechtenstein": "LI", "Norway": "NO", "Switzerland": "CH"}
)


def is_zero_rated_origin(country: str) -> bool:
    """True if goods from ``country`` (ISO-2 code or English name) have zero SEE as precursors.

    The Union (``"EU"`` or a Member State code) and the countries and territories of
    Annex III point 1 of Regulation (EU) 2023/956 (IR 2025/2547 Annex III B).

    Parameters
    ----------
    country : str
        ISO 3166-1 alpha-2 code or English name.

    Returns
    -------
    bool

    References
    ----------
    IR (EU) 2025/2547 Annex III B; Regulation (EU) 2023/956 Annex III point 1.
    """
    c = (country or "").strip()
    if not c:
        return False
    lc = legal_constants()
    codes = {EXEMPT_COUNTRY_CODES[n] for n in lc.exempt_origins if n in EXEMPT_COUNTRY_CODES}
    names = {n.lower() for n in lc.exempt_origins}
    return c.upper() in EU_MEMBER_STATES | codes | {"EU"} or c.lower() in names | {"european union"}


def _is_zero_rated(pre: Precursor) -> bool:
    return pre.zero_rated or is_zero_rated_origin(pre.country)


def calculate(cbam_input: CbamInput) -> CbamResult:
    """Compute installation, process and good results (IR 2025/2547 Annex II, III).

    Parameters
    ----------
    cbam_input : CbamInput

    Returns
    -------
    CbamResult
        ``to_dict()`` gives ``installation {direct_t, indirect_t}`` [t CO2e],
        ``processes [{name, activity_level_t, attributed_direct_t, attributed_indirect_t}]``
        and ``goods [{cn_code, process, see_direct, see_indirect, see_total,
        embedded_electricity_mwh_per_t}]`` [t CO2e/t, MWh/t].  Values are not rounded
        (Annex II A.1.6-8 rounding applies to the report, not the calculation).

    Raises
    ------
    InputError
        Unknown names or negative masses.
    CalculationError
        A precursor cycle, a process with zero activity level whose SEE is needed, or
        inconsistent units.

    References
    ----------
    IR (EU) 2025/2547 Annex II B (Eq. 4-26), Annex III A.3 (Eq. 55-58), B (Eq. 59-63);
    Regulation (EU) 2023/956 Annex II, Annex IV point 1; IR 2025/2547 Annex I point 3.1.
    """
    inp = cbam_input
    _check_names(inp)
    where = inp.source_file or None
    by_source = _source_co2e(inp)
    attribution = _attribution(inp, where)
    rows, inst_direct, inst_bio = _source_rows(inp, attribution)
    attr = {p.name: _attribute(p, by_source, where) for p in inp.processes}
    counted = _indirect_rule(inp)
    sol = _solve_chain(inp, attr, counted)
    proc_results = tuple(_process_result(p, attr[p.name], sol[p.name], counted(p)) for p in inp.processes)
    if any(p.electricity for p in inp.processes) or inp.reported_indirect_t is None:
        indirect = float(sum(a["attr_ind"] for a in attr.values()))
    else:
        indirect = float(inp.reported_indirect_t)
    return CbamResult(
        installation=InstallationResult(direct_t=inst_direct, indirect_t=indirect, biomass_co2_t=inst_bio),
        processes=proc_results,
        goods=_good_results(inp, proc_results),
        source_rows=tuple(MappingProxyType(r) for r in rows),
        period=_period(inp),
        entity=inp.installation.name,
    )


def _attribution(inp: CbamInput, where: str | None) -> dict[str, list[str]]:
    """Source name -> processes that take a share of it; shares of one source must not exceed 1."""
    attribution: dict[str, list[str]] = {}
    share_sum: dict[str, float] = {}
    for p in inp.processes:
        if p.direct_emissions_t is None:
            for name, share in p.sources.items():
                attribution.setdefault(name, []).append(p.name)
                share_sum[name] = share_sum.get(name, 0.0) + share
    over = [n for n, s in share_sum.items() if s > 1 + 1e-9]
    if over:
        raise InputError(
            [
                Problem(
                    f"source '{n}' is attributed to processes with shares adding up to {share_sum[n]:.6g} > 1",
                    file=where,
                    hint="The shares of one source over all processes must not exceed 1 (Annex III A.1).",
                )
                for n in over
            ]
        )
    return attribution


def _indirect_rule(inp: CbamInput) -> Callable[[ProductionProcess], bool]:
    """Whether a process's own indirect emissions count: by the CN code of its first good, else its category."""
    proc_goods: dict[str, list[str]] = {}
    for g in inp.goods:
        proc_goods.setdefault(g.process, []).append(normalise_cn(g.cn_code))

    def counted(p: ProductionProcess) -> bool:
        codes = proc_goods.get(p.name)
        if codes:
            return indirect_counts(cn_code=codes[0])
        return indirect_counts(category=p.category)

    return counted


def _process_order(inp: CbamInput) -> list[str]:
    """Processes in topological order over internal precursors (Annex III B recursion)."""
    procs = {p.name for p in inp.processes}
    ts: graphlib.TopologicalSorter[str] = graphlib.TopologicalSorter()
    for p in inp.processes:
        ts.add(p.name, *[u.precursor for u in p.precursors if u.precursor in procs and u.precursor != p.name])
    try:
        return [n for n in ts.static_order() if n in procs]
    except graphlib.CycleError as exc:
        cycle = exc.args[1]
        raise CalculationError(
            "The internal precursors form a cycle: "
            + " -> ".join(f"'{n}'" for n in cycle)
            + ". IR 2025/2547 Annex III B computes precursors first; a process cannot (indirectly) "
            "consume its own output. Merge these processes into one production process (Art. 4(9), "
            "joint process) or remove the circular flow (e.g. scrap returned is not a precursor, Annex II F)."
        ) from None


def _precursor_see(
    inp: CbamInput, name: str, use_mass_t: float, sol: Mapping[str, dict[str, float]], consumer: str
) -> tuple[float, float, float, float]:
    """(direct, indirect, counted indirect, electricity) per tonne of a precursor.

    Internal precursors take their own solution; purchased ones their SEE (zero for
    zero-rated origins).  Cross rule IR 2025/2547 Annex I 3.1: a precursor's indirect
    emissions count when the precursor is not an Annex II good, whatever the complex good is.
    """
    if name in sol:
        s = sol[name]
        if math.isnan(s["dir"]):
            msg = (
                f"Process '{consumer}' consumes {use_mass_t} t from process '{name}' whose "
                "activity level is zero; enter the production of that process (Annex II F)."
            )
            raise CalculationError(msg)
        return s["dir"], s["ind"], s["cnt"], s["el"]
    q = next(x for x in inp.precursors if x.name == name)
    zero = _is_zero_rated(q)
    p_dir = 0.0 if zero else q.see_direct
    p_ind = 0.0 if zero else q.see_indirect
    p_cnt = p_ind if indirect_counts(cn_code=q.cn_code, category=q.category) else 0.0
    return p_dir, p_ind, p_cnt, q.specific_electricity_mwh_per_t or 0.0


def _solve_chain(
    inp: CbamInput, attr: Mapping[str, Mapping[str, float]], counted: Callable[[ProductionProcess], bool]
) -> dict[str, dict[str, float]]:
    """SEE per process, precursors first: ``SEE = AttrEm/AL + sum m_i SEE_i`` (Annex III B, Eq. 59-62)."""
    procs = {p.name: p for p in inp.processes}
    sol: dict[str, dict[str, float]] = {}
    for name in _process_order(inp):
        p, a = procs[name], attr[name]
        al = p.activity_level_t
        if al <= 0:
            sol[name] = {"dir": math.nan, "ind": math.nan, "cnt": math.nan, "el": math.nan, "complex": False}
            continue
        dir_, ind, el = a["attr_dir"] / al, a["attr_ind"] / al, a["el_mwh"] / al
        cnt = ind if counted(p) else 0.0
        is_complex = False
        for u in p.precursors:
            if u.precursor == name:
                continue  # same production process: not added again (Annex III B)
            m = u.mass_t / al
            p_dir, p_ind, p_cnt, p_el = _precursor_see(inp, u.precursor, u.mass_t, sol, name)
            dir_ += m * p_dir
            ind += m * p_ind
            cnt += m * p_cnt
            el += m * p_el
            if m > 0 and (p_dir or p_ind):
                is_complex = True
        sol[name] = {"dir": dir_, "ind": ind, "cnt": cnt, "el": el, "complex": is_complex}
    return sol


def _process_result(
    p: ProductionProcess, a: Mapping[str, float], s: Mapping[str, float], counted: bool
) -> ProcessResult:
    return ProcessResult(
        name=p.name,
        activity_level_t=p.activity_level_t,
        attributed_direct_t=a["attr_dir"],
        attributed_indirect_t=a["attr_ind"],
        direct_emissions_t=a["dir_star"],
        heat_t=a["heat"],
        waste_gas_t=a["wg"],
        electricity_produced_t=a["el_prod"],
        see_direct=s["dir"],
        see_indirect=s["ind"],
        see_indirect_counted=s["cnt"],
        embedded_electricity_mwh_per_t=s["el"],
        indirect_counted=counted,
        complex=bool(s["complex"]),
    )


def _good_results(inp: CbamInput, proc_results: tuple[ProcessResult, ...]) -> tuple[GoodResult, ...]:
    """One result per good: its process's SEE, total (template) and embedded (definitive period)."""
    by_name = {r.name: r for r in proc_results}
    out = []
    for g in inp.goods:
        r = by_name[g.process]
        if math.isnan(r.see_direct):
            msg = (
                f"Good {g.cn_code}: process '{g.process}' has no production (activity level 0), so its "
                "specific embedded emissions are undefined; enter the production in tonnes (Annex II F)."
            )
            raise CalculationError(msg)
        code = normalise_cn(g.cn_code)
        out.append(
            GoodResult(
                cn_code=code,
                process=g.process,
                see_direct=r.see_direct,
                see_indirect=r.see_indirect,
                see_total=r.see_direct + r.see_indirect,
                embedded_electricity_mwh_per_t=r.embedded_electricity_mwh_per_t,
                name=g.name,
                indirect_counted=indirect_counts(cn_code=code),
                see_indirect_counted=r.see_indirect_counted,
                complex=r.complex,
                see_embedded=r.see_direct + r.see_indirect_counted,
            )
        )
    return tuple(out)


def _period(inp: CbamInput) -> str:
    """Reporting period as years (``"2026"`` or ``"2025-2026"``)."""
    if inp.period_start is None:
        return ""
    period = str(inp.period_start.year)
    if inp.period_end is not None and inp.period_end.year != inp.period_start.year:
        period += f"-{inp.period_end.year}"
    return period
