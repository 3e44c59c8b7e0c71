"""Inputs of the uncertainty calculations: the emission records read, checked and prepared.

Both approaches read the emission-records table (see :mod:`carbon.uncertainty`) through
:func:`prepare_records`, which checks it (all problems at once) and applies defaults.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from carbon.errors import InputError, Problem, did_you_mean
from carbon.schema import FALSE_WORDS, TRUE_WORDS
from carbon.uncertainty.distributions import DISTRIBUTIONS

__all__ = ["PCT_COLUMNS", "REQUIRED_COLUMNS", "PreparedRecords", "frame_records", "num_or_none", "parse_defaults", "prepare_records", "text_column", "to_bool"]

REQUIRED_COLUMNS = ("source_id", "gas", "co2e_t")
PCT_COLUMNS = ("ad_low_pct", "ad_high_pct", "ef_low_pct", "ef_high_pct")
_KINDS = {"ad": "ad", "activity": "ad", "ef": "ef", "factor": "ef", "emission_factor": "ef"}


def num_or_none(x: Any) -> float | None:
    """Plain float for JSON (NaN and infinities become None)."""
    if x is None:
        return None
    x = float(x)
    return x if math.isfinite(x) else None


def frame_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """DataFrame -> list of JSON-ready dicts."""
    out = []
    for rec in frame.to_dict(orient="records"):
        row: dict[Any, Any] = {}  # keys are the frame's column labels
        for k, v in rec.items():
            if isinstance(v, (bool, np.bool_)):
                row[k] = bool(v)
            elif isinstance(v, (int, np.integer)):
                row[k] = int(v)
            elif isinstance(v, (float, np.floating)):
                row[k] = num_or_none(v)
            else:
                row[k] = None if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)
        out.append(row)
    return out


def to_bool(v: Any) -> bool | None:
    """A yes/no cell: True, False, or None when it is neither (blank and missing are False).

    The words are :data:`carbon.schema.TRUE_WORDS` and :data:`carbon.schema.FALSE_WORDS`.
    """
    if v is None or v is pd.NA:
        return False
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, float, np.integer, np.floating)):
        return False if (isinstance(v, float) and math.isnan(v)) else bool(v)
    s = str(v).strip().lower()
    if s in TRUE_WORDS:
        return True
    if s in FALSE_WORDS or s == "":
        return False
    return None


def text_column(series: pd.Series) -> np.ndarray:
    """Object array of stripped strings, '' for missing (one conversion per distinct value)."""
    codes, uniq = pd.factorize(series, use_na_sentinel=True)
    lut = np.array([str(v).strip() for v in uniq] + [""], dtype=object)
    return lut[codes]


#: One defaults entry: (gas, kind, low_pct, high_pct, dist, where).
_Entry = tuple[Any, Any, Any, Any, Any, str]


def _default_entry(gas: Any, kind: Any, low: Any, high: Any, dist: Any, where: str, problems: list[Problem]) -> tuple[tuple[str, str], tuple[float, float, str]] | None:
    """One checked default: ``((gas, kind), (low_pct, high_pct, dist))``, or None with a problem."""
    k = _KINDS.get(str(kind).strip().lower())
    if k is None:
        problems.append(Problem(f"{where}: kind {kind!r} is not 'ad' or 'ef'.", hint="Use 'ad' (activity data) or 'ef' (emission factor)."))
        return None
    try:
        lo, hi = float(low), float(high)
    except (TypeError, ValueError):
        problems.append(Problem(f"{where}: bounds {low!r}/{high!r} are not numbers.", hint="Give a percentage such as 7 or a pair (2.0, 0.9)."))
        return None
    if not (math.isfinite(lo) and math.isfinite(hi)) or lo < 0 or hi < 0 or lo >= 100:
        problems.append(Problem(f"{where}: bounds {lo}/{hi} % must be finite, >= 0, and the lower one < 100."))
        return None
    d = "" if dist is None or (isinstance(dist, float) and math.isnan(dist)) else str(dist).strip().lower()
    if d and d not in DISTRIBUTIONS:
        hint = did_you_mean(d, DISTRIBUTIONS) or f"Use one of {', '.join(DISTRIBUTIONS)}."
        problems.append(Problem(f"{where}: distribution {d!r} is unknown.", hint=hint))
        return None
    return (str(gas).strip() or "*", k), (lo, hi, d)


def _defaults_from_table(defaults: pd.DataFrame) -> list[_Entry]:
    """(gas, kind, low, high, dist, where) per row of a defaults table."""
    cols = set(defaults.columns)
    if not {"gas", "kind"} <= cols or not ({"pct"} <= cols or {"low_pct", "high_pct"} <= cols):
        msg = "defaults table needs columns gas, kind and either pct or low_pct, high_pct; it has " + ", ".join(map(str, defaults.columns)) + "."
        raise InputError([Problem(msg, hint="Example: gas=CO2, kind=ef, pct=7.")])
    out = []
    for i, rec in enumerate(defaults.to_dict(orient="records")):
        pct = rec.get("pct")
        low = rec.get("low_pct", pct)
        high = rec.get("high_pct", pct)
        if low is None or (isinstance(low, float) and math.isnan(low)):
            low = pct
        if high is None or (isinstance(high, float) and math.isnan(high)):
            high = pct
        out.append((rec["gas"], rec["kind"], low, high, rec.get("dist"), f"defaults row {i + 1}"))
    return out


def _defaults_from_mapping(defaults: Mapping) -> list[_Entry | Problem]:
    """(gas, kind, low, high, dist, where) per entry of a defaults dict, or the entry's Problem (in entry order)."""
    out: list[_Entry | Problem] = []
    for key, val in defaults.items():
        if isinstance(key, tuple) and len(key) == 2:
            gas, kind = key
        elif isinstance(key, str) and "/" in key:
            gas, kind = key.rsplit("/", 1)
        else:
            hint = "Example: {('CO2', 'ef'): 7, 'CH4/ef': (70, 200)}."
            out.append(Problem(f"defaults key {key!r} is not (gas, kind) or 'gas/kind'.", hint=hint))
            continue
        dist = None
        if isinstance(val, Mapping):
            low = val.get("low_pct", val.get("pct"))
            high = val.get("high_pct", val.get("pct"))
            dist = val.get("dist")
        elif isinstance(val, (tuple, list)):
            if len(val) not in (2, 3):
                out.append(Problem(f"defaults[{key!r}] = {val!r}: give pct, (low, high) or (low, high, dist)."))
                continue
            low, high = val[0], val[1]
            dist = val[2] if len(val) == 3 else None
        else:
            low = high = val
        out.append((gas, kind, low, high, dist, f"defaults[{key!r}]"))
    return out


