"""溫室氣體盤查報告書: the inventory report, built from an :class:`~carbon.inventory.InventoryResult`.

Chapters follow the MOENV reference template of the 盤查報告書 (公司基本資料, 盤查邊界設定,
報告溫室氣體排放量, 數據品質管理, 基準年, 參考文獻) and a checklist maps every item
ISO 14064-1:2018 §9.3 requires to where the report gives it.  Every number is read from
the result (its records table and totals); nothing is recomputed here.

References
----------
.. [1] 環境部 溫室氣體盤查報告書 (參考範本) and 溫室氣體排放量盤查作業指引 (113年).
.. [2] ISO 14064-1:2018, clause 9.3 (GHG report content) and 5.2.4 (categories).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, cast

import pandas as pd

from carbon.reports.i18n import t
from carbon.reports.model import Document, Figure, KeyValues, Paragraph, Section, Table
from carbon.schema import ISO_SUBCATEGORIES, RECORD_COLUMNS

__all__ = ["inventory_document"]


def _org(result, company: dict) -> dict:
    o = result.project.organisation
    d = {
        "name": o.name,
        "tax_id": o.tax_id,
        "registration_no": o.registration_no,
        "address": o.address,
        "industry": ", ".join(o.industry_codes) if o.industry_codes else None,
        "responsible_person": o.responsible_person,
        "contact": o.contact,
        "base_year": o.base_year,
        "standard": o.standard,
        "period": f"{o.period_start} – {o.period_end}" if o.period_start else None,
        "year": o.reporting_year,
    }
    d.update({k: v for k, v in company.items() if k != "references"})
    return d


def _todo(lang: str, what: str) -> Paragraph:
    return Paragraph(t("todo", lang, what=what), "note")


def _text_or_todo(value, lang: str, what: str) -> list[Paragraph]:
    if value:
        return [Paragraph(p.strip()) for p in str(value).split("\n\n") if p.strip()]
    return [_todo(lang, what)]


def _source_table(result) -> pd.DataFrame:
    """One row per source: id, name, sub-category, scope, t CO2e (counted), excluded, biogenic CO2."""
    r = result.records
    names = r.groupby("source_id", observed=True, sort=False)["source_name"].first()
    sub = r.groupby("source_id", observed=True, sort=False)["iso_subcategory"].first()
    by = result.by_source
    ex = set(result.excluded_sources)
    rows = []
    for sid in names.index:
        rows.append(
            {
                "source_id": str(sid),
                "name": None if pd.isna(names[sid]) else str(names[sid]),
                "sub": str(sub[sid]),
                "tco2e": by.get(str(sid), 0.0) if str(sid) not in ex else None,
                "excluded": str(sid) in ex,
            }
        )
    return pd.DataFrame(rows)


def _company(doc: Document, result, org: dict, lang: str) -> None:
    s = doc.section(t("inv.ch.company", lang))
    s.sub(t("inv.s.intro", lang), *_text_or_todo(org.get("introduction"), lang, t("inv.s.intro", lang)))
    items = [(t(f"org.{k}", lang), org.get(k)) for k in ("name", "tax_id", "registration_no", "address", "industry", "responsible_person", "contact")]
    s.sub(t("inv.s.basic", lang), KeyValues(items))
    notes = [n.split(": ", 1)[1] for n in result.project.notes if n.startswith("表一:")]
    resp = s.sub(t("inv.s.period", lang), KeyValues([
        (t("org.period", lang), org.get("period")),
        (t("org.standard", lang), org.get("standard") or "ISO 14064-1:2018"),
        (t("org.prepared_by", lang), org.get("prepared_by")),
        (t("org.verifier", lang), org.get("verifier") or ("; ".join(notes) if notes else None)),
    ]))
    resp.add(Paragraph(t("inv.p.period", lang, period=org.get("period") or org.get("year"))))
    s.sub(t("inv.s.policy", lang), *_text_or_todo(org.get("policy"), lang, t("inv.s.policy", lang)))


def _boundary(doc: Document, result, org: dict, src: pd.DataFrame, lang: str) -> None:
    o = result.project.organisation
    s = doc.section(t("inv.ch.boundary", lang))
    ob = s.sub(t("inv.s.org_boundary", lang), Paragraph(t("inv.p.approach", lang, approach=t(f"approach.{o.boundary_approach}", lang))))
    ob.add(*_text_or_todo(org.get("boundary_description"), lang, t("inv.s.org_boundary", lang)))
    fac = result.by_facility
    ob.add(Table(t("inv.t.facilities", lang), [t("col.facility", lang), t("col.tco2e", lang), t("col.share", lang)],
                 [[k, v, v / result.total_tco2e if result.total_tco2e else None] for k, v in fac.items()], [None, 4, "pct"]))
    rb = s.sub(t("inv.s.report_boundary", lang), Paragraph(t("inv.p.report_boundary", lang)))
    by_cat = result.by_category
    ex_cats = {str(e["category"]) for e in result.exclusions()}
    rows = []
    for c in "123456":
        if c in by_cat:
            status = t("status.included", lang)
        elif c in ex_cats:
            status = t("status.excluded", lang)
        else:
            status = t("status.not_identified", lang)
        rows.append([c, t(f"cat.{c}", lang), status, by_cat.get(c)])
    rb.add(Table(t("inv.t.categories", lang), [t("col.category", lang), t("col.name", lang), t("col.status", lang), t("col.tco2e", lang)], rows, [None, None, None, 4]))
    sig = result.significance
    if len(sig):
        rb.add(Table(t("inv.t.significance", lang), [t("col.source", lang), t("col.score", lang), t("col.significant", lang), t("col.reason", lang)],
                     [[r.source_id, r.score, bool(r.significant), r.reason] for r in sig.itertuples()], [None, 2, None, None]))
    else:
        rb.add(Paragraph(t("inv.p.no_significance", lang)))


def _sub_name(sub: str, lang: str) -> str:
    zh, en, _ = ISO_SUBCATEGORIES.get(sub, (sub, sub, None))
    return f"{sub} {zh if lang == 'zh-TW' else en}"


def _category_table(result, src: pd.DataFrame, cat: str, lang: str) -> Table:
    s = src[src["sub"].str.split(".").str[0] == cat]
    total = sum(v for v in s["tco2e"] if v is not None and pd.notna(v))
    rows = [[r.source_id, r.name, _sub_name(r.sub, lang), r.tco2e, (r.tco2e / total if total and pd.notna(r.tco2e) else None)] for r in cast("Iterator[Any]", s.itertuples())]  # pandas-stubs type the fields as any scalar
    rows.append([t("total", lang), None, None, result.by_category.get(cat, 0.0), 1.0 if total else None])
    cols = [t("col.source", lang), t("col.name", lang), t("col.subcategory", lang), t("col.tco2e", lang), t("col.share_cat", lang)]
    return Table(t("inv.t.cat", lang, cat=cat), cols, rows, [None, None, None, 4, "pct"], total_row=True, sheet=t("sheet.cat", lang, cat=cat))


def _emissions(doc: Document, result, src: pd.DataFrame, lang: str, charts: bool) -> None:
    total = result.total_tco2e
    s = doc.section(t("inv.ch.emissions", lang))
    by_gas = result.by_gas
    gas_rows = [[t(f"gas.{g}", lang, default=g), v["mass_t"], v["tco2e"], v["tco2e"] / total if total else None] for g, v in by_gas.items()]
    gas_rows.append([t("total", lang), None, total, 1.0 if total else None])
    ty = s.sub(t("inv.s.by_type", lang))
    ty.add(Table(t("inv.t.by_gas", lang), [t("col.gas", lang), t("col.mass_t", lang), t("col.tco2e", lang), t("col.share", lang)],
                 gas_rows, [None, 4, 4, "pct"], total_row=True, sheet=t("sheet.by_gas", lang)))
    sub_rows = [[_sub_name(k, lang), v, v / total if total else None] for k, v in sorted(result.by_subcategory.items())]
    sub_rows.append([t("total", lang), total, 1.0 if total else None])
    ty.add(Table(t("inv.t.by_sub", lang), [t("col.subcategory", lang), t("col.tco2e", lang), t("col.share", lang)], sub_rows, [None, 4, "pct"], total_row=True))
    if "CO2e" in by_gas:
        ty.add(Paragraph(t("inv.p.co2e_gas", lang), "note"))
    s.sub(t("inv.s.cat1", lang), _category_table(result, src, "1", lang))
    c2 = s.sub(t("inv.s.cat2", lang), _category_table(result, src, "2", lang))
    sc2 = result.scope2
    c2.add(Paragraph(t("inv.p.scope2", lang, loc=sc2["location_based"], mkt=sc2["market_based"])))
    other = {c: v for c, v in result.by_category.items() if c in "3456"}
    c36 = s.sub(t("inv.s.cat36", lang))
    if other:
        for c in sorted(other):
            c36.add(_category_table(result, src, c, lang))
    else:
        c36.add(Paragraph(t("inv.p.no_cat36", lang)))
    tot = s.sub(t("inv.s.total", lang))
    cats = result.by_category
    rows = [[t(f"cat.{c}", lang), cats.get(c), cats[c] / total if c in cats and total else None] for c in "123456" if c in cats]
    rows.append([t("inv.total_row", lang), total, 1.0 if total else None])
    rows.append([t("inv.biogenic_row", lang), result.biogenic_co2_t, None])
    tot.add(Table(t("inv.t.total", lang), [t("col.item", lang), t("col.tco2e", lang), t("col.share", lang)], rows, [None, 3, "pct"], total_row=False, sheet=t("sheet.total", lang)))
    tot.add(Paragraph(t("inv.p.total", lang, total=total, gwp=result.gwp_set, biogenic=result.biogenic_co2_t)))
    if charts and total:
        from carbon.reporting.figures import fig_breakdown, fig_pareto

        unit = t("col.tco2e", lang)
        tot.add(Figure(t("inv.f.category", lang), fig_breakdown({t(f"cat.{c}", lang): v for c, v in cats.items()}, value_label=unit)))
        counted = src[src["tco2e"].notna() & (src["tco2e"] > 0)]
        tot.add(Figure(t("inv.f.pareto", lang), fig_pareto(list(zip(counted["source_id"], counted["tco2e"], strict=True)),
                                                            value_label=unit, cumulative_label=t("col.cum_share", lang))))


def _factors(result) -> dict:
    """Factor id → library factor, looked up once per distinct id (a look-up costs ~20 ms)."""
    reg = result.registry
    return {fid: reg.get(fid) for fid in result.records["factor_id"].astype(str).unique() if fid in reg}


def _factor_rows(result, lang: str, facs: dict) -> list[list]:
    r = result.records
    f = r[["factor_id", "gas", "factor_value", "factor_unit", "factor_dataset", "factor_edition"]].astype(object).drop_duplicates()
    rows = []
    for x in f.itertuples(index=False):
        fac = facs.get(str(x.factor_id))
        name = (fac.name_zh if lang == "zh-TW" else fac.name_en) if fac is not None else None
        src = (fac.source.get("title_zh" if lang == "zh-TW" else "title") or fac.source.get("title")) if fac is not None and fac.source else None
        rows.append([str(x.factor_id), name, str(x.gas), x.factor_value, str(x.factor_unit), f"{x.factor_dataset} ({x.factor_edition})", src])
    return rows


def _gwp_rows(result, lang: str) -> list[list]:
    from carbon.gwp import load_gwp

    vals = load_gwp().values
    vals = vals[vals["gwp_set"] == result.gwp_set].set_index("gas")
    g = result.records[["gas", "gwp", "ch4_kind"]].astype(object).drop_duplicates()
    rows = []
    for x in g.itertuples(index=False):
        key = "CH4_fossil" if str(x.gas) == "CH4" and x.ch4_kind == "fossil" else str(x.gas)
        ref = vals["source_ref"].get(key) if key in vals.index else None
        label = str(x.gas) + (f" ({x.ch4_kind})" if isinstance(x.ch4_kind, str) else "")
        rows.append([label, x.gwp, result.gwp_set, ref if isinstance(ref, str) else t("gwp.aggregate", lang)])
    return rows


def _methods(sec: Section, result, lang: str) -> None:
    s = result.project.sources
    rec = result.records.groupby("source_id", observed=True, sort=False).agg(
        amount=("activity_amount", "first"), unit=("activity_unit", "first"), factor=("factor_id", "first"))
    rows = []
    for x in s.itertuples(index=False):
        sid = str(x.source_id)
        a = rec.loc[sid] if sid in rec.index else None
        rows.append([sid, getattr(x, "name", None), t(f"method.{getattr(x, 'method', 'factor') or 'factor'}", lang, default=str(getattr(x, "method", ""))),
                     None if a is None else a["amount"], None if a is None else str(a["unit"]), getattr(x, "data_source", None)])
    cols = [t("col.source", lang), t("col.name", lang), t("col.method", lang), t("col.activity", lang), t("col.unit", lang), t("col.data_source", lang)]
    sec.add(Paragraph(t("inv.p.methods", lang)))
    sec.add(Table(t("inv.t.methods", lang), cols, rows, [None, None, None, None, None, None], sheet=t("sheet.methods", lang)))


def _data_quality(doc: Document, result, org: dict, src: pd.DataFrame, lang: str, mc, charts: bool, facs: dict) -> None:
    s = doc.section(t("inv.ch.quality", lang))
    _methods(s.sub(t("inv.s.methods", lang)), result, lang)
    s.sub(t("inv.s.method_changes", lang), *_text_or_todo(org.get("method_changes"), lang, t("inv.s.method_changes", lang)))
    fs = s.sub(t("inv.s.factors", lang))
    eds = "; ".join(f"{k} {v}" for k, v in result.factor_editions.items())
    fs.add(Paragraph(t("inv.p.factors", lang, editions=eds, gwp=result.gwp_set)))
    fs.add(Table(t("inv.t.factors", lang), [t(f"col.{c}", lang) for c in ("factor_id", "name", "gas", "factor_value", "factor_unit", "dataset_edition", "source_doc")],
                 _factor_rows(result, lang, facs), [None] * 7, sheet=t("sheet.factors", lang)))
    fs.add(Table(t("inv.t.gwp", lang), [t("col.gas", lang), "GWP", t("col.gwp_set", lang), t("col.source_doc", lang)], _gwp_rows(result, lang), [None, None, None, None], sheet="GWP"))
    fs.add(*_text_or_todo(org.get("factor_changes"), lang, t("inv.s.factor_changes", lang)))
    s.sub(t("inv.s.sigfig", lang), Paragraph(t(f"inv.p.sigfig.{result.rounding}", lang)))
    _information_flow(s.sub(t("inv.s.info_flow", lang)), result, org, src, lang)
    _exclusions(s.sub(t("inv.s.exclusions", lang)), result, src, lang)
    _grades(s.sub(t("inv.s.grades", lang)), result, lang)
    _uncertainty(s.sub(t("inv.s.uncertainty", lang)), result, lang, mc, charts)


def _information_flow(sec: Section, result, org: dict, src: pd.DataFrame, lang: str) -> None:
    counted = src[src["tco2e"].notna()].sort_values("tco2e", ascending=False)
    total = result.total_tco2e or 1.0
    ds = result.project.sources.set_index(result.project.sources["source_id"].astype(str))
    rows, cum = [], 0.0
    x: Any  # a source row (itertuples fields)
    for x in counted.itertuples():
        if cum >= 0.8 * total or not x.tco2e:
            break
        cum += x.tco2e
        d = ds["data_source"].get(x.source_id) if "data_source" in ds else None
        rows.append([x.source_id, x.name, x.tco2e, cum / total, None if d is None or pd.isna(d) else str(d)])
    sec.add(Paragraph(t("inv.p.significant", lang)))
    sec.add(Table(t("inv.t.significant", lang), [t("col.source", lang), t("col.name", lang), t("col.tco2e", lang), t("col.cum_share", lang), t("col.data_source", lang)],
                  rows, [None, None, 4, "pct", None]))
    sec.add(*_text_or_todo(org.get("information_flow"), lang, t("inv.s.info_flow", lang)))


def _exclusions(sec: Section, result, src: pd.DataFrame, lang: str) -> None:
    ex = result.exclusions()
    if ex:
        sec.add(Table(t("inv.t.exclusions", lang), [t("col.source", lang), t("col.category", lang), t("col.reason", lang)],
                      [[e["id"], e["category"], e["reason"] or t("no_reason", lang)] for e in ex], [None, None, None], sheet=t("sheet.exclusions", lang)))
    else:
        sec.add(Paragraph(t("inv.p.no_exclusions", lang)))
    zero = src[(src["tco2e"] == 0) & ~src["excluded"]]
    if len(zero):
        sec.add(Paragraph(t("inv.p.zero_sources", lang, ids=", ".join(zero["source_id"]))))
    grades = result.project.sources
    est = grades.loc[pd.to_numeric(grades.get("grade_a"), errors="coerce") == 3, "source_id"].astype(str).tolist() if "grade_a" in grades else []
    sec.add(Paragraph(t("inv.p.estimates", lang, ids=", ".join(est)) if est else t("inv.p.no_estimates", lang)))
    notes = [n for n in result.project.notes if not n.startswith("表一:")]
    if notes:
        sec.add(Paragraph(t("inv.p.input_notes", lang)))
        sec.add(*[Paragraph(n, "bullet") for n in notes])


def _grades(sec: Section, result, lang: str) -> None:
    dq = result.data_quality
    tb = dq.table
    rows = [[r.source_id, r.co2e_t, r.grade_a, r.grade_b, r.grade_c, r.x, None if pd.isna(r.level) else int(r.level), r.share, r.weighted] for r in tb.itertuples()]
    cols = [t("col.source", lang), t("col.tco2e", lang), "A", "B", "C", "X = A×B×C", t("col.level", lang), t("col.share", lang), t("col.weighted", lang)]
    sec.add(Paragraph(t("inv.p.grades", lang)))
    sec.add(Table(t("inv.t.grades", lang), cols, rows, [None, 4, 0, 0, 0, 0, 0, "pct", 4], sheet=t("sheet.grades", lang)))
    if dq.score is not None:
        sec.add(Paragraph(t("inv.p.grade_score", lang, score=dq.score, level=dq.level, ungraded=dq.ungraded_share * 100)))


def _uncertainty(sec: Section, result, lang: str, mc, charts: bool) -> None:
    u = result.uncertainty
    sec.add(Paragraph(t("inv.p.analytic", lang, lo=u.lower_pct, hi=u.upper_pct, cov=u.covered_share * 100,
                        lo_t=u.lower_pct_of_total, hi_t=u.upper_pct_of_total)))
    sec.add(*[Paragraph(n, "note") for n in u.notes])
    if mc is None:
        return
    sec.add(Paragraph(t("inv.p.mc", lang, n=mc.iterations, seed=getattr(mc, "seed", ""), mean=mc.mean_tco2e,
                        p025=mc.p2_5_tco2e, p975=mc.p97_5_tco2e, lo=mc.lower_pct, hi=mc.upper_pct)))
    if charts:
        from carbon.reporting.figures import fig_uncertainty

        names = {"Monte Carlo total": t("mc.total", lang), "mean": t("mc.mean", lang), "deterministic": t("mc.det", lang)}
        fig = fig_uncertainty(mc, title=None, x_label=t("mc.x", lang), y_label=t("mc.y", lang), names=names)
        sec.add(Figure(t("inv.f.uncertainty", lang), fig))


def _base_year(doc: Document, result, org: dict, lang: str) -> None:
    by = org.get("base_year")
    s = doc.section(t("inv.ch.base_year", lang))
    if by:
        s.add(Paragraph(t("inv.p.base_year", lang, year=by)))
    else:
        s.add(Paragraph(t("inv.p.no_base_year", lang, year=org.get("year"))))
    s.add(*_text_or_todo(org.get("base_year_reason"), lang, t("org.base_year_reason", lang)))
    s.add(Paragraph(str(org["recalculation_policy"])) if org.get("recalculation_policy") else Paragraph(t("inv.p.recalc", lang)))


#: Items ISO 14064-1:2018 clause 9.3 asks a GHG report to give → the section of this report giving each.
ISO_93 = (
    ("org", "inv.ch.company"), ("responsible", "inv.s.period"), ("period", "inv.s.period"),
    ("org_boundary", "inv.s.org_boundary"), ("report_boundary", "inv.s.report_boundary"),
    ("direct_by_gas", "inv.s.by_type"), ("biogenic", "inv.s.total"), ("exclusions", "inv.s.exclusions"),
    ("indirect", "inv.s.cat36"), ("significance", "inv.s.report_boundary"), ("base_year", "inv.ch.base_year"),
    ("methods", "inv.s.methods"), ("method_changes", "inv.s.method_changes"), ("factors", "inv.s.factors"),
    ("uncertainty", "inv.s.uncertainty"), ("gwp", "inv.s.factors"), ("verification", "inv.s.period"),
)


def _checklist(doc: Document, lang: str) -> None:
    where: dict[str, str] = {}  # section title -> its number
    for num, _, sec in doc.walk():
        where.setdefault(sec.title, num)
    rows = [[t(f"iso93.{k}", lang), f"{where.get(t(key, lang), '')} {t(key, lang)}"] for k, key in ISO_93]
    s = doc.section(t("inv.ch.iso", lang), Paragraph(t("inv.p.iso", lang)))
    s.add(Table(t("inv.t.iso", lang), [t("col.requirement", lang), t("col.where", lang)], rows, [None, None]))


def _references(doc: Document, result, org: dict, lang: str, facs: dict) -> None:
    from carbon.gwp import load_gwp

    refs = [t(f"ref.{k}", lang) for k in ("iso", "act", "rules", "guide", "template")]
    seen = set()
    for f in facs.values():
        if not f.source:
            continue
        title = f.source.get("title_zh" if lang == "zh-TW" else "title") or f.source.get("title")
        if title and title not in seen:
            seen.add(title)
            refs.append(f"{title} — {f.source.get('publisher', '')} ({f.dataset} {f.edition})")
    meta = load_gwp().meta["dataset"]
    refs.append(f"{meta.get('title_zh' if lang == 'zh-TW' else 'title')} — {meta.get('edition')}")
    refs += [str(r) for r in org.get("references") or []]
    s = doc.section(t("inv.ch.references", lang))
    s.add(*[Paragraph(f"[{i}] {r}") for i, r in enumerate(refs, start=1)])


def _working(doc: Document, result, lang: str) -> None:
    rec = result.records
    names = {c.name: (c.zh if lang == "zh-TW" else c.name) for c in RECORD_COLUMNS}
    cols = [c for c in rec.columns]
    w = rec[cols].astype(object).where(rec[cols].notna(), None)
    doc.working[t("sheet.records", lang)] = w.rename(columns=lambda c: names.get(c, c))
    src = result.project.sources
    doc.working[t("sheet.sources", lang)] = src.astype(object).where(src.notna(), None)


def inventory_document(result, *, lang: str = "zh-TW", company: dict | None = None, monte_carlo=None, charts: bool = True) -> Document:
    """Build the 溫室氣體盤查報告書 of an inventory result.

    Parameters
    ----------
    result : carbon.inventory.InventoryResult
        The calculated inventory; its records table and totals are what the report prints.
    lang : {"zh-TW", "en"}
    company : dict, optional
        What the ``--company`` file gives (see :mod:`carbon.reports.company`).
    monte_carlo : carbon.uncertainty.MonteCarloResult, optional
        Monte Carlo result over ``result.counted``; adds its interval and histogram.
    charts : bool
        Add the charts (they need Chromium through kaleido).

    Returns
    -------
    Document

    References
    ----------
    .. [1] 環境部 溫室氣體盤查報告書 參考範本 (chapters 1–6).
    .. [2] ISO 14064-1:2018 clause 9.3.
    """
    company = company or {}
    org = _org(result, company)
    doc = Document("inventory", lang, t("inv.title", lang), subtitle=f"{org.get('name') or ''} — {t('year_label', lang, year=org.get('year'))}")
    doc.cover = [
        (t("org.name", lang), org.get("name")),
        (t("org.period", lang), org.get("period")),
        (t("cover.total", lang), t("cover.total_value", lang, total=result.total_tco2e)),
        (t("col.gwp_set", lang), result.gwp_set),
        (t("cover.rounding", lang), t(f"rounding.{result.rounding}", lang)),
        (t("org.prepared_by", lang), org.get("prepared_by")),
        (t("org.report_date", lang), org.get("report_date")),
        (t("cover.generated", lang), t("cover.generated_by", lang)),
    ]
    src = _source_table(result)
    _company(doc, result, org, lang)
    _boundary(doc, result, org, src, lang)
    _emissions(doc, result, src, lang, charts)
    facs = _factors(result)
    _data_quality(doc, result, org, src, lang, monte_carlo, charts, facs)
    _base_year(doc, result, org, lang)
    _checklist(doc, lang)
    _references(doc, result, org, lang, facs)
    _working(doc, result, lang)
    return doc
