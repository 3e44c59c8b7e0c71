"""產品碳足跡研究報告: the product footprint study report, built from a product result.

Covers the items ISO 14067:2018 asks a CFP study report to give: functional or declared
unit, system boundary and life-cycle stages, cut-off criteria and their effect, allocation,
data quality and the share of primary data, the GWP set, results by stage, process and gas,
fossil, biogenic and dLUC emissions apart, and limitations.  Figures come from the result's
JSON (``ProductResult.to_dict()``), never recomputed.

References
----------
.. [1] ISO 14067:2018, clause 7.3 (CFP study report) and clause 6.3 (system boundary, cut-off, allocation).
"""

from __future__ import annotations

import pandas as pd

from carbon.reports.i18n import t
from carbon.reports.model import Document, Figure, KeyValues, Paragraph, Table

__all__ = ["product_document"]


def _stage(name: str, lang: str) -> str:
    """A life-cycle stage (stored in Chinese) in the report's language."""
    return t(f"pr.stage.{name}", lang, default=name)


def _goal(doc: Document, d: dict, company: dict, lang: str) -> None:
    du = d["declared_unit"]
    items = [(t("pr.product", lang), d["name"]), (t("pr.declared_unit", lang), du["text"]), (t("pr.functional_unit", lang), du.get("functional_unit")),
             (t("pr.boundary", lang), t(f"pr.boundary.{d['boundary']}", lang, default=d["boundary"])), (t("col.gwp_set", lang), d["gwp_set"]),
             (t("org.name", lang), company.get("name")), (t("org.prepared_by", lang), company.get("prepared_by"))]
    s = doc.section(t("pr.ch.goal", lang), KeyValues(items))
    intro = company.get("introduction")
    s.add(Paragraph(str(intro)) if intro else Paragraph(t("todo", lang, what=t("pr.goal_what", lang)), "note"))


def _boundary(doc: Document, d: dict, lang: str, charts: bool) -> None:
    total = d["total_kgco2e"]
    stages = [_stage(k, lang) for k in d["by_stage"]]
    s = doc.section(t("pr.ch.boundary", lang), Paragraph(t("pr.p.boundary", lang, boundary=t(f"pr.boundary.{d['boundary']}", lang, default=d["boundary"]),
                                                             stages=("、" if lang == "zh-TW" else ", ").join(stages))))
    rows = [[_stage(k, lang), v, v / total if total else None] for k, v in d["by_stage"].items()]
    rows.append([t("total", lang), total, 1.0 if total else None])
    s.add(Table(t("pr.t.stage", lang), [t("pr.col.stage", lang), t("pr.col.kg", lang), t("col.share", lang)], rows, [None, 6, "pct"], total_row=True, sheet=t("pr.sheet.stage", lang)))
    if charts and total:
        from carbon.reporting.figures import fig_waterfall

        s.add(Figure(t("pr.f.stage", lang), fig_waterfall({_stage(k, lang): v for k, v in d["by_stage"].items()}, total_label=t("total", lang), value_label=t("pr.col.kg", lang))))


def _cutoff(doc: Document, d: dict, lang: str) -> None:
    c = d["cutoff"]
    s = doc.section(t("pr.ch.cutoff", lang), Paragraph(t("pr.p.cutoff", lang, th=c["threshold"] * 100, cov=c["covered_share"] * 100)))
    ex = c.get("excluded") or []
    if ex:
        s.add(Table(t("pr.t.excluded", lang), [t("pr.col.process", lang), t("pr.col.flow", lang), t("col.reason", lang)],
                    [[e.get("process"), e.get("flow"), e.get("rule")] for e in ex], [None, None, None]))
    low = c.get("below_threshold") or []
    if low:
        s.add(Paragraph(t("pr.p.below", lang, th=c["threshold"] * 100)))
        s.add(Table(t("pr.t.below", lang), [t("pr.col.process", lang), t("pr.col.flow", lang), t("pr.col.kg", lang), t("col.share", lang)],
                    [[e.get("process"), e.get("input"), e.get("kgco2e"), e.get("share")] for e in low], [None, None, 6, "pct"]))


def _allocation(doc: Document, d: dict, lang: str) -> None:
    s = doc.section(t("pr.ch.allocation", lang))
    rows = [[p, a.get("method"), k, v] for p, a in (d.get("allocation") or {}).items() for k, v in (a.get("shares") or {}).items()]
    if rows:
        s.add(Table(t("pr.t.allocation", lang), [t("pr.col.process", lang), t("pr.col.method", lang), t("pr.col.coproduct", lang), t("col.share", lang)], rows, [None, None, None, "pct"]))
    else:
        s.add(Paragraph(t("pr.p.no_allocation", lang)))
    if d.get("recycling_rule"):
        s.add(Paragraph(t("pr.p.recycling", lang, rule=d["recycling_rule"])))
    f = d.get("factory")
    if f:
        s.add(Paragraph(t("pr.p.factory", lang, inv=f["inventory"], basis=f["basis"], total=f["factory_total_tco2e"], sources=", ".join(f.get("sources") or []))))
        s.add(Table(t("pr.t.factory", lang), [t("pr.col.coproduct", lang), t("col.tco2e", lang)], [[k, v] for k, v in f["allocated_tco2e"].items()]
                    + [[t("total", lang), f["allocated_sum_tco2e"]]], [None, 4], total_row=True))


