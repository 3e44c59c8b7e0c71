"""The one calculation primitive: activity × factor → per-gas records → CO2e.

Vectorised: factor rows are expanded with numpy indexing (one record per source ×
gas), unit conversions are computed once per distinct unit combination with pint
and applied as float columns, and GWPs are looked up once per distinct gas.

Equation (2006 IPCC Guidelines, Vol. 2, Ch. 2, Eq. 2.1; MOENV 表五 notes 7–9)::

    mass_t = activity × allocation × [heat value] × factor × unit conversion
    co2e_t = mass_t × GWP(gas, gwp_set)
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pint

from carbon.errors import InputError, Problem, UnitError, UnitMismatchError
from carbon.factors import PLACEHOLDER_GAS, FactorRegistry
from carbon.gwp import gwp_values
from carbon.schema import RECORD_COLUMNS, yes_no
from carbon.units import is_convertible, multiplier, parse_unit, split_factor_unit

__all__ = ["PLACEHOLDER_GAS", "compute_records", "round_half_up"]

_COMBUSTION = {"stationary_combustion", "mobile_combustion"}


def round_half_up(x: np.ndarray | float, decimals: int) -> np.ndarray:
    """Round half away from zero at ``decimals`` (as Excel's ROUND), robust to binary error.

    >>> round_half_up(np.array([0.00005, 1.23445, -2.5]), 4).tolist()
    [0.0001, 1.2345, -2.5]
    """
    x = np.asarray(x, dtype=float)
    scale = 10.0**decimals
    # shift by a relative epsilon so 1.23445 (stored as 1.2344499999) rounds up like Excel
    y = np.abs(x) * scale
    y = np.floor(y * (1 + 4 * np.finfo(float).eps) + 0.5)
    return np.sign(x) * y / scale




def _small_factorize(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes and distinct values of non-negative integer keys; a dense table when the key space is small."""
    if len(key) == 0:
        return np.empty(0, dtype=np.intp), np.empty(0, dtype=np.int64)
    top = int(key.max()) + 1
    if top > 4 * len(key) + 1_000_000:
        return pd.factorize(key, sort=False)
    seen = np.zeros(top, dtype=bool)
    seen[key] = True
    uniq = np.flatnonzero(seen)
    lut = np.full(top, -1, dtype=np.intp)
    lut[uniq] = np.arange(len(uniq))
    return lut[key], uniq


def _take(values: pd.Series, idx: np.ndarray):
    """Spread a per-source column to the records: categorical when repetitive, else object."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return pd.Categorical.from_codes(values.cat.codes.to_numpy()[idx], categories=values.cat.categories)
    if values.dtype.kind in "fiub":
        return values.to_numpy()[idx]
    codes, uniq = pd.factorize(values, use_na_sentinel=True)
    return pd.Categorical.from_codes(codes[idx], categories=uniq)


def _is_energy(unit: str) -> bool:
    return is_convertible(unit, "TJ")


def _hv_multiplier(activity_unit: str, hv_unit: str, per_unit: str) -> float:
    """Conversion of amount[activity_unit] × heat value[hv_unit] to per_unit (energy)."""
    q = (1.0 * parse_unit(activity_unit)) * (1.0 * parse_unit(hv_unit))
    try:
        return float(q.to(parse_unit(per_unit)).magnitude)
    except pint.errors.DimensionalityError as err:
        msg = (
            f"An amount in '{activity_unit}' times a heat value in '{hv_unit}' is not an energy "
            f"('{per_unit}'). Give the heat value per {activity_unit} (e.g. kcal/{activity_unit})."
        )
        raise UnitMismatchError(msg) from err


#: Notes of the CH4-kind and biogenic decisions (codes 1… in this order).
_KIND_NOTES = (
    "CH4 counted as fossil (fossil-fuel combustion rule)",
    "CH4 counted as non-fossil (not fossil-fuel combustion)",
    "CH4 counted as fossil (fossil process or fugitive methane)",
    "CH4 counted as non-fossil (biomass fuel or biological treatment: the factor says so)",
    "CO2 biogenic (biomass fuel: the factor says so), reported separately",
)
_FOSSIL_PROCESS = {"process", "fugitive"}


def _yes_no_codes(values: pd.Series) -> np.ndarray:
    """A yes/no column as 1 (yes), 0 (no) or -1 (blank: not said), one decision per distinct value."""
    codes, uniq = pd.factorize(values, use_na_sentinel=True)
    lut = np.array([-1 if yes_no(u) is None else int(bool(yes_no(u))) for u in uniq] + [-1], dtype=np.int8)
    return lut[codes]


def _classify_ch4_and_biogenic(
    act: pd.DataFrame,
    src: np.ndarray,
    f_gas: np.ndarray,
    gas_names: list[str],
    f_kind: np.ndarray,
    kind_u,
    biomass_row: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Decide per record whether CH4 is fossil and whether CO2 is biogenic.

    The user's ``ch4_kind`` and ``biogenic`` win. Otherwise the factor decides: a biomass
    fuel or biological-treatment factor (:attr:`carbon.factors.FactorRegistry.biomass`)
    makes CO2 biogenic and CH4 non-fossil; fossil-fuel combustion, process and fugitive
    CH4 is fossil; other CH4 (septic tanks, wastewater) is non-fossil.

    Returns
    -------
    kind : numpy.ndarray of int8
        0 not CH4, 1 fossil, 2 non-fossil.
    biogenic : numpy.ndarray of bool
        CO2 records reported apart from the total.
    note_code : numpy.ndarray of int8
        0 none, else 1 + index into ``_KIND_NOTES``.

    References
    ----------
    .. [1] IPCC AR6 WG1 (2021), Ch. 7, Table 7.15 (fossil and non-fossil CH4).
    .. [2] 2006 IPCC Guidelines, Vol. 2, Ch. 1, Table 1.1 (biomass fuels) and Ch. 2 §2.3.3.4
       (biomass CO2 reported as an information item).
    .. [3] ISO 14064-1:2018, 5.2.4 and Annex D (biogenic CO2 reported separately).
    """
    n, m = len(act), len(src)
    gk = {g: k for k, g in enumerate(gas_names)}
    ku: pd.Index | np.ndarray
    if "ch4_kind" in act:
        kc, ku = pd.factorize(act["ch4_kind"], sort=False)
    else:
        kc, ku = np.full(n, -1, dtype=np.intp), np.array([], dtype=object)
    k_lut = np.array([1 if str(x).strip() == "fossil" else 2 if str(x).strip() == "non_fossil" else 0 for x in ku] + [0], dtype=np.int8)
    user_kind = k_lut[np.where(kc < 0, len(ku), kc)][src]
    user_bio = (_yes_no_codes(act["biogenic"]) if "biogenic" in act else np.full(n, -1, dtype=np.int8))[src]
    bio = np.where(user_bio >= 0, user_bio == 1, biomass_row)
    combustion = np.array([k in _COMBUSTION for k in kind_u] + [False], dtype=bool)[f_kind]
    fossil_process = np.array([k in _FOSSIL_PROCESS for k in kind_u] + [False], dtype=bool)[f_kind]
    ch4 = f_gas == gk.get("CH4", -2)
    kind = np.where(ch4, user_kind, 0).astype(np.int8)
    note_code = np.zeros(m, dtype=np.int8)
    undecided = ch4 & (kind == 0)
    rules = (  # (mask, kind, note code): the first that applies decides
        (undecided & biomass_row & (user_bio != 0), 2, 4),
        (undecided & combustion & ~bio, 1, 1),
        (undecided & fossil_process & ~bio, 1, 3),
        (undecided, 2, 2),
    )
    for mask, k, code in rules:
        sel = mask & (kind == 0)
        kind[sel] = k
        note_code[sel] = code
    co2 = f_gas == gk.get("CO2", -2)
    biogenic = co2 & bio
    note_code[co2 & biomass_row & (user_bio < 0)] = 5
    return kind, biogenic, note_code


@dataclass
class _Input:
    """The activity table and how problems about it are reported."""

    act: pd.DataFrame
    problems: list[Problem]
    origin: Mapping[str, tuple[str | None, str | None, int | None]]
    headers: Mapping[str, str]

    @property
    def n(self) -> int:
        """Number of activity rows."""
        return len(self.act)

    def problem(self, i: int, column: str, message: str, hint: str | None = None) -> None:
        """Record a problem of activity row ``i`` naming file, sheet, row and column where known."""
        sid = str(self.act["source_id"].iat[i])
        f, sh, row = self.origin.get(sid, (None, None, None))
        where_msg = message if f or sh or row else f"source '{sid}': {message}"
        self.problems.append(Problem(where_msg, file=f, sheet=sh, row=row, column=self.headers.get(column, column), hint=hint))

    def num(self, name: str, default: float) -> np.ndarray:
        """A number column as floats (``default`` where the column is absent, NaN where not a number)."""
        if name not in self.act:
            return np.full(self.n, default)
        return pd.to_numeric(self.act[name], errors="coerce").to_numpy(dtype=float, na_value=np.nan)

    def codes_of(self, name: str) -> tuple[np.ndarray, list]:
        """Integer codes (-1 = missing) and distinct values of a per-source text column."""
        if name not in self.act:
            return np.full(self.n, -1, dtype=np.intp), []
        c, u = pd.factorize(self.act[name], sort=False)
        return c, [str(x).strip() for x in u]


@dataclass
class _Expansion:
    """Each source expanded to its factor's gas rows: record r is source ``src[r]`` × factor row ``frow[r]``."""

    fids: list
    idx_lists: list
    fc: np.ndarray  # factor code per source (len(fids) = no factor)
    src: np.ndarray
    frow: np.ndarray


def _expand_factor_rows(inp: _Input, registry: FactorRegistry) -> _Expansion:
    """Expand each source to the rows (one per gas) of its factor; unknown and missing factors are problems."""
    fcodes, fids = inp.codes_of("factor_id")
    idx_lists = []
    for j, (fid, idx) in enumerate(zip(fids, registry.indices(fids), strict=True)):
        if idx is not None:
            idx_lists.append(idx)
        else:
            idx_lists.append(np.empty(0, dtype=np.intp))
            for i in np.flatnonzero(fcodes == j)[:50]:
                inp.problem(int(i), "factor_id", registry.not_found_message(str(fid)))
    for i in np.flatnonzero(fcodes < 0)[:50]:
        inp.problem(int(i), "factor_id", "no emission factor given.", "Enter a factor id (see `carbon factors search`).")
    counts = np.array([len(x) for x in idx_lists] + [0], dtype=np.intp)  # last: missing factor
    flat = np.concatenate([*idx_lists, np.empty(0, dtype=np.intp)])
    offsets = np.concatenate([[0], np.cumsum(counts)[:-1]])
    fc = np.where(fcodes < 0, len(fids), fcodes)
    rep = counts[fc]
    src = np.repeat(np.arange(inp.n), rep)
    starts = np.repeat(np.cumsum(rep) - rep, rep)
    frow = flat[offsets[fc][src] + (np.arange(len(src)) - starts)] if len(src) else np.empty(0, dtype=np.intp)
    return _Expansion(fids=fids, idx_lists=idx_lists, fc=fc, src=src, frow=frow)


def _resolve_placeholder_gas(inp: _Input, registry: FactorRegistry, ex: _Expansion) -> tuple[np.ndarray, list[str]]:
    """Gas code per record; a placeholder factor (refrigerant leak rate) takes the gas named on the source."""
    gas_c, gas_u = registry.codes["gas"]
    f_gas = gas_c[ex.frow].astype(np.intp)
    gas_names = [str(g) for g in gas_u]
    if PLACEHOLDER_GAS not in gas_names:
        return f_gas, gas_names
    ph = f_gas == gas_names.index(PLACEHOLDER_GAS)
    if not ph.any():
        return f_gas, gas_names
    sg, sgu = inp.codes_of("gas")
    sgr = sg[ex.src[ph]]
    for i in np.unique(ex.src[ph][sgr < 0]):
        inp.problem(int(i), "gas", "the factor is a leak rate; name the refrigerant (e.g. R-410A, HFC-134a) in column 'gas'.")
    extra: dict[str, int] = {}
    for name in sgu:
        if name not in gas_names and name not in extra:
            extra[name] = len(gas_names) + len(extra)
    gas_names = gas_names + list(extra)
    lut = np.array([gas_names.index(x) for x in sgu] + [gas_names.index(PLACEHOLDER_GAS)], dtype=np.intp)
    f_gas = f_gas.copy()
    f_gas[ph] = lut[np.where(sgr < 0, len(sgu), sgr)]
    return f_gas, gas_names


@dataclass
class _FactorUnits:
    """Per distinct factor unit: mass multiplier to t, the 'per' unit, per-energy or not, parse failure."""

    mass_mult: np.ndarray
    per_unit: list[str]
    energy: np.ndarray
    bad: np.ndarray


def _factor_unit_multipliers(unit_u) -> _FactorUnits:
    """One pint call per distinct factor unit ``'<mass> <gas>/<unit>'``."""
    per_unit: list[str] = []
    mass_mult = np.full(len(unit_u), np.nan)
    energy = np.zeros(len(unit_u), dtype=bool)
    bad = np.zeros(len(unit_u), dtype=bool)
    for k, u in enumerate(unit_u):
        try:
            mu, _g, per = split_factor_unit(str(u))
            mass_mult[k] = multiplier(mu, "t")
            per_unit.append(per)
            # per fuel energy (TJ, GJ, kcal): needs a heat value for physical amounts; factors per
            # delivered energy (kWh of electricity or heat) never take one
            energy[k] = _is_energy(per) and per.strip() not in ("kWh", "MWh", "GWh", "度", "千度")
        except UnitError:
            per_unit.append("")
            bad[k] = True
    return _FactorUnits(mass_mult=mass_mult, per_unit=per_unit, energy=energy, bad=bad)


@dataclass
class _HeatValues:
    """Heat value per source: its own, else its factor's dataset default (and where it came from)."""

    value: np.ndarray
    unit_code: np.ndarray
    unit_names: list[str]
    origin_code: np.ndarray
    origin_names: list[str]


def _heat_values(inp: _Input, registry: FactorRegistry, ex: _Expansion, fu: _FactorUnits) -> _HeatValues:
    """Heat value per source: its own, else the factor's dataset default (and say so)."""
    unit_c, _ = registry.codes["unit"]
    hv_src = inp.num("heat_value", np.nan)
    hu_c, hu_u = inp.codes_of("heat_value_unit")
    hv_u_names = list(hu_u)
    nf = len(ex.fids)
    fid_energy = np.array([bool(fu.energy[unit_c[x[0]]]) if len(x) else False for x in ex.idx_lists] + [False])
    d_hv = np.full(nf + 1, np.nan)
    d_hu = np.full(nf + 1, -1, dtype=np.intp)
    origin_names = ["", "source"]
    d_origin = np.zeros(nf + 1, dtype=np.intp)
    for j in np.flatnonzero(fid_energy):
        d = registry.default_heat_value(str(ex.fids[j]))
        if d is None:
            continue
        d_hv[j] = d[0]
        if d[1] not in hv_u_names:
            hv_u_names.append(d[1])
        d_hu[j] = hv_u_names.index(d[1])
        origin_names.append(f"default of {d[2]}")
        d_origin[j] = len(origin_names) - 1
    need_default = fid_energy[ex.fc] & np.isnan(hv_src)
    return _HeatValues(
        value=np.where(need_default, d_hv[ex.fc], hv_src),
        unit_code=np.where(need_default, d_hu[ex.fc], hu_c),
        unit_names=hv_u_names,
        origin_code=np.where(need_default, d_origin[ex.fc], np.where(np.isnan(hv_src), 0, 1)),
        origin_names=origin_names,
    )


def _conversion(au: str, fu: int, h_i: int, units: _FactorUnits, unit_u, hv_names: list[str]) -> tuple[float, bool, str | None]:
    """Conversion of one (activity unit, factor unit, heat-value unit) combination: (multiplier, needs heat value, error)."""
    if units.bad[fu]:
        return np.nan, False, f"factor unit '{unit_u[fu]}' is not of the form '<mass> <gas>/<unit>'."
    per = units.per_unit[fu]
    try:
        parse_unit(au)  # an unknown unit is reported as such, before anything else
        if units.energy[fu] and not _is_energy(au):
            return (_hv_multiplier(au, hv_names[h_i], per) if h_i >= 0 else np.nan), True, None
        return multiplier(au, per), False, None
    except (UnitError, UnitMismatchError) as err:
        return np.nan, False, str(err)


def _unit_conversions(inp: _Input, registry: FactorRegistry, ex: _Expansion, units: _FactorUnits, hv: _HeatValues) -> tuple[np.ndarray, np.ndarray]:
    """Activity-to-factor unit multiplier per record, one pint call per distinct unit combination.

    Returns ``(conv, needs_hv)``; units that do not convert and missing heat values are problems.
    """
    unit_c, unit_u = registry.codes["unit"]
    f_unit = unit_c[ex.frow]
    au_c, au_u = inp.codes_of("activity_unit")
    nu, nh = len(unit_u) + 1, len(hv.unit_names) + 1
    key = (au_c[ex.src].astype(np.int64) + 1) * (nu * nh) + (f_unit.astype(np.int64) + 1) * nh + (hv.unit_code[ex.src] + 1)
    k_codes, k_uniq = _small_factorize(key)
    conv_u = np.full(len(k_uniq), np.nan)
    needs_hv_u = np.zeros(len(k_uniq), dtype=bool)
    err_u: dict[int, str] = {}
    for k, kv in enumerate(k_uniq):
        a_i, rest = divmod(int(kv), nu * nh)
        fu, h_i = divmod(rest, nh)
        if a_i - 1 < 0:
            err_u[k] = "no unit given for the activity amount."
            continue
        conv_u[k], needs_hv_u[k], err = _conversion(au_u[a_i - 1], fu - 1, h_i - 1, units, unit_u, hv.unit_names)
        if err:
            err_u[k] = err
    conv, needs_hv = conv_u[k_codes], needs_hv_u[k_codes]
    missing_hv = needs_hv & np.isnan(hv.value[ex.src])
    for i in np.unique(ex.src[missing_hv]):
        inp.problem(
            int(i),
            "heat_value",
            f"'{au_u[au_c[i]]}' is not an energy but factor '{ex.fids[ex.fc[i]]}' is per energy, and no heat value is given "
            "and the factor's dataset has no default.",
            "Give the heat value (e.g. 8400 kcal/L) in columns 'heat_value' and 'heat_value_unit', or choose a per-unit factor.",
        )
    for k, message in err_u.items():
        for i in np.unique(ex.src[k_codes == k])[:50]:
            inp.problem(int(i), "activity_unit", message)
    return conv, needs_hv


def _check_amounts(inp: _Input, amount: np.ndarray, alloc: np.ndarray) -> None:
    """Amounts are finite and ≥ 0; allocation ratios within 0–1."""
    for i in np.flatnonzero(~np.isfinite(amount))[:200]:
        inp.problem(int(i), "activity_amount", f"'{inp.act['activity_amount'].iat[i]}' is not a number.", "Enter a number ≥ 0.")
    for i in np.flatnonzero(np.isfinite(amount) & (amount < 0))[:200]:
        inp.problem(int(i), "activity_amount", f"negative activity {amount[i]}.", "Activity data are ≥ 0; enter removals as their own source.")
    for i in np.flatnonzero(~((alloc >= 0) & (alloc <= 1)))[:200]:
        inp.problem(int(i), "allocation", f"allocation ratio {alloc[i]} is outside 0–1.", "Enter a fraction, e.g. 0.35 for 35 %.")


def _gwp_per_record(f_gas: np.ndarray, kind: np.ndarray, gas_names: list[str], gwp_set: str) -> np.ndarray:
    """GWP per record, looked up once per distinct (gas, CH4 kind)."""
    kinds = np.array([None, "fossil", "non_fossil"], dtype=object)
    gk = f_gas.astype(np.int64) * 3 + kind
    gk_codes, gk_uniq = _small_factorize(gk)
    gwp_u = np.array([gwp_values(np.array([gas_names[int(v) // 3]], dtype=object), gwp_set, np.array([kinds[int(v) % 3]], dtype=object))[0] for v in gk_uniq])
    return gwp_u[gk_codes]


def _round_like_moenv(inp: _Input, src: np.ndarray, mass_t: np.ndarray, gwp: np.ndarray, unrounded_mass: Collection[str]) -> tuple[np.ndarray, np.ndarray]:
    """MOENV workbook rounding: gas mass to 4 decimals (half up) before the GWP, CO2e to 4 decimals (表五 notes 7–9)."""
    keep = np.zeros(len(src), dtype=bool)
    if unrounded_mass:
        keep = inp.act["source_id"].isin(list(unrounded_mass)).to_numpy(dtype=bool)[src]
    mass_t = np.where(keep, mass_t, round_half_up(mass_t, 4))
    return mass_t, round_half_up(mass_t * gwp, 4)


def _factor_intervals(inp: _Input, registry: FactorRegistry, ex: _Expansion) -> tuple[np.ndarray, np.ndarray]:
    """95 % interval of the factor per record [%]: the source's override, else the factor's."""
    ef_low = registry.values["ef_low_pct"][ex.frow]
    ef_high = registry.values["ef_high_pct"][ex.frow]
    for col, arr in (("ef_low_pct", ef_low), ("ef_high_pct", ef_high)):
        if col in inp.act:
            given_src = inp.num(col, np.nan)
            if not np.isnan(given_src).all():
                given = given_src[ex.src]
                arr[:] = np.where(np.isnan(given), arr, given)
    return ef_low, ef_high


def _cat(codes: np.ndarray, uniq) -> pd.Categorical:
    return pd.Categorical.from_codes(codes, categories=pd.Index(list(uniq), dtype=object))


_SKIP = {"gas", "heat_value", "heat_value_unit", "ef_low_pct", "ef_high_pct", "biogenic", "ch4_kind", "allocation",
         "activity_amount", "activity_unit", "factor_id"}  # fmt: skip


def _assemble(inp: _Input, registry: FactorRegistry, ex: _Expansion, cols: dict[str, object], gwp_set: str, rounding: str) -> pd.DataFrame:
    """The records table in :data:`carbon.schema.RECORD_COLUMNS` order from the computed columns."""
    m = len(ex.src)
    out: dict[str, object] = {"record_id": np.arange(m, dtype=np.int64)}
    for col in RECORD_COLUMNS:
        name = col.name
        if name in inp.act.columns and name not in _SKIP and name != "record_id":
            out[name] = _take(inp.act[name], ex.src)
    ds_c, ds_u = registry.codes["dataset"]
    ed_c, ed_u = registry.codes["edition"]
    out["factor_dataset"] = _cat(ds_c[ex.frow], ds_u)
    out["factor_edition"] = _cat(ed_c[ex.frow], ed_u)
    out["gwp_set"] = _cat(np.zeros(m, dtype=np.int8), [gwp_set])
    out.update(cols)
    empty_text = pd.Categorical.from_codes(np.full(m, -1, dtype=np.int8), categories=pd.Index([], dtype=object))
    ordered = {c.name: out[c.name] if c.name in out else (empty_text if c.dtype == "str" else np.full(m, np.nan)) for c in RECORD_COLUMNS}
    ordered["note"] = out["note"]
    records = pd.DataFrame(ordered, copy=False)
    records.attrs["rounding"] = rounding
    records.attrs["gwp_set"] = gwp_set
    return records


def compute_records(
    activities: pd.DataFrame,
    registry: FactorRegistry,
    gwp_set: str,
    *,
    rounding: str = "exact",
    origin: Mapping[str, tuple[str | None, str | None, int | None]] | None = None,
    headers: Mapping[str, str] | None = None,
    unrounded_mass: Collection[str] = (),
) -> pd.DataFrame:
    """Compute per-gas emission records for a table of activities.

    Parameters
    ----------
    activities : pandas.DataFrame
        One row per source: ``source_id``, ``activity_amount``, ``activity_unit``,
        ``factor_id``; optional ``allocation`` (default 1), ``heat_value``,
        ``heat_value_unit``, ``gas`` (for placeholder factors), ``ch4_kind``,
        ``biogenic``; any emission-records column present (``source_name``,
        ``iso_category``, ``ad_low_pct`` ...) is copied to the records.
    registry : FactorRegistry
        Factor library (with the project's custom factors).
    gwp_set : str
        Named GWP set; no default.
    rounding : {"exact", "moenv"}
        ``moenv`` rounds each gas mass to 4 decimals (half up) before the GWP and
        each CO2e to 4 decimals, as the MOENV workbook (表五 notes 7–9).
    origin : mapping, optional
        ``source_id -> (file, sheet, row)`` so problems name the place in the file.
    headers : mapping, optional
        Column name -> header as the user wrote it, for problem messages.
    unrounded_mass : collection of str, optional
        Source ids whose gas mass the official workbook does not round (a row typed
        without ROUND, e.g. the sample's septic tank): with ``rounding="moenv"`` only
        their CO2e is rounded, so the published figure is reproduced.

    Returns
    -------
    pandas.DataFrame
        Emission records (``carbon.schema.RECORD_COLUMNS``).

    Raises
    ------
    InputError
        With every problem found (unknown factor ids, units that do not convert,
        missing heat values, missing gas for a refrigerant factor ...).

    References
    ----------
    .. [1] 2006 IPCC Guidelines, Vol. 2, Ch. 2, Eq. 2.1 (emissions = activity × factor) and
       Vol. 1, Ch. 8 (CO2-equivalents with 100-year GWPs).
    .. [2] 環境部 溫室氣體排放量清冊表單(範例), 表五 notes 7–9 (heat value, rounding to 4 decimals).
    .. [3] ISO 14064-1:2018, 6.2 (quantification) and Annex D (biogenic CO2).
    """
    if rounding not in ("exact", "moenv"):
        msg = f"rounding must be 'exact' or 'moenv', not '{rounding}'."
        raise ValueError(msg)
    act = activities if isinstance(activities.index, pd.RangeIndex) and activities.index.start == 0 else activities.reset_index(drop=True)
    inp = _Input(act=act, problems=[], origin=origin or {}, headers=headers or {})
    amount = inp.num("activity_amount", np.nan)
    alloc = inp.num("allocation", 1.0)
    alloc = np.where(np.isnan(alloc), 1.0, alloc)
    ex = _expand_factor_rows(inp, registry)
    f_gas, gas_names = _resolve_placeholder_gas(inp, registry, ex)
    unit_c, unit_u = registry.codes["unit"]
    units = _factor_unit_multipliers(unit_u)
    hv = _heat_values(inp, registry, ex, units)
    conv, needs_hv = _unit_conversions(inp, registry, ex, units, hv)
    _check_amounts(inp, amount, alloc)
    if inp.problems:
        raise InputError(inp.problems)
    src, frow = ex.src, ex.frow
    f_unit, f_value = unit_c[frow], registry.values["value"][frow]
    rec_hv = hv.value[src]
    mass_t = (amount * alloc)[src] * np.where(needs_hv, rec_hv, 1.0) * conv * f_value * units.mass_mult[f_unit]
    kind_c, kind_u = registry.codes["kind"]
    kind, biogenic, note_code = _classify_ch4_and_biogenic(act, src, f_gas, gas_names, kind_c[frow], kind_u, registry.biomass[frow])
    gwp = _gwp_per_record(f_gas, kind, gas_names, gwp_set)
    if rounding == "moenv":
        mass_t, co2e_t = _round_like_moenv(inp, src, mass_t, gwp, unrounded_mass)
    else:
        co2e_t = mass_t * gwp
    ef_low, ef_high = _factor_intervals(inp, registry, ex)
    au_c, au_u = inp.codes_of("activity_unit")
    cols = {
        "gas": _cat(f_gas, gas_names),
        "activity_amount": amount[src],
        "activity_unit": _cat(au_c[src], au_u),
        "allocation": alloc[src],
        "heat_value": np.where(needs_hv, rec_hv, np.nan),
        "heat_value_unit": _cat(np.where(needs_hv, hv.unit_code[src], -1), hv.unit_names),
        "heat_value_origin": _cat(np.where(needs_hv, hv.origin_code[src], -1), hv.origin_names),
        "factor_id": _cat(ex.fc[src], [*ex.fids, ""]),
        "factor_value": f_value,
        "factor_unit": _cat(f_unit, unit_u),
        "mass_t": mass_t,
        "gwp": gwp,
        "co2e_t": co2e_t,
        "biogenic": biogenic,
        "ch4_kind": _cat(np.where(kind == 0, -1, kind - 1), ["fossil", "non_fossil"]),
        "ef_low_pct": ef_low,
        "ef_high_pct": ef_high,
        "note": _cat(note_code - 1, list(_KIND_NOTES)),
    }
    return _assemble(inp, registry, ex, cols, gwp_set, rounding)
