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

import numpy as np
import pandas as pd

from carbon.errors import InputError, Problem, UnitError, UnitMismatchError
from carbon.factors import PLACEHOLDER_GAS, FactorRegistry
from carbon.gwp import gwp_values
from carbon.schema import RECORD_COLUMNS, is_true, yes_no
from carbon.units import is_convertible, multiplier, parse_unit, split_factor_unit

__all__ = ["PLACEHOLDER_GAS", "compute_records", "round_half_up"]

_COMBUSTION = {"stationary_combustion", "mobile_combustion"}


def round_half_up(x: np.ndarray, decimals: int) -> np.ndarray:
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




def _col(act: pd.DataFrame, name: str, n: int) -> np.ndarray:
    """A column as an object array with None for missing (None everywhere if absent)."""
    if name not in act:
        return np.full(n, None, dtype=object)
    return act[name].to_numpy(dtype=object, na_value=None)


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


def _flags(values: pd.Series) -> np.ndarray:
    """A yes/no column as booleans (missing = False), one decision per distinct value."""
    if values.dtype == bool:
        return values.to_numpy()
    codes, uniq = pd.factorize(values, use_na_sentinel=True)
    lut = np.array([is_true(u) for u in uniq] + [False], dtype=bool)
    return lut[codes]


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
    except Exception as err:
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
    kc, ku = pd.factorize(act["ch4_kind"], sort=False) if "ch4_kind" in act else (np.full(n, -1, dtype=np.intp), [])
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
    """
    if rounding not in ("exact", "moenv"):
        msg = f"rounding must be 'exact' or 'moenv', not '{rounding}'."
        raise ValueError(msg)
    act = activities if isinstance(activities.index, pd.RangeIndex) and activities.index.start == 0 else activities.reset_index(drop=True)
    n = len(act)
    origin = origin or {}
    headers = headers or {}
    problems: list[Problem] = []
    sid_series = act["source_id"]

    def problem(i: int, column: str, message: str, hint: str | None = None) -> None:
        sid = str(sid_series.iat[i])
        f, sh, row = origin.get(sid, (None, None, None))
        where_msg = message if f or sh or row else f"source '{sid}': {message}"
        problems.append(Problem(where_msg, file=f, sheet=sh, row=row, column=headers.get(column, column), hint=hint))

    def num(name: str, default: float) -> np.ndarray:
        if name not in act:
            return np.full(n, default)
        return pd.to_numeric(act[name], errors="coerce").to_numpy(dtype=float, na_value=np.nan)

    def codes_of(name: str) -> tuple[np.ndarray, list]:
        """Integer codes (-1 = missing) and distinct values of a per-source text column."""
        if name not in act:
            return np.full(n, -1, dtype=np.intp), []
        c, u = pd.factorize(act[name], sort=False)
        return c, [str(x).strip() for x in u]

    amount = num("activity_amount", np.nan)
    alloc = num("allocation", 1.0)
    alloc = np.where(np.isnan(alloc), 1.0, alloc)

    # --- expand each source to its factor's gas rows -------------------------------
    fcodes, fids = codes_of("factor_id")
    idx_lists = []
    for j, (fid, idx) in enumerate(zip(fids, registry.indices(fids), strict=True)):
        if idx is not None:
            idx_lists.append(idx)
        else:
            idx_lists.append(np.empty(0, dtype=np.intp))
            for i in np.flatnonzero(fcodes == j)[:50]:
                problem(int(i), "factor_id", registry.not_found_message(str(fid)))
    for i in np.flatnonzero(fcodes < 0)[:50]:
        problem(int(i), "factor_id", "no emission factor given.", "Enter a factor id (see `carbon factors search`).")
    counts = np.array([len(x) for x in idx_lists] + [0], dtype=np.intp)  # last: missing factor
    flat = np.concatenate([*idx_lists, np.empty(0, dtype=np.intp)])
    offsets = np.concatenate([[0], np.cumsum(counts)[:-1]])
    fc = np.where(fcodes < 0, len(fids), fcodes)
    rep = counts[fc]
    src = np.repeat(np.arange(n), rep)
    starts = np.repeat(np.cumsum(rep) - rep, rep)
    frow = flat[offsets[fc][src] + (np.arange(len(src)) - starts)] if len(src) else np.empty(0, dtype=np.intp)
    m = len(src)

    f_value = registry.values["value"][frow]
    gas_c, gas_u = registry.codes["gas"]
    unit_c, unit_u = registry.codes["unit"]
    kind_c, kind_u = registry.codes["kind"]
    f_gas = gas_c[frow].astype(np.intp)
    gas_names = [str(g) for g in gas_u]
    f_unit = unit_c[frow]
    f_kind = kind_c[frow]

    # --- placeholder gas (refrigerants): the gas named on the source ----------------------
    if PLACEHOLDER_GAS in gas_names:
        ph = f_gas == gas_names.index(PLACEHOLDER_GAS)
        if ph.any():
            sg, sgu = codes_of("gas")
            sgr = sg[src[ph]]
            for i in np.unique(src[ph][sgr < 0]):
                problem(int(i), "gas", "the factor is a leak rate; name the refrigerant (e.g. R-410A, HFC-134a) in column 'gas'.")
            extra = {}
            for name in sgu:
                if name not in gas_names and name not in extra:
                    extra[name] = len(gas_names) + len(extra)
            gas_names = gas_names + list(extra)
            lut = np.array([gas_names.index(x) for x in sgu] + [gas_names.index(PLACEHOLDER_GAS)], dtype=np.intp)
            f_gas = f_gas.copy()
            f_gas[ph] = lut[np.where(sgr < 0, len(sgu), sgr)]

    # --- units: one pint call per distinct combination ----------------------------------
    au_c, au_u = codes_of("activity_unit")
    hv_src = num("heat_value", np.nan)
    hu_c, hu_u = codes_of("heat_value_unit")
    per_unit: list[str] = []
    mass_mult_u = np.full(len(unit_u), np.nan)
    energy_u = np.zeros(len(unit_u), dtype=bool)
    bad_unit = np.zeros(len(unit_u), dtype=bool)
    for k, u in enumerate(unit_u):
        try:
            mu, _g, per = split_factor_unit(str(u))
            mass_mult_u[k] = multiplier(mu, "t")
            per_unit.append(per)
            # per fuel energy (TJ, GJ, kcal): needs a heat value for physical amounts; factors per
            # delivered energy (kWh of electricity or heat) never take one
            energy_u[k] = _is_energy(per) and per.strip() not in ("kWh", "MWh", "GWh", "度", "千度")
        except UnitError:
            per_unit.append("")
            bad_unit[k] = True

    # heat value per source: its own, else the factor's dataset default (and say so)
    hv_u_names = list(hu_u)
    fid_energy = np.array([bool(energy_u[unit_c[x[0]]]) if len(x) else False for x in idx_lists] + [False])
    d_hv = np.full(len(fids) + 1, np.nan)
    d_hu = np.full(len(fids) + 1, -1, dtype=np.intp)
    origin_names = ["", "source"]
    d_origin = np.zeros(len(fids) + 1, dtype=np.intp)
    for j in np.flatnonzero(fid_energy):
        d = registry.default_heat_value(str(fids[j]))
        if d is None:
            continue
        d_hv[j] = d[0]
        if d[1] not in hv_u_names:
            hv_u_names.append(d[1])
        d_hu[j] = hv_u_names.index(d[1])
        origin_names.append(f"default of {d[2]}")
        d_origin[j] = len(origin_names) - 1
    need_default = fid_energy[fc] & np.isnan(hv_src)
    eff_hv = np.where(need_default, d_hv[fc], hv_src)
    eff_hu = np.where(need_default, d_hu[fc], hu_c)
    hv_origin_c = np.where(need_default, d_origin[fc], np.where(np.isnan(hv_src), 0, 1))

    nu, nh = len(unit_u) + 1, len(hv_u_names) + 1
    key = (au_c[src].astype(np.int64) + 1) * (nu * nh) + (f_unit.astype(np.int64) + 1) * nh + (eff_hu[src] + 1)
    k_codes, k_uniq = _small_factorize(key)
    conv_u = np.full(len(k_uniq), np.nan)
    needs_hv_u = np.zeros(len(k_uniq), dtype=bool)
    err_u: dict[int, str] = {}
    for k, kv in enumerate(k_uniq):
        a_i, rest = divmod(int(kv), nu * nh)
        fu, h_i = divmod(rest, nh)
        a_i, fu, h_i = a_i - 1, fu - 1, h_i - 1
        if a_i < 0:
            err_u[k] = "no unit given for the activity amount."
            continue
        au = au_u[a_i]
        if bad_unit[fu]:
            err_u[k] = f"factor unit '{unit_u[fu]}' is not of the form '<mass> <gas>/<unit>'."
            continue
        per = per_unit[fu]
        try:
            parse_unit(au)  # an unknown unit is reported as such, before anything else
            if energy_u[fu] and not _is_energy(au):
                needs_hv_u[k] = True
                if h_i >= 0:
                    conv_u[k] = _hv_multiplier(au, hv_u_names[h_i], per)
            else:
                conv_u[k] = multiplier(au, per)
        except (UnitError, UnitMismatchError) as err:
            err_u[k] = str(err)
    conv = conv_u[k_codes]
    needs_hv = needs_hv_u[k_codes]
    rec_hv = eff_hv[src]
    missing_hv = needs_hv & np.isnan(rec_hv)
    for i in np.unique(src[missing_hv]):
        problem(
            int(i),
            "heat_value",
            f"'{au_u[au_c[i]]}' is not an energy but factor '{fids[fc[i]]}' is per energy, and no heat value is given "
            "and the factor's dataset has no default.",
            "Give the heat value (e.g. 8400 kcal/L) in columns 'heat_value' and 'heat_value_unit', or choose a per-unit factor.",
        )
    for k, message in err_u.items():
        for i in np.unique(src[k_codes == k])[:50]:
            problem(int(i), "activity_unit", message)

    # --- checks on amounts -------------------------------------------------------
    bad_amount = ~np.isfinite(amount)
    for i in np.flatnonzero(bad_amount)[:200]:
        problem(int(i), "activity_amount", f"'{act['activity_amount'].iat[i]}' is not a number.", "Enter a number ≥ 0.")
    neg = np.isfinite(amount) & (amount < 0)
    for i in np.flatnonzero(neg)[:200]:
        problem(int(i), "activity_amount", f"negative activity {amount[i]}.", "Activity data are ≥ 0; enter removals as their own source.")
    bad_alloc = ~((alloc >= 0) & (alloc <= 1))
    for i in np.flatnonzero(bad_alloc)[:200]:
        problem(int(i), "allocation", f"allocation ratio {alloc[i]} is outside 0–1.", "Enter a fraction, e.g. 0.35 for 35 %.")
    if problems:
        raise InputError(problems)

    # --- arithmetic ------------------------------------------------------------------
    hv_factor = np.where(needs_hv, rec_hv, 1.0)
    mass_t = (amount * alloc)[src] * hv_factor * conv * f_value * mass_mult_u[f_unit]

    # CH4 kind and biogenic CO2: the user's word, else the factor's (biomass fuel or not)
    biomass_row = registry.biomass[frow]
    kind, biogenic, note_code = _classify_ch4_and_biogenic(act, src, f_gas, gas_names, f_kind, kind_u, biomass_row)
    kinds = np.array([None, "fossil", "non_fossil"], dtype=object)
    gk = f_gas.astype(np.int64) * 3 + kind
    gk_codes, gk_uniq = _small_factorize(gk)
    gwp_u = np.array([gwp_values(np.array([gas_names[int(v) // 3]], dtype=object), gwp_set, np.array([kinds[int(v) % 3]], dtype=object))[0] for v in gk_uniq])
    gwp = gwp_u[gk_codes]
    if rounding == "moenv":
        keep = np.zeros(m, dtype=bool)
        if unrounded_mass:
            keep = sid_series.isin(list(unrounded_mass)).to_numpy(dtype=bool)[src]
        mass_t = np.where(keep, mass_t, round_half_up(mass_t, 4))
        co2e_t = round_half_up(mass_t * gwp, 4)
    else:
        co2e_t = mass_t * gwp

    # uncertainty of the factor: the source's override, else the factor's interval
    ef_low = registry.values["ef_low_pct"][frow]
    ef_high = registry.values["ef_high_pct"][frow]
    for col, arr in (("ef_low_pct", ef_low), ("ef_high_pct", ef_high)):
        if col in act:
            given_src = num(col, np.nan)
            if not np.isnan(given_src).all():
                given = given_src[src]
                arr[:] = np.where(np.isnan(given), arr, given)

    def cat(codes: np.ndarray, uniq) -> pd.Categorical:
        return pd.Categorical.from_codes(codes, categories=pd.Index(list(uniq), dtype=object))

    out: dict[str, object] = {"record_id": np.arange(m, dtype=np.int64)}
    skip = {"gas", "heat_value", "heat_value_unit", "ef_low_pct", "ef_high_pct", "biogenic", "ch4_kind", "allocation",
            "activity_amount", "activity_unit", "factor_id"}  # fmt: skip
    for col in RECORD_COLUMNS:
        name = col.name
        if name in act.columns and name not in skip and name != "record_id":
            out[name] = _take(act[name], src)
    out["gas"] = cat(f_gas, gas_names)
    out["activity_amount"] = amount[src]
    out["activity_unit"] = cat(au_c[src], au_u)
    out["allocation"] = alloc[src]
    out["heat_value"] = np.where(needs_hv, rec_hv, np.nan)
    out["heat_value_unit"] = cat(np.where(needs_hv, eff_hu[src], -1), hv_u_names)
    out["heat_value_origin"] = cat(np.where(needs_hv, hv_origin_c[src], -1), origin_names)
    out["factor_id"] = cat(fc[src], [*fids, ""])
    ds_c, ds_u = registry.codes["dataset"]
    ed_c, ed_u = registry.codes["edition"]
    out["factor_dataset"] = cat(ds_c[frow], ds_u)
    out["factor_edition"] = cat(ed_c[frow], ed_u)
    out["factor_value"] = f_value
    out["factor_unit"] = cat(f_unit, unit_u)
    out["mass_t"] = mass_t
    out["gwp_set"] = cat(np.zeros(m, dtype=np.int8), [gwp_set])
    out["gwp"] = gwp
    out["co2e_t"] = co2e_t
    out["biogenic"] = biogenic
    out["ch4_kind"] = cat(np.where(kind == 0, -1, kind - 1), ["fossil", "non_fossil"])
    out["ef_low_pct"] = ef_low
    out["ef_high_pct"] = ef_high
    out["note"] = cat(note_code - 1, list(_KIND_NOTES))
    empty_text = pd.Categorical.from_codes(np.full(m, -1, dtype=np.int8), categories=pd.Index([], dtype=object))
    ordered = {c.name: out[c.name] if c.name in out else (empty_text if c.dtype == "str" else np.full(m, np.nan)) for c in RECORD_COLUMNS}
    ordered["note"] = out["note"]
    records = pd.DataFrame(ordered, copy=False)
    records.attrs["rounding"] = rounding
    records.attrs["gwp_set"] = gwp_set
    return records
