"""Organisational GHG inventory (ISO 14064-1:2018, GHG Protocol, MOENV 清冊).

An :class:`InventoryProject` holds the organisation, its facilities, its emission
sources (``carbon.schema.SOURCE_COLUMNS``) and any custom factors.
:func:`calculate` turns it into an :class:`InventoryResult`: emission records (one
per source × gas), totals by source, facility, category, scope and gas, biogenic
CO2 kept apart, data quality (表六) and uncertainty (表七).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from carbon.accounting import compute_records, round_half_up
from carbon.errors import CalculationError, InputError, Problem
from carbon.factors import FactorRegistry, load_registry
from carbon.schema import ISO_SUBCATEGORIES, METHODS, SOURCE_COLUMNS, is_true, map_distinct
from carbon.units import is_convertible, multiplier, parse_date, parse_roc_year

__all__ = [
    "BOUNDARY_APPROACHES",
    "DataQuality",
    "InventoryProject",
    "InventoryResult",
    "Organisation",
    "calculate",
    "significance",
]

BOUNDARY_APPROACHES = ("operational_control", "financial_control", "equity_share")

_GAS_METHODS = {"refrigerant", "extinguisher", "measured"}


@dataclass
class Organisation:
    """The reporting organisation (表一)."""

    name: str
    tax_id: str | None = None
    registration_no: str | None = None
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    reporting_year: int | None = None
    boundary_approach: str = "operational_control"
    base_year: int | None = None
    industry_codes: tuple[str, ...] = ()
    address: str | None = None
    responsible_person: str | None = None
    contact: str | None = None
    standard: str | None = None

    def __post_init__(self) -> None:
        if self.boundary_approach not in BOUNDARY_APPROACHES:
            msg = f"boundary_approach '{self.boundary_approach}' is not one of {BOUNDARY_APPROACHES}."
            raise InputError([Problem(msg, column="boundary_approach")])
        if self.reporting_year is not None:
            self.reporting_year = parse_roc_year(self.reporting_year)
        if self.base_year is not None:
            self.base_year = parse_roc_year(self.base_year)
        if self.period_start is not None:
            self.period_start = parse_date(self.period_start)
        if self.period_end is not None:
            self.period_end = parse_date(self.period_end)
        if self.reporting_year is None and self.period_start is not None:
            self.reporting_year = self.period_start.year
        if self.reporting_year is not None and self.period_start is None:
            self.period_start = dt.date(self.reporting_year, 1, 1)
            self.period_end = dt.date(self.reporting_year, 12, 31)


@dataclass
class InventoryProject:
    """Everything an inventory calculation needs."""

    organisation: Organisation
    facilities: pd.DataFrame = field(default_factory=pd.DataFrame)
    sources: pd.DataFrame = field(default_factory=pd.DataFrame)
    custom_factors: pd.DataFrame = field(default_factory=pd.DataFrame)
    gwp_set: str = "MOENV-2024"
    origin: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    significance: dict = field(default_factory=dict)

    def registry(self, base: FactorRegistry | None = None) -> FactorRegistry:
        """The factor library with this project's custom and the built-in factors."""
        reg = base or load_registry()
        custom = self.custom_factors
        if custom is not None and len(custom):
            reg = reg.with_custom(custom, dataset="custom", edition="project")
        return reg


@dataclass(frozen=True)
class DataQuality:
    """表六: emission-weighted data-quality score and level."""

    score: float | None
    level: int | None
    table: pd.DataFrame
    counts: dict[int, int]
    ungraded_share: float

    def to_dict(self) -> dict:
        """JSON form."""
        return {
            "score": self.score,
            "level": self.level,
            "counts": {str(k): v for k, v in self.counts.items()},
            "ungraded_share": self.ungraded_share,
        }


def _level(x: float) -> int:
    """表六 level of X or of the weighted score: <10 → 1, 10–<19 → 2, ≥19 → 3."""
    return 1 if x < 10 else (2 if x < 19 else 3)


def data_quality(records: pd.DataFrame, sources: pd.DataFrame) -> DataQuality:
    """Grade data quality as the MOENV workbook 表六.

    X = A × B × C per source (1–27); the inventory score is Σ X × the source's share
    of the total CO2e; level 1 (X < 10), 2 (10 ≤ X < 19), 3 (19 ≤ X ≤ 27).

    References
    ----------
    .. [1] 環境部 溫室氣體排放量清冊表單(範例), 表六 數據品質管理, notes.
    """
    per_source = records.loc[~records["biogenic"].astype(bool)].groupby("source_id", observed=True)["co2e_t"].sum()
    total = per_source.sum()
    s = sources.set_index("source_id")
    cols = ["grade_a", "grade_b", "grade_c"]
    g = s.reindex(index=per_source.index, columns=cols).apply(pd.to_numeric, errors="coerce")
    x = g["grade_a"] * g["grade_b"] * g["grade_c"]
    share = per_source / total if total else per_source * 0
    table = pd.DataFrame({"co2e_t": per_source, "grade_a": g["grade_a"], "grade_b": g["grade_b"], "grade_c": g["grade_c"], "x": x, "share": share})
    table["level"] = x.map(lambda v: _level(v) if pd.notna(v) else pd.NA)
    table["weighted"] = x * share
    graded = x.notna()
    ungraded_share = float(share[~graded].sum())
    if graded.any() and total:
        score = float(table.loc[graded, "weighted"].sum())
        level = _level(score)
    else:
        score, level = None, None
    counts = {lv: int((table["level"] == lv).sum()) for lv in (1, 2, 3)}
    return DataQuality(score=score, level=level, table=table.reset_index(), counts=counts, ungraded_share=ungraded_share)


