"""Organisational GHG inventory (ISO 14064-1:2018, GHG Protocol, MOENV 清冊): the calculation.

:func:`calculate` validates the sources, runs each source's calculator
(:mod:`carbon.inventory.calculators`), turns the result into activity × factor rows and
hands them to :func:`carbon.accounting.compute_records`; the records go into an
:class:`~carbon.inventory.model.InventoryResult`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from carbon.accounting import compute_records
from carbon.errors import InputError, Problem
from carbon.factors import FactorRegistry
from carbon.inventory import calculators as calc
from carbon.inventory.model import InventoryProject, InventoryResult
from carbon.schema import ISO_SUBCATEGORIES, METHODS, SOURCE_COLUMNS, map_distinct

__all__ = ["calculate"]

#: Factor kinds of direct emissions (categories 1.x).
_DIRECT_KINDS = ["stationary_combustion", "mobile_combustion", "process", "fugitive", "refrigerant", "septic"]
#: Columns of the sources that go on to the accounting primitive as they are.
_KEEP = ["source_id", "facility", "iso_category", "iso_subcategory", "scope", "emission_type", "heat_value", "heat_value_unit",
         "allocation", "biogenic", "ch4_kind", "ad_low_pct", "ad_high_pct", "ef_low_pct", "ef_high_pct"]  # fmt: skip
_NUMERIC = ("allocation", "carbon_content", "charge_kg", "leak_rate", "recovery_rate", "recovery_use_rate", "hours_per_day", "certificate_kwh", "heat_value")


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
    """An ISO sub-category as text ('1.1', '6'); numbers typed as 1.1 or 6.0 included."""
    if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA:
        return None
    s = str(v).strip()
    if isinstance(v, float):
        s = f"{v:.1f}" if v != 6 else "6"
    if s in ("6.0", "6.1"):
        s = "6"
    return s


def _problem_reporter(project: InventoryProject, src: pd.DataFrame, problems: list[Problem]):
    """A ``problem(row, column, message, hint)`` that names file, sheet, row and column."""
    origin = project.origin.get("rows", {})
    headers = project.origin.get("headers", {})

    def problem(i: int, column: str, message: str, hint: str | None = None) -> None:
        sid = str(src.at[i, "source_id"]) if "source_id" in src else str(i)
        f, sh, row = origin.get(sid, (project.origin.get("file"), None, None))
        msg = message if row is not None else f"source '{sid}': {message}"
        problems.append(Problem(msg, file=f, sheet=sh, row=row, column=headers.get(column, column), hint=hint))

    return problem


def _with_all_columns(src: pd.DataFrame) -> pd.DataFrame:
    """The sources with every optional column present (absent ones all missing, no copies)."""
    n = len(src)
    no_number = np.full(n, np.nan)
    no_text = pd.Categorical.from_codes(np.full(n, -1, dtype=np.int8), categories=pd.Index([], dtype=object))
    absent = {c.name: (no_number if c.dtype in ("float", "int") else no_text) for c in SOURCE_COLUMNS if c.name not in src.columns}
    if absent:  # one concatenation (inserting columns one by one costs far more)
        src = pd.concat([src, pd.DataFrame(absent, index=src.index, copy=False)], axis=1)
    return src


def _source_ids(src: pd.DataFrame, problem) -> None:
    """Check the ids (present, unique) and make ``source_id`` a Categorical; blanks become 'row<n>'."""
    n = len(src)
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


def _categories(src: pd.DataFrame, problem) -> pd.Series:
    """Check the ISO sub-categories; set category, scope and emission type (one decision per distinct value)."""
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
    return cat


def _methods(src: pd.DataFrame, cat: pd.Series, problem) -> pd.Series:
    """The calculation method of each source (empty: electricity in 2.1, else 'factor')."""
    method = pd.Series(_cat_map(src["method"], lambda v: None if v is None or (isinstance(v, float) and np.isnan(v)) else str(v).strip().lower()))
    method = method.cat.add_categories([m for m in ("electricity", "factor") if m not in method.cat.categories])
    method = method.mask(method.isna() & (cat == "2.1"), "electricity").fillna("factor")
    for i in np.flatnonzero(~method.isin(list(METHODS)).to_numpy(dtype=bool)):
        problem(int(i), "method", f"unknown method '{method[i]}'.", f"Use one of: {', '.join(METHODS)}.")
    src["method"] = method
    return method


def _work(src: pd.DataFrame, cat: pd.Series, method: pd.Series, problem) -> calc.Work:
    """The working columns the calculators update."""
    for c in _NUMERIC:
        if src[c].dtype.kind != "f":
            src[c] = pd.to_numeric(src[c], errors="coerce")
    n = len(src)
    return calc.Work(
        src=src,
        method=method,
        cat=cat,
        amount=pd.Series(pd.to_numeric(src["activity_amount"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)),
        unit=pd.Series(map_distinct(src["activity_unit"], _text_or_none), dtype=object),
        fid=pd.Series(map_distinct(src["factor_id"], _text_or_none), dtype=object),
        gas=pd.Series(map_distinct(src["gas"], _text_or_none), dtype=object),
        notes=pd.Series("", index=src.index, dtype=object),
        allow_negative=pd.Series(False, index=src.index),
        certificate=pd.Series(np.zeros(n)),
        problem=problem,
    )


def _run_calculators(w: calc.Work, registry: FactorRegistry, project: InventoryProject) -> None:
    """Every method's calculator, then proration of bills (all methods)."""
    org = project.organisation
    calc.electricity(w, registry, org.reporting_year)
    calc.fuel(w)
    calc.steam(w)
    calc.extinguisher(w)
    calc.refrigerant(w, registry)
    calc.measured(w)
    calc.mass_balance(w)
    calc.septic(w, registry)
    calc.proration(w, org.period_start, org.period_end)


