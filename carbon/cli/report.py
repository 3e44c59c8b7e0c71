"""``carbon report KIND INPUT -o OUT.{docx,pdf,xlsx}``: documents a consultant hands over.

Kinds: ``inventory`` (溫室氣體盤查報告書; reads what ``carbon inventory calc`` reads, the
official MOENV workbook included), ``cbam`` (CBAM summary for an EU customer; reads what
``carbon cbam calc`` reads), ``diagnosis`` and ``smart`` (低碳化 / 智慧化改善建議報告; read what
``carbon diagnose INVENTORY --measures FILE`` reads) and ``product`` (產品碳足跡研究報告; reads
what ``carbon product calc`` reads).  The format follows the output's suffix.  Kinds whose
capability is not installed say so ("not available yet").
"""

from __future__ import annotations

import argparse
import importlib.util
import time
from pathlib import Path

KINDS = ("inventory", "cbam", "diagnosis", "smart", "product")
#: the language each kind is written in unless --lang says otherwise
DEFAULT_LANG = {"inventory": "zh-TW", "cbam": "en", "diagnosis": "zh-TW", "smart": "zh-TW", "product": "zh-TW"}


def _inventory(a, company: dict):
    from carbon.formats.project import read_project
    from carbon.inventory import calculate
    from carbon.reports.inventory import inventory_document

    project = read_project(a.input)
    rounding = a.rounding or ("moenv" if project.origin.get("format") == "moenv-workbook" else "exact")
    result = calculate(project, gwp_set=a.gwp_set, rounding=rounding)
    mc = None
    if a.iterations > 0:
        from carbon.uncertainty import monte_carlo

        mc = monte_carlo(result.counted, a.iterations, a.seed)
    return inventory_document(result, lang=a.lang, company=company, monte_carlo=mc, charts=not a.no_charts)


def _cbam(a, company: dict):
    import carbon.cbam as cbam
    from carbon.formats.cbam_template import read_cbam
    from carbon.reports.cbam import cbam_document

    inp = read_cbam(a.input)
    return cbam_document(inp, cbam.calculate(inp), lang=a.lang, company=company, charts=not a.no_charts)


def _not_yet(kind: str):
    from carbon.errors import CarbonError

    what = {"diagnosis": "低碳化改善建議報告 (carbon.diagnosis)", "smart": "智慧化改善建議報告 (carbon.diagnosis)", "product": "產品碳足跡研究報告 (carbon.product)"}[kind]
    msg = f"the {kind} report is not available yet: {what} is not part of this version of carbon. Available: inventory, cbam."
    raise CarbonError(msg)


def _diagnosis(a, company: dict):
    """The diagnosis as ``carbon diagnose INVENTORY --measures FILE [--base FILE]`` makes it."""
    if importlib.util.find_spec("carbon.diagnosis") is None:
        _not_yet(a.kind)
    from carbon.diagnosis import diagnose, read_diagnosis
    from carbon.formats.project import read_project
    from carbon.inventory import calculate

    result = calculate(read_project(a.input), gwp_set=a.gwp_set)
    d = read_diagnosis(a.measures) if a.measures else None
    base_path = a.base or (d.base_inventory if d is not None else None)
    base = calculate(read_project(base_path), gwp_set=a.gwp_set) if base_path else None
    dg = diagnose(result, d, base=base)
    if a.kind == "smart":
        from carbon.reports.diagnosis import smart_document

        return smart_document(result, dg, lang=a.lang, company=company)
    from carbon.reports.diagnosis import diagnosis_document

    return diagnosis_document(result, dg, lang=a.lang, company=company, charts=not a.no_charts)


