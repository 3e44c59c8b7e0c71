"""The bad-file catalogue: every broken or hostile input file gets a clear, located message.

Each file is generated here in ``tmp_path`` (no committed binaries).  Through the CLI
(``carbon.cli.main``, in process, so any stray exception fails the test — the same code path
as the ``carbon`` command, whose ``main`` prints carbon errors and returns 2): exit code ≠ 0,
the message names the file and what is wrong, no traceback, nothing on stdout and no output
file written (``inventory export … -o``).  Three cases also run as a real process.
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from carbon.cli import main
from carbon.errors import InputError
from carbon.formats import safety
from carbon.formats.project import EXAMPLE_MARK, read_project, write_template

ROOT = Path(__file__).resolve().parent.parent
HEADER = "source_id,iso_category,method,activity_amount,activity_unit,factor_id,heat_value,heat_value_unit\n"
ROW = "S01,1.1,fuel,{amount},公秉,moenv-2024/diesel-stationary,8400,kcal/L\n"
ORG = {"name": "測試工廠", "reporting_year": 2024}
DIESEL = {"source_id": "S01", "iso_category": "1.1", "method": "fuel", "activity_amount": 12.5, "activity_unit": "公秉", "factor_id": "moenv-2024/diesel-stationary", "heat_value": 8400, "heat_value_unit": "kcal/L"}


def _template(tmp_path: Path, name: str = "t.xlsx", lang: str = "en") -> Path:
    """The template with its example marks cleared: two real sources S01, S02."""
    import openpyxl

    p = write_template(tmp_path / name, lang=lang)
    wb = openpyxl.load_workbook(p)
    ws = wb["sources"] if lang == "en" else wb["排放源"]
    col = [c.value for c in ws[1]].index("note" if lang == "en" else "備註") + 1
    for r in (2, 3):
        ws.cell(row=r, column=col).value = None
    wb.save(p)
    return p


def _xlsx_with(tmp_path: Path, name: str, rows: list[list], sheet: str = "sources", merge: str | None = None) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for r in rows:
        ws.append(r)
    if merge:
        ws.merge_cells(merge)
    p = tmp_path / name
    wb.save(p)
    return p


# --- generators: each returns (path, words the message must contain) -----------------------


def empty(ext):
    def make(tmp_path):
        p = tmp_path / f"empty.{ext}"
        p.write_bytes(b"")
        return p, ["empty (0 bytes)"]

    return make


def headers_only_xlsx(tmp_path):
    return _xlsx_with(tmp_path, "headers.xlsx", [HEADER.strip().split(",")]), ["no source rows", "sheet 'sources'"]


def headers_only_csv(tmp_path):
    p = tmp_path / "headers.csv"
    p.write_text(HEADER, encoding="utf-8")
    return p, ["no source rows"]


def text_as_xlsx(tmp_path):
    p = tmp_path / "notes.xlsx"
    p.write_text("這不是試算表 just text\n", encoding="utf-8")
    return p, ["not a readable workbook", "save it again"]


def truncated_zip(tmp_path):
    good = _template(tmp_path, "good.xlsx")
    p = tmp_path / "truncated.xlsx"
    p.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    return p, ["not a readable workbook"]


def directory(name):
    def make(tmp_path):
        p = tmp_path / name
        p.mkdir()
        return p, ["folder, not a file"]

    return make


def yaml_syntax(tmp_path):
    p = tmp_path / "bad.yaml"
    p.write_text("organisation:\n  name: X\nsources:\n  - source_id: S01\n   activity_amount: [1, 2\n", encoding="utf-8")
    return p, ["YAML syntax error", "row 5"]


def yaml_sources_mapping(tmp_path):
    p = tmp_path / "mapping.yaml"
    p.write_text(yaml.safe_dump({"organisation": ORG, "sources": {"S01": DIESEL}}, allow_unicode=True), encoding="utf-8")
    return p, ["'sources' is a mapping", "list of rows"]


def yaml_python_tag(tmp_path):
    p = tmp_path / "tag.yaml"
    p.write_text("organisation: !!python/object/apply:os.system ['touch pwned']\nsources: []\n", encoding="utf-8")
    return p, ["not plain data", "!!python"]


def yaml_latin1(tmp_path):
    p = tmp_path / "latin1.yaml"
    p.write_bytes("organisation:\n  name: Café Müller\nsources: []\n".encode("latin-1"))
    return p, ["not UTF-8", "Save it as UTF-8"]


def bad_json(tmp_path):
    p = tmp_path / "bad.json"
    p.write_text('{"organisation": {"name": "X"},\n "sources": [{"source_id": "S01",}]\n}', encoding="utf-8")
    return p, ["not valid JSON", "row 2"]


def csv_latin1(tmp_path):
    p = tmp_path / "latin1.csv"
    p.write_bytes((HEADER + "S01,1.1,fuel,12.5,L,moenv-2024/diesel-stationary,,\nCafé,1.1,fuel,1,L,x,,\n").encode("latin-1"))
    return p, ["neither UTF-8 nor Big5", "CSV UTF-8"]


def csv_ragged(tmp_path):
    p = tmp_path / "ragged.csv"
    p.write_text(HEADER + ROW.format(amount="12.5") + "S02,1.1,fuel,1,234.5,公秉,moenv-2024/diesel-stationary,8400,kcal/L\n", encoding="utf-8")
    return p, ["row 3", "9 fields; the header has 8"]


def no_sources_sheet(tmp_path):
    return _xlsx_with(tmp_path, "other.xlsx", [["a", "b"], [1, 2]], sheet="Sheet1"), ["no 'sources' / '排放源' sheet", "Sheet1"]


def unknown_suffix(tmp_path):
    p = tmp_path / "inventory.pdf"
    p.write_bytes(b"%PDF-1.4\n")
    return p, ["cannot read '.pdf' files"]


def merged_cells(tmp_path):
    rows = [HEADER.strip().split(","), ["S01", "1.1", "fuel", 12.5, "公秉", "moenv-2024/diesel-stationary", 8400, "kcal/L"], [None, "1.1", "fuel", 3, "公秉", "moenv-2024/diesel-stationary", 8400, "kcal/L"]]
    return _xlsx_with(tmp_path, "merged.xlsx", rows, merge="A2:A3"), ["cells A2:A3 are merged", "Unmerge"]


def sheet_at_xfd1048576(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.title = "sources"
    wb.active["A1"] = "source_id"
    wb.active["XFD1048576"] = 1
    p = tmp_path / "huge-extent.xlsx"
    wb.save(p)
    assert p.stat().st_size < 20_000
    return p, ["XFD1048576", "Ctrl+End"]


def zip_bomb(tmp_path):
    """A 0.3 MB archive whose sheet expands to 300 MB (declared honestly)."""
    p = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            block = b" " * (1 << 20)
            for _ in range(300):
                f.write(block)
    return p, ["expands to more than", "refuses it before reading"]


def ods_repeated_cells(tmp_path):
    """A 2 kB ODS whose one valued cell is repeated 16,384 columns × 1,048,576 rows."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="sources"><table:table-row table:number-rows-repeated="1048576">'
        '<table:table-cell table:number-columns-repeated="16384" office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell>'
        "</table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"
    )
    p = tmp_path / "repeated.ods"
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED)
        z.writestr("content.xml", content)
    assert p.stat().st_size < 2_000
    return p, ["XFD1048576", "17,179,869,184 cells"]


