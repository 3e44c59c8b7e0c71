"""低碳化改善建議報告 and 智慧化改善建議報告, built from a :class:`carbon.diagnosis.Diagnosis`.

The low-carbon report follows the programme's diagnosis (company profile, boundary,
hotspots, company needs, recommended measures with their working, MACC, target path, carbon
fee before and after, financing: subsidy and loan with the budget check).  The smart report
gives the smart-manufacturing stage, its scores and gaps, and the recommended next stage.
Every figure comes from the diagnosis and the inventory result it was made from.

References
----------
.. [1] 經濟部 中小型製造業低碳及智慧化升級轉型 programme (diagnosis reports), as summarised in
   carbon.diagnosis (its modules carry the sources of each rule).
"""

from __future__ import annotations

import math

from carbon.reports.i18n import t
from carbon.reports.model import Document, Figure, KeyValues, Paragraph, Table

__all__ = ["diagnosis_document", "smart_document"]


def _num(v):
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else v


def _style(fig, x: str | None = None, y: str | None = None):
    """A diagnosis figure in the reports' look (font, translated axes, no title: the caption says it)."""
    from carbon.reporting.figures import FONT

    fig.update_layout(title=None, font={"family": FONT, "size": 13}, margin={"l": 70, "r": 30, "t": 20, "b": 60}, height=420)
    if x:
        fig.update_xaxes(title=x)
    if y:
        fig.update_yaxes(title=y)
    return fig


def _profile(doc: Document, result, dg, company: dict, lang: str) -> None:
    o = result.project.organisation
    inten = dg.intensity or {}
    prod, rev = inten.get("product") or {}, inten.get("revenue") or {}
    items = [
        (t("org.name", lang), company.get("name") or dg.organisation), (t("org.tax_id", lang), o.tax_id),
        (t("org.address", lang), company.get("address") or o.address), (t("org.period", lang), f"{o.period_start} – {o.period_end}" if o.period_start else None),
        (t("cover.total", lang), t("cover.total_value", lang, total=dg.total_tco2e)), (t("col.gwp_set", lang), dg.gwp_set),
        (t("dg.intensity_product", lang), f"{prod['tco2e_per_unit']:,.4f} t CO2e / {prod['unit']}" if prod else None),
        (t("dg.intensity_revenue", lang), f"{rev['tco2e_per_million_ntd']:,.3f} t CO2e / NT$ 1,000,000" if rev else None),
    ]
    s = doc.section(t("dg.ch.profile", lang), KeyValues(items))
    intro = company.get("introduction")
    s.add(*([Paragraph(p) for p in str(intro).split("\n\n")] if intro else [Paragraph(t("todo", lang, what=t("inv.s.intro", lang)), "note")]))


def _boundary(doc: Document, result, lang: str) -> None:
    o = result.project.organisation
    cats = result.by_category
    total = result.total_tco2e
    rows = [[t(f"cat.{c}", lang), v, v / total if total else None] for c, v in sorted(cats.items())]
    rows.append([t("total", lang), total, 1.0 if total else None])
    doc.section(t("dg.ch.boundary", lang), Paragraph(t("inv.p.approach", lang, approach=t(f"approach.{o.boundary_approach}", lang))),
                Table(t("inv.t.total", lang), [t("col.category", lang), t("col.tco2e", lang), t("col.share", lang)], rows, [None, 3, "pct"], total_row=True))


def _hotspots(doc: Document, dg, lang: str, charts: bool) -> None:
    s = doc.section(t("dg.ch.hotspots", lang), Paragraph(t("dg.p.hotspots", lang)))
    for by, table in dg.pareto.items():
        if table is None or not len(table):
            continue
        rows = [[r.label, r.co2e_t, r.share, r.cumulative_share, t("cbam.yes", lang) if r.vital_few else ""] for r in table.itertuples()]
        cols = [t(f"dg.by.{by}", lang), t("col.tco2e", lang), t("col.share", lang), t("col.cum_share", lang), t("dg.col.vital", lang)]
        s.add(Table(t("dg.t.pareto", lang, by=t(f"dg.by.{by}", lang)), cols, rows, [None, 3, "pct", "pct", None], sheet=t("dg.sheet.pareto", lang, by=t(f"dg.by.{by}", lang)) if by == "source" else None))
        if by == "source" and charts:
            from carbon.reporting.figures import fig_pareto

            fig = fig_pareto(list(zip(table["label"], table["co2e_t"], strict=True)), value_label=t("col.tco2e", lang), cumulative_label=t("col.cum_share", lang))
            s.add(Figure(t("inv.f.pareto", lang), fig))
    if dg.comparison is not None:
        c = dg.comparison.to_dict()
        e = c["effects"]
        rows = [[t("dg.base", lang), c["base_tco2e"]], [t("dg.effect.activity", lang), e["activity_t"]], [t("dg.effect.factor", lang), e["factor_edition_t"]],
                [t("dg.effect.method", lang), e["method_t"]], [t("dg.current", lang), c["current_tco2e"]]]
        s.sub(t("dg.s.compare", lang), Paragraph(dg.comparison.explain()),
              Table(t("dg.t.compare", lang), [t("col.item", lang), t("col.tco2e", lang)], rows, [None, 3]))


