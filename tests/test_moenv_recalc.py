"""The MOENV workbook recomputed from its inputs equals LibreOffice's recalculation.

The official sample is converted to .xlsx by LibreOffice, then copies with changed inputs
are saved through openpyxl (which keeps the formulas but stores no computed values: the
reader must compute everything from the input cells).  LibreOffice converts each copy
again, which recalculates it; the totals (表八 I8), the per-source CO2e (表五 AU) and the
data-quality score (表八 B31) it gives are read with openpyxl ``data_only`` and compared
with carbon's reading of the uncalculated copy.  A copy whose stored values are stale
(inputs edited in the file's XML, formulas' values left as they were) must give the new
answer and name the stale cells.

Conversions are shared by module-scoped fixtures: one soffice run for the sample, one for
all copies.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from functools import cache
from pathlib import Path

import openpyxl
import pytest
from openpyxl.formula.translate import Translator

from carbon.accounting import round_half_up
from carbon.formats.moenv import read_moenv_workbook
from carbon.formats.moenv.layout import METHOD_PUBLISHED
from carbon.inventory import calculate

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "factors" / "sources" / "taiwan" / "moenv-inventory-workbook-sample.ods"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")

pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")

#: Edits per copy: {(sheet, cell): value}; None clears a cell.  Three copies keep the
#: LibreOffice runs few: the sample untouched, changed inputs, changed rows and methods.
INPUTS = {
    ("表四", "O8"): 600,  # activity
    ("表四", "Y4"): 7800,  # heat value
    ("表四", "Q4"): 0.6,  # allocation
    ("表一", "B3"): 110,  # electricity year 民國110 (附表一 0.509)
    ("表四", "O14"): 45,  # refrigerant refilled
    ("表四", "U8"): "連續量測",  # grade A
    ("表六", "H8"): "(3)未進行儀器校正或未進行紀錄彙整者",  # grade B
    ("表五", "W12"): "3製造廠提供係數",  # grade C
}
_ROW9 = {("表三", f"{c}9"): None for c in "ABDEGHJKLNOPU"} | {("表四", f"{c}9"): None for c in "NOPQSTUXYZ"}
ROWS = _ROW9 | {  # GV02 (row 9) removed; a diesel boiler added in row 15
    ("表三", "A15"): "G07", ("表三", "B15"): "000999", ("表三", "D15"): "GM04", ("表三", "E15"): "0201",
    ("表三", "G15"): "1.原燃物料", ("表三", "H15"): "170006", ("表三", "J15"): "否", ("表三", "K15"): "直接",
    ("表三", "L15"): "固定燃燒", ("表三", "N15"): "v", ("表三", "O15"): "v", ("表三", "P15"): "v", ("表三", "U15"): "否",
    ("表四", "O15"): 100, ("表四", "P15"): "公秉", ("表四", "Q15"): 1, ("表四", "U15"): "連續量測",
    ("表四", "X15"): METHOD_PUBLISHED, ("表四", "Y15"): 8400, ("表四", "Z15"): "Kcal/L",
    ("表五", "W15"): "5國家排放係數", ("表五", "AG15"): "5國家排放係數", ("表五", "AQ15"): "5國家排放係數",
    ("表六", "H15"): "(1)有進行外部校正或有多組數據茲佐證者",
    ("表四", "X3"): METHOD_PUBLISHED,  # GM01 diesel switches to the announced factors (附表一)
    ("表三", "J8"): "是",  # GV01 declared biogenic: its CO2 is reported apart (表五 AV)
    ("表三", "H14"): "GG1835",  # the refrigerant becomes HFC-134a (附表七 name, 附表二 GWP)
}  # fmt: skip
COPIES = {"plain": {}, "inputs": INPUTS, "rows": ROWS}


def _soffice(files: list[Path], outdir: Path, profile: Path) -> None:
    cmd = [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "xlsx"]
    subprocess.run([*cmd, "--outdir", str(outdir), *map(str, files)], check=True, capture_output=True, timeout=300)
    missing = [f.name for f in files if not (outdir / f"{f.stem}.xlsx").exists()]
    assert not missing, f"LibreOffice did not convert {missing}"


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("moenv-recalc")


@pytest.fixture(scope="module")
def sample_xlsx(work) -> Path:
    """The sample as LibreOffice writes it to .xlsx (formulas and computed values)."""
    src = work / "src"
    src.mkdir()
    _soffice([SAMPLE], src, work / "profile")
    return src / f"{SAMPLE.stem}.xlsx"


@pytest.fixture(scope="module")
def copies(work, sample_xlsx) -> dict[str, tuple[Path, Path]]:
    """{name: (copy saved through openpyxl, LibreOffice's recalculation of it)}."""
    edited, recalc = work / "edited", work / "recalc"
    edited.mkdir()
    recalc.mkdir()
    wb = openpyxl.load_workbook(sample_xlsx)
    paths = []
    for name, edits in COPIES.items():
        if name == "rows":  # the user fills row 15 with the formulas of row 14, as the form's rows below 14 lack some
            edits = _fill_down(wb, edits)
        old = {k: wb[k[0]][k[1]].value for k in edits}
        for (sheet, ref), v in edits.items():
            wb[sheet][ref] = v
        wb.save(edited / f"{name}.xlsx")
        for (sheet, ref), v in old.items():
            wb[sheet][ref] = v
        paths.append(edited / f"{name}.xlsx")
    _soffice(paths, recalc, work / "profile")
    return {n: (edited / f"{n}.xlsx", recalc / f"{n}.xlsx") for n in COPIES}


def _fill_down(wb, edits: dict) -> dict:
    """Edits plus 表三/表五 row 15 formulas translated from row 14 (where row 15 lacks them)."""
    out = dict(edits)
    for sheet in ("表三", "表五"):
        for cell in wb[sheet][14]:
            f, below = cell.value, wb[sheet].cell(15, cell.column)
            if isinstance(f, str) and f.startswith("=") and below.value is None:
                out[(sheet, below.coordinate)] = Translator(f, origin=cell.coordinate).translate_formula(
                    below.coordinate
                )
    return out


def _lo(path: Path) -> dict:
    """Values LibreOffice computed: 表八 I8 (total), B31 (data-quality score), A37 (share with an
    uncertainty assessment), 表五 AU and 表六 P by row."""
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        t5 = {r[0].row: r[0].value for r in wb["表五"].iter_rows(min_row=3, max_row=20, min_col=47, max_col=47)}
        t6 = {r[0].row: r[0].value for r in wb["表六"].iter_rows(min_row=3, max_row=20, min_col=16, max_col=16)}
        t8 = wb["表八"]
        return {"total": t8["I8"].value, "dq": t8["B31"].value, "au": t5, "x": t6, "covered": t8["A37"].value}
    finally:
        wb.close()


@cache
def _ours(path: Path):
    """carbon's reading and calculation of a copy (once per copy and module)."""
    project = read_moenv_workbook(path)
    return project, calculate(project, rounding="moenv")


def _by_row(project, result) -> dict[int, float]:
    r = result.records
    fossil = r[~r["biogenic"].astype(bool)]
    by_sid = fossil.groupby(fossil["source_id"].astype(str))["co2e_t"].sum()
    return {row: float(by_sid.get(sid, 0.0)) for sid, (_s, row) in project.origin["sheet_rows"].items()}


@pytest.mark.parametrize("name", list(COPIES))
def test_copy_equals_libreoffice(copies, name):
    edited, recalc = copies[name]
    lo = _lo(recalc)
    project, result = _ours(edited)
    assert result.total_tco2e == pytest.approx(float(lo["total"]), abs=1e-9), name
    for row, v in _by_row(project, result).items():
        assert v == pytest.approx(float(lo["au"][row] or 0.0), abs=1e-9), (name, row)
    # nothing was taken from a computed cell: the copy stores none
    assert project.origin["uncalculated_cells"] > 100 and project.origin["checks"] == []
    x = (project.sources["grade_a"] * project.sources["grade_b"] * project.sources["grade_c"]).astype(int)
    for (_sid, (_s, row)), xv in zip(project.origin["sheet_rows"].items(), x, strict=True):
        assert xv == int(lo["x"][row]), (name, row)
    assert _form_score(result) == pytest.approx(float(lo["dq"]), abs=1e-9), name
    # 表八 A37: share of the total with an uncertainty assessment (C37/D37 are #VALUE! in LibreOffice)
    assert result.uncertainty.covered_share == pytest.approx(float(lo["covered"]), rel=1e-12), name


def _form_score(result) -> float:
    """表八 B31 as the form computes it: Σ ROUND(ROUND(share, 4) × X, 2) (表六 Q, S)."""
    t = result.data_quality.table
    x = t["grade_a"] * t["grade_b"] * t["grade_c"]
    return float(round_half_up(round_half_up(t["share"].to_numpy(float), 4) * x.to_numpy(float), 2).sum())


def test_known_figures(copies):
    """The changed copies give the figures a hand calculation gives."""
    plain = _ours(copies["plain"][0])[1]
    assert plain.total_tco2e == pytest.approx(48925.715, abs=1e-9)  # the sample's published total
    project, result = _ours(copies["inputs"][0])
    r = result.records
    el = r[r["source_id"] == "GP01"]
    assert float(el["co2e_t"].sum()) == pytest.approx(round(71175.266 * 0.509, 4), abs=1e-9)  # 附表一 民國110
    assert float(r.loc[r["source_id"] == "GP02-GG1840", "co2e_t"].sum()) == pytest.approx(0.045 * 12400, abs=1e-9)
    project, result = _ours(copies["rows"][0])
    s = project.sources.set_index("source_id")
    assert "GV02" not in s.index and "GM04" in s.index
    assert (s.at["GP02-GG1835", "method"], s.at["GP02-GG1835", "gas"]) == ("refrigerant", "HFC-134a")
    assert s.at["GP02-GG1835", "material_name"].startswith("HFC-134a")  # 附表七, the copy stores no name
    r = result.records
    gv01 = r[r["source_id"] == "GV01"]
    assert gv01.loc[gv01["gas"] == "CO2", "biogenic"].astype(bool).all()  # reported apart, as 表五 AV
    assert result.biogenic_co2_t == pytest.approx(1154.635, abs=1e-9)
    gm01 = r[r["source_id"] == "GM01"]  # 2715.734 kL × 8642 kcal/L × 74100 kg/TJ (附表一 柴油)
    co2 = float(gm01.loc[gm01["gas"] == "CO2", "mass_t"].sum())
    assert co2 == pytest.approx(round(2715.734 * 74100 * 8642 * 4186.8e-12, 4), abs=1e-9)


def _stale_copy(sample_xlsx: Path, out: Path, edits: dict[tuple[str, str], float]) -> Path:
    """Change input cells in the file's XML only: every formula keeps its old stored value."""
    with zipfile.ZipFile(sample_xlsx) as z:
        files = {n: z.read(n) for n in z.namelist()}
    book = files["xl/workbook.xml"].decode()
    rels = files["xl/_rels/workbook.xml.rels"].decode()
    for (sheet, ref), v in edits.items():
        rid = re.search(rf'<sheet [^>]*name="{sheet}"[^>]*r:id="([^"]+)"', book).group(1)
        target = re.search(rf'Id="{rid}"[^>]*Target="([^"]+)"', rels) or re.search(
            rf'Target="([^"]+)"[^>]*Id="{rid}"', rels
        )
        part = "xl/" + target.group(1).lstrip("/").removeprefix("xl/")
        xml, n = re.subn(rf'(<c r="{ref}"[^>]*>)<v>[^<]*</v>', rf"\g<1><v>{v}</v>", files[part].decode())
        assert n == 1, (sheet, ref)
        files[part] = xml.encode()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for n, data in files.items():
            z.writestr(n, data)
    return out


def test_stale_values_give_the_new_answer(work, sample_xlsx, copies):
    numeric = {k: v for k, v in INPUTS.items() if isinstance(v, (int, float))}  # text cells stay as they were
    stale = _stale_copy(sample_xlsx, work / "stale.xlsx", numeric)
    lo = _lo(copies["inputs"][1])  # same numeric edits, recalculated by LibreOffice
    project, result = _ours(stale)
    assert result.total_tco2e == pytest.approx(float(lo["total"]), abs=1e-9)
    assert result.total_tco2e != pytest.approx(48925.715, abs=1)
    by_row = _by_row(project, result)
    assert by_row[8] == pytest.approx(float(lo["au"][8]), abs=1e-9)  # GV01 600 kL
    stale_cells = {(s, c) for s, c, _old, _new in project.origin["checks"]}
    assert {
        ("表五", "X8"),
        ("表五", "AU8"),
        ("表五", "X4"),
        ("表五", "T4"),
        ("表五", "R12"),
        ("表五", "X14"),
    } <= stale_cells
    note = next(n for n in project.notes if n.startswith("表五 X8:"))
    assert "shows 1154.635" in note and "inputs give 1324.6291" in note


def test_year_missing_from_the_workbook_takes_the_library_grid_factor(work, copies):
    """附表一 stops at 民國112 with a value: for 113 the workbook would count electricity 0;
    carbon takes tw-grid/2024 from the library and says so."""
    f = _stale_copy(copies["plain"][0], work / "year113.xlsx", {("表一", "B3"): 113})
    project = read_moenv_workbook(f)
    result = calculate(project, rounding="moenv")
    el = project.sources.set_index("source_id").loc["GP01"]
    assert el["data_year"] == 2024 and el["factor_id"] == "tw-grid/2024"
    assert "附表一 lists no electricity factor for 民國113" in el["note"] and "tw-grid/2024" in el["note"]
    r = result.records
    assert float(r.loc[r["source_id"] == "GP01", "co2e_t"].sum()) == pytest.approx(round(71175.266 * 0.474, 4))