def _check_market_factors(w: calc.Work, registry: FactorRegistry) -> None:
    """Supplier (market-based) factors must exist and be electricity factors on electricity sources."""
    mf = w.src["market_factor_id"]
    if not mf.notna().any():
        return
    for i in np.flatnonzero(mf.notna().to_numpy(dtype=bool)):
        f = str(mf.iat[i]).strip()
        if f not in registry:
            w.problem(int(i), "market_factor_id", registry.not_found_message(f))
        elif registry.kind(f) != "electricity" or w.method[i] != "electricity":
            w.problem(int(i), "market_factor_id", f"'{f}' is not an electricity factor on an electricity source.", "Use it on category 2.1 sources, with a factor per kWh.")


def _check_factor_fits_category(w: calc.Work, fid: pd.Series, registry: FactorRegistry) -> None:
    """Category plausibility: a factor whose kind does not fit the category (one look-up per factor id)."""
    cat = w.cat
    kinds = {f: registry.kind(f) for f in fid.cat.categories if f in registry}
    kind_of = pd.Series(_cat_map(fid, lambda f: kinds.get(f)))
    c0 = pd.Series(_cat_map(cat, lambda c: None if c is None else c[0]))
    rules = (
        ((kind_of == "electricity") & cat.notna() & (cat != "2.1"), "an electricity factor", "Electricity belongs in 2.1."),
        (kind_of.isin(_DIRECT_KINDS) & (c0 == "2"), "a direct-emission factor", "Use category 1.x."),
        (
            (kind_of == "product") & c0.isin(["1", "2"]),
            "a life-cycle (product footprint) factor",
            "Use the inventory (combustion/grid) factors for categories 1–2.",
        ),
    )
    for mask, what, hint in rules:
        for i in np.flatnonzero(mask.fillna(False).to_numpy(dtype=bool)):
            w.problem(int(i), "factor_id", f"'{fid[i]}' is {what} ({kind_of[i]}) but the source is in category {cat[i]}.", hint)