def parse_defaults(defaults: Any) -> dict[tuple[str, str], tuple[float, float, str]]:
    """Normalise ``defaults`` to ``{(gas, kind): (low_pct, high_pct, dist)}``; gas '*' = any.

    Parameters
    ----------
    defaults : pandas.DataFrame, mapping or None
        A table with columns gas, kind and pct or low_pct/high_pct (optional dist), or a
        dict ``{(gas, kind) or 'gas/kind': pct | (low, high[, dist]) | {...}}``. [%]

    Raises
    ------
    InputError
        Every malformed entry at once.
    """
    if defaults is None:
        return {}
    problems: list[Problem] = []
    entries: list[_Entry] | list[_Entry | Problem]
    if isinstance(defaults, pd.DataFrame):
        entries = _defaults_from_table(defaults)
    elif isinstance(defaults, Mapping):
        entries = _defaults_from_mapping(defaults)
    else:
        msg = f"defaults must be a DataFrame or a dict, not {type(defaults).__name__}."
        raise InputError([Problem(msg, hint="Example: {('CO2', 'ef'): 7, ('CO2', 'ad'): 2}.")])
    out: dict[tuple[str, str], tuple[float, float, str]] = {}
    entry: _Entry | Problem
    for entry in entries:
        if isinstance(entry, Problem):
            problems.append(entry)
            continue
        hit = _default_entry(*entry, problems)
        if hit is not None:
            out[hit[0]] = hit[1]
    if problems:
        raise InputError(problems)
    return out


@dataclass
class PreparedRecords:
    """Validated fossil rows and their uncertain quantities."""

    row: np.ndarray  # spreadsheet-style row number (header = 1)
    source_id: np.ndarray
    gas: np.ndarray
    category: np.ndarray
    co2e: np.ndarray
    ad: np.ndarray  # (n, 2) low/high pct, NaN = none
    ef: np.ndarray
    ad_dist: np.ndarray
    ef_dist: np.ndarray
    group: np.ndarray  # activity_group ('' = none)
    factor_id: np.ndarray  # '' = none
    index: np.ndarray  # position of the row in the records table
    defaults_used: pd.DataFrame
    n_biogenic: int
    shared_factors: int

    @cached_property
    def ad_key(self) -> list[tuple]:
        """Which activity draw a row takes: its activity group, else its source."""
        return [("group", g) if g else ("source", s) for g, s in zip(self.group, self.source_id, strict=True)]

    @cached_property
    def ef_key(self) -> list[tuple]:
        """Which factor draw a row takes: its (factor, gas), else its own."""
        return [("factor", f, g) if f else ("row", int(i)) for f, g, i in zip(self.factor_id, self.gas, self.index, strict=True)]