def significance(sources: pd.DataFrame, criteria: dict) -> pd.DataFrame:
    """Assess the significance of category 3–6 sources with configurable criteria.

    Parameters
    ----------
    sources : pandas.DataFrame
        Sources with one score column per criterion (e.g. ``sig_magnitude``).
    criteria : dict
        ``{"weights": {"magnitude": 1, "influence": 1, ...}, "threshold": 9}``:
        a source is significant when Σ weight × score ≥ threshold.

    Returns
    -------
    pandas.DataFrame
        source_id, score, significant, reason.
    """
    weights = criteria.get("weights", {})
    threshold = float(criteria.get("threshold", 0))
    indirect = sources[sources["iso_category"].astype(str).str[0].isin(list("3456"))]
    rows = []
    for _, r in indirect.iterrows():
        parts, score = [], 0.0
        for name, w in weights.items():
            v = pd.to_numeric(r.get(f"sig_{name}"), errors="coerce")
            if pd.notna(v):
                score += float(w) * float(v)
                parts.append(f"{name} {v:g}×{w:g}")
        sig = score >= threshold
        reason = f"score {score:g} {'≥' if sig else '<'} threshold {threshold:g} ({', '.join(parts) or 'no scores'})"
        rows.append({"source_id": r["source_id"], "score": score, "significant": sig, "reason": reason})
    return pd.DataFrame(rows, columns=["source_id", "score", "significant", "reason"])


def _cat_map(values, func) -> pd.Categorical:
    """Map a column through ``func`` once per distinct value and return a Categorical."""
    x = values if isinstance(values, pd.Series) else pd.Series(np.asarray(values, dtype=object), dtype=object)
    if func is _text_or_none and (isinstance(x.dtype, pd.StringDtype) or str(x.dtype) == "str"):
        # text columns: strip with the string engine, then one factorisation
        t = x.str.strip()
        codes, uniq = pd.factorize(t.mask(t == ""), use_na_sentinel=True)
        return pd.Categorical.from_codes(codes, categories=uniq)
    codes, uniq = pd.factorize(x, use_na_sentinel=True)
    if func is _text_or_none and len(uniq) > 1000:
        # many distinct values (ids): strip them vectorised, then re-factorise the results
        u = pd.Series(np.asarray(uniq, dtype=object), dtype=object).astype(str).str.strip()
        m_codes, cats = pd.factorize(u.where(u != "", None), use_na_sentinel=True)
        lut = np.append(m_codes, -1).astype(np.int64)
        return pd.Categorical.from_codes(lut[codes], categories=pd.Index(cats, dtype=object))
    mapped = [func(u) for u in uniq] + [func(None)]
    cats = list(dict.fromkeys(m for m in mapped if m is not None))
    pos = {c: k for k, c in enumerate(cats)}
    lut = np.array([pos[m] if m is not None else -1 for m in mapped], dtype=np.int32)
    return pd.Categorical.from_codes(lut[codes], categories=pd.Index(cats, dtype=object))


def _text_or_none(v) -> str | None:
    """Cell text stripped of blanks; None for missing or blank."""
    if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA:
        return None
    t = str(v).strip()
    return t or None


def _norm_category(v) -> str | None:
    if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA:
        return None
    s = str(v).strip()
    if isinstance(v, float):
        s = f"{v:.1f}" if v != 6 else "6"
    if s in ("6.0", "6.1"):
        s = "6"
    return s


