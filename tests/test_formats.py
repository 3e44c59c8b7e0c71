"""Our readers and writers: templates, all problems at once, ROC years, safe exports."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml

from carbon.errors import InputError, plain_words
from carbon.formats import safety
from carbon.formats.project import EXAMPLE_MARK, parse_number, parse_year, read_project, write_template
from carbon.inventory import calculate

HEADER = ["source_id", "name", "iso_category", "method", "activity_amount", "activity_unit", "factor_id", "heat_value", "heat_value_unit", "data_year"]
DIESEL = ["S01", "鍋爐", "1.1", "fuel", 12.5, "公秉", "moenv-2024/diesel-stationary", 8400, "kcal/L", None]
ELEC = ["S02", "外購電力", "2.1", "electricity", 850, "千度", None, None, None, 2024]


def _xlsx(path: Path, rows: list[list], org: dict | None = None) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "sources"
    for r in rows:
        ws.append(r)
    if org:
        o = wb.create_sheet("organisation")
        for k, v in org.items():
            o.append([k, v])
    wb.save(path)
    return path


def _problems(path, **kw) -> list[str]:
    with pytest.raises(InputError) as err:
        read_project(path, **kw)
    return [str(p) for p in err.value.problems]


# --- templates ---------------------------------------------------------------------------


def _clear_marks(p: Path, sheet: str, note: str) -> Path:
    wb = openpyxl.load_workbook(p)
    ws = wb[sheet]
    col = [c.value for c in ws[1]].index(note) + 1
    for r in (2, 3):
        ws.cell(row=r, column=col).value = None
    wb.save(p)
    return p


def test_zh_template_keeps_source_names(tmp_path):
    p = _clear_marks(write_template(tmp_path / "t.xlsx", lang="zh-TW"), "排放源", "備註")
    proj = read_project(p)
    assert list(proj.sources["name"]) == ["鍋爐 柴油", "外購電力"]
    assert proj.origin["headers"]["name"] == "排放源名稱"
    res = calculate(proj)
    names = res.records.drop_duplicates("source_id").set_index("source_id")["source_name"].astype(str).to_dict()
    assert names == {"S01": "鍋爐 柴油", "S02": "外購電力"}


@pytest.mark.parametrize("lang", ["zh-TW", "en"])
def test_untouched_template_is_refused_with_a_word(tmp_path, lang):
    p = write_template(tmp_path / "t.xlsx", lang=lang)
    (msg,) = _problems(p)
    assert "only holds the template's example rows (2, 3)" in msg and EXAMPLE_MARK in msg


def test_template_example_rows_beside_real_rows_are_not_counted(tmp_path):
    p = write_template(tmp_path / "t.xlsx", lang="en")
    wb = openpyxl.load_workbook(p)
    ws = wb["sources"]
    header = [c.value for c in ws[1]]
    ws.append([{"source_id": "MY1", "iso_category": "1.1", "method": "fuel", "activity_amount": 1, "activity_unit": "公秉", "factor_id": "moenv-2024/diesel-stationary", "heat_value": 8400, "heat_value_unit": "kcal/L"}.get(h) for h in header])
    wb.save(p)
    proj = read_project(p)
    assert list(proj.sources["source_id"]) == ["MY1"]
    assert any("rows 2, 3" in n and "not counted" in n for n in proj.notes)
    # 1 kL × 8,400 kcal/L × 4.1868 kJ/kcal = 0.035169 TJ × (74.1 + 0.003·30 + 0.0006·265) t CO2e/TJ
    assert calculate(proj).total_tco2e == pytest.approx(8400 * 4.1868e-6 * (74.1 + 0.09 + 0.159), rel=1e-9)


def test_template_writes_no_formulas_and_no_partial_file(tmp_path):
    p = write_template(tmp_path / "t.xlsx", lang="en")
    wb = openpyxl.load_workbook(p)
    assert all(c.data_type != "f" for ws in wb for row in ws.iter_rows() for c in row)
    assert sorted(x.name for x in tmp_path.iterdir()) == ["t.xlsx"]
    with pytest.raises(InputError, match="folder"):
        write_template(tmp_path / "missing" / "t.xlsx")
    (tmp_path / "d.xlsx").mkdir()
    with pytest.raises(InputError, match="is a folder"):
        write_template(tmp_path / "d.xlsx")
    assert sorted(x.name for x in tmp_path.iterdir()) == ["d.xlsx", "t.xlsx"]


# --- all problems at once --------------------------------------------------------------------


def test_four_problems_four_messages(tmp_path):
    rows = [
        HEADER,
        ["S01", "a", "1.1", "fuel", "twelve", "公秉", "moenv-2024/diesel-stationary", 8400, "kcal/L", None],
        ["S02", "b", "1.1", "fuel", 5, "公桶", "moenv-2024/diesel-stationary", 8400, "kcal/L", None],
        ["S03", "c", "1.1", "fuel", -3, "公秉", "moenv-2024/diesel-stationary", 8400, "kcal/L", None],
        ["S04", "d", "1.1", "fuel", 5, "公秉", "moenv-2024/diesel-stationery", 8400, "kcal/L", None],
    ]
    msgs = _problems(_xlsx(tmp_path / "four.xlsx", rows))
    assert len(msgs) == 4, msgs
    assert any("row 2, column 'activity_amount': 'twelve' is not a number" in m for m in msgs)
    assert any("row 3, column 'activity_unit'" in m and "公桶" in m for m in msgs)
    assert any("row 4" in m and "negative" in m for m in msgs)
    assert any("row 5" in m and "Did you mean 'moenv-2024/diesel-stationary'" in m for m in msgs)


def test_same_problem_on_many_rows_is_one_line(tmp_path):
    rows = [HEADER] + [[f"S{i}", "a", "1.1", "fuel", "n/a", "公秉", "moenv-2024/diesel-stationary", 8400, "kcal/L", None] for i in range(15)]
    (msg,) = _problems(_xlsx(tmp_path / "dup.xlsx", rows))
    assert "row 2, column 'activity_amount': 'n/a' is not a number (also rows 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 and 4 more)." in msg


def test_messages_have_no_pint_jargon_and_no_server_paths(tmp_path):
    rows = [HEADER, ["S01", "a", "2.1", "factor", 100, "kg", "tw-grid/2024", None, None, None], ["S02", "b", "1.1", "fuel", "x", "公秉", "moenv-2024/diesel-stationary", 8400, "kcal/L", None]]
    server = tmp_path / "uploads" / "3f9a"
    server.mkdir(parents=True)
    msgs = _problems(_xlsx(server / "a.xlsx", rows), name="我的盤查.xlsx")
    text = "\n".join(msgs)
    assert "'kg' (mass) cannot be converted to 'kWh' (energy)" in text
    assert "[length]" not in text and "[mass]" not in text
    assert str(tmp_path) not in text and "我的盤查.xlsx" in text
    assert plain_words("'m3' ([length] ** 3) vs ([mass])") == "'m3' (volume) vs (mass)"


# --- numbers and ROC years ---------------------------------------------------------------------


@pytest.mark.parametrize(("text", "value"), [("１２．５", 12.5), ("1,234.5", 1234.5), ("１，２３４．５", 1234.5), ("−3", -3.0), (" 7 ", 7.0), ("1,23", None), ("12 kg", None), ("inf", None)])
def test_parse_number(text, value):
    x = parse_number(text)
    assert (x != x) if value is None else x == value


@pytest.mark.parametrize("text", ["民國113年", "113年", "ROC 113", "113", "2024", "１１３年", "113年度", "中華民國113年", 113, 2024.0])
def test_parse_year_roc_forms(text):
    assert parse_year(text) == 2024


@pytest.mark.parametrize("text", ["去年", "13.5", "3024", "", "民國"])
def test_parse_year_refuses(text):
    assert parse_year(text) is None


@pytest.mark.parametrize("year", ["民國113年", "113年", "ROC 113", "１１３"])
def test_roc_years_in_every_reader(tmp_path, year):
    expected = calculate(read_project(_xlsx(tmp_path / "plain.xlsx", [HEADER, ELEC], {"name": "T", "reporting_year": 2024}))).total_tco2e
    assert expected == pytest.approx(850 * 0.474, rel=1e-12)  # tw-grid/2024 0.474 kg CO2e/kWh
    x = _xlsx(tmp_path / "roc.xlsx", [HEADER, [*ELEC[:-1], year]], {"名稱": "T", "盤查年度": year})
    c = tmp_path / "roc.csv"
    with c.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([HEADER, [*ELEC[:-1], year]])
    y = tmp_path / "roc.yaml"
    y.write_text(yaml.safe_dump({"organisation": {"name": "T", "reporting_year": year, "base_year": year}, "sources": [dict(zip(HEADER, [*ELEC[:-1], year], strict=True))]}, allow_unicode=True), encoding="utf-8")
    for p in (x, c, y):
        proj = read_project(p)
        assert proj.sources["data_year"].tolist() == [2024]
        assert calculate(proj).total_tco2e == pytest.approx(expected, rel=1e-12)
    assert read_project(x).organisation.reporting_year == 2024
    assert read_project(y).organisation.base_year == 2024


def test_bad_year_is_located(tmp_path):
    msgs = _problems(_xlsx(tmp_path / "y.xlsx", [HEADER, [*ELEC[:-1], "去年"]]))
    assert any("row 2, column 'data_year': '去年' is not a year" in m for m in msgs), msgs


# --- safety ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "out"),
    [("=1+1", "'=1+1"), ("+886 2", "'+886 2"), ("-cmd|' /C calc'!A0", "'-cmd|' /C calc'!A0"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\rx", "'\rx"), ("-12.5", "-12.5"), ("+3", "+3"), ("鍋爐", "鍋爐"), (-3.0, -3.0), (None, None), ("", "")],
)
def test_neutralise(value, out):
    assert safety.neutralise(value) == out


def test_neutralise_frame_only_touches_text():
    df = pd.DataFrame({"a": ["=x", "ok", None], "b": [-1.0, 2.0, 3.0]})
    out = safety.neutralise_frame(df)
    assert out["a"].tolist() == ["'=x", "ok", None]
    assert out["b"].tolist() == [-1.0, 2.0, 3.0]
    assert df["a"].tolist()[0] == "=x"  # the input is not changed


def test_spreadsheet_limits_are_the_documented_ones():
    assert safety.MAX_MEMBER_BYTES == 256 * 1024**2
    assert safety.MAX_TOTAL_BYTES == 512 * 1024**2
    assert safety.MAX_CELLS == 60_000_000


def test_ordinary_workbooks_pass_the_safety_check(tmp_path):
    from conftest import SOURCES

    safety.check_spreadsheet(write_template(tmp_path / "t.xlsx"))
    safety.check_spreadsheet(SOURCES / "taiwan" / "moenv-inventory-workbook-sample.ods")


def test_sheet_extent_just_inside_and_outside_the_limit(tmp_path, monkeypatch):
    p = _xlsx(tmp_path / "w.xlsx", [HEADER, DIESEL])
    monkeypatch.setattr(safety, "MAX_CELLS", 20)  # 2 rows × 10 columns
    safety.check_spreadsheet(p)
    monkeypatch.setattr(safety, "MAX_CELLS", 19)
    with pytest.raises(InputError, match=r"reaches cell J2: 2 rows × 10 columns = 20 cells"):
        safety.check_spreadsheet(p)


def test_safe_workbook_neutralises_every_text_cell(tmp_path):
    import openpyxl

    from carbon.formats.safety import safe_workbook

    wb = safe_workbook(tmp_path / "x.xlsx")
    ws = wb.add_worksheet("s")
    ws.write(0, 0, "=1+1")  # through write()
    ws.write_string(1, 0, "@SUM(A1)")  # through write_string()
    ws.write_row(2, 0, ["-2+3", "-12.5", "鍋爐", 5])
    wb.close()
    got = [[c.value for c in row] for row in openpyxl.load_workbook(tmp_path / "x.xlsx")["s"].iter_rows()]
    assert got[0][0] == "'=1+1" and got[1][0] == "'@SUM(A1)"
    assert got[2] == ["'-2+3", "-12.5", "鍋爐", 5]
