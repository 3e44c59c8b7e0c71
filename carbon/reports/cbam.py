"""CBAM summary for an EU customer: installation, goods, SEE, methods, defaults, carbon price paid.

Built from a :class:`carbon.cbam.CbamInput` and its :class:`carbon.cbam.CbamResult`
(the figures of ``carbon cbam calc``); nothing is recomputed.  English by default, since
the reader is the EU declarant; ``lang="zh-TW"`` gives the same document for the exporter.

References
----------
.. [1] Regulation (EU) 2023/956 (CBAM), Art 7 and Art 9 (carbon price paid).
.. [2] Implementing Regulation (EU) 2025/2547, Annexes II–III (calculation of embedded emissions).
.. [3] Implementing Regulation (EU) 2025/2621 (default values).
"""

from __future__ import annotations

from carbon.reports.i18n import t
from carbon.reports.model import Document, Figure, KeyValues, Paragraph, Table

__all__ = ["cbam_document"]


def _installation(doc: Document, inp, result, company: dict, lang: str) -> None:
    i = inp.installation
    addr = ", ".join(x for x in (i.street, i.post_code, i.city) if x)
    coords = f"{i.latitude}, {i.longitude}" if i.latitude or i.longitude else None
    period = f"{inp.period_start} – {inp.period_end}" if inp.period_start else (result.period or None)
    items = [
        ("cbam.inst.name", i.name), ("cbam.inst.name_local", i.name_local or None), ("cbam.inst.address", addr or None),
        ("cbam.inst.country", f"{i.country} ({i.country_code})" if i.country_code else i.country or None),
        ("cbam.inst.unlocode", i.unlocode or None), ("cbam.inst.coordinates", coords),
        ("cbam.inst.representative", company.get("contact") or i.representative or None), ("cbam.inst.email", i.email or None),
        ("cbam.inst.id", company.get("installation_id")), ("cbam.inst.period", period),
        ("cbam.inst.source", inp.source_file.rsplit("/", 1)[-1] if inp.source_file else None),
    ]
    s = doc.section(t("cbam.ch.installation", lang), KeyValues([(t(k, lang), v) for k, v in items]))
    s.add(Paragraph(t("cbam.p.installation", lang, direct=result.installation.direct_t, indirect=result.installation.indirect_t)))


def _goods(doc: Document, result, lang: str, charts: bool) -> None:
    yes, no = t("cbam.yes", lang), t("cbam.no", lang)
    rows = [[g.cn_code, g.name or None, g.process, g.see_direct, g.see_indirect, g.see_total, yes if g.indirect_counted else no,
             g.embedded_electricity_mwh_per_t] for g in result.goods]
    cols = [t(f"cbam.col.{c}", lang) for c in ("cn", "good", "process", "see_direct", "see_indirect", "see_total", "indirect_counted", "electricity")]
    s = doc.section(t("cbam.ch.goods", lang), Paragraph(t("cbam.p.see", lang)))
    s.add(Table(t("cbam.t.goods", lang), cols, rows, [None, None, None, 6, 6, 6, None, 6], sheet=t("sheet.goods", lang)))
    if charts and result.goods:
        from carbon.reporting.figures import fig_stacked

        fig = fig_stacked([g.cn_code for g in result.goods],
                          {t("cbam.direct", lang): [g.see_direct for g in result.goods], t("cbam.indirect", lang): [g.see_indirect for g in result.goods]},
                          value_label=t("cbam.see_axis", lang))
        s.add(Figure(t("cbam.f.see", lang), fig))


def _emissions(doc: Document, result, lang: str) -> None:
    rows = [[p.name, p.activity_level_t, p.attributed_direct_t, p.attributed_indirect_t] for p in result.processes]
    rows.append([t("total", lang), None, sum(p.attributed_direct_t for p in result.processes), sum(p.attributed_indirect_t for p in result.processes)])
    cols = [t(f"cbam.col.{c}", lang) for c in ("process", "activity_level", "attr_direct", "attr_indirect")]
    doc.section(t("cbam.ch.emissions", lang), Table(t("cbam.t.processes", lang), cols, rows, [None, 3, 3, 3], total_row=True))