def _prepare(project: InventoryProject, registry: FactorRegistry) -> tuple[pd.DataFrame, list[Problem]]:
    """Validate sources and turn every calculator into activity × factor rows."""
    src = project.sources.reset_index(drop=True).copy(deep=False)  # the user's table is never modified
    org = project.organisation
    origin = project.origin.get("rows", {})
    headers = project.origin.get("headers", {})
    problems: list[Problem] = []

    def problem(i: int, column: str, message: str, hint: str | None = None) -> None:
        sid = str(src.at[i, "source_id"]) if "source_id" in src else str(i)
        f, sh, row = origin.get(sid, (project.origin.get("file"), None, None))
        msg = message if row is not None else f"source '{sid}': {message}"
        problems.append(Problem(msg, file=f, sheet=sh, row=row, column=headers.get(column, column), hint=hint))

    n = len(src)
    # absent optional columns: one shared all-missing array per type (read-only use below)
    no_number = np.full(n, np.nan)
    no_text = pd.Categorical.from_codes(np.full(n, -1, dtype=np.int8), categories=pd.Index([], dtype=object))
    absent = {c.name: (no_number if c.dtype in ("float", "int") else no_text) for c in SOURCE_COLUMNS if c.name not in src.columns}
    if absent:  # one concatenation, no copies (inserting columns one by one costs far more)
        src = pd.concat([src, pd.DataFrame(absent, index=src.index, copy=False)], axis=1)
    if len(src) == 0:
        problems.append(Problem("the project has no emission sources.", file=project.origin.get("file"), hint="Add rows to the sources sheet."))
        return src, problems
    # ids: one factorisation gives the categorical, the blanks and the duplicates
    sid = _cat_map(src["source_id"], _text_or_none)
    missing_id = sid.codes < 0
    for i in np.flatnonzero(missing_id):
        problem(int(i), "source_id", "empty source id.", "Give every source a unique id, e.g. S01.")
    if len(sid.categories) < n - int(missing_id.sum()):
        counts = np.bincount(sid.codes[~missing_id], minlength=len(sid.categories))
        for i in np.flatnonzero((counts[np.where(missing_id, 0, sid.codes)] > 1) & ~missing_id):
            problem(int(i), "source_id", f"source id '{sid[i]}' is used more than once.", "Source ids must be unique.")
    if missing_id.any():
        sid = sid.add_categories([f"row{i + 1}" for i in np.flatnonzero(missing_id)])
        for i in np.flatnonzero(missing_id):
            sid[i] = f"row{i + 1}"
    src["source_id"] = sid

    # sub-category: one decision per distinct value, then categorical look-ups (no per-row work)
    cat = pd.Series(_cat_map(src["iso_category"], _norm_category))
    for i in np.flatnonzero(~cat.isin(list(ISO_SUBCATEGORIES)).to_numpy(dtype=bool)):
        problem(
            int(i),
            "iso_category",
            f"'{src.at[i, 'iso_category']}' is not an ISO 14064-1 sub-category.",
            "Use 1.1–1.5, 2.1–2.2, 3.1–3.5, 4.1–4.5, 5.1–5.4 or 6.",
        )
    src["iso_subcategory"] = cat.array
    src["iso_category"] = _cat_map(cat, lambda c: None if c is None else c.split(".")[0])
    src["scope"] = _cat_map(cat, lambda c: ISO_SUBCATEGORIES[c][2] if c in ISO_SUBCATEGORIES else None)
    src["emission_type"] = _cat_map(cat, lambda c: ISO_SUBCATEGORIES[c][1] if c in ISO_SUBCATEGORIES else None)

    method = pd.Series(_cat_map(src["method"], lambda v: None if v is None or (isinstance(v, float) and np.isnan(v)) else str(v).strip().lower()))
    method = method.cat.add_categories([m for m in ("electricity", "factor") if m not in method.cat.categories])
    method = method.mask(method.isna() & (cat == "2.1"), "electricity").fillna("factor")
    for i in np.flatnonzero(~method.isin(list(METHODS)).to_numpy(dtype=bool)):
        problem(int(i), "method", f"unknown method '{method[i]}'.", f"Use one of: {', '.join(METHODS)}.")
    src["method"] = method

    amount = pd.Series(pd.to_numeric(src["activity_amount"], errors="coerce").to_numpy(dtype=float, na_value=np.nan))
    unit = pd.Series(map_distinct(src["activity_unit"], _text_or_none), dtype=object)
    fid = pd.Series(map_distinct(src["factor_id"], _text_or_none), dtype=object)
    gas = pd.Series(map_distinct(src["gas"], _text_or_none), dtype=object)
    notes = pd.Series("", index=src.index, dtype=object)
    for c in ("allocation", "carbon_content", "charge_kg", "leak_rate", "recovery_rate", "recovery_use_rate", "hours_per_day", "certificate_kwh", "heat_value"):
        if src[c].dtype.kind != "f":
            src[c] = pd.to_numeric(src[c], errors="coerce")
    allow_negative = pd.Series(False, index=src.index)

    # electricity: grid factor of the data year, certificates count 0
    is_el = method == "electricity"
    for i in np.flatnonzero((is_el & cat.notna() & (cat != "2.1")).to_numpy()):
        problem(int(i), "iso_category", f"purchased electricity belongs in category 2.1, not {cat[i]}.", "Set the category to 2.1.")
    cert_given = src["certificate_kwh"].fillna(0) > 0
    for i in np.flatnonzero((is_el & (fid.isna() | cert_given)).to_numpy()):
        if pd.isna(fid[i]):
            year = src.at[i, "data_year"]
            try:
                y = parse_roc_year(year) if pd.notna(year) else org.reporting_year
            except Exception:
                y = None
                problem(int(i), "data_year", f"'{year}' is not a year.", "Write e.g. 2024 or 113.")
            if y is None:
                problem(int(i), "data_year", "no data year for the grid factor.", "Fill data_year or the organisation's reporting year.")
                continue
            cand = f"tw-grid/{y}"
            if cand not in registry:
                have = sorted(registry.ids("tw-grid"))
                problem(
                    int(i),
                    "data_year",
                    f"the grid factor for {y} ({cand}) has not been announced.",
                    f"Use the latest announced factor ({have[-1] if have else 'none'}) as the rule says, via factor_id.",
                )
                continue
            fid[i] = cand
        cert = src.at[i, "certificate_kwh"]
        if pd.notna(cert) and cert > 0 and pd.notna(amount[i]) and pd.notna(unit[i]):
            try:
                cert_in_unit = cert * multiplier("kWh", str(unit[i]))
            except Exception:
                problem(int(i), "activity_unit", f"electricity in '{unit[i]}' is not an energy unit.", "Use kWh, 度, MWh or 千度.")
                continue
            if cert_in_unit > amount[i] + 1e-9:
                problem(int(i), "certificate_kwh", f"certificates ({cert:g} kWh) exceed the electricity used.", "Check the amounts.")
                continue
            amount[i] = amount[i] - cert_in_unit
            notes[i] += f"renewable-energy certificates {cert:g} kWh counted 0 (電證合一); "

    # generic methods need a factor
    needs_factor = method.isin(["factor", "fuel", "steam"])
    for i in np.flatnonzero((needs_factor & fid.isna()).to_numpy()):
        problem(int(i), "factor_id", "no emission factor given.", "Enter a library id (`carbon factors search`) or a custom factor id.")
    for i in np.flatnonzero((method == "steam").to_numpy()):
        if pd.notna(cat[i]) and cat[i] != "2.2":
            problem(int(i), "iso_category", f"purchased steam belongs in category 2.2, not {cat[i]}.", "Set the category to 2.2.")

    # refrigerants and other gases emitted as they are
    as_is = method.isin(list(_GAS_METHODS))
    for i in np.flatnonzero(as_is.to_numpy()):
        m = method[i]
        if pd.isna(gas[i]):
            if m == "extinguisher":
                gas[i] = "CO2"
                notes[i] += "extinguisher agent taken as CO2; "
            else:
                problem(int(i), "gas", f"a {m} source needs the gas (e.g. R-410A, HFC-134a, SF6).", "Fill column 'gas'.")
                continue
        if m == "refrigerant" and pd.notna(src.at[i, "charge_kg"]):
            leak = src.at[i, "leak_rate"]
            if pd.isna(leak):
                d = _refrigeration_default(registry, src.at[i, "equipment_code"])
                if d is None:
                    problem(
                        int(i),
                        "leak_rate",
                        f"no leak rate and no default for equipment '{src.at[i, 'equipment_code']}'.",
                        "Give leak_rate (kg per kg charge per year), or an equipment code 4090–4097.",
                    )
                    continue
                leak = d[0]
                notes[i] += f"排放因子 (leak rate) {leak:g} = {d[1]}; "
            rec, use = src.at[i, "recovery_rate"], src.at[i, "recovery_use_rate"]
            rec = 0.0 if pd.isna(rec) else float(rec)
            if pd.isna(use):
                use = 1.0 if rec else 0.0
                if rec:
                    notes[i] += "abatement equipment use rate taken as 1 (in use all year); "
            if not (0 <= rec <= 1 and 0 <= float(use) <= 1):
                problem(int(i), "recovery_rate", "recovery and use rate of the abatement equipment are fractions 0–1.", "E.g. 0.9 for 90 %.")
                continue
            amount[i] = float(src.at[i, "charge_kg"]) * float(leak) * (1.0 - rec * float(use))
            unit[i] = "kg"
            term = f"(1 − 防治設備回收率 {rec:g} × 使用率 {float(use):g})" if rec else "(no abatement equipment: recovery 0)"
            notes[i] += f"charge {src.at[i, 'charge_kg']:g} kg × 排放因子 {leak:g} × {term} (6.0.4 sheet 6 §五); "
        if pd.isna(fid[i]):
            fid[i] = "carbon/emitted-as-is"

    # mass balance: carbon in (positive) and out (negative) × carbon content × 44/12
    mb = method == "mass_balance"
    for i in np.flatnonzero(mb.to_numpy()):
        cc = src.at[i, "carbon_content"]
        if pd.isna(cc) or not 0 <= cc <= 1:
            problem(int(i), "carbon_content", "a mass-balance source needs the carbon content as a fraction 0–1.", "E.g. 0.923 for acetylene.")
            continue
        amount[i] = amount[i] * cc
        allow_negative[i] = True
        if pd.isna(fid[i]):
            fid[i] = "carbon/carbon-to-co2"
        notes[i] += f"carbon content {cc:g} × 44/12; "

    # septic tanks: person-hours, or person-days × hours per day
    sep = method == "septic"
    for i in np.flatnonzero(sep.to_numpy()):
        if pd.isna(fid[i]):
            fid[i] = "moenv-6.0.4/septic-tank"
        u = str(unit[i]) if pd.notna(unit[i]) else ""
        if u and is_convertible(u, "person_day"):
            h = src.at[i, "hours_per_day"]
            if pd.isna(h):
                h = _septic_hours(registry)
                if h is None:
                    problem(int(i), "hours_per_day", "activity in person-days needs working hours per day.", "Fill hours_per_day (e.g. 8).")
                    continue
                notes[i] += f"{h:g} working hours per person-day (6.0.4 septic parameters); "
            amount[i] = amount[i] * multiplier(u, "person_day") * float(h)
            unit[i] = "person_hour"

    # proration of bills that straddle the reporting period
    ps, pe = src["period_start"], src["period_end"]
    for i in np.flatnonzero((ps.notna() | pe.notna()).to_numpy()):
        try:
            a, b = parse_date(ps[i]), parse_date(pe[i])
        except Exception as err:
            problem(int(i), "period_start", str(err))
            continue
        if org.period_start is None or org.period_end is None:
            problem(int(i), "period_start", "bill dates given but the organisation has no reporting period.", "Fill the reporting year.")
            continue
        days = (b - a).days + 1
        overlap = (min(b, org.period_end) - max(a, org.period_start)).days + 1
        if days <= 0:
            problem(int(i), "period_end", "the bill ends before it starts.", "Check the dates.")
            continue
        frac = max(0, overlap) / days
        if frac < 1:
            amount[i] = amount[i] * frac
            notes[i] += f"prorated {max(0, overlap)}/{days} days to the reporting period; "

    # supplier (market-based) factors: must exist and be electricity factors
    mf = src["market_factor_id"]
    if mf.notna().any():
        for i in np.flatnonzero(mf.notna().to_numpy(dtype=bool)):
            f = str(mf.iat[i]).strip()
            if f not in registry:
                problem(int(i), "market_factor_id", registry._not_found(f))
            elif str(registry.table.at[int(registry._by_id[f][0]), "kind"]) != "electricity" or method[i] != "electricity":
                problem(int(i), "market_factor_id", f"'{f}' is not an electricity factor on an electricity source.", "Use it on category 2.1 sources, with a factor per kWh.")

    # from here on the text columns are categoricals: one factorisation each, shared with accounting
    fid = pd.Series(_cat_map(fid, _text_or_none))
    unit = pd.Series(_cat_map(unit, _text_or_none))
    gas = pd.Series(_cat_map(gas, _text_or_none))

    # category plausibility: a factor that does not fit the category (one look-up per factor id)
    kinds = {f: str(registry.table.at[int(registry._by_id[f][0]), "kind"]) for f in fid.cat.categories if f in registry}
    kind_of = pd.Series(_cat_map(fid, lambda f: kinds.get(f)))
    c0 = pd.Series(_cat_map(cat, lambda c: None if c is None else c[0]))
    direct_kinds = ["stationary_combustion", "mobile_combustion", "process", "fugitive", "refrigerant", "septic"]
    rules = (
        ((kind_of == "electricity") & cat.notna() & (cat != "2.1"), "an electricity factor", "Electricity belongs in 2.1."),
        (kind_of.isin(direct_kinds) & (c0 == "2"), "a direct-emission factor", "Use category 1.x."),
        (
            (kind_of == "product") & c0.isin(["1", "2"]),
            "a life-cycle (product footprint) factor",
            "Use the inventory (combustion/grid) factors for categories 1–2.",
        ),
    )
    for mask, what, hint in rules:
        for i in np.flatnonzero(mask.fillna(False).to_numpy(dtype=bool)):
            problem(int(i), "factor_id", f"'{fid[i]}' is {what} ({kind_of[i]}) but the source is in category {cat[i]}.", hint)

    neg = (amount < 0) & ~allow_negative
    for i in np.flatnonzero(neg.to_numpy()):
        problem(int(i), "activity_amount", f"negative activity {amount[i]:g}.", "Activity data are ≥ 0; enter removals or outputs as their own source.")
    # the activity table the accounting primitive reads: only what it needs, no copies of the rest
    keep = ["source_id", "facility", "iso_category", "iso_subcategory", "scope", "emission_type", "heat_value", "heat_value_unit",
            "allocation", "biogenic", "ch4_kind", "ad_low_pct", "ad_high_pct", "ef_low_pct", "ef_high_pct"]  # fmt: skip
    cols = {c: src[c] for c in keep if c in src}
    cols.update(
        {
            "activity_amount": amount.abs().where(~allow_negative, amount),
            "activity_unit": unit,
            "factor_id": fid,
            "gas": gas,
            "source_name": src["name"],
            "_note": notes,
            "_sign": np.where(allow_negative & (amount < 0), -1.0, 1.0),
            "period": pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), [str(org.reporting_year)]) if org.reporting_year else np.full(n, None),
            "entity": pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), [org.name]),
        }
    )
    for c in ("ad_dist", "ef_dist", "activity_group"):
        if c in src:
            cols[c] = src[c]
    return pd.DataFrame(cols), problems