def _product(a, company: dict):
    """One product of what ``carbon product calc FILE`` calculates (``--product NAME`` when several)."""
    if importlib.util.find_spec("carbon.product") is None:
        _not_yet(a.kind)
    from carbon.errors import CarbonError
    from carbon.formats.product import read_product
    from carbon.product import calculate
    from carbon.reports.product import product_document

    res = calculate(read_product(a.input), gwp_set=a.gwp_set)
    names = [r.product.name for r in res.results]
    if a.product is None and len(names) > 1:
        msg = f"'{a.input}' has {len(names)} products ({', '.join(names)}); choose one with --product NAME."
        raise CarbonError(msg)
    r = res.results[0] if a.product is None else next((x for x in res.results if x.product.name == a.product), None)
    if r is None:
        msg = f"no product '{a.product}' in '{a.input}'; it has: {', '.join(names)}."
        raise CarbonError(msg)
    return product_document(r, lang=a.lang, company=company, charts=not a.no_charts)


def cmd_report(a) -> int:
    """``carbon report``: write a report (Word .docx, PDF or Excel .xlsx) from a calculation's input; returns the exit code (0)."""
    from carbon.errors import CarbonError
    from carbon.reports import write
    from carbon.reports.company import read_company

    out = Path(a.output)
    if out.suffix.lower() not in (".docx", ".pdf", ".xlsx"):
        msg = f"output '{out.name}': the report format follows the suffix; use .docx, .pdf or .xlsx."
        raise CarbonError(msg)
    if not out.parent.is_dir():
        msg = f"output folder '{out.parent}' does not exist; create it first."
        raise CarbonError(msg)
    a.lang = a.lang or DEFAULT_LANG[a.kind]
    company = read_company(a.company)
    t0 = time.perf_counter()
    if not a.no_charts and out.suffix.lower() in (".docx", ".pdf"):
        from carbon.reporting.figures import warm_up

        warm_up()  # the chart browser starts while the input is read and calculated
    builders = {"inventory": _inventory, "cbam": _cbam, "diagnosis": _diagnosis, "smart": _diagnosis, "product": _product}
    doc = builders[a.kind](a, company)
    write(doc, out)
    print(f"wrote {out} ({a.kind}, {a.lang}, {len(doc.tables())} tables, {len(doc.figures())} charts, {time.perf_counter() - t0:.1f} s)")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``carbon report KIND INPUT -o OUT``."""
    s = sub.add_parser("report", help="write a report (Word .docx, PDF or Excel .xlsx) from a calculation's input")
    s.add_argument("kind", choices=KINDS, help="inventory: 溫室氣體盤查報告書; cbam: CBAM summary for an EU customer; "
                   "diagnosis: 低碳化改善建議報告; smart: 智慧化改善建議報告; product: 產品碳足跡研究報告")
    s.add_argument("input", help="inventory/diagnosis/smart: project workbook/CSV/YAML or the MOENV workbook; "
                   "cbam: Communication template or CBAM YAML; product: product file")
    s.add_argument("-o", "--output", required=True, help="OUT.docx, OUT.pdf or OUT.xlsx")
    s.add_argument("--lang", choices=["zh-TW", "en"], default=None, help="default: zh-TW (cbam: en)")
    s.add_argument("--company", help="YAML/JSON with company details and texts (see carbon.reports.company)")
    s.add_argument("--gwp-set", dest="gwp_set", default=None, help="inventory: GWP set (default: the project's)")
    s.add_argument("--rounding", choices=["exact", "moenv"], default=None, help="inventory: default moenv for the MOENV workbook, else exact")
    s.add_argument("--iterations", type=int, default=10_000, help="inventory: Monte Carlo iterations (0: none)")
    s.add_argument("--seed", type=int, default=12345, help="inventory: Monte Carlo seed")
    s.add_argument("--measures", help="diagnosis/smart: the diagnosis file (as carbon diagnose --measures)")
    s.add_argument("--base", help="diagnosis: the base-year inventory (default: the diagnosis file's base_inventory)")
    s.add_argument("--product", help="product: which product of the file (when it has several)")
    s.add_argument("--no-charts", dest="no_charts", action="store_true", help="leave the charts out (no Chromium needed)")
    s.set_defaults(func=cmd_report)