def _methods(doc: Document, inp, result, lang: str) -> None:
    co2e: dict[str, float] = {}
    for r in result.source_rows:
        co2e[r.get("source_name")] = co2e.get(r.get("source_name"), 0.0) + float(r.get("co2e_t") or 0.0)
    rows = []
    for s in inp.source_streams:
        ef = f"{s.emission_factor:g} {s.ef_unit}" if s.emission_factor is not None else (f"C {s.carbon_content:g}" if s.carbon_content is not None else None)
        rows.append([s.name, s.method, s.activity, s.activity_unit, s.ncv, ef, co2e.get(s.name)])
    for e in inp.emission_sources:
        rows.append([e.name, f"measurement ({e.gas})", e.mass_t, "t", None, None, co2e.get(e.name)])
    cols = [t(f"cbam.col.{c}", lang) for c in ("name", "method", "activity", "unit_", "ncv", "ef", "co2e")]
    sec = doc.section(t("cbam.ch.methods", lang), Paragraph(t("cbam.p.methods", lang)))
    sec.add(Table(t("cbam.t.streams", lang), cols, rows, [None, None, None, None, None, None, 3], sheet=t("sheet.streams", lang)))
    el = [[p.name, p.electricity.mwh, p.electricity.emission_factor, p.electricity.ef_source] for p in inp.processes if p.electricity is not None]
    if el:
        sec.add(Table(t("cbam.t.electricity", lang), [t(f"cbam.col.{c}", lang) for c in ("process", "mwh", "ef_el", "ef_source")], el, [None, 3, 6, None]))


def _defaults(doc: Document, inp, lang: str) -> None:
    rows = [[p.name, p.cn_code or None, p.country, p.see_direct, p.see_direct_source, p.specific_electricity_source] for p in inp.precursors]
    cols = [t(f"cbam.col.{c}", lang) for c in ("name", "cn", "country", "see_direct", "value_source", "value_source_el")]
    sec = doc.section(t("cbam.ch.defaults", lang))
    used = [p.name for p in inp.precursors if "default" in (p.see_direct_source, p.specific_electricity_source)]
    sec.add(Paragraph(t("cbam.p.defaults", lang) + " " + ", ".join(used)) if used else Paragraph(t("cbam.p.no_defaults", lang)))
    if rows:
        sec.add(Table(t("cbam.t.precursors", lang), cols, rows, [None, None, None, 6, None, None], sheet=t("sheet.precursors", lang)))


def _price(doc: Document, company: dict, lang: str) -> None:
    sec = doc.section(t("cbam.ch.price", lang))
    paid = company.get("carbon_price_paid") or []
    if not paid:
        sec.add(Paragraph(t("cbam.p.no_price", lang)))
        return
    rows = [[str(p.get("cn_code", "")), p.get("eur_per_t"), p.get("description")] for p in paid]
    sec.add(Table(t("cbam.t.price", lang), [t("cbam.col.cn", lang), t("cbam.col.eur_per_t", lang), t("cbam.col.description", lang)], rows, [None, 2, None]))
    sec.add(Paragraph(t("cbam.p.price", lang)))


def cbam_document(cbam_input, result, *, lang: str = "en", company: dict | None = None, charts: bool = True) -> Document:
    """Build the CBAM summary of an installation's goods for an EU customer.

    Parameters
    ----------
    cbam_input : carbon.cbam.CbamInput
        What ``carbon cbam calc`` read (Communication template or CBAM YAML).
    result : carbon.cbam.CbamResult
        ``carbon.cbam.calculate(cbam_input)``.
    lang : {"en", "zh-TW"}
    company : dict, optional
        ``--company`` file: ``customer``, ``installation_id``, ``contact``, ``carbon_price_paid``.
    charts : bool
        Add the SEE chart (needs Chromium).

    Returns
    -------
    Document

    References
    ----------
    .. [1] Implementing Regulation (EU) 2025/2547 Annex III; Regulation (EU) 2023/956 Art 9.
    """
    company = company or {}
    name = cbam_input.installation.name
    sub = name + (" — " + t("cbam.for", lang, customer=company["customer"]) if company.get("customer") else "")
    doc = Document("cbam", lang, t("cbam.title", lang), subtitle=sub, chapter_breaks=False)
    doc.cover = [(t("cbam.inst.name", lang), name), (t("cbam.inst.period", lang), result.period or None),
                 (t("org.prepared_by", lang), company.get("prepared_by")), (t("cover.generated", lang), t("cover.generated_by", lang))]
    _installation(doc, cbam_input, result, company, lang)
    _goods(doc, result, lang, charts)
    _emissions(doc, result, lang)
    _methods(doc, cbam_input, result, lang)
    _defaults(doc, cbam_input, lang)
    _price(doc, company, lang)
    doc.section(t("cbam.ch.legal", lang), Paragraph(t("cbam.p.legal", lang)))
    rec = result.records()
    doc.working[t("sheet.records", lang)] = rec.astype(object).where(rec.notna(), None)
    return doc