def _refrigeration_default(registry: FactorRegistry, code) -> tuple[float, str] | None:
    """Default annual emission factor (leak rate) for an equipment code 4090–4097.

    The 6.0.4 table's example 排放因子 of sheet 6 [kg refrigerant per kg charge per year].
    Sheet 8's recovery efficiency is the end-of-life recovery of the refrigerant and is
    not used for operating leaks: the emission-factor method's recovery term is the
    factory's own abatement equipment (防治設備回收率 × 使用率), 0 unless stated.

    References
    ----------
    .. [1] 環境部 溫室氣體排放係數管理表 6.0.4 版, sheet 6 逸散排放源 §五 冷媒 (排放係數法).
    """
    if code is None or pd.isna(code):
        return None
    t = registry.extra_table("moenv-6.0.4", "refrigeration_equipment.csv")
    key = str(code).strip().removesuffix(".0")
    hit = t[t["equipment_code"].astype(str) == key]
    if hit.empty:
        return None
    r = hit.iloc[0]
    return float(r["example_factor_kg_per_kg_yr"]), f"moenv-6.0.4 equipment {key} ({r['name_zh']})"


def _septic_hours(registry: FactorRegistry) -> float | None:
    """Working hours per person-day of the 6.0.4 septic-tank example (sheet 6 §八)."""
    try:
        t = registry.extra_table("moenv-6.0.4", "septic_parameters.csv")
    except Exception:
        return None
    hit = t[t["parameter"] == "working_hours_per_day"]
    return float(hit["value"].iloc[0]) if len(hit) else None


