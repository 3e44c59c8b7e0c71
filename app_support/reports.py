"""Report documents from the app: Word, PDF or Excel in zh-TW or English, through carbon.reports.

Nothing here calculates: the builders of :mod:`carbon.reports` turn a result into a document
and :func:`carbon.reports.write` renders it. Files are built when the user clicks (a deferred
download) and every one is recorded in the project's report history.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

import streamlit as st

from app_support import projects
from app_support.i18n import lang, t

FORMATS = ("docx", "xlsx", "pdf")
MIME = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def render(document, fmt: str) -> bytes:
    """A :class:`carbon.reports.Document` rendered as ``fmt`` (docx, xlsx or pdf) [bytes]."""
    from carbon.reports import write

    with tempfile.TemporaryDirectory(prefix="carbon-report-") as d:
        return Path(write(document, Path(d) / f"report.{fmt}")).read_bytes()


def inventory_document(result, report_lang: str, charts: bool):
    """溫室氣體盤查報告書 of an inventory result."""
    from carbon.reports.inventory import inventory_document as build

    return build(result, lang=report_lang, charts=charts)


def cbam_document(inp, result, report_lang: str, charts: bool):
    """CBAM summary for an EU customer."""
    from carbon.reports.cbam import cbam_document as build

    return build(inp, result, lang=report_lang, charts=charts)


def product_document(result, report_lang: str, charts: bool):
    """產品碳足跡研究報告 of one product result."""
    from carbon.reports.product import product_document as build

    return build(result, lang=report_lang, charts=charts)


def diagnosis_document(result, dg, report_lang: str, charts: bool, smart: bool = False):
    """低碳化 (or 智慧化) 改善建議報告 of a diagnosis."""
    from carbon.reports.diagnosis import diagnosis_document as build
    from carbon.reports.diagnosis import smart_document

    if smart:
        return smart_document(result, dg, lang=report_lang)
    return build(result, dg, lang=report_lang, charts=charts)


def report_bytes(info, kind: str, fmt: str, report_lang: str, make: Callable[[str, bool], object]) -> bytes:
    """Build the report now, record it in the project's report history and return its bytes.

    ``make(lang, charts)`` returns the document; charts (Chromium) go into docx and pdf only.
    """
    filename = f"carbon-{kind}-report.{fmt}"
    return projects.logged_download(info, f"report-{kind}", fmt, filename, lambda: render(make(report_lang, fmt != "xlsx"), fmt), report_lang)()


def report_downloads(info, kind: str, make: Callable[[str, bool], object], key: str) -> None:
    """Language and format choices and one download button that builds the report when clicked."""
    st.subheader(t("rep.title"))
    c1, c2, c3 = st.columns(3)
    langs = ["zh-TW", "en"]
    rl = c1.selectbox(t("rep.lang"), langs, index=langs.index(lang()), format_func=lambda x: "繁體中文" if x == "zh-TW" else "English", key=f"{key}_lang")
    fmt = c2.selectbox(t("rep.format"), FORMATS, format_func=lambda f: t(f"rep.format.{f}"), key=f"{key}_fmt")
    c3.download_button(
        t("rep.download"), lambda: report_bytes(info, kind, fmt, rl, make), file_name=f"carbon-{kind}-report.{fmt}", mime=MIME[fmt],
        key=f"{key}_dl", on_click="ignore",
    )  # fmt: skip
    st.caption(t("rep.note"))