def _needs(doc: Document, dg, lang: str) -> None:
    s = doc.section(t("dg.ch.needs", lang))
    s.add(*[Paragraph(n, "bullet") for n in dg.needs] or [Paragraph(t("todo", lang, what=t("dg.ch.needs", lang)), "note")])


def _measures(doc: Document, dg, lang: str) -> None:
    s = doc.section(t("dg.ch.measures", lang))
    pf = dg.portfolio
    if pf is None:
        s.add(Paragraph(t("dg.p.no_measures", lang)))
        return
    s.add(Paragraph(t("dg.p.measures", lang, alone=sum(a.avoided_t for a in pf.alone), avoided=pf.avoided_t, after=pf.after_t)))
    rows = []
    for a, st in zip(pf.alone, pf.steps, strict=True):
        rows.append([st.id, st.title + (f" — {st.name}" if st.name else ""), a.avoided_t, st.avoided_t, _num(st.cost_saving_ntd), st.capex_ntd,
                     _num(st.simple_payback_years), _num(st.abatement_cost_ntd_per_t), st.year])
    cols = [t(f"dg.col.{c}", lang) for c in ("id", "measure", "alone", "portfolio", "saving", "capex", "payback", "cost_per_t", "year")]
    s.add(Table(t("dg.t.measures", lang), cols, rows, [None, None, 3, 3, 0, 0, 1, 0, None], sheet=t("dg.sheet.measures", lang)))
    for st in pf.steps:
        sub = s.sub(f"{st.id} {st.title}")
        sub.add(*[Paragraph(line.strip(), "note") for line in st.explain().splitlines()[1:] if line.strip()])
        if st.defaults_used:
            sub.add(Paragraph(t("dg.p.defaults", lang, items="; ".join(f"{k} = {v}" for k, v in st.defaults_used.items()))))
        if st.references:
            sub.add(Paragraph(t("dg.p.refs", lang, refs="; ".join(st.references))))


def _macc_target(doc: Document, dg, lang: str, charts: bool) -> None:
    s = doc.section(t("dg.ch.macc", lang))
    if dg.macc is not None and dg.macc.points:
        pts = dg.macc.points
        s.add(Paragraph(t("dg.p.macc", lang)))
        s.add(Table(t("dg.t.macc", lang), [t(f"dg.col.{c}", lang) for c in ("id", "measure", "portfolio", "cost_per_t", "annual_cost")],
                    [[p["id"], p["title"], p["avoided_t"], p["cost_ntd_per_t"], p["annual_cost_ntd"]] for p in pts], [None, None, 3, 0, 0]))
        if charts:
            from carbon.reporting.diagnosis import fig_macc

            s.add(Figure(t("dg.f.macc", lang), _style(fig_macc(pts), t("dg.axis.macc_x", lang), t("dg.axis.macc_y", lang))))
        for ex in dg.macc.excluded or []:
            s.add(Paragraph(str(ex), "note"))
    else:
        s.add(Paragraph(t("dg.p.no_macc", lang)))
    tp = dg.target
    ts = s.sub(t("dg.s.target", lang))
    if tp is None:
        ts.add(Paragraph(t("dg.p.no_target", lang)))
        return
    ts.add(*[Paragraph(line) for line in tp.explain().splitlines()])
    rows = [[y, a, _num(b)] for y, a, b in zip(tp.years, tp.target_line_t, tp.projected_t, strict=True)]
    ts.add(Table(t("dg.t.target", lang), [t("dg.col.year", lang), t("dg.col.target_line", lang), t("dg.col.projected", lang)], rows, [None, 3, 3]))
    if charts:
        from carbon.reporting.diagnosis import fig_target_path

        ts.add(Figure(t("dg.f.target", lang), _style(fig_target_path(tp), t("dg.col.year", lang), t("col.tco2e", lang))))