@dataclass(frozen=True)
class InventoryResult:
    """The calculated inventory. ``records`` is the emission-records table."""

    project: InventoryProject
    records: pd.DataFrame
    gwp_set: str
    rounding: str
    registry: FactorRegistry

    # -- totals ------------------------------------------------------------------
    @cached_property
    def included(self) -> pd.DataFrame:
        """Records of sources counted in the total (not excluded)."""
        ex = self.excluded_sources
        r = self.records
        return r[~r["source_id"].isin(ex)] if len(ex) else r

    @cached_property
    def significance(self) -> pd.DataFrame:
        """Significance of the category 3–6 sources under the project's criteria (empty if none)."""
        crit = self.project.significance or {}
        if not crit.get("weights"):
            return pd.DataFrame(columns=["source_id", "score", "significant", "reason"])
        return significance(self.project.sources, crit)

    @cached_property
    def excluded_sources(self) -> list[str]:
        """Ids of sources excluded: marked so, or not significant (categories 3–6) under the criteria."""
        s = self.project.sources
        out: list[str] = []
        if "excluded" in s:
            flag = s["excluded"].map(is_true)
            out = list(s.loc[flag.fillna(False).astype(bool), "source_id"].astype(str))
        sig = self.significance
        out += [str(x) for x in sig.loc[~sig["significant"].astype(bool), "source_id"] if str(x) not in out]
        return out

    def _round(self, x: float, decimals: int = 4) -> float:
        """With ``moenv`` rounding: sub-totals to 4 decimals as 表五/表八, the inventory total to 3."""
        return float(round_half_up(np.array([x]), decimals)[0]) if self.rounding == "moenv" else float(x)

    @cached_property
    def counted(self) -> pd.DataFrame:
        """Records that make up the total: included sources, biogenic CO2 left out."""
        r = self.included
        return r[~r["biogenic"].astype(bool)]

    @property
    def _fossil(self) -> pd.DataFrame:
        return self.counted

    @property
    def total_tco2e(self) -> float:
        """Total CO2e excluding biogenic CO2 [t CO2e]."""
        return self._round(self._fossil["co2e_t"].sum(), 3)

    @property
    def biogenic_co2_t(self) -> float:
        """Biogenic CO2, reported separately [t CO2]."""
        r = self.included
        return self._round(r.loc[r["biogenic"].astype(bool), "mass_t"].sum(), 3)

    def _by(self, col: str) -> dict[str, float]:
        g = self._fossil.groupby(col, observed=True)["co2e_t"].sum()
        return {str(k): self._round(v) for k, v in g.items()}

    @property
    def by_category(self) -> dict[str, float]:
        """CO2e by ISO 14064-1 category [t CO2e]."""
        return self._by("iso_category")

    @property
    def by_subcategory(self) -> dict[str, float]:
        """CO2e by ISO 14064-1 sub-category [t CO2e]."""
        return self._by("iso_subcategory")

    @property
    def by_scope(self) -> dict[str, float]:
        """CO2e by GHG Protocol scope [t CO2e]."""
        return self._by("scope")

    @property
    def by_facility(self) -> dict[str, float]:
        """CO2e by facility [t CO2e]."""
        return self._by("facility")

    @property
    def by_source(self) -> dict[str, float]:
        """CO2e by source [t CO2e]."""
        return self._by("source_id")

    @property
    def by_gas(self) -> dict[str, dict[str, float]]:
        """Mass and CO2e by gas."""
        g = self._fossil.groupby("gas", observed=True)[["mass_t", "co2e_t"]].sum()
        return {str(k): {"mass_t": float(v.mass_t), "tco2e": self._round(v.co2e_t)} for k, v in g.iterrows()}

    @property
    def factor_editions(self) -> dict[str, str]:
        """Dataset → edition of every factor used (what made these numbers)."""
        r = self.records[["factor_dataset", "factor_edition"]].drop_duplicates()
        return {str(a): str(b) for a, b in r.itertuples(index=False)}

    @cached_property
    def data_quality(self) -> DataQuality:
        """表六 data quality."""
        return data_quality(self.included, self.project.sources)

    @cached_property
    def uncertainty(self):
        """表七 uncertainty (Approach 1), see :func:`carbon.uncertainty.analytic`."""
        from carbon.uncertainty import analytic

        return analytic(self._fossil)

    @cached_property
    def scope2(self) -> dict[str, float]:
        """Scope 2 both ways (GHG Protocol Scope 2 Guidance): location- and market-based [t CO2e].

        Location-based is the inventory's figure (grid factor of the data year, the MOENV
        method). Market-based replaces it, source by source, with the supplier factor in
        ``market_factor_id``; sources without one keep the grid factor, since Taiwan
        publishes no residual mix. Certificates (電證合一) count 0 in both.
        """
        r = self.counted
        location = float(r.loc[r["scope"].astype(str) == "2", "co2e_t"].sum())
        s = self.project.sources
        if "market_factor_id" not in s or s["market_factor_id"].isna().all():
            return {"location_based": self._round(location), "market_based": self._round(location)}
        sel = s[s["market_factor_id"].notna() & s["source_id"].astype(str).isin(set(r["source_id"].astype(str)))]
        rec = r[r["source_id"].astype(str).isin(set(sel["source_id"].astype(str)))]
        act = rec.groupby("source_id", observed=True).agg(activity_amount=("activity_amount", "first"), activity_unit=("activity_unit", "first"))
        act = act.reset_index().merge(sel[["source_id", "market_factor_id"]].astype({"source_id": str}), on="source_id")
        act = act.rename(columns={"market_factor_id": "factor_id"}).assign(source_id=lambda d: d["source_id"].astype(str))
        market_rec = compute_records(act, self.registry, self.gwp_set, rounding=self.rounding)
        market = location - float(rec["co2e_t"].sum()) + float(market_rec["co2e_t"].sum())
        return {"location_based": self._round(location), "market_based": self._round(market)}

    def uncertainty_inputs(self) -> pd.DataFrame:
        """Where each counted record's uncertainty comes from (the user, the factor's dataset, or nowhere).

        A factor interval the user did not give is the 95 % interval the factor's dataset
        publishes (e.g. IPCC 2006 Table 1.4 via the MOENV 2024 announcement), and is named so.
        """
        r = self.counted
        src = self.project.sources.set_index(self.project.sources["source_id"].astype(str))
        user_ef = pd.Series(False, index=src.index)
        for c in ("ef_low_pct", "ef_high_pct"):
            if c in src:
                user_ef |= pd.to_numeric(src[c], errors="coerce").notna()
        sid = r["source_id"].astype(str)
        given = sid.map(user_ef).fillna(False).to_numpy(dtype=bool)
        has_ef = r["ef_low_pct"].notna().to_numpy() | r["ef_high_pct"].notna().to_numpy()
        has_ad = r["ad_low_pct"].notna().to_numpy() | r["ad_high_pct"].notna().to_numpy()
        ds = r["factor_dataset"].astype(str).to_numpy()
        ef_origin = np.where(given, "user", np.where(has_ef, np.char.add("95 % interval of dataset ", ds.astype(str)), "none"))
        return pd.DataFrame(
            {
                "source_id": sid.to_numpy(),
                "gas": r["gas"].astype(str).to_numpy(),
                "factor_id": r["factor_id"].astype(str).to_numpy(),
                "activity": np.where(has_ad, "user", "none"),
                "factor": ef_origin,
            }
        )

    def to_dict(self) -> dict:
        """The JSON of ``carbon inventory calc --json``."""
        srcs = []
        names = self.project.sources.set_index("source_id")["name"] if "name" in self.project.sources else None
        for sid, grp in self.records.groupby("source_id", observed=True, sort=False):
            fac = grp[["factor_id", "factor_dataset", "factor_edition"]].drop_duplicates()
            srcs.append(
                {
                    "id": str(sid),
                    "name": None if names is None else (None if pd.isna(names.get(sid)) else str(names.get(sid))),
                    "category": str(grp["iso_subcategory"].iloc[0]),
                    "scope": int(grp["scope"].iloc[0]) if pd.notna(grp["scope"].iloc[0]) else None,
                    "tco2e": self._round(grp.loc[~grp["biogenic"].astype(bool), "co2e_t"].sum()),
                    "excluded": str(sid) in self.excluded_sources,
                    "gases": {
                        str(r.gas): {"mass_t": float(r.mass_t), "gwp": float(r.gwp), "tco2e": float(r.co2e_t), "biogenic": bool(r.biogenic)}
                        for r in grp.itertuples()
                    },
                    "factors": [{"id": str(a), "dataset": str(b), "edition": str(c)} for a, b, c in fac.itertuples(index=False)],
                }
            )
        unc = self.uncertainty
        dq = self.data_quality
        return {
            "organisation": self.project.organisation.name,
            "reporting_year": self.project.organisation.reporting_year,
            "gwp_set": self.gwp_set,
            "rounding": self.rounding,
            "total_tco2e": self.total_tco2e,
            "biogenic_co2_t": self.biogenic_co2_t,
            "by_category": self.by_category,
            "by_subcategory": self.by_subcategory,
            "by_scope": self.by_scope,
            "scope2": self.scope2,
            "by_facility": self.by_facility,
            "by_gas": self.by_gas,
            "sources": srcs,
            "excluded_sources": self.exclusions(),
            "data_quality": dq.to_dict(),
            "uncertainty": {"lower_pct": unc.lower_pct, "upper_pct": unc.upper_pct, "covered_share": unc.covered_share},
            "factor_editions": self.factor_editions,
        }

    def exclusions(self) -> list[dict]:
        """Excluded sources with the justification carried into the report."""
        s = self.project.sources
        out = []
        sig = self.significance.set_index("source_id")["reason"].to_dict() if len(self.significance) else {}
        for sid in self.excluded_sources:
            row = s[s["source_id"].astype(str) == sid].iloc[0]
            reason = row.get("exclusion_reason")
            reason = None if reason is None or pd.isna(reason) else str(reason)
            if sid in sig:
                reason = f"{reason}; " if reason else ""
                reason += f"not significant: {sig[sid]}"
            out.append({"id": sid, "category": str(row.get("iso_category")), "reason": reason})
        return out

    def explain(self, source_id: str) -> str:
        """The working of one source: activity × heat value × factor × GWP, with units and sources."""
        r = self.records[self.records["source_id"] == source_id]
        if r.empty:
            from carbon.errors import did_you_mean

            msg = f"No source '{source_id}' in this inventory. {did_you_mean(source_id, self.records['source_id'].astype(str).unique())}"
            raise CalculationError(msg)
        first = r.iloc[0]
        lines = [f"{source_id} {first['source_name'] if pd.notna(first['source_name']) else ''} — ISO 14064-1 {first['iso_subcategory']} (scope {first['scope']})"]
        lines.append(f"GWP set: {self.gwp_set}; rounding: {self.rounding}")
        for _, x in r.iterrows():
            f = self.registry.get(str(x["factor_id"]))
            act = f"{x['activity_amount']:,.6g} {x['activity_unit']}"
            if x["allocation"] != 1:
                act += f" × allocation {x['allocation']:g}"
            hv = ""
            if pd.notna(x["heat_value"]):
                hv = f" × heat value {x['heat_value']:,.6g} {x['heat_value_unit']} ({x['heat_value_origin']})"
            ch4 = f" [{x['ch4_kind']}]" if pd.notna(x["ch4_kind"]) else ""
            lines.append(
                f"  {x['gas']}: {act}{hv} × {x['factor_value']:,.10g} {x['factor_unit']} = {x['mass_t']:,.6f} t {x['gas']}"
                f" × GWP {x['gwp']:g}{ch4} = {x['co2e_t']:,.4f} t CO2e"
            )
            src = f.source.get("title_zh") or f.source.get("title") or ""
            ref = f.gases[str(x["gas"])].source_ref if str(x["gas"]) in f.gases else f.source_ref
            lines.append(f"      factor {f.id} — {f.name_zh} / {f.name_en}; dataset {f.dataset} edition {f.edition}; {src}; {ref or ''}")
            if isinstance(x.get("note"), str) and x["note"]:
                lines.append(f"      note: {x['note']}")
        total = r.loc[~r["biogenic"].astype(bool), "co2e_t"].sum()
        lines.append(f"  total {total:,.4f} t CO2e" + (" (excluded from the inventory total)" if source_id in self.excluded_sources else ""))
        return "\n".join(lines)