def _check_table(records: pd.DataFrame) -> pd.DataFrame:
    """The records as a table with the required columns (raises at once otherwise)."""
    if not isinstance(records, pd.DataFrame):
        msg = f"records must be a pandas DataFrame (the emission-records table), not {type(records).__name__}."
        raise InputError([Problem(msg, hint="Read the file with pandas or carbon.formats.project first.")])
    missing = [c for c in REQUIRED_COLUMNS if c not in records.columns]
    if missing:
        msg = "the records table has no column " + ", ".join(repr(c) for c in missing) + "."
        hint = (
            " ".join(did_you_mean(c, map(str, records.columns)) for c in missing).strip()
            or "See docs/DESIGN.md, 'Emission records'."
        )
        raise InputError([Problem(msg, column=missing[0], hint=hint)])
    return records.reset_index(drop=True)


def _co2e(df: pd.DataFrame, rownum: np.ndarray, problems: list[Problem]) -> np.ndarray:
    """CO2e per record [t CO2e]; what is not a number is a problem."""
    co2e = pd.to_numeric(df["co2e_t"], errors="coerce").to_numpy(dtype=float)
    for i in np.flatnonzero(~np.isfinite(co2e)):
        problems.append(Problem(f"co2e_t {df['co2e_t'].iloc[i]!r} is not a number.", row=int(rownum[i]), column="co2e_t", hint="Give the CO2e in t."))
    return co2e


def _biogenic(df: pd.DataFrame, rownum: np.ndarray, problems: list[Problem]) -> np.ndarray:
    """Biogenic flag per record (one decision per distinct value); what is not true/false is a problem."""
    if "biogenic" not in df.columns:
        return np.zeros(len(df), dtype=bool)
    b_codes, b_uniq = pd.factorize(df["biogenic"], use_na_sentinel=True)
    b_lut = np.array([to_bool(v) for v in b_uniq] + [to_bool(None)], dtype=object)
    for i in np.flatnonzero(np.array([b is None for b in b_lut], dtype=bool)[b_codes]):
        problems.append(Problem(f"biogenic {df['biogenic'].iloc[i]!r} is not true/false.", row=int(rownum[i]), column="biogenic", hint="Use true or false."))
    return np.array([bool(b) for b in b_lut], dtype=bool)[b_codes]


def _percent_column(df: pd.DataFrame, c: str, rownum: np.ndarray, problems: list[Problem]) -> np.ndarray:
    """One bound column [%]: positive magnitudes, a lower bound below 100 %."""
    if c not in df.columns:
        return np.full(len(df), np.nan)
    raw = df[c]
    vals = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float)
    txt = text_column(raw)
    for i in np.flatnonzero(np.isnan(vals) & (txt != "") & (txt.astype(str) != "nan")):
        hint = "Give a positive percentage such as 7 (= ±7 %), or leave it empty."
        problems.append(Problem(f"{c} {raw.iloc[i]!r} is not a number.", row=int(rownum[i]), column=c, hint=hint))
    for i in np.flatnonzero(vals < 0):
        hint = f"Write {abs(vals[i])} (a lower bound of -{abs(vals[i])} % is written as {abs(vals[i])})."
        problems.append(Problem(f"{c} is {vals[i]} but bounds are positive magnitudes.", row=int(rownum[i]), column=c, hint=hint))
    if c.endswith("low_pct"):
        for i in np.flatnonzero(vals >= 100):
            msg = f"{c} is {vals[i]} %: a lower bound of 100 % or more means a negative or zero value."
            problems.append(Problem(msg, row=int(rownum[i]), column=c, hint="Check the unit (percent, not fraction x 100)."))
    return vals


def _distribution_column(df: pd.DataFrame, c: str, rownum: np.ndarray, problems: list[Problem]) -> np.ndarray:
    """One distribution column, lower case ('' = automatic); unknown names are problems."""
    d = text_column(df[c]).astype(str) if c in df.columns else np.full(len(df), "", dtype=object)
    d_codes, d_uniq = pd.factorize(pd.Series(d, dtype=object), use_na_sentinel=True)
    d_low = np.array([str(s).lower() for s in d_uniq] + [""], dtype=object)
    d = d_low[d_codes]
    bad_lut = np.array([bool(s) and s not in DISTRIBUTIONS for s in d_low], dtype=bool)
    for i in np.flatnonzero(bad_lut[d_codes]):
        hint = did_you_mean(d[i], DISTRIBUTIONS) or f"Use one of {', '.join(DISTRIBUTIONS)} or leave it empty."
        problems.append(Problem(f"{c} {d[i]!r} is unknown.", row=int(rownum[i]), column=c, hint=hint))
    return d