def _fee(doc: Document, dg, lang: str) -> None:
    b = dg.fee_basis
    s = doc.section(t("dg.ch.fee", lang), Paragraph(t("dg.p.fee_basis", lang, direct=b.direct_t, el=b.electricity_t, total=b.emissions_t)))
    sites = getattr(dg, "fee_sites", {}) or {}
    cols = [t(f"dg.col.{c}", lang) for c in ("case", "emissions", "chargeable", "rate", "fee")]
    if len(sites) > 1:  # 全廠場: the fee is per site, summed
        rows = []
        for site, (before, after) in sites.items():
            rows.append([f"{site} {t('dg.fee.before', lang)}", before.emissions_t, before.chargeable_t, before.rate_ntd_per_t, before.fee_ntd])
            if after is not None:
                rows.append([f"{site} {t('dg.fee.after', lang)}", after.emissions_t, after.chargeable_t, after.rate_ntd_per_t, after.fee_ntd])
        before_total, after_total = dg.fee_total()
        rows.append([f"{t('total', lang)} {t('dg.fee.before', lang)}", None, None, None, before_total])
        if after_total is not None:
            rows.append([f"{t('total', lang)} {t('dg.fee.after', lang)}", None, None, None, after_total])
        s.add(Paragraph(t("dg.p.fee_sites", lang, n=len(sites))))
    else:
        rows = [[t("dg.fee.before", lang), dg.fee_before.emissions_t, dg.fee_before.chargeable_t, dg.fee_before.rate_ntd_per_t, dg.fee_before.fee_ntd]]
        if dg.fee_after is not None:
            a = dg.fee_after
            rows.append([t("dg.fee.after", lang), a.emissions_t, a.chargeable_t, a.rate_ntd_per_t, a.fee_ntd])
    s.add(Table(t("dg.t.fee", lang), cols, rows, [None, 3, 3, 0, 0]))
    s.add(*[Paragraph(x, "note") for x in dg.fee_before.steps])
    s.add(Paragraph(t("dg.p.source", lang, source=dg.fee_before.source), "note"))


def _financing(doc: Document, dg, lang: str) -> None:
    f = dg.financing or {}
    s = doc.section(t("dg.ch.financing", lang))
    if not f:
        s.add(Paragraph(t("dg.p.no_financing", lang)))
    if f.get("diagnosis_fee"):
        d = f["diagnosis_fee"]
        s.add(Paragraph(t("dg.p.diag_fee", lang, total=d["total_ntd"], gov=d["government_ntd"], co=d["company_ntd"])))
    if f.get("eligibility"):
        e = f["eligibility"]
        s.sub(t("dg.s.eligibility", lang), Paragraph(t("dg.p.eligible" if e["eligible"] else "dg.p.not_eligible", lang)),
              Table(t("dg.t.eligibility", lang), [t("dg.col.question", lang), t("dg.col.answer", lang), t("dg.col.ok", lang)],
                    [[i["question"], i["answer"], i["ok"]] for i in e["items"]], [None, None, None]))
    if f.get("budget_check"):
        bc = f["budget_check"]
        bs = s.sub(t("dg.s.budget", lang), Paragraph(t("dg.p.budget", lang, req=bc["requested_subsidy_ntd"], max=bc["max_subsidy_ntd"], total=bc["total_budget_ntd"],
                                                     ok=t("cbam.yes" if bc["compliant"] else "cbam.no", lang))))
        bs.add(Table(t("dg.t.budget", lang), [t(f"dg.col.{c}", lang) for c in ("item", "total", "subsidy", "company")],
                     [[i["name"], i["total_ntd"], i["subsidy_ntd"], i["company_ntd"]] for i in bc["items"]], [None, 0, 0, 0]))
        bs.add(Table(t("dg.t.limits", lang), [t("dg.col.rule", lang), t("dg.col.limit", lang)], [[v["rule"], v["limit_ntd"]] for v in bc["limits"].values()], [None, 0]))
        bs.add(*[Paragraph(str(v), "bullet") for v in bc.get("violations") or []])
    if f.get("loan"):
        ln = f["loan"]
        ls = s.sub(t("dg.s.loan", lang), Paragraph(t("dg.p.loan", lang, amount=ln["amount_ntd"], term=ln["term_years"], rate=ln["bank_rate_pct"],
                                                  sub=ln["interest_subsidy_pct"], total=ln["total_subsidy_ntd"])))
        ls.add(Table(t("dg.t.loan", lang), [t(f"dg.col.{c}", lang) for c in ("year", "balance", "interest", "subsidy", "net")],
                     [[r["year"], r["opening_balance_ntd"], r["interest_ntd"], r["subsidy_ntd"], r["net_interest_ntd"]] for r in ln["schedule"]], [None, 0, 0, 0, 0]))