def _apply_equity_share(project: InventoryProject, records: pd.DataFrame) -> None:
    """Equity-share approach: each facility's emissions × the organisation's share of it (ISO 14064-1 5.1)."""
    if project.organisation.boundary_approach != "equity_share":
        return
    fac = project.facilities
    if fac is None or len(fac) == 0 or "equity_share" not in fac:
        msg = "the equity-share approach needs each facility's equity_share (0–1) in the facilities sheet."
        raise InputError([Problem(msg, file=project.origin.get("file"), sheet="facilities", column="equity_share")])
    shares = dict(zip(fac["facility_id"].astype(str), pd.to_numeric(fac["equity_share"], errors="coerce"), strict=True))
    bad = [f for f, v in shares.items() if not (pd.notna(v) and 0 <= v <= 1)]
    if bad:
        msg = f"equity_share of facilities {bad} is missing or outside 0–1."
        raise InputError([Problem(msg, file=project.origin.get("file"), sheet="facilities", column="equity_share", hint="Enter e.g. 0.6 for 60 %.")])
    facility = records["facility"].astype(object)
    if len(shares) == 1:
        facility = facility.where(facility.notna(), next(iter(shares)))
    missing = sorted({str(x) for x in facility.unique() if str(x) not in shares})
    if missing:
        msg = f"sources in facilities {missing} have no equity share."
        raise InputError([Problem(msg, file=project.origin.get("file"), sheet="sources", column="facility", hint="Give each source a facility listed in the facilities sheet.")])
    k = facility.map(shares).to_numpy(dtype=float)
    records["mass_t"] = records["mass_t"].to_numpy() * k
    records["co2e_t"] = records["co2e_t"].to_numpy() * k
    note = records["note"].astype(object).fillna("").to_numpy()
    records["note"] = pd.Categorical([f"{n}; equity share {x:g}".lstrip("; ") for n, x in zip(note, k, strict=True)])


