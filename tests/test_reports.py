"""Reports of the official MOENV sample workbook and the Commission's CBAM example, every format.

The documents are generated once per module (charts through kaleido and the system
Chromium); the checks read the files as a user's tools would: pdftotext/pdftoppm/pdffonts,
python-docx and LibreOffice, openpyxl.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

from carbon.errors import CarbonError, InputError

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "factors" / "sources" / "taiwan" / "moenv-inventory-workbook-sample.ods"
CBAM_EXAMPLE = ROOT / "factors" / "sources" / "cbam" / "eu-cbam-example-steel-screws-and-nuts.xlsx"
CHAPTERS_ZH = ["公司基本資料", "盤查邊界設定", "報告溫室氣體排放量", "數據品質管理", "基準年", "參考文獻"]
CHAPTERS_EN = ["Company information", "Inventory boundaries", "Reported GHG emissions", "Data quality management", "Base year", "References"]
HOSTILE = "=cmd|' /C calc'!A0"

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed (make sysdeps)")
needs_chromium = pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium not installed (make sysdeps)")


def _text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def inventory():
    from carbon.formats.project import read_project
    from carbon.inventory import calculate
    from carbon.uncertainty import monte_carlo

    result = calculate(read_project(SAMPLE), rounding="moenv")
    return result, monte_carlo(result.counted, 2_000, 12345)


@pytest.fixture(scope="module")
def files(inventory, tmp_path_factory):
    """The inventory report of the sample in .pdf/.docx/.xlsx, zh-TW and en (charts rendered once per language)."""
    if shutil.which("chromium") is None:
        pytest.skip("chromium not installed (make sysdeps)")
    from carbon.reports import write
    from carbon.reports.inventory import inventory_document

    result, mc = inventory
    out = tmp_path_factory.mktemp("reports")
    paths = {}
    for lang in ("zh-TW", "en"):
        doc = inventory_document(result, lang=lang, monte_carlo=mc, company={"prepared_by": "王小明"})
        for ext in ("pdf", "docx", "xlsx"):
            paths[lang, ext] = write(doc, out / f"inventory-{lang}.{ext}")
        paths[lang, "doc"] = doc
    return paths


# -- document model: numbers are the result's ---------------------------------------------
def test_document_prints_the_results_numbers(inventory):
    from carbon.reports.inventory import inventory_document

    result, _ = inventory
    doc = inventory_document(result, lang="zh-TW", charts=False)
    text = doc.text()
    assert result.total_tco2e == 48925.715
    assert "48,925.715" in text
    for cat, v in result.by_category.items():
        assert f"{v:,.4f}" in text, cat
    assert "13,765.1339" in text and "35,160.5814" in text
    totals = next(tb for tb in doc.tables() if tb.sheet == "總排放量")
    assert totals.rows[2][1] == result.total_tco2e  # the number itself, not a recomputation
    assert [s.title for s in doc.sections][:5] == CHAPTERS_ZH[:5]
    assert doc.sections[-1].title == "參考文獻"
    assert doc.figures() == []


def test_exclusions_and_iso_checklist_of_the_demo_factory():
    from carbon.formats.project import read_project
    from carbon.inventory import calculate
    from carbon.reports.inventory import inventory_document

    result = calculate(read_project(ROOT / "examples" / "demo-factory.yaml"))
    doc = inventory_document(result, lang="en", charts=False)
    ex = next(tb for tb in doc.tables() if tb.caption == "Excluded sources and reasons")
    assert ex.rows[0][0] == "S09" and "門檻 9" in ex.rows[0][2]
    iso = next(tb for tb in doc.tables() if tb.caption.startswith("Where this report gives"))
    biogenic = next(r for r in iso.rows if r[0] == "Biogenic CO2 quantified separately")
    assert biogenic[1] == "3.5 Total GHG emissions"
    assert all(not r[1].startswith(" ") for r in iso.rows), "every checklist item points at a section of the report"


# -- PDF -------------------------------------------------------------------------------
@needs_poppler
def test_pdf_zh_chapters_total_fonts_and_page_numbers(files):
    text = _text(files["zh-TW", "pdf"])
    for title in CHAPTERS_ZH:
        assert title in text, title
    assert "溫室氣體盤查報告書" in text
    assert "48,925.715 公噸 CO2e" in text
    assert "目錄" in text and re.search(r"第\s*3\s*頁", text)
    fonts = subprocess.run(["pdffonts", str(files["zh-TW", "pdf"])], capture_output=True, text=True, check=True).stdout
    assert "Noto-Sans-CJK-TC" in fonts
    assert all(line.split()[-5] == "yes" for line in fonts.splitlines()[2:]), "every font embedded"


@needs_poppler
def test_pdf_en_chapters_and_total(files):
    text = _text(files["en", "pdf"])
    for title in CHAPTERS_EN:
        assert title in text, title
    assert "48,925.715 t CO2e" in text
    assert re.search(r"Page\s*3", text)


@needs_poppler
def test_pdf_charts_are_present_and_drawn(files, tmp_path):
    pdf = files["zh-TW", "pdf"]
    listing = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    images = [line.split() for line in listing.splitlines()[2:] if line.split()[2] == "image"]
    assert len(images) == 3, listing
    page = images[0][0]
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", page, "-l", page, str(pdf), str(tmp_path / "p")], check=True)
    from PIL import Image

    png = next(tmp_path.glob("p*.png"))
    px = np.asarray(Image.open(png).convert("RGB")).reshape(-1, 3).astype(int)
    blue = (np.abs(px - np.array([0x4C, 0x78, 0xA8])).sum(axis=1) < 40).mean()
    assert blue > 0.005, f"the bar colour covers only {blue:.4f} of page {page}"


# -- Word ------------------------------------------------------------------------------
def test_docx_structure_fonts_and_pictures(files, inventory):
    import docx
    from docx.oxml.ns import qn

    d = docx.Document(str(files["zh-TW", "docx"]))
    heads = [p.text for p in d.paragraphs if p.style.name == "Heading 1"]
    assert [h.split(" ", 1)[1] for h in heads[1:7]] == CHAPTERS_ZH[:5] + ["ISO 14064-1 報告要求對照"]
    assert d.styles["Normal"].element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "Microsoft JhengHei"
    assert len(d.inline_shapes) == 3
    assert any(p.style.name == "Caption" for p in d.paragraphs)
    cells = {c.text for tb in d.tables for row in tb.rows for c in row.cells}
    assert "48,925.715" in cells
    assert len(d.tables) == len(files["zh-TW", "doc"].tables()) + 1 + sum(
        1 for _, _, s in files["zh-TW", "doc"].walk() for b in s.blocks if type(b).__name__ == "KeyValues"
    )


@needs_poppler
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_docx_converts_with_libreoffice(files, tmp_path):
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(
        ["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(files["zh-TW", "docx"])],
        check=True, capture_output=True, timeout=120,
    )
    text = _text(tmp_path / "inventory-zh-TW.pdf")
    assert "溫室氣體盤查報告書" in text and "數據品質管理" in text
    assert "48,925.715" in text


# -- Excel -----------------------------------------------------------------------------
def test_xlsx_results_and_working(files, inventory):
    import openpyxl

    result, _ = inventory
    wb = openpyxl.load_workbook(files["zh-TW", "xlsx"])
    assert wb.sheetnames[0] == "報告"
    assert {"總排放量", "排放係數", "排放紀錄", "GWP"} <= set(wb.sheetnames)
    tot = wb["總排放量"]
    assert tot.cell(4, 2).value == 48925.715 and tot.cell(4, 2).number_format == "#,##0.000"
    rec = wb["排放紀錄"]
    assert rec.max_row == len(result.records) + 1
    headers = [c.value for c in rec[1]]
    assert "排放當量(公噸CO2e)" in headers
    col = headers.index("排放當量(公噸CO2e)") + 1
    assert sum(rec.cell(r, col).value or 0 for r in range(2, rec.max_row + 1)) == pytest.approx(48925.7153, abs=1e-3)
    factors = wb["排放係數"]
    assert any(row[5] == "moenv-2024 (2024-02-05)" for row in factors.iter_rows(min_row=2, values_only=True)), "factor editions listed"
    assert not _formula_cells(files["zh-TW", "xlsx"])


def _formula_cells(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as z:
        return [n for n in z.namelist() if n.startswith("xl/worksheets/") and b"<f>" in z.read(n)]


def test_xlsx_neutralises_formula_text_from_user_input(tmp_path):
    """A source named like a DDE formula, and a company text like one, end up as inert text."""
    import openpyxl
    import yaml

    data = yaml.safe_load((ROOT / "examples" / "demo-factory.yaml").read_text(encoding="utf-8"))
    data["sources"][0]["name"] = HOSTILE
    data["sources"][1]["data_source"] = "@SUM(1+1)*cmd|' /C calc'!A0"
    project = tmp_path / "hostile.yaml"
    project.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    company = tmp_path / "company.yaml"
    company.write_text(yaml.safe_dump({"introduction": "+1+1", "policy": "-2+3"}), encoding="utf-8")
    out = tmp_path / "hostile.xlsx"
    r = subprocess.run([sys.executable, "-m", "carbon.cli", "report", "inventory", str(project), "-o", str(out), "--company", str(company), "--no-charts"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert not _formula_cells(out)
    wb = openpyxl.load_workbook(out)
    values = [c.value for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert "'" + HOSTILE in values
    assert "'+1+1" in values and "'-2+3" in values
    assert not [v for v in values if v.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert all(c.data_type != "f" for ws in wb for row in ws.iter_rows() for c in row)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("=1+1", "'=1+1"), ("+1+1", "'+1+1"), ("-2+3", "'-2+3"), ("-1", "-1"), ("@A1", "'@A1"), ("\tx", "'\tx"), ("\rx", "'\rx"), ("柴油", "柴油"), ("a=b", "a=b"), (-3.5, -3.5), (None, None)],
)
def test_neutralise(text, expected):
    from carbon.formats.safety import neutralise

    assert neutralise(text) == expected


# -- CBAM summary ----------------------------------------------------------------------
@pytest.fixture(scope="module")
def cbam_files(tmp_path_factory):
    if shutil.which("chromium") is None:
        pytest.skip("chromium not installed (make sysdeps)")
    import carbon.cbam as cbam
    from carbon.formats.cbam_template import read_template
    from carbon.reports import write
    from carbon.reports.cbam import cbam_document

    inp = read_template(CBAM_EXAMPLE)
    res = cbam.calculate(inp)
    doc = cbam_document(inp, res, company={"customer": "ACME Import GmbH", "carbon_price_paid": [{"cn_code": "73181542", "eur_per_t": 2.5, "description": "test fee"}]})
    out = tmp_path_factory.mktemp("cbam")
    return {ext: write(doc, out / f"cbam.{ext}") for ext in ("pdf", "docx", "xlsx")} | {"result": res}


@needs_poppler
def test_cbam_summary_pdf(cbam_files):
    text = _text(cbam_files["pdf"])
    assert "CBAM Embedded Emissions Summary" in text and "For: ACME Import GmbH" in text
    assert "Example Screw Production Plant" in text
    for title in ("Goods and specific embedded emissions", "Monitoring methods", "Default values used", "Carbon price paid"):
        assert title in text
    g = cbam_files["result"].good("73181542")
    assert f"{g.see_direct:.6f}" in text == "2.006938" or "2.006938" in text
    assert "4,948.020" in text and "4,198.320" in text


def test_cbam_summary_docx_and_xlsx(cbam_files):
    import docx
    import openpyxl

    d = docx.Document(str(cbam_files["docx"]))
    assert len(d.inline_shapes) == 1
    wb = openpyxl.load_workbook(cbam_files["xlsx"])
    goods = wb["Goods"]
    assert goods.cell(2, 1).value == "73181542"
    assert goods.cell(2, 4).value == pytest.approx(2.0069382352941174, rel=1e-12)
    assert goods.cell(3, 5).value == pytest.approx(2.2787951219512195, rel=1e-12)
    assert not _formula_cells(cbam_files["xlsx"])


# -- CLI and errors --------------------------------------------------------------------
def test_cli_smart_without_assessment_and_missing_capability_say_so(tmp_path, capsys, monkeypatch):
    import importlib.util

    from carbon.cli import main

    pytest.importorskip("carbon.diagnosis")
    assert main(["report", "smart", str(SAMPLE), "-o", str(tmp_path / "s.docx")]) == 2
    assert "no smart-manufacturing assessment" in capsys.readouterr().err
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "carbon.product" else real(name, *a))
    assert main(["report", "product", str(SAMPLE), "-o", str(tmp_path / "p.docx")]) == 2
    assert "not available yet" in capsys.readouterr().err


def test_cli_rejects_unknown_suffix_and_company_keys(tmp_path):
    from carbon.cli.report import cmd_report
    from carbon.reports.company import read_company

    bad = tmp_path / "c.yaml"
    bad.write_text("nmae: x\npolicy: y\n", encoding="utf-8")
    with pytest.raises(InputError, match="unknown key 'nmae'"):
        read_company(bad)
    from argparse import Namespace

    with pytest.raises(CarbonError, match=r"\.docx, \.pdf or \.xlsx"):
        cmd_report(Namespace(kind="inventory", input=str(SAMPLE), output=str(tmp_path / "r.odt"), lang=None, company=None))


def test_cli_reads_the_moenv_workbook_with_its_rounding(tmp_path, capsys):
    """`carbon report inventory` on the official workbook uses moenv rounding unless told otherwise."""
    import openpyxl

    from carbon.cli import main

    out = tmp_path / "moenv.xlsx"
    assert main(["report", "inventory", str(SAMPLE), "-o", str(out), "--no-charts", "--iterations", "0", "--lang", "en"]) == 0
    assert "wrote" in capsys.readouterr().out
    wb = openpyxl.load_workbook(out)
    totals = wb["Totals"]
    assert [totals.cell(r, 2).value for r in (2, 3, 4)] == [13765.1339, 35160.5814, 48925.715]
    assert main(["report", "inventory", str(SAMPLE), "-o", str(out), "--no-charts", "--iterations", "0", "--lang", "en", "--rounding", "exact"]) == 0
    assert openpyxl.load_workbook(out)["Totals"].cell(4, 2).value == pytest.approx(48925.7219, abs=1e-4)  # masses not rounded first