def _assumptions(doc: Document, dg, lang: str) -> None:
    s = doc.section(t("dg.ch.assumptions", lang))
    s.add(Paragraph(t("inv.p.factors", lang, editions="; ".join(f"{k} {v}" for k, v in dg.factor_editions.items()), gwp=dg.gwp_set)))
    s.add(*[Paragraph(a, "bullet") for a in dg.assumptions])


def _cover(doc: Document, dg, company: dict, lang: str) -> None:
    doc.cover = [(t("org.name", lang), company.get("name") or dg.organisation), (t("dg.year", lang), dg.reporting_year),
                 (t("cover.total", lang), t("cover.total_value", lang, total=dg.total_tco2e)), (t("col.gwp_set", lang), dg.gwp_set),
                 (t("org.prepared_by", lang), company.get("prepared_by")), (t("org.report_date", lang), company.get("report_date")),
                 (t("cover.generated", lang), t("cover.generated_by", lang))]


def diagnosis_document(result, dg, *, lang: str = "zh-TW", company: dict | None = None, charts: bool = True) -> Document:
    """Build the 低碳化改善建議報告 of a diagnosis.

    Parameters
    ----------
    result : carbon.inventory.InventoryResult
        The inventory the diagnosis was made from.
    dg : carbon.diagnosis.Diagnosis
        ``carbon.diagnosis.diagnose(result, …)``.
    lang : {"zh-TW", "en"}
    company : dict, optional
        ``--company`` file.
    charts : bool
        Pareto, MACC and target path charts (need Chromium).
    """
    company = company or {}
    doc = Document("diagnosis", lang, t("dg.title", lang), subtitle=f"{company.get('name') or dg.organisation} — {t('year_label', lang, year=dg.reporting_year)}")
    _cover(doc, dg, company, lang)
    _profile(doc, result, dg, company, lang)
    _boundary(doc, result, lang)
    _hotspots(doc, dg, lang, charts)
    _needs(doc, dg, lang)
    _measures(doc, dg, lang)
    _macc_target(doc, dg, lang, charts)
    _fee(doc, dg, lang)
    _financing(doc, dg, lang)
    _assumptions(doc, dg, lang)
    if dg.portfolio is not None:
        import pandas as pd

        doc.working[t("dg.sheet.working", lang)] = pd.DataFrame([{k: (v if not isinstance(v, (list, tuple, dict)) else str(v)) for k, v in st.to_dict().items()} for st in dg.portfolio.steps])
    return doc


def smart_document(result, dg, *, lang: str = "zh-TW", company: dict | None = None) -> Document:
    """Build the 智慧化改善建議報告 from the smart-manufacturing part of a diagnosis.

    Raises
    ------
    CarbonError
        The diagnosis has no smart-manufacturing assessment (no ``smart:`` in the diagnosis file).
    """
    from carbon.errors import CarbonError

    sm = dg.smart
    if not sm:
        msg = "the diagnosis has no smart-manufacturing assessment: add a 'smart:' section (yes/no answers) to the diagnosis file."
        raise CarbonError(msg)
    company = company or {}
    doc = Document("smart", lang, t("sm.title", lang), subtitle=f"{company.get('name') or dg.organisation} — {t('year_label', lang, year=dg.reporting_year)}",
                   chapter_breaks=False)
    _cover(doc, dg, company, lang)
    _profile(doc, result, dg, company, lang)
    s = doc.section(t("sm.ch.stage", lang), Paragraph(t("sm.p.stage", lang, stage=sm["stage"], name=sm["stage_name"], th=sm["threshold"] * 100)))
    s.add(Table(t("sm.t.scores", lang), [t("sm.col.stage", lang), t("sm.col.score", lang), t("sm.col.reached", lang)],
                [[k, v, t("cbam.yes" if v >= sm["threshold"] else "cbam.no", lang)] for k, v in sm["scores"].items()], [None, "pct", None], sheet=t("sm.sheet", lang)))
    g = doc.section(t("sm.ch.gaps", lang))
    g.add(*[Paragraph(x, "bullet") for x in sm.get("gaps") or []] or [Paragraph(t("sm.p.no_gaps", lang))])
    r = doc.section(t("sm.ch.next", lang))
    if sm.get("next_stage"):
        r.add(Paragraph(t("sm.p.next", lang, stage=sm["next_stage"], name=sm["next_stage_name"], meaning=sm.get("next_stage_meaning", ""))))
        r.add(*[Paragraph(c, "bullet") for c in sm.get("recommended_courses") or []])
    else:
        r.add(Paragraph(t("sm.p.top", lang)))
    _needs(doc, dg, lang)
    doc.section(t("inv.ch.references", lang), Paragraph(str(sm.get("source", ""))))
    return doc