def calculate(
    project: InventoryProject,
    *,
    gwp_set: str | None = None,
    rounding: str = "exact",
    registry: FactorRegistry | None = None,
) -> InventoryResult:
    """Calculate an inventory.

    Parameters
    ----------
    project : InventoryProject
    gwp_set : str, optional
        Overrides the project's GWP set (the project's is named explicitly, default
        ``MOENV-2024``, and recorded in the result).
    rounding : {"exact", "moenv"}
        ``moenv`` reproduces the official workbook to the digit (gas masses to 4
        decimals before the GWP, totals to 3 decimals).
    registry : FactorRegistry, optional
        Factor library; the bundled one by default.

    Raises
    ------
    InputError
        Every problem of the input at once, each naming file, sheet, row and column.
    """
    gs = gwp_set or project.gwp_set
    reg = project.registry(registry)
    act, problems = _prepare(project, reg)
    try:
        records = compute_records(
            act.drop(columns=["_note", "_sign"]).assign(activity_amount=act["activity_amount"].abs()),  # sign applied below
            reg,
            gs,
            rounding=rounding,
            origin=project.origin.get("rows", {}),
            headers=project.origin.get("headers", {}),
            unrounded_mass=project.origin.get("moenv_unrounded_mass", ()),
        )
    except InputError as err:
        seen_rows = {(p.sheet, p.row) for p in problems if p.row is not None}
        for p in err.problems:
            if p.row is not None and (p.sheet, p.row) in seen_rows and p.column == project.origin.get("headers", {}).get("factor_id", "factor_id"):
                continue  # the calculator step already explained why this source has no factor
            problems.append(p)
        records = None
    if problems:
        raise InputError(problems)
    # signs (mass-balance outputs) and notes from the calculators, spread by source index
    # source ids are unique (checked above), so the categorical codes of source_id are row numbers
    src_index = records["source_id"].cat.codes.to_numpy()
    sign = act["_sign"].to_numpy(dtype=float)[src_index]
    if (sign != 1).any():
        records["mass_t"] = records["mass_t"].to_numpy() * sign
        records["co2e_t"] = records["co2e_t"].to_numpy() * sign
    # calculator notes (a few sources at most): combine only where there are any
    has_src = (act["_note"] != "").to_numpy(dtype=bool)
    if has_src.any():
        rec = np.flatnonzero(has_src[src_index])
        extra = act["_note"].to_numpy(dtype=object)[src_index[rec]]
        kind_note = records["note"].to_numpy(dtype=object, na_value="")[rec] if len(rec) else np.empty(0, dtype=object)
        combined = [f"{a}{b}".strip().rstrip(";").strip() for a, b in zip(extra, kind_note, strict=True)]
        note = records["note"].cat.add_categories([c for c in dict.fromkeys(combined) if c not in records["note"].cat.categories])
        note.iloc[rec] = combined
        records["note"] = note
    _apply_equity_share(project, records)
    return InventoryResult(project=project, records=records, gwp_set=gs, rounding=rounding, registry=reg)
