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
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

from carbon.errors import InputError, Problem, UnitError, UnitMismatchError
from carbon.factors import PLACEHOLDER_GAS, FactorRegistry
from carbon.gwp import gwp_values
from carbon.schema import RECORD_COLUMNS
from carbon.units import is_convertible, multiplier, parse_unit, split_factor_unit, ureg

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


def _decimal_round(v: float, decimals: int) -> float:  # reference, used in tests
    return float(Decimal(repr(v)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))




def _col(act: pd.DataFrame, name: str, n: int) -> np.ndarray:
    """A column as an object array with None for missing (None everywhere if absent)."""
    if name not in act:
        return np.full(n, None, dtype=object)
    return act[name].to_numpy(dtype=object, na_value=None)


def _take(values: pd.Series, idx: np.ndarray):
    """Spread a per-source column to the records: categorical when repetitive, else object."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return pd.Categorical.from_codes(values.cat.codes.to_numpy()[idx], categories=values.cat.categories)
    if values.dtype.kind in "fiub":
        return values.to_numpy()[idx]
    arr = values.to_numpy(dtype=object, na_value=None)
    codes, uniq = pd.factorize(pd.Series(arr, dtype=object), use_na_sentinel=True)
    if len(uniq) * 4 < len(arr):
        return pd.Categorical.from_codes(codes[idx], categories=pd.Index(uniq, dtype=object))
    return pd.Series(arr[idx], dtype=object)


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
    act = activities.reset_index(drop=True)
    n = len(act)
    origin = origin or {}
    headers = headers or {}
    problems: list[Problem] = []

    def problem(i: int, column: str, message: str, hint: str | None = None) -> None:
        sid = str(act.at[i, "source_id"])
        f, sh, row = origin.get(sid, (None, None, None))
        where_msg = message if f or sh or row else f"source '{sid}': {message}"
        problems.append(Problem(where_msg, file=f, sheet=sh, row=row, column=headers.get(column, column), hint=hint))

    amount = pd.to_numeric(act["activity_amount"], errors="coerce").to_numpy(dtype=float)
    alloc = (
        pd.to_numeric(act["allocation"], errors="coerce").fillna(1.0).to_numpy(dtype=float)
        if "allocation" in act
        else np.ones(n)
    )
    # --- expand each source to its factor's gas rows -------------------------------
    fid_arr = _col(act, "factor_id", n)
    fcodes, fids = pd.factorize(pd.Series(np.where(pd.isna(fid_arr), "", fid_arr), dtype=object), sort=False)
    table = registry.table
    idx_lists = []
    for j, fid in enumerate(fids):
        if fid in registry:
            idx_lists.append(registry._by_id[fid])
        else:
            idx_lists.append(np.empty(0, dtype=np.intp))
            for i in np.flatnonzero(fcodes == j)[:50]:
                if fid == "":
                    problem(int(i), "factor_id", "no emission factor given.", "Enter a factor id (see `carbon factors search`).")
                else:
                    problem(int(i), "factor_id", registry._not_found(str(fid)))
    counts = np.array([len(x) for x in idx_lists], dtype=np.intp)
    flat = np.concatenate(idx_lists) if idx_lists else np.empty(0, dtype=np.intp)
    offsets = np.concatenate([[0], np.cumsum(counts)[:-1]]) if len(counts) else np.empty(0, dtype=np.intp)
    rep = counts[fcodes] if n else np.empty(0, dtype=np.intp)
    src = np.repeat(np.arange(n), rep)
    starts = np.repeat(np.cumsum(rep) - rep, rep)
    within = np.arange(len(src)) - starts
    frow = flat[offsets[fcodes][src] + within] if len(src) else np.empty(0, dtype=np.intp)

    f_value = table["value"].to_numpy(dtype=float)[frow]
    f_low = table["value_low"].to_numpy(dtype=float)[frow]
    f_high = table["value_high"].to_numpy(dtype=float)[frow]
    f_unit = table["unit"].to_numpy(dtype=object)[frow]
    f_gas = table["gas"].to_numpy(dtype=object)[frow].copy()
    f_kind = table["kind"].fillna("").to_numpy(dtype=object)[frow]

    # --- placeholder gas (refrigerants) ----------------------------------------------
    src_gas = _col(act, "gas", n)
    ph = f_gas == PLACEHOLDER_GAS
    if ph.any():
        g = src_gas[src[ph]]
        missing = pd.isna(g)
        for i in np.unique(src[ph][missing]):
            problem(int(i), "gas", "the factor is a leak rate; name the refrigerant (e.g. R-410A, HFC-134a) in column 'gas'.")
        f_gas[ph] = np.where(missing, PLACEHOLDER_GAS, g)

    # --- units: one pint call per distinct combination ----------------------------------
    a_unit = _col(act, "activity_unit", n)
    a_unit = np.where(pd.isna(a_unit), "", a_unit)
    hv = pd.to_numeric(act["heat_value"], errors="coerce").to_numpy(dtype=float) if "heat_value" in act else np.full(n, np.nan)
    hv_unit = _col(act, "heat_value_unit", n)
    hv_unit = np.where(pd.isna(hv_unit), "", hv_unit)
    fu_codes, fu_uniq = pd.factorize(pd.Series(f_unit, dtype=object), sort=False)
    mass_mult_u = np.empty(len(fu_uniq))
    per_u: list[str] = []
    energy_u = np.zeros(len(fu_uniq), dtype=bool)
    bad_unit = np.zeros(len(fu_uniq), dtype=bool)
    for k, u in enumerate(fu_uniq):
        try:
            m, _gas, per = split_factor_unit(str(u))
            mass_mult_u[k] = multiplier(m, "t")
            per_u.append(per)
            energy_u[k] = _is_energy(per) and per.strip() not in ("kWh", "MWh", "度", "千度", "GWh")
        except UnitError:
            mass_mult_u[k] = np.nan
            per_u.append("")
            bad_unit[k] = True
    rec_energy = energy_u[fu_codes] if len(frow) else np.zeros(0, dtype=bool)

    # heat values: the source's own, else the factor's default (and say so)
    rec_hv = hv[src]
    rec_hv_unit = hv_unit[src].copy()
    rec_hv_origin = np.where(np.isnan(rec_hv), "", "source").astype(object)
    need_default = rec_energy & np.isnan(rec_hv)
    if need_default.any():
        fid_of_rec = np.asarray(fids, dtype=object)[fcodes[src]]
        for fid in pd.unique(fid_of_rec[need_default]):
            sel = need_default & (fid_of_rec == fid)
            d = registry.default_heat_value(str(fid))
            if d is not None:
                rec_hv[sel] = d[0]
                rec_hv_unit[sel] = d[1]
                rec_hv_origin[sel] = f"default of {d[2]}"

    au_codes, au_uniq = pd.factorize(pd.Series(a_unit[src], dtype=object), sort=False)
    hu_codes, hu_uniq = pd.factorize(pd.Series(rec_hv_unit, dtype=object), sort=False)
    combo = (au_codes.astype(np.int64) * (len(fu_uniq) + 1) + fu_codes) * (len(hu_uniq) + 1) + hu_codes
    c_uniq, c_inv = np.unique(combo, return_inverse=True)
    conv_u = np.full(len(c_uniq), np.nan)
    needs_hv_u = np.zeros(len(c_uniq), dtype=bool)
    err_u: dict[int, str] = {}
    first_of = np.zeros(len(c_uniq), dtype=np.intp)
    first_of[c_inv[::-1]] = np.arange(len(c_inv))[::-1]
    for k in range(len(c_uniq)):
        r = first_of[k]
        au, fu, hu = str(au_uniq[au_codes[r]]), fu_codes[r], hu_codes[r]
        if bad_unit[fu]:
            err_u[k] = f"factor unit '{fu_uniq[fu]}' is not of the form '<mass> <gas>/<unit>'."
            continue
        per = per_u[fu]
        try:
            if au == "":
                err_u[k] = "no unit given for the activity amount."
                continue
            parse_unit(au)  # an unknown unit is reported as such, before anything else
            if energy_u[fu] and not _is_energy(au):
                needs_hv_u[k] = True
                hu_s = str(hu_uniq[hu]) if hu >= 0 else ""
                if hu_s:
                    conv_u[k] = _hv_multiplier(au, hu_s, per)
            else:
                conv_u[k] = multiplier(au, per)
        except (UnitError, UnitMismatchError) as err:
            err_u[k] = str(err)
    conv = conv_u[c_inv] if len(c_inv) else np.empty(0)
    needs_hv = needs_hv_u[c_inv] if len(c_inv) else np.zeros(0, dtype=bool)
    missing_hv = needs_hv & np.isnan(rec_hv)
    for i in np.unique(src[missing_hv]):
        fid = fids[fcodes[i]]
        problem(
            int(i),
            "heat_value",
            f"'{a_unit[i]}' is not an energy but factor '{fid}' is per energy, and no heat value is given "
            "and the factor's dataset has no default.",
            "Give the heat value (e.g. 8400 kcal/L) in columns 'heat_value' and 'heat_value_unit', or choose a per-unit factor.",
        )
    for k, message in err_u.items():
        for i in np.unique(src[c_inv == k])[:50]:
            col = "activity_unit"
            problem(int(i), col, message)

    # --- checks on amounts -------------------------------------------------------
    bad_amount = ~np.isfinite(amount)
    for i in np.flatnonzero(bad_amount)[:200]:
        problem(int(i), "activity_amount", f"'{act.at[i, 'activity_amount']}' is not a number.", "Enter a number ≥ 0.")
    neg = np.isfinite(amount) & (amount < 0)
    for i in np.flatnonzero(neg)[:200]:
        problem(int(i), "activity_amount", f"negative activity {amount[i]}.", "Activity data are ≥ 0; enter removals as their own source.")
    bad_alloc = ~((alloc >= 0) & (alloc <= 1))
    for i in np.flatnonzero(bad_alloc)[:200]:
        problem(int(i), "allocation", f"allocation ratio {alloc[i]} is outside 0–1.", "Enter a fraction, e.g. 0.35 for 35 %.")
    if problems:
        raise InputError(problems)

    # --- arithmetic ------------------------------------------------------------------
    energy_amount = amount[src] * alloc[src]
    with np.errstate(invalid="ignore"):
        hv_factor = np.where(needs_hv, rec_hv, 1.0)
    mass_t = energy_amount * hv_factor * conv * f_value * mass_mult_u[fu_codes]

    # CH4: fossil or not, decided explicitly
    ch4 = f_gas == "CH4"
    src_kind = _col(act, "ch4_kind", n)
    biogenic_src = act["biogenic"].fillna(False).astype(bool).to_numpy() if "biogenic" in act else np.zeros(n, dtype=bool)
    kind = src_kind[src].copy()
    kind_note = np.full(len(src), "", dtype=object)
    undecided = ch4 & pd.isna(kind)
    rule_fossil = undecided & np.isin(f_kind, list(_COMBUSTION)) & ~biogenic_src[src]
    kind[rule_fossil] = "fossil"
    kind_note[rule_fossil] = "CH4 counted as fossil (fossil-fuel combustion rule)"
    rule_non = undecided & ~rule_fossil
    kind[rule_non] = "non_fossil"
    kind_note[rule_non] = "CH4 counted as non-fossil (not fossil-fuel combustion)"
    kind[~ch4] = None
    gwp = gwp_values(f_gas, gwp_set, kind)
    if rounding == "moenv":
        keep = np.zeros(len(src), dtype=bool)
        if unrounded_mass:
            sid_all = act["source_id"].to_numpy(dtype=object)
            keep = np.isin(sid_all, list(unrounded_mass))[src]
        mass_t = np.where(keep, mass_t, round_half_up(mass_t, 4))
        co2e_t = round_half_up(mass_t * gwp, 4)
    else:
        co2e_t = mass_t * gwp
    biogenic = biogenic_src[src] & (f_gas == "CO2")

    # uncertainty of the factor: the source's override, else the factor's interval
    with np.errstate(divide="ignore", invalid="ignore"):
        ef_low = np.where(f_value != 0, (f_value - f_low) / f_value * 100.0, np.nan)
        ef_high = np.where(f_value != 0, (f_high - f_value) / f_value * 100.0, np.nan)
    for col, arr in (("ef_low_pct", ef_low), ("ef_high_pct", ef_high)):
        if col in act:
            given = pd.to_numeric(act[col], errors="coerce").to_numpy(dtype=float)[src]
            arr[:] = np.where(np.isnan(given), arr, given)

    out: dict[str, object] = {}
    m = len(src)
    sid_obj = np.asarray([str(x) for x in act["source_id"].to_numpy(dtype=object)], dtype=object) if n < 1000 else act["source_id"].to_numpy(dtype=object)
    out["record_id"] = pd.Series(sid_obj[src] + np.char.add(":", f_gas.astype(str)).astype(object), dtype=object)
    for col in RECORD_COLUMNS:
        name = col.name
        if name in out:
            continue
        if name in act.columns and name not in ("gas", "heat_value", "heat_value_unit", "ef_low_pct", "ef_high_pct", "biogenic", "ch4_kind", "allocation"):
            out[name] = _take(act[name], src)
    out["gas"] = pd.Categorical(f_gas)
    out["activity_amount"] = amount[src]
    out["activity_unit"] = pd.Categorical(a_unit[src])
    out["allocation"] = alloc[src]
    out["heat_value"] = np.where(needs_hv, rec_hv, np.nan)
    out["heat_value_unit"] = pd.Categorical(np.where(needs_hv, rec_hv_unit, None))
    out["heat_value_origin"] = pd.Categorical(np.where(needs_hv, rec_hv_origin, None))
    out["factor_id"] = pd.Categorical.from_codes(fcodes[src], categories=pd.Index(fids, dtype=object)) if m else pd.Categorical([])
    ds = table["dataset"].to_numpy(dtype=object)[frow]
    ed = table["edition"].to_numpy(dtype=object)[frow]
    out["factor_dataset"] = pd.Categorical(ds)
    out["factor_edition"] = pd.Categorical(ed)
    out["factor_value"] = f_value
    out["factor_unit"] = pd.Categorical(f_unit)
    out["mass_t"] = mass_t
    out["gwp_set"] = pd.Categorical(np.full(m, gwp_set, dtype=object))
    out["gwp"] = gwp
    out["co2e_t"] = co2e_t
    out["biogenic"] = biogenic
    out["ch4_kind"] = pd.Categorical(kind)
    out["ef_low_pct"] = ef_low
    out["ef_high_pct"] = ef_high
    out["note"] = pd.Categorical(kind_note)
    cols = [c.name for c in RECORD_COLUMNS if c.name in out] + ["note"]
    records = pd.DataFrame({c: out[c] for c in dict.fromkeys(cols)})
    for c in RECORD_COLUMNS:
        if c.name not in records:
            records[c.name] = pd.NA
    records.attrs["rounding"] = rounding
    records.attrs["source_index"] = src
    records.attrs["gwp_set"] = gwp_set
    return records[[c.name for c in RECORD_COLUMNS] + ["note"]]


# keep ureg referenced for users who import it from here
_ = ureg