def _activity_table(w: calc.Work, fid: pd.Series, unit: pd.Series, gas: pd.Series, project: InventoryProject) -> pd.DataFrame:
    """The activity table the accounting primitive reads: only what it needs, no copies of the rest."""
    src, amount, org, n = w.src, w.amount, project.organisation, len(w.src)
    neg = (amount < 0) & ~w.allow_negative
    for i in np.flatnonzero(neg.to_numpy()):
        w.problem(int(i), "activity_amount", f"negative activity {amount[i]:g}.", "Activity data are ≥ 0; enter removals or outputs as their own source.")
    cols = {c: src[c] for c in _KEEP if c in src}
    cols.update(
        {
            "activity_amount": amount.abs().where(~w.allow_negative, amount),
            "activity_unit": unit,
            "factor_id": fid,
            "gas": gas,
            "source_name": src["name"],
            "_note": w.notes,
            "_sign": np.where(w.allow_negative & (amount < 0), -1.0, 1.0),
            "certificate_amount": w.certificate.to_numpy(),
            "market_factor_id": pd.Series(_cat_map(src["market_factor_id"], _text_or_none)),
            "period": pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), [str(org.reporting_year)]) if org.reporting_year else np.full(n, None),
            "entity": pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), [org.name]),
        }
    )
    for c in ("ad_dist", "ef_dist", "activity_group"):
        if c in src:
            cols[c] = src[c]
    return pd.DataFrame(cols)


def prepare(project: InventoryProject, registry: FactorRegistry) -> tuple[pd.DataFrame, list[Problem]]:
    """Validate the sources and turn every calculator into activity × factor rows.

    Parameters
    ----------
    project : InventoryProject
    registry : FactorRegistry
        With the project's custom factors.

    Returns
    -------
    activities : pandas.DataFrame
        One row per source in the columns :func:`carbon.accounting.compute_records`
        reads, plus ``_note``, ``_sign`` (−1 for mass-balance outputs),
        ``certificate_amount`` [activity unit] and ``market_factor_id``.
    problems : list of Problem
        Every problem found (empty when the sources are valid).
    """
    problems: list[Problem] = []
    src = project.sources.reset_index(drop=True).copy(deep=False)  # the user's table is never modified
    src = _with_all_columns(src)
    problem = _problem_reporter(project, src, problems)
    if len(src) == 0:
        problems.append(Problem("the project has no emission sources.", file=project.origin.get("file"), hint="Add rows to the sources sheet."))
        return src, problems
    _source_ids(src, problem)
    cat = _categories(src, problem)
    method = _methods(src, cat, problem)
    w = _work(src, cat, method, problem)
    _run_calculators(w, registry, project)
    _check_market_factors(w, registry)
    # from here on the text columns are categoricals: one factorisation each, shared with accounting
    fid = pd.Series(_cat_map(w.fid, _text_or_none))
    unit = pd.Series(_cat_map(w.unit, _text_or_none))
    gas = pd.Series(_cat_map(w.gas, _text_or_none))
    _check_factor_fits_category(w, fid, registry)
    return _activity_table(w, fid, unit, gas, project), problems


def _apply_equity_share(project: InventoryProject, records: pd.DataFrame) -> None:
    """Equity-share approach: each facility's emissions × the organisation's share of it (ISO 14064-1 5.1)."""
    if project.organisation.boundary_approach != "equity_share":
        return
    fac = project.facilities
    where = {"file": project.origin.get("file"), "column": "equity_share"}
    if fac is None or len(fac) == 0 or "equity_share" not in fac:
        msg = "the equity-share approach needs each facility's equity_share (0–1) in the facilities sheet."
        raise InputError([Problem(msg, sheet="facilities", **where)])
    shares = dict(zip(fac["facility_id"].astype(str), pd.to_numeric(fac["equity_share"], errors="coerce"), strict=True))
    bad = [f for f, v in shares.items() if not (pd.notna(v) and 0 <= v <= 1)]
    if bad:
        msg = f"equity_share of facilities {bad} is missing or outside 0–1."
        raise InputError([Problem(msg, sheet="facilities", hint="Enter e.g. 0.6 for 60 %.", **where)])
    facility = records["facility"].astype(object)
    if len(shares) == 1:
        facility = facility.where(facility.notna(), next(iter(shares)))
    missing = sorted({str(x) for x in facility.unique() if str(x) not in shares})
    if missing:
        msg = f"sources in facilities {missing} have no equity share."
        hint = "Give each source a facility listed in the facilities sheet."
        raise InputError([Problem(msg, file=project.origin.get("file"), sheet="sources", column="facility", hint=hint)])
    k = facility.map(shares).to_numpy(dtype=float)
    records["mass_t"] = records["mass_t"].to_numpy() * k
    records["co2e_t"] = records["co2e_t"].to_numpy() * k
    note = records["note"].astype(object).fillna("").to_numpy()
    records["note"] = pd.Categorical([f"{n}; equity share {x:g}".lstrip("; ") for n, x in zip(note, k, strict=True)])


