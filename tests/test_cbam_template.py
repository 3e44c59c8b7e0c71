"""Reading and writing the Commission's CBAM Communication template (v2.1.x).

Done-when: the Commission's filled example "screws and nuts" (EX4), read from a copy whose
computed cells were emptied, gives installation direct emissions 4 948.02 t and SEE
2.006938235 / 0.4066 (CN 7318 15 42) and 1.952447561 / 2.278795122 (CN 7318 15 35).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from carbon.cbam import (
    CbamInput,
    Electricity,
    Good,
    Installation,
    Precursor,
    PrecursorUse,
    ProductionProcess,
    SourceStream,
    WasteGas,
    calculate,
)
from carbon.errors import CalculationError, InputError
from carbon.formats import xlsx_package
from carbon.formats.cbam_template import INPUT_SHEETS, read_template, write_template
from carbon.formats.cbam_template.codelists import goods_categories

ROOT = Path(__file__).resolve().parents[1]
BLANK = ROOT / "factors/sources/cbam/eu-cbam-communication-template-installations-v2.1.1.xlsx"
EX4 = ROOT / "factors/sources/cbam/eu-cbam-example-steel-screws-and-nuts.xlsx"
CELL = re.compile(r'<c\b[^>]*?\br="([A-Z]{1,3}\d+)"[^>]*?(?:/>|>.*?</c>)', re.S)


def _strip_computed(src: Path, dst: Path, poison: dict[tuple[str, str], str] | None = None) -> Path:
    """Copy ``src`` with every cached formula result removed and every locked constant blanked.

    ``poison`` puts constant numbers into (sheet, cell) pairs - used to show that the
    reader never looks at computed cells.
    """
    book = xlsx_package.Book(src)
    part_sheet = {v: k for k, v in book.parts.items()}
    poison = poison or {}
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            sheet = part_sheet.get(info.filename)
            if sheet is not None:

                def repl(m: re.Match[str], sheet: str = sheet) -> str:
                    cell, coord = m.group(0), m.group(1)
                    head_end = cell.index(">") + 1
                    head = cell[:head_end]
                    sm = re.search(r'\bs="(\d+)"', head)
                    style = int(sm.group(1)) if sm else 0
                    if (sheet, coord) in poison:
                        return f'<c r="{coord}" s="{style}"><v>{poison[(sheet, coord)]}</v></c>'
                    if "<f" in cell:
                        head = re.sub(r'\st="[^"]*"', "", head)
                        body = re.sub(r"<v>.*?</v>|<v/>", "", cell[head_end:], flags=re.S)
                        return head + body
                    if style not in book.unlocked_styles:
                        return f'<c r="{coord}" s="{style}"/>'
                    return cell

                data = CELL.sub(repl, data.decode("utf-8")).encode("utf-8")
            zout.writestr(info, data)
    book.close()
    return dst


@pytest.fixture(scope="module")
def stripped(tmp_path_factory) -> Path:
    return _strip_computed(EX4, tmp_path_factory.mktemp("ex4") / "ex4-stripped.xlsx")


@pytest.fixture(scope="module")
def ex4_input(stripped) -> CbamInput:
    return read_template(stripped)


def test_stripped_copy_has_no_cached_results(stripped):
    with zipfile.ZipFile(stripped) as z:
        xml = z.read("xl/worksheets/sheet13.xml").decode()  # Summary_Products
    cells_with_formula = [c for c in CELL.findall(xml)]
    assert cells_with_formula
    assert not re.search(r"</f><v>", xml)


def test_screws_and_nuts_example_reproduced(ex4_input):
    """EX4 (Commission example 'screws and nuts', docs/FACTS-cbam.md section 5)."""
    r = calculate(ex4_input)
    assert r.installation.direct_t == pytest.approx(4948.02, rel=1e-6)  # 25 200 t x 3.5 GJ/t x 56.1 / 1000
    assert r.installation.indirect_t == pytest.approx(4198.32, rel=1e-6)
    g = r.good("7318 15 42")
    assert g.process == "Carbon steel screws and nuts"
    assert g.see_direct == pytest.approx(2.006938235, rel=1e-6)
    assert g.see_indirect == pytest.approx(0.4066, rel=1e-6)
    assert g.embedded_electricity_mwh_per_t == pytest.approx(0.6065794118, rel=1e-6)
    g = r.good("7318 15 35")
    assert g.see_direct == pytest.approx(1.952447561, rel=1e-6)
    assert g.see_indirect == pytest.approx(2.278795122, rel=1e-6)
    assert g.embedded_electricity_mwh_per_t == pytest.approx(2.734889341, rel=1e-6)
    # definitive period: screws are Annex II goods -> embedded emissions are direct only
    assert g.see_embedded == g.see_direct
    d = r.to_dict()
    assert set(d) == {"installation", "processes", "goods"}
    assert set(d["installation"]) == {"direct_t", "indirect_t"}
    assert set(d["goods"][0]) == {
        "cn_code",
        "process",
        "see_direct",
        "see_indirect",
        "see_total",
        "see_embedded",
        "indirect_counted",
        "embedded_electricity_mwh_per_t",
    }
    # the template's total is direct + indirect (2.413538 for the carbon-steel screws, issue #8.5)
    assert d["goods"][0]["see_total"] == pytest.approx(2.413538235, rel=1e-9)
    assert [p["activity_level_t"] for p in d["processes"]] == [17000.0, 8200.0]


def test_reader_takes_input_cells_and_evaluates_their_formulas(ex4_input):
    inp = ex4_input
    assert inp.installation.name == "Example Screw Production Plant"
    assert inp.installation.country == "United States"
    assert str(inp.period_start) == "2023-01-01" and str(inp.period_end) == "2023-12-31"
    ss = inp.source_streams[0]
    # B_EmInst F17 holds the operator's formula =((17000+8200)*3.5)/H17
    assert (ss.name, ss.method, ss.activity, ss.ncv, ss.emission_factor) == (
        "Natural gas",
        "combustion",
        pytest.approx(1837.5),
        48.0,
        56.1,
    )
    p1 = inp.processes[0]
    assert p1.direct_emissions_t == pytest.approx(3337.95)  # =(17000*3.5)*(B_EmInst!J17/1000)
    assert p1.electricity.ef_source == "D.4(b)"
    assert p1.precursors == (PrecursorUse("Carbon steel", 20000.0),)
    pp1 = inp.precursors[0]
    assert (pp1.country, pp1.see_direct, pp1.see_indirect) == ("CN", 1.539, pytest.approx(0.204))
    assert [g.cn_code for g in inp.goods] == ["73181542", "73181535"]
    assert inp.extra_cells["C_Emissions&Energy!H42"] == "Four eyes principle"


def _patch_cells(src: Path, dst: Path, cells: dict[tuple[str, str], str]) -> Path:
    """Copy ``src`` replacing whole <c> elements: (sheet, cell) -> new XML of the cell."""
    book = xlsx_package.Book(src)
    parts = {book.parts[sheet]: sheet for sheet, _ in cells}
    book.close()
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            sheet = parts.get(info.filename)
            if sheet is not None:

                def repl(m: re.Match[str], sheet: str = sheet) -> str:
                    return cells.get((sheet, m.group(1)), m.group(0))

                data = CELL.sub(repl, data.decode("utf-8")).encode("utf-8")
            zout.writestr(info, data)
    return dst


def test_computed_cells_are_never_read(tmp_path, stripped):
    # constants with absurd values in computed (locked) cells, keeping their style
    values = {
        ("D_Processes", "L24"): "1",  # total production
        ("Summary_Products", "I10"): "99",  # SEE direct
        ("B_EmInst", "AU17"): "1",  # CO2e of the source stream
        ("E_PurchPrec", "L52"): "42",  # SEE indirect of PP1
    }
    book = xlsx_package.Book(stripped)
    poison = {}
    for (sheet, coord), v in values.items():
        assert not book.unlocked(sheet, coord), (sheet, coord)
        style = book.cells(sheet).style(coord)
        poison[(sheet, coord)] = f'<c r="{coord}" s="{style}"><v>{v}</v></c>'
    book.close()
    path = _patch_cells(stripped, tmp_path / "poisoned.xlsx", poison)
    check = xlsx_package.Book(path)
    assert check.cells("Summary_Products")["I10"].value == 99.0  # the poison is really there
    check.close()
    r = calculate(read_template(path))
    assert r.installation.direct_t == pytest.approx(4948.02, rel=1e-9)
    assert r.good("73181542").see_direct == pytest.approx(2.006938235, rel=1e-6)
    assert r.good("73181542").see_indirect == pytest.approx(0.4066, rel=1e-6)


def test_formula_referring_to_a_computed_cell_is_rejected(tmp_path):
    src = _patch_cells(EX4, tmp_path / "bad.xlsx", {("B_EmInst", "F17"): '<c r="F17" s="853"><f>AU17*2</f></c>'})
    with pytest.raises(InputError) as exc:
        read_template(src)
    text = str(exc.value)
    assert "B_EmInst" in text and "F17" in text and "AU17" in text and "not an input cell" in text


def read_template_error(path, name):
    with pytest.raises(InputError) as exc:
        read_template(path, name=name)
    return exc.value


def test_not_a_template_is_a_clear_error(tmp_path):
    p = tmp_path / "x.xlsx"
    p.write_bytes(b"not a zip")
    with pytest.raises(InputError, match="not a readable workbook"):
        read_template(p)
    assert "/tmp" not in str(read_template_error(p, "x.xlsx"))  # an upload's own name, not the server path


# ------------------------------------------------------------------------------- writer
@pytest.fixture(scope="module")
def written(tmp_path_factory, ex4_input) -> Path:
    out = tmp_path_factory.mktemp("w") / "ex4-written.xlsx"
    return write_template(ex4_input, calculate(ex4_input), out, recalc_on_load=False)


def test_writer_changes_only_input_cells(written):
    with zipfile.ZipFile(BLANK) as a, zipfile.ZipFile(written) as b:
        assert a.namelist() == b.namelist()
        changed = [n for n in a.namelist() if a.read(n) != b.read(n)]
    book = xlsx_package.Book(BLANK)
    input_parts = {book.parts[s] for s in INPUT_SHEETS}
    book.close()
    assert changed and set(changed) <= input_parts
    a, b = xlsx_package.Book(BLANK), xlsx_package.Book(written)
    part_sheet = {v: k for k, v in a.parts.items()}
    n_changed = 0
    for part in changed:
        sheet = part_sheet[part]
        before, after = a.cells(sheet)._raw, b.cells(sheet)._raw
        assert set(after) == set(before), sheet  # no cell added or removed
        for coord, (style, snippet) in before.items():
            new_style, new_snippet = after[coord]
            if new_snippet != snippet:
                n_changed += 1
                assert style in a.unlocked_styles, f"{sheet}!{coord} is not an input cell"
                assert new_style == style  # style kept
                assert "<f>" not in new_snippet  # only constants written
    a.close()
    b.close()
    assert n_changed > 30


def test_recalc_on_load_only_touches_calcpr(tmp_path, ex4_input):
    out = write_template(ex4_input, None, tmp_path / "recalc.xlsx")
    with zipfile.ZipFile(BLANK) as a, zipfile.ZipFile(out) as b:
        wa, wb = a.read("xl/workbook.xml").decode(), b.read("xl/workbook.xml").decode()
    assert wa != wb
    assert re.sub(r"<calcPr[^>]*>", "", wa) == re.sub(r"<calcPr[^>]*>", "", wb)
    assert 'fullCalcOnLoad="1"' in wb


def test_written_template_reads_back_identically(written, ex4_input):
    r1 = calculate(ex4_input)
    back = read_template(written)
    r2 = calculate(back)
    d1, d2 = r1.to_dict(), r2.to_dict()
    assert d2["installation"] == pytest.approx(d1["installation"], rel=1e-12)
    for g1, g2 in zip(d1["goods"], d2["goods"], strict=True):
        assert g1["cn_code"] == g2["cn_code"]
        for k in ("see_direct", "see_indirect", "see_total", "embedded_electricity_mwh_per_t"):
            assert g2[k] == pytest.approx(g1[k], rel=1e-12)
    assert back.extra_cells["Summary_Products!Q10"] == 623108.0


def test_written_template_opens_with_openpyxl(written):
    import warnings

    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(written, read_only=True)
        assert wb["D_Processes"]["L16"].value == 17000
        assert wb["B_EmInst"]["E17"].value == "Natural gas"
        assert wb["Summary_Products"]["F10"].value == "73181542"
        assert wb["A_InstData"]["L83"].value == "Carbon steel screws and nuts"
        wb.close()


def test_writer_refuses_computed_cells(tmp_path, ex4_input):
    bad = CbamInput(**{**ex4_input.__dict__, "extra_cells": {"B_EmInst!AU17": 5.0}})
    with pytest.raises(CalculationError, match="not an input cell"):
        write_template(bad, None, tmp_path / "bad.xlsx")


def _steel_input() -> CbamInput:
    """Internal + purchased precursors, waste gas, source shares (DirEm* computed)."""
    return CbamInput(
        installation=Installation("Steelworks", country="Taiwan", country_code="TW"),
        source_streams=(
            SourceStream("Coke", "mass_balance", 300000.0, "t", carbon_content=0.9),
            SourceStream("Hot metal out", "mass_balance", -800000.0, "t", carbon_content=0.045),
            SourceStream("Natural gas", "combustion", 20000.0, "t", ncv=50.0, emission_factor=50.0),
        ),
        processes=(
            ProductionProcess(
                "Blast furnace",
                "Pig iron",
                production_t=(800000.0,),
                sources={"Coke": 1.0, "Hot metal out": 1.0},
                waste_gases=(WasteGas("export", 5000.0, 260.0),),
                electricity=Electricity(40000.0, 0.6, "D.4(a)"),
                precursors=(PrecursorUse("Sinter", 1200000.0),),
            ),
            ProductionProcess(
                "BOF steel",
                "Crude steel",
                production_t=(900000.0,),
                sources={"Natural gas": 1.0},
                waste_gases=(WasteGas("import", 1000.0, 260.0),),
                electricity=Electricity(90000.0, 0.6, "D.4(a)"),
                precursors=(PrecursorUse("Blast furnace", 800000.0),),
            ),
        ),
        precursors=(
            Precursor(
                "Sinter",
                "Sintered Ore",
                "BR",
                see_direct=0.2,
                specific_electricity_mwh_per_t=0.05,
                electricity_ef=0.6,
                electricity_ef_source="D.4(a)",
            ),
        ),
        goods=(Good("72011011", "Blast furnace", "Pig iron"), Good("72071114", "BOF steel", "Slabs")),
    )


def test_model_written_from_scratch_round_trips(tmp_path):
    """Internal + purchased precursors, waste gas, source shares (DirEm* computed)."""
    inp = _steel_input()
    r1 = calculate(inp)
    out = write_template(inp, r1, tmp_path / "steel.xlsx")
    back = read_template(out)
    assert back.installation.country_code == "TW"
    r2 = calculate(back)
    d1, d2 = r1.to_dict(), r2.to_dict()
    assert d2["installation"] == pytest.approx(d1["installation"], rel=1e-12)
    for p1, p2 in zip(d1["processes"], d2["processes"], strict=True):
        assert p2["name"] == p1["name"]
        assert p2["attributed_direct_t"] == pytest.approx(p1["attributed_direct_t"], rel=1e-12)
    for g1, g2 in zip(d1["goods"], d2["goods"], strict=True):
        assert g2["see_direct"] == pytest.approx(g1["see_direct"], rel=1e-12)
        assert g2["see_indirect"] == pytest.approx(g1["see_indirect"], rel=1e-12)
        assert g2["see_total"] == pytest.approx(g1["see_total"], rel=1e-12)


_OFFICE = shutil.which("libreoffice") or shutil.which("soffice")


@pytest.mark.skipif(
    _OFFICE is None,
    reason="LibreOffice is not installed here (libreoffice/soffice not on PATH); "
    "the PDF conversion check runs where it is available",
)
def test_libreoffice_converts_written_template_to_pdf(written, tmp_path):
    proc = subprocess.run(
        [_OFFICE, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(written)],
        capture_output=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / (written.stem + ".pdf")).stat().st_size > 0


_RECALC_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse">
<value>0</value></prop></item>
</oor:items>
"""


