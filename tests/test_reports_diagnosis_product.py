"""低碳化 / 智慧化改善建議報告 and the product footprint study report, for the notebooks' cases.

Needs carbon.diagnosis and carbon.product (skipped where they are not installed).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EX = ROOT / "examples"

needs_chromium = pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium not installed (make sysdeps)")
needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed (make sysdeps)")


def _text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def diagnosis():
    diag = pytest.importorskip("carbon.diagnosis")
    from carbon.formats.project import read_project
    from carbon.inventory import calculate

    result = calculate(read_project(EX / "dyeing-factory.yaml"))
    d = diag.read_diagnosis(EX / "dyeing-diagnosis.yaml")
    return result, diag.diagnose(result, d, base=calculate(read_project(d.base_inventory)))


@pytest.fixture(scope="module")
def product():
    prod = pytest.importorskip("carbon.product")
    from carbon.formats.product import read_product

    return prod.calculate(read_product(EX / "fastener-product.yaml")).results[0]


def test_diagnosis_document_prints_the_diagnosis(diagnosis):
    from carbon.reports.diagnosis import diagnosis_document

    result, dg = diagnosis
    doc = diagnosis_document(result, dg, charts=False)
    assert [s.title for s in doc.sections] == ["公司基本資料", "盤查邊界與排放概況", "碳排熱點調查", "公司需求", "建議改善措施",
                                               "邊際減碳成本與減量目標", "碳費影響（改善前後）", "資金規劃：補助與貸款", "假設與數據來源"]
    measures = next(tb for tb in doc.tables() if tb.caption.startswith("建議改善措施"))
    assert [r[0] for r in measures.rows] == [s.id for s in dg.portfolio.steps]
    assert measures.rows[3][3] == dg.portfolio.steps[3].avoided_t  # M4 in the portfolio, after the overlap
    fee = next(tb for tb in doc.tables() if tb.caption == "碳費試算")
    assert fee.rows[0][4] == dg.fee_before.fee_ntd and fee.rows[1][4] == dg.fee_after.fee_ntd
    text = doc.text()
    assert f"{dg.total_tco2e:,.3f}" in text
    assert "降低鍋爐燃料成本與碳費" in text


@needs_chromium
@needs_poppler
def test_diagnosis_report_every_format(diagnosis, tmp_path):
    import docx
    import openpyxl

    from carbon.reports import write
    from carbon.reports.diagnosis import diagnosis_document

    result, dg = diagnosis
    doc = diagnosis_document(result, dg, lang="zh-TW")
    paths = {ext: write(doc, tmp_path / f"dg.{ext}") for ext in ("pdf", "docx", "xlsx")}
    text = _text(paths["pdf"])
    for title in ("低碳化改善建議報告", "碳排熱點調查", "建議改善措施", "邊際減碳成本", "減量目標路徑", "資金規劃"):
        assert title in text, title
    assert f"{dg.fee_before.fee_ntd:,}" in text
    listing = subprocess.run(["pdfimages", "-list", str(paths["pdf"])], capture_output=True, text=True, check=True).stdout
    assert sum(1 for line in listing.splitlines()[2:] if line.split()[2] == "image") == 3  # Pareto, MACC, target path
    assert len(docx.Document(str(paths["docx"])).inline_shapes) == 3
    wb = openpyxl.load_workbook(paths["xlsx"])
    ws = wb["改善措施"]
    assert [ws.cell(r, 1).value for r in range(2, 7)] == ["M1", "M2", "M3", "M4", "M5"]


def test_smart_report(diagnosis, tmp_path):
    import docx

    from carbon.reports import write
    from carbon.reports.diagnosis import smart_document

    result, dg = diagnosis
    doc = smart_document(result, dg, lang="en")
    assert doc.title == "Smart-Manufacturing Improvement Recommendations"
    text = doc.text()
    assert "stage 2 \u201c連結化\u201d" in text and "可視化" in text
    d = docx.Document(str(write(doc, tmp_path / "smart.docx")))
    assert any("Recommended next stage" in p.text for p in d.paragraphs)


def test_product_document_iso14067_items(product):
    from carbon.reports.product import product_document

    doc = product_document(product, lang="en", charts=False)
    titles = [s.title for s in doc.sections]
    assert titles == ["Goal and product", "System boundary and life-cycle stages", "Cut-off criteria and their effect", "Allocation",
                      "Data quality", "Results", "Limitations", "References"]
    d = product.to_dict()
    stage = next(tb for tb in doc.tables() if tb.caption == "Carbon footprint by life-cycle stage")
    assert stage.rows[-1][1] == d["total_kgco2e"]
    assert [r[0] for r in stage.rows[:-1]] == ["raw materials", "production"]
    origin = next(tb for tb in doc.tables() if tb.caption == "Fossil, biogenic and dLUC emissions")
    assert [r[1] for r in origin.rows[:3]] == [d["fossil_kgco2e"], d["biogenic_kgco2e"], d["dluc_kgco2e"]]
    text = doc.text()
    assert "1 kg 螺絲 M8" in text and f"{d['primary_data_share'] * 100:.1f} %" in text


@needs_chromium
@needs_poppler
def test_product_report_cli_pdf_and_xlsx(product, tmp_path):
    import openpyxl

    out = tmp_path / "cfp.pdf"
    r = subprocess.run([sys.executable, "-m", "carbon.cli", "report", "product", str(EX / "fastener-product.yaml"), "-o", str(out)],
                       capture_output=True, text=True, timeout=180)
    assert r.returncode == 0, r.stderr
    text = _text(out)
    for title in ("產品碳足跡研究報告", "系統邊界與生命週期階段", "截斷準則及其影響", "分配", "數據品質", "研究限制"):
        assert title in text, title
    assert re.search(rf"{product.to_dict()['total_kgco2e']:,.4f}\s*kg CO2e", text)
    from carbon.reports import write
    from carbon.reports.product import product_document

    wb = openpyxl.load_workbook(write(product_document(product, charts=False), tmp_path / "cfp.xlsx"))
    assert "貢獻明細" in wb.sheetnames
    assert wb["碳足跡"].cell(5, 2).value == pytest.approx(product.to_dict()["total_kgco2e"], rel=1e-12)


def test_diagnosis_fee_per_site_is_summed(diagnosis):
    """With several sites (全廠場) the fee table lists each site and the sum the diagnosis gives."""
    import dataclasses

    from carbon.reports.diagnosis import diagnosis_document

    result, dg = diagnosis
    two = dataclasses.replace(dg, fee_sites={"F1": (dg.fee_before, dg.fee_after), "F2": (dg.fee_before, dg.fee_after)})
    fee = next(tb for tb in diagnosis_document(result, two, charts=False).tables() if tb.caption == "碳費試算")
    assert [r[0] for r in fee.rows] == ["F1 改善前", "F1 改善後", "F2 改善前", "F2 改善後", "合計 改善前", "合計 改善後"]
    assert fee.rows[4][4] == two.fee_total()[0] == 2 * dg.fee_before.fee_ntd
