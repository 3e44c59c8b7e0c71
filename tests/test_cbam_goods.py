"""One CBAM goods rule (carbon.cbam.goods) over every CN code of the defaults and benchmarks tables.

Issue #8.6: the engine and the defaults module used to disagree on 24 of the 285 CN codes of
the defaults table (7309; the 4-digit headings 7206…7318; 76151010 raised).  Here every CN
code of ``factors/cbam-defaults-2026`` and ``factors/cbam-benchmarks`` is checked against

* Annex II of Regulation (EU) 2023/956 as printed (chapter 72 except ferro-alloys and scrap;
  headings 7301-7326 listed; aluminium 7601-7616 listed; hydrogen; electricity added by
  Regulation (EU) 2025/2083 Art 1(29)), typed here independently of the parser, and
* the "N/A" indirect defaults of IR (EU) 2025/2621 Annex I (exactly the Annex II goods).
"""

from __future__ import annotations

import functools

import pandas as pd
import pytest

import carbon.cbam as cb
from carbon.cbam import defaults, engine, goods
from carbon.cbam.goods import (
    CATEGORY_CN,
    CATEGORY_SOURCE,
    LEGAL_DIR,
    annex_i,
    annex_ii,
    indirect_counts,
    is_annex_ii,
    is_cbam_good,
    normalise_cn,
)
from carbon.errors import CalculationError
from carbon.paths import FACTORS_DIR

#: Annex II of R 2023/956 (lines 1811-1917 of the copy) typed by hand, as prefixes.
ANNEX_II_STEEL_EXCEPT = (
    "72022",
    "720230",
    "720250",
    "720270",
    "720280",
    "720291",
    "720292",
    "720293",
    "720299",
    "7204",
)
ANNEX_II_73 = ("7301", "7302", "7303", "7304", "7305", "7306", "7307", "7308", "7309", "7310", "7311", "7318", "7326")
ANNEX_II_76 = (
    "7601",
    "7603",
    "7604",
    "7605",
    "7606",
    "7607",
    "7608",
    "7609",
    "7610",
    "7611",
    "7612",
    "7613",
    "7614",
    "7616",
)


def hand_annex_ii(cn: str) -> bool:
    if cn.startswith("72"):
        return not cn.startswith(ANNEX_II_STEEL_EXCEPT)
    return cn.startswith((*ANNEX_II_73, *ANNEX_II_76, "28041000", "2716"))


@functools.cache
def table_codes() -> list[str]:
    d = pd.read_csv(FACTORS_DIR / "cbam-defaults-2026" / "defaults.csv", skiprows=1, dtype=str, keep_default_na=False)
    b = pd.read_csv(FACTORS_DIR / "cbam-benchmarks" / "benchmarks.csv", skiprows=1, dtype=str, keep_default_na=False)
    return sorted(set(d["cn_code"]) | set(b["cn_code"]))


@functools.cache
def ir2621_marks() -> dict[str, set[bool]]:
    """CN code -> {True if IR 2025/2621 prints the indirect default as N/A}: 'Other countries' rows with values."""
    d = pd.read_csv(FACTORS_DIR / "cbam-defaults-2026" / "defaults.csv", skiprows=1, dtype=str, keep_default_na=False)
    d = d[(d["status"] == "value") & (d["country_code"] == "OTHER")]
    out: dict[str, set[bool]] = {}
    for cn, note in zip(d["cn_code"], d["notes"], strict=True):
        out.setdefault(cn, set()).add("indirect N/A" in note)
    return out


def test_tables_hold_the_expected_number_of_codes():
    d = pd.read_csv(FACTORS_DIR / "cbam-defaults-2026" / "defaults.csv", skiprows=1, dtype=str, keep_default_na=False)
    assert d["cn_code"].nunique() == 285
    assert len(table_codes()) == 687


@pytest.mark.parametrize("cn", table_codes())
def test_every_table_code_against_annex_ii(cn):
    assert is_annex_ii(cn) is hand_annex_ii(cn)
    assert indirect_counts(cn) is not hand_annex_ii(cn)
    assert indirect_counts(cn_code=cn) is indirect_counts(cn)  # the engine's keyword call, same rule


def test_ir2621_other_countries_marks_agree_with_annex_ii():
    marks = ir2621_marks()
    assert len(marks) > 150
    assert {cn: m for cn, m in marks.items() if m != {is_annex_ii(cn)}} == {}
    # IR 2025/2621 lists four 7615 rows (household aluminium articles) in Tunisia's table only
    # (indirect N/A); 7615 is in neither Annex I nor Annex II of R 2023/956 (copy in factors/sources).
    tunisia_only = [cn for cn in table_codes() if cn.startswith("7615")]
    assert tunisia_only == ["76151010", "76151030", "76151080", "76152000"]
    assert not any(cn in marks or is_cbam_good(cn) or is_annex_ii(cn) for cn in tunisia_only)