@pytest.mark.slow
@pytest.mark.skipif(
    _OFFICE is None or os.environ.get("CARBON_RUN_SLOW") != "1",
    reason="slow (~30 s): set CARBON_RUN_SLOW=1 and install LibreOffice to let the official template's own "
    "formulas recompute the written files",
)
def test_official_template_formulas_agree_with_the_engine(tmp_path, ex4_input):
    """LibreOffice recomputes the Commission template's formulas over the written inputs.

    The template's Summary_Products SEE direct (I), indirect (J) and embedded electricity
    (O) must equal the engine's results (the template's total K is the transitional
    direct + indirect, so it is not compared).
    """
    import openpyxl

    profile = tmp_path / "profile"
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(_RECALC_PROFILE, encoding="utf-8")
    cases = {"ex4": ex4_input, "steel": _steel_input()}
    results = {}
    files = []
    for name, inp in cases.items():
        results[name] = calculate(inp)
        files.append(str(write_template(inp, results[name], tmp_path / f"{name}.xlsx")))
    out = tmp_path / "recalc"
    proc = subprocess.run(
        [
            _OFFICE,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(out),
            *files,
        ],
        capture_output=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    import warnings

    for name, r in results.items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(out / f"{name}.xlsx", data_only=True, read_only=True)
            rows = list(wb["Summary_Products"].iter_rows(min_row=10, max_row=9 + len(r.goods), values_only=True))
            wb.close()
        for g, row in zip(r.goods, rows, strict=True):
            assert row[5] == g.cn_code  # column F
            assert row[8] == pytest.approx(g.see_direct, rel=1e-9)  # I
            assert row[9] == pytest.approx(g.see_indirect, rel=1e-9)  # J
            assert row[14] == pytest.approx(g.embedded_electricity_mwh_per_t, rel=1e-9)  # O


def test_template_categories_match_the_engine_and_are_spelled_exactly(tmp_path):
    from carbon.cbam.goods import CATEGORY_CN

    book = xlsx_package.Book(BLANK)
    cats = goods_categories(book)
    book.close()
    assert {c.strip() for c in cats} == set(CATEGORY_CN)
    assert "Calcined clays " in cats  # the template's own spelling, trailing space included
    inp = CbamInput(
        installation=Installation("Clay works", country_code="TW"),
        processes=(ProductionProcess("Calciner", "calcined clays", production_t=(100.0,), direct_emissions_t=10.0),),
        goods=(Good("25070080", "Calciner"),),
    )
    out = write_template(inp, None, tmp_path / "clay.xlsx")
    book = xlsx_package.Book(out)
    assert book.cells("A_InstData")["E83"].value == "Calcined clays "
    assert book.cells("A_InstData")["I26"].value == "Taiwan"  # country written as the list name
    book.close()
    bad = CbamInput(**{**inp.__dict__, "processes": (ProductionProcess("Calciner", "Calcined clayz"),)})
    with pytest.raises(InputError, match="Calcined clays"):
        write_template(bad, None, tmp_path / "bad.xlsx")


def test_hostile_text_is_written_as_escaped_inline_text_never_a_formula(tmp_path, ex4_input):
    """Text cells are built with ElementTree: markup is escaped, control characters dropped, '=' stays text."""
    import dataclasses

    evil = '=HYPERLINK("http://x.example","click") <b>&amp;</b>\x01\x1f'
    inst = dataclasses.replace(ex4_input.installation, name=evil, city="+cmd|' /C calc'!A0")
    out = write_template(dataclasses.replace(ex4_input, installation=inst), None, tmp_path / "evil.xlsx")
    book = xlsx_package.Book(out)
    name_cell = book.cells("A_InstData")["I20"]
    raw = next(m.group(0) for m in CELL.finditer(book.sheet_xml("A_InstData")) if m.group(1) == "I20")
    book.close()
    assert name_cell.t == "s" and name_cell.value == '=HYPERLINK("http://x.example","click") <b>&amp;</b>'
    assert 't="inlineStr"' in raw and "<f>" not in raw and "&lt;b&gt;&amp;amp;&lt;/b&gt;" in raw
    back = read_template(out)
    assert back.installation.name == name_cell.value
    assert back.installation.city == "+cmd|' /C calc'!A0"