CASES = {
    "empty.xlsx": empty("xlsx"),
    "empty.ods": empty("ods"),
    "empty.csv": empty("csv"),
    "empty.yaml": empty("yaml"),
    "empty.json": empty("json"),
    "headers only xlsx": headers_only_xlsx,
    "headers only csv": headers_only_csv,
    "text renamed .xlsx": text_as_xlsx,
    "truncated zip": truncated_zip,
    "a directory": directory("folder"),
    "a directory named x.xlsx": directory("x.xlsx"),
    "YAML syntax error": yaml_syntax,
    "sources as a mapping": yaml_sources_mapping,
    "YAML python tag": yaml_python_tag,
    "latin-1 YAML": yaml_latin1,
    "bad JSON": bad_json,
    "latin-1 CSV": csv_latin1,
    "ragged CSV": csv_ragged,
    "no sources sheet": no_sources_sheet,
    "unknown suffix": unknown_suffix,
    "merged cells": merged_cells,
    "cells at A1 and XFD1048576": sheet_at_xfd1048576,
    "zip bomb": zip_bomb,
    "ODS with a valued cell repeated over the whole sheet": ods_repeated_cells,
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_file_clear_message_no_output(case, tmp_path, capsys):
    path, words = CASES[case](tmp_path)
    before = set(tmp_path.rglob("*"))
    out_file = tmp_path / "out.xlsx"
    for argv in (["inventory", "calc", str(path), "--json"], ["inventory", "export", str(path), "--moenv", "-o", str(out_file)]):
        rc = main(argv)  # any exception other than carbon's would fail here: no traceback
        cap = capsys.readouterr()
        assert rc != 0, cap
        assert cap.out == "", "nothing is printed on stdout (no partial JSON)"
        assert cap.err.startswith("error: "), cap.err
        assert path.name in cap.err, cap.err
        for w in words:
            assert w in cap.err, (w, cap.err)
        assert "Traceback" not in cap.err
        assert "[length]" not in cap.err
    assert set(tmp_path.rglob("*")) == before, "no output file, no partial file"
    assert not (tmp_path / "pwned").exists()


@pytest.mark.parametrize("case", ["empty.xlsx", "YAML python tag", "cells at A1 and XFD1048576"])
def test_bad_file_as_a_process(case, tmp_path):
    path, words = CASES[case](tmp_path)
    out = subprocess.run([sys.executable, "-m", "carbon.cli", "inventory", "calc", str(path), "--json"], capture_output=True, text=True, encoding="utf-8", check=False, cwd=tmp_path)
    assert out.returncode == 2
    assert out.stdout == ""
    assert "Traceback" not in out.stderr
    assert all(w in out.stderr for w in words), out.stderr


def test_zip_bomb_with_lying_sizes_is_refused(tmp_path, monkeypatch):
    """Declared sizes may lie (here every member claims 1 kB): the bytes are read in 1 MB chunks,
    never more than declared, and the archive is refused (its checksum does not match)."""
    p, _ = zip_bomb(tmp_path)
    real = zipfile.ZipFile.infolist

    def lying(self):
        infos = real(self)
        for i in infos:
            i.file_size = min(i.file_size, 1000)
        return infos

    monkeypatch.setattr(zipfile.ZipFile, "infolist", lying)
    with pytest.raises(InputError, match="not a readable workbook"):
        safety.check_spreadsheet(p)


def test_bounded_memory_on_a_bomb(tmp_path):
    import tracemalloc

    p, _ = zip_bomb(tmp_path)
    tracemalloc.start()
    with pytest.raises(InputError):
        safety.check_spreadsheet(p)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 20 * 1024**2


def test_csv_over_the_size_limit_is_refused_before_reading(tmp_path, monkeypatch):
    p = tmp_path / "big.csv"
    p.write_text(HEADER + ROW.format(amount="1") * 2000, encoding="utf-8")
    monkeypatch.setattr(safety, "MAX_CSV_BYTES", 50_000)
    with pytest.raises(InputError, match="more than the 0 MB carbon reads at once"):
        read_project(p)


# --- files that are odd but valid: read the same as the plain ones ---------------------------


def _total(path) -> float:
    from carbon.inventory import calculate

    return calculate(read_project(path)).total_tco2e


@pytest.fixture(scope="module")
def plain_total(tmp_path_factory):
    d = tmp_path_factory.mktemp("plain")
    p = d / "plain.csv"
    p.write_text(HEADER + ROW.format(amount="1234.5"), encoding="utf-8")
    return _total(p)


def test_plain_total_is_the_known_value(plain_total):
    # 1,234.5 kL × 8,400 kcal/L × 4.1868 kJ/kcal = 43.4180 TJ of diesel; × (74,100 + 3·30 + 0.6·265) kg CO2e/TJ
    tj = 1234.5 * 8400 * 4.1868e-9 * 1000
    assert plain_total == pytest.approx(tj * (74.1 + 0.003 * 30 + 0.0006 * 265), rel=1e-9)


@pytest.mark.parametrize("amount", ["１２３４．５", '"1,234.5"', "１，２３４．５", " 1234.5 "])
def test_csv_fullwidth_and_thousands(amount, tmp_path, plain_total):
    p = tmp_path / "odd.csv"
    p.write_text(HEADER + ROW.format(amount=amount), encoding="utf-8")
    assert _total(p) == pytest.approx(plain_total, rel=1e-12)


@pytest.mark.parametrize("amount", ["１２３４．５", "1,234.5"])
def test_workbook_and_yaml_fullwidth_and_thousands(amount, tmp_path, plain_total):
    x = _xlsx_with(tmp_path, "odd.xlsx", [HEADER.strip().split(","), ["S01", "1.1", "fuel", amount, "公秉", "moenv-2024/diesel-stationary", "８,４００", "kcal/L"]])
    assert _total(x) == pytest.approx(plain_total, rel=1e-12)
    y = tmp_path / "odd.yaml"
    y.write_text(yaml.safe_dump({"organisation": ORG, "sources": [DIESEL | {"activity_amount": amount}]}, allow_unicode=True), encoding="utf-8")
    assert _total(y) == pytest.approx(plain_total, rel=1e-12)


def test_big5_csv_is_read_and_said(tmp_path, plain_total):
    p = tmp_path / "big5.csv"
    p.write_bytes(("排放源編號,類別,計算方法,活動數據,單位,係數編號,熱值,熱值單位,排放源名稱\n" + "S01,1.1,fuel,1234.5,公秉,moenv-2024/diesel-stationary,8400,kcal/L,鍋爐柴油\n").encode("cp950"))
    proj = read_project(p)
    assert list(proj.sources["name"]) == ["鍋爐柴油"]
    assert any("Big5" in n for n in proj.notes)
    assert _total(p) == pytest.approx(plain_total, rel=1e-12)


@pytest.mark.xfail(reason="carbon/inventory does not yet say that a given heat value was not needed (energy-unit activity); for the inventory helper", strict=False)
def test_energy_activity_with_heat_value_works_and_says_it_was_not_needed(tmp_path, capsys):
    y = tmp_path / "gj.yaml"
    y.write_text(yaml.safe_dump({"organisation": ORG, "sources": [DIESEL | {"activity_amount": 100, "activity_unit": "GJ"}]}, allow_unicode=True), encoding="utf-8")
    assert main(["inventory", "calc", str(y), "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["total_tco2e"] == pytest.approx(0.1 * (74.1 + 0.003 * 30 + 0.0006 * 265), rel=1e-12)
    assert main(["inventory", "explain", str(y), "S01"]) == 0
    assert "heat value" in capsys.readouterr().out.lower() and "not needed" in capsys.readouterr().out.lower()


def test_energy_activity_with_heat_value_gives_the_energy_result(tmp_path, capsys):
    y = tmp_path / "gj.yaml"
    y.write_text(yaml.safe_dump({"organisation": ORG, "sources": [DIESEL | {"activity_amount": 100, "activity_unit": "GJ"}]}, allow_unicode=True), encoding="utf-8")
    assert main(["inventory", "calc", str(y), "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["total_tco2e"] == pytest.approx(0.1 * (74.1 + 0.003 * 30 + 0.0006 * 265), rel=1e-12)


def test_untouched_template_is_not_a_total(tmp_path, capsys):
    for lang in ("zh-TW", "en"):
        p = write_template(tmp_path / f"t-{lang}.xlsx", lang=lang)
        assert main(["inventory", "calc", str(p), "--json"]) == 2
        err = capsys.readouterr().err
        assert "only holds the template's example rows (2, 3)" in err and EXAMPLE_MARK in err
        assert "435" not in err