def _quality(doc: Document, d: dict, lang: str) -> None:
    s = doc.section(t("pr.ch.quality", lang), Paragraph(t("pr.p.primary", lang, share=d["primary_data_share"] * 100)))
    rows = [[f["id"], f.get("name"), f"{f['dataset']} ({f['edition']})", f.get("source"), f.get("source_ref")] for f in d.get("factors") or []]
    s.add(Table(t("inv.t.factors", lang), [t("col.factor_id", lang), t("col.name", lang), t("col.dataset_edition", lang), t("col.source_doc", lang), t("pr.col.ref", lang)],
                rows, [None] * 5, sheet=t("sheet.factors", lang)))
    s.add(Paragraph(t("pr.p.gwp", lang, gwp=d["gwp_set"])))


def _results(doc: Document, d: dict, lang: str) -> None:
    total = d["total_kgco2e"]
    s = doc.section(t("pr.ch.results", lang), Paragraph(t("pr.p.total", lang, total=total, unit=d["declared_unit"]["text"], gwp=d["gwp_set"])))
    rows = [[t("pr.fossil", lang), d["fossil_kgco2e"]], [t("pr.biogenic", lang), d["biogenic_kgco2e"]], [t("pr.dluc", lang), d["dluc_kgco2e"]],
            [t("pr.total_row", lang), total], [t("pr.total_ex_bio", lang), d["total_excluding_biogenic_kgco2e"]]]
    s.add(Table(t("pr.t.origin", lang), [t("col.item", lang), t("pr.col.kg", lang)], rows, [None, 6], sheet=t("pr.sheet.total", lang)))
    s.add(Table(t("pr.t.gas", lang), [t("col.gas", lang), t("pr.col.kg_gas", lang), t("pr.col.kg", lang)],
                [[g, v["kg"], v["kgco2e"]] for g, v in d["by_gas"].items()], [None, 6, 6]))
    s.add(Table(t("pr.t.process", lang), [t("pr.col.process", lang), t("pr.col.kg", lang), t("col.share", lang)],
                [[k, v, v / total if total else None] for k, v in d["by_process"].items()], [None, 6, "pct"]))
    s.add(Table(t("pr.t.hotspots", lang), [t("pr.col.process", lang), t("pr.col.flow", lang), t("pr.col.kg", lang), t("col.share", lang), t("col.cum_share", lang)],
                [[h["process"], h["input"], h["kgco2e"], h["share"], h["cumulative_share"]] for h in d.get("hotspots") or []], [None, None, 6, "pct", "pct"]))


def _limitations(doc: Document, d: dict, company: dict, lang: str) -> None:
    s = doc.section(t("pr.ch.limitations", lang))
    s.add(Paragraph(t(f"pr.p.limit.{d['boundary']}", lang, default=t("pr.p.limit.other", lang))))
    s.add(Paragraph(t("pr.p.limit.data", lang, share=d["primary_data_share"] * 100)))
    s.add(Paragraph(t("pr.p.limit.uncertainty", lang)))
    refs = list(d.get("references") or []) + [str(r) for r in company.get("references") or []]
    doc.section(t("inv.ch.references", lang), *[Paragraph(f"[{i}] {r}") for i, r in enumerate(refs, start=1)])


def product_document(result, *, lang: str = "zh-TW", company: dict | None = None, charts: bool = True) -> Document:
    """Build the 產品碳足跡研究報告 of one product result.

    Parameters
    ----------
    result : carbon.product.ProductResult
        One product of ``carbon.product.calculate(...)``.
    lang : {"zh-TW", "en"}
    company : dict, optional
        ``--company`` file (name, introduction = goal of the study, prepared_by, references).
    charts : bool
        The stage waterfall (needs Chromium).

    References
    ----------
    .. [1] ISO 14067:2018 clause 7.3.
    """
    company = company or {}
    d = result.to_dict()
    doc = Document("product", lang, t("pr.title", lang), subtitle=f"{d['name']} — {d['declared_unit']['text']}")
    doc.cover = [(t("pr.product", lang), d["name"]), (t("pr.declared_unit", lang), d["declared_unit"]["text"]),
                 (t("pr.cfp", lang), f"{d['total_kgco2e']:,.4f} kg CO2e"), (t("col.gwp_set", lang), d["gwp_set"]),
                 (t("org.prepared_by", lang), company.get("prepared_by")), (t("cover.generated", lang), t("cover.generated_by", lang))]
    _goal(doc, d, company, lang)
    _boundary(doc, d, lang, charts)
    _cutoff(doc, d, lang)
    _allocation(doc, d, lang)
    _quality(doc, d, lang)
    _results(doc, d, lang)
    _limitations(doc, d, company, lang)
    contrib = getattr(result, "contributions", None)
    if isinstance(contrib, pd.DataFrame):
        doc.working[t("pr.sheet.contrib", lang)] = contrib.astype(object).where(contrib.notna(), None)
    return doc