def _signs_and_notes(act: pd.DataFrame, records: pd.DataFrame) -> None:
    """Spread the calculators' signs (mass-balance outputs) and notes to the records, by source index.

    Source ids are unique (checked), so the categorical codes of ``source_id`` are row numbers.
    """
    src_index = records["source_id"].cat.codes.to_numpy()
    sign = act["_sign"].to_numpy(dtype=float)[src_index]
    if (sign != 1).any():
        records["mass_t"] = records["mass_t"].to_numpy() * sign
        records["co2e_t"] = records["co2e_t"].to_numpy() * sign
    has_src = (act["_note"] != "").to_numpy(dtype=bool)
    if not has_src.any():
        return
    rec = np.flatnonzero(has_src[src_index])
    extra = act["_note"].to_numpy(dtype=object)[src_index[rec]]
    kind_note = records["note"].to_numpy(dtype=object, na_value="")[rec] if len(rec) else np.empty(0, dtype=object)
    combined = [f"{a}{b}".strip().rstrip(";").strip() for a, b in zip(extra, kind_note, strict=True)]
    note = records["note"].cat.add_categories([c for c in dict.fromkeys(combined) if c not in records["note"].cat.categories])
    note.iloc[rec] = combined
    records["note"] = note


def calculate(
    project: InventoryProject,
    *,
    gwp_set: str | None = None,
    rounding: str = "exact",
    registry: FactorRegistry | None = None,
) -> InventoryResult:
    """Calculate an organisational inventory.

    Each source is turned into activity × factor rows by its method's calculator, then
    ``mass [t] = activity × allocation × [heat value] × factor`` per gas and
    ``CO2e [t CO2e] = mass × GWP`` (:func:`carbon.accounting.compute_records`).

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

    Returns
    -------
    InventoryResult

    Raises
    ------
    InputError
        Every problem of the input at once, each naming file, sheet, row and column.

    References
    ----------
    .. [1] ISO 14064-1:2018, clauses 5 (boundaries, categories 1–6) and 6 (quantification).
    .. [2] 環境部 溫室氣體排放量清冊表單(範例), 表五 notes 7–9 (rounding).
    .. [3] 2006 IPCC Guidelines, Vol. 2, Ch. 2, Eq. 2.1.
    """
    gs = gwp_set or project.gwp_set
    reg = project.registry(registry)
    act, problems = prepare(project, reg)
    if "_note" not in act:  # nothing to calculate (no sources)
        raise InputError(problems)
    records = None
    try:
        records = compute_records(
            act.drop(columns=["_note", "_sign", "certificate_amount", "market_factor_id"]).assign(activity_amount=act["activity_amount"].abs()),
            reg,
            gs,
            rounding=rounding,
            origin=project.origin.get("rows", {}),
            headers=project.origin.get("headers", {}),
            unrounded_mass=project.origin.get("moenv_unrounded_mass", ()),
        )
    except InputError as err:
        seen_rows = {(p.sheet, p.row) for p in problems if p.row is not None}
        fid_header = project.origin.get("headers", {}).get("factor_id", "factor_id")
        # the calculator step already explained why a source has no factor
        problems += [p for p in err.problems if not (p.row is not None and (p.sheet, p.row) in seen_rows and p.column == fid_header)]
    if problems:
        raise InputError(problems)
    _signs_and_notes(act, records)
    _apply_equity_share(project, records)
    return InventoryResult(project=project, records=records, gwp_set=gs, rounding=rounding, registry=reg, activities=act)