def _check_pairs(ad: np.ndarray, ef: np.ndarray, rownum: np.ndarray, problems: list[Problem]) -> None:
    """Both bounds of an interval or neither."""
    for name, arr in (("ad", ad), ("ef", ef)):
        half = np.isnan(arr[:, 0]) != np.isnan(arr[:, 1])
        for i in np.flatnonzero(half):
            given = f"{name}_low_pct" if np.isnan(arr[i, 1]) else f"{name}_high_pct"
            other = f"{name}_high_pct" if given.endswith("low_pct") else f"{name}_low_pct"
            hint = "Give both bounds (the same value twice for a symmetric interval) or neither."
            problems.append(Problem(f"{given} is given but {other} is empty.", row=int(rownum[i]), column=other, hint=hint))


def _apply_defaults(defaults: Any, ad: np.ndarray, ef: np.ndarray, dists: dict, bio: np.ndarray, ids: tuple) -> pd.DataFrame:
    """Fill intervals the user left empty from ``defaults``; returns the table of defaults used."""
    rownum, source_id, gas = ids
    dmap = parse_defaults(defaults)
    used = []
    if dmap:
        for name, arr, dcol in (("ad", ad, "ad_dist"), ("ef", ef, "ef_dist")):
            for i in np.flatnonzero(np.isnan(arr[:, 0]) & np.isnan(arr[:, 1]) & ~bio):
                hit = dmap.get((gas[i], name)) or dmap.get(("*", name))
                if hit is None:
                    continue
                arr[i] = hit[0], hit[1]
                if not dists[dcol][i]:
                    dists[dcol][i] = hit[2]
                used.append({"row": int(rownum[i]), "source_id": source_id[i], "gas": gas[i], "kind": name, "low_pct": hit[0], "high_pct": hit[1]})
    return pd.DataFrame(used, columns=["row", "source_id", "gas", "kind", "low_pct", "high_pct"])


def _optional_text(df: pd.DataFrame, c: str) -> np.ndarray:
    return text_column(df[c]).astype(str) if c in df.columns else np.full(len(df), "", dtype=object)


def prepare_records(records: pd.DataFrame, defaults: Any) -> PreparedRecords:
    """Read, check and prepare the emission records for both approaches.

    Parameters
    ----------
    records : pandas.DataFrame
        The emission-records table (columns in :mod:`carbon.uncertainty`).
    defaults : mapping or table, optional
        Intervals for records that give none (see :func:`parse_defaults`).

    Returns
    -------
    PreparedRecords
        The non-biogenic records with their bounds [%], distributions and shared-draw keys.

    Raises
    ------
    InputError
        Every problem of the table at once, naming row (as in the file, header = row 1) and column.
    """
    df = _check_table(records)
    n = len(df)
    rownum = np.arange(n) + 2
    problems: list[Problem] = []
    co2e = _co2e(df, rownum, problems)
    bio = _biogenic(df, rownum, problems)
    pct = {c: _percent_column(df, c, rownum, problems) for c in PCT_COLUMNS}
    dists = {c: _distribution_column(df, c, rownum, problems) for c in ("ad_dist", "ef_dist")}
    ad = np.column_stack([pct["ad_low_pct"], pct["ad_high_pct"]])
    ef = np.column_stack([pct["ef_low_pct"], pct["ef_high_pct"]])
    _check_pairs(ad, ef, rownum, problems)
    source_id = text_column(df["source_id"]).astype(str)
    gas = text_column(df["gas"]).astype(str)
    for i in np.flatnonzero(source_id == ""):
        problems.append(Problem("source_id is empty.", row=int(rownum[i]), column="source_id", hint="Every record needs the id of its emission source."))
    if problems:
        raise InputError(problems)
    defaults_used = _apply_defaults(defaults, ad, ef, dists, bio, (rownum, source_id, gas))
    idx = np.flatnonzero(~bio)
    factor_id, group, category = (_optional_text(df, c) for c in ("factor_id", "activity_group", "iso_category"))
    fid_i, gas_i = factor_id[idx], gas[idx]
    has_f = fid_i != ""
    pairs = pd.DataFrame({"f": fid_i[has_f], "g": gas_i[has_f]})
    shared = int((pairs.value_counts(sort=False) > 1).sum()) if len(pairs) else 0
    return PreparedRecords(
        row=rownum[idx],
        source_id=source_id[idx],
        gas=gas[idx],
        category=category[idx],
        co2e=co2e[idx],
        ad=ad[idx],
        ef=ef[idx],
        ad_dist=dists["ad_dist"][idx],
        ef_dist=dists["ef_dist"][idx],
        group=group[idx],
        factor_id=fid_i,
        index=idx,
        defaults_used=defaults_used,
        n_biogenic=int(bio.sum()),
        shared_factors=shared,
    )


# ---------------------------------------------------------------------------------------