@pytest.mark.parametrize(
    ("cn", "counts"),
    [
        ("7309", False),  # '7309 00' of Annex II is the whole heading (engine said True)
        ("7206", False),  # 4-digit headings of chapter 72 (defaults said True)
        ("7318", False),
        ("7326", False),
        ("76151010", True),  # not in Annex II (defaults raised)
        ("7202 21 00", True),  # ferro-silicon: excepted
        ("7202 11 20", False),  # ferro-manganese
        ("2523 10 00", True),
        ("3105", True),
        ("2716 00 00", False),  # R 2025/2083 Art 1(29)
    ],
)
def test_the_24_former_disagreements_and_neighbours(cn, counts):
    assert indirect_counts(cn) is counts


def test_partly_covered_heading_asks_for_the_full_code():
    with pytest.raises(CalculationError, match="8-digit"):
        indirect_counts("7202")
    assert annex_ii().status("7202") is None
    assert annex_i().status("3105") is None  # 3105 60 00 excepted from Annex I
    assert not is_cbam_good("31056000") and is_cbam_good("31051000")


def test_annexes_are_read_with_their_lines():
    a2 = annex_ii()
    text = (LEGAL_DIR / goods.R956_FILE).read_text(encoding="utf-8").split("\n")
    for e in a2.entries:
        fname, line = e.source.split(":")
        lines = text if fname == goods.R956_FILE else (LEGAL_DIR / fname).read_text(encoding="utf-8").split("\n")
        printed = lines[int(line) - 1]
        assert printed.replace(" ", "").replace("Except:", "").startswith(e.code), (e, printed)
    assert [e.code for e in a2.entries if e.exception] == [
        "72022", "72023000", "72025000", "72027000", "72028000", "72029100", "72029200", "72029300", "720299",
        "72029910", "72029930", "72029980", "7204",
    ]  # fmt: skip
    assert a2.entries[-1].code == "27160000" and a2.entries[-1].source.startswith(goods.R2083_FILE)
    assert {e.sector for e in annex_i().entries} == {
        "Cement",
        "Electricity",
        "Fertilisers",
        "Iron and steel",
        "Aluminium",
        "Chemicals",
    }
    assert engine.legal_constants().annex_ii_exceptions[-1] == "7204"


def test_category_codes_are_printed_on_the_cited_lines_of_ir_2547_table_1():
    lines = (LEGAL_DIR / goods.IR2547_FILE).read_text(encoding="utf-8").split("\n")
    for category, codes in CATEGORY_CN.items():
        for code, src in zip(codes, CATEGORY_SOURCE[category], strict=True):
            spaced = " ".join([code[:4], *[code[i : i + 2] for i in range(4, len(code), 2)]])
            assert lines[int(src.split(":")[1]) - 1].startswith(spaced + " \u2013"), (category, code, src)


@pytest.mark.parametrize(
    ("raw", "digits"),
    [
        ("7318 15 42", "73181542"),
        (73181542.0, "73181542"),
        ("7318.15.42", "73181542"),
        ("7318", "7318"),
        (None, ""),
        ("", ""),
    ],
)
def test_one_cn_normalisation(raw, digits):
    assert normalise_cn(raw) == digits
    assert cb.normalise_cn is normalise_cn  # the only definition


@pytest.mark.parametrize("bad", ["73181", "7318154200", "73A1"])
def test_cn_normalisation_rejects_bad_codes(bad):
    with pytest.raises(CalculationError, match="4, 6 or 8 digits"):
        normalise_cn(bad)


def test_one_definition_of_each_rule():
    assert not hasattr(defaults, "indirect_counts") and defaults.normalise_cn is goods.normalise_cn
    assert not hasattr(engine, "indirect_counts") or engine.indirect_counts is goods.indirect_counts
    assert cb.indirect_counts is goods.indirect_counts
    assert not hasattr(cb.cost, "Precursor")  # the FAA precursor is cost.FaaPrecursor
    assert cb.Precursor is cb.model.Precursor


def test_yaml_reports_a_bad_cn_code_as_an_input_problem(tmp_path):
    from carbon.errors import InputError

    data = {
        "installation": {"name": "x"},
        "processes": [{"name": "P", "production_t": 1}],
        "goods": [{"cn_code": "731815", "process": "P"}, {"cn_code": "73181", "process": "P"}],
    }
    with pytest.raises(InputError, match=r"goods\[1\]\.cn_code"):
        cb.cbam_input_from_dict(data)
