"""Fuzzing every reader with generated and mutated files (hypothesis).

Property: a reader either returns, or raises a :mod:`carbon.errors` error; an ``InputError``
names the file of every problem.  Any other exception is a bug.  For our own readers the
calculation runs too (what ``carbon inventory calc`` does).

The default suite runs a few hundred cases; ``CARBON_RUN_SLOW=1`` runs more than 10,000:

    CARBON_RUN_SLOW=1 .venv/bin/python -m pytest -q tests/test_fuzz.py

The readers of other file families are called in one place, :data:`READERS`, so they can move.
"""

from __future__ import annotations

import csv
import io
import json
import os
import random
import re
import tempfile
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from carbon.errors import CarbonError, InputError
from carbon.formats.project import read_project

ROOT = Path(__file__).resolve().parent.parent
SLOW = os.environ.get("CARBON_RUN_SLOW") == "1"
MOENV_SAMPLE = ROOT / "factors/sources/taiwan/moenv-inventory-workbook-sample.ods"
CBAM_EXAMPLE = ROOT / "factors/sources/cbam/eu-cbam-example-steel-screws-and-nuts.xlsx"


def _read_moenv(path):
    from carbon.formats.moenv import read_moenv_workbook

    return read_moenv_workbook(path)


def _read_cbam(path):
    from carbon.formats.cbam_template import read_template

    return read_template(path)


#: The readers of other families (they may move: change only these lines).
READERS = {"moenv": _read_moenv, "cbam": _read_cbam}

#: Examples per reader: (default suite, CARBON_RUN_SLOW=1); the slow totals exceed 10,000.
EXAMPLES = {"csv": (100, 4000), "structured": (100, 4000), "workbook": (30, 1500), "yaml_text": (50, 1000), "moenv": (6, 300), "cbam": (6, 300)}


def _settings(kind: str, shrink: bool = True):
    n = EXAMPLES[kind][1 if SLOW else 0]
    phases = [Phase.explicit, Phase.reuse, Phase.generate] + ([Phase.shrink] if shrink else [])
    return settings(max_examples=n, deadline=None, derandomize=not SLOW, suppress_health_check=list(HealthCheck), database=None, phases=phases)


def _check(call, path: Path) -> None:
    """The property: success, or a carbon error whose problems name the file."""
    try:
        out = call(path)
    except InputError as err:
        assert err.problems, "an InputError lists its problems"
        for p in err.problems:
            assert p.file and Path(p.file).name == path.name, f"problem without its file: {p}"
            assert "Traceback" not in str(p)
        return
    except CarbonError:
        return
    if out is not None and hasattr(out, "sources") and hasattr(out, "organisation"):
        from carbon.inventory import calculate

        try:
            calculate(out)
        except CarbonError:
            pass


# --- values people type, and worse ---------------------------------------------------------

HEADERS = ["source_id", "name", "iso_category", "method", "activity_amount", "activity_unit", "factor_id", "heat_value", "heat_value_unit", "data_year", "allocation", "biogenic", "gas", "charge_kg", "grade_a", "excluded", "排放源編號", "活動數據", "單位", "類別", "facility", "period_start", "period_end", "certificate_kwh"]
GOOD = {
    "source_id": ["S01", "S02", "鍋爐1"],
    "iso_category": ["1.1", "2.1", "1.4", "3.1", "6", "9.9"],
    "method": ["fuel", "electricity", "refrigerant", "factor", "septic", "measured", "mass_balance", "nonsense"],
    "activity_unit": ["公秉", "千度", "kg", "L", "GJ", "人時", "m3", "公桶"],
    "factor_id": ["moenv-2024/diesel-stationary", "tw-grid/2024", "moenv-6.0.4/refrigerant-leak-chillers", "nope/none"],
    "heat_value_unit": ["kcal/L", "kcal/kg", "MJ/kg", "kcal/m3"],
    "gas": ["CO2", "HFC-134a", "R-410A", "CH4", "XYZ"],
    "data_year": ["2024", "113", "民國113年", "ROC 113", "1850", "去年"],
    "period_start": ["2024-01-01", "113/02/30", "yesterday"],
}
junk = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.sampled_from(["", " ", "１２．５", "1,234.5", "=1+1", "-", "nan", "inf", "1e309", "TRUE", "是", "\t", "0x10", "½", "١٢", "12 kg", "𝟙𝟚"]),
)


@st.composite
def tables(draw, min_rows=0):
    cols = draw(st.lists(st.one_of(st.sampled_from(HEADERS), st.text(max_size=8)), min_size=0, max_size=10))
    n = draw(st.integers(min_value=min_rows, max_value=6))
    rows = []
    for _ in range(n):
        rows.append([draw(st.one_of(st.sampled_from(GOOD.get(c, ["x"])), junk)) for c in cols])
    return cols, rows


def _cell(v):
    return "" if v is None else v


# --- our CSV ---------------------------------------------------------------------------------


@_settings("csv")
@given(table=tables(), encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp950", "utf-16", "latin-1"]), raw=st.one_of(st.none(), st.binary(max_size=200)))
def test_fuzz_csv(table, encoding, raw):
    cols, rows = table
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "fuzz.csv"
        if raw is not None:
            p.write_bytes(raw)
        else:
            buf = io.StringIO()
            w = csv.writer(buf)
            w.writerow(cols)
            w.writerows([[_cell(v) for v in r] for r in rows])
            p.write_bytes(buf.getvalue().encode(encoding, errors="replace"))
        _check(read_project, p)


# --- our YAML / JSON ------------------------------------------------------------------------

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=10))
anything = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=6), inner, max_size=4)), max_leaves=12)
source_rows = st.lists(st.one_of(st.dictionaries(st.sampled_from(HEADERS), st.one_of(junk, *(st.sampled_from(v) for v in GOOD.values())), max_size=10), anything), max_size=5)


@_settings("structured")
@given(
    org=st.one_of(st.dictionaries(st.sampled_from(["name", "reporting_year", "base_year", "boundary_approach", "名稱", "tax_id", "period_start"]), st.one_of(junk, st.sampled_from(["2024", "113年", "equity_share"])), max_size=5), anything),
    sources=st.one_of(source_rows, anything),
    extra=st.dictionaries(st.sampled_from(["facilities", "custom_factors", "gwp_set", "significance", "other"]), anything, max_size=3),
    as_json=st.booleans(),
)
def test_fuzz_yaml_json(org, sources, extra, as_json):
    data = {"organisation": org, "sources": sources, **extra}
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / ("fuzz.json" if as_json else "fuzz.yaml")
        p.write_text(json.dumps(data, ensure_ascii=False, default=str) if as_json else yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        _check(read_project, p)


@_settings("yaml_text")
@given(cuts=st.lists(st.tuples(st.integers(min_value=0, max_value=10**6), st.integers(min_value=0, max_value=20), st.text(max_size=6)), min_size=1, max_size=4), suffix=st.sampled_from([".yaml", ".json"]))
def test_fuzz_mutated_demo_text(cuts, suffix):
    """The demo project's text with random cuts and insertions (broken indentation, quotes …)."""
    text = (ROOT / "examples/demo-factory.yaml").read_text(encoding="utf-8")
    if suffix == ".json":
        text = json.dumps(yaml.safe_load(text), ensure_ascii=False, indent=1, default=str)
    for pos, length, ins in cuts:
        pos %= len(text) + 1
        text = text[:pos] + ins + text[pos + length :]
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / f"fuzz{suffix}"
        p.write_text(text, encoding="utf-8")
        _check(read_project, p)


# --- our workbook ---------------------------------------------------------------------------


@_settings("workbook")
@given(
    sheets=st.lists(st.tuples(st.sampled_from(["sources", "排放源", "organisation", "組織", "facilities", "factors", "Sheet1"]), tables()), min_size=1, max_size=3, unique_by=lambda t: t[0]),
    merge=st.booleans(),
)
def test_fuzz_workbook(sheets, merge):
    import xlsxwriter

    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "fuzz.xlsx"
        wb = xlsxwriter.Workbook(str(p), {"strings_to_formulas": False, "nan_inf_to_errors": True})
        for name, (cols, rows) in sheets:
            ws = wb.add_worksheet(name)
            ws.write_row(0, 0, cols)
            for i, r in enumerate(rows, start=1):
                for j, v in enumerate(r):
                    if v is not None:
                        ws.write(i, j, v if not isinstance(v, int) or abs(v) < 2**53 else str(v))
            if merge and len(rows) >= 2 and cols:
                ws.merge_range(1, 0, 2, 0, "S")
        wb.close()
        _check(read_project, p)


# --- other families: mutated official files --------------------------------------------------

_VALUE_SITES = {
    ".ods": ("content.xml", re.compile(rb"(<text:p>)([^<]{0,40})(</text:p>)|( office:value=\")([^\"]*)(\")")),
    ".xlsx": (None, re.compile(rb"(<v>)([^<]{0,40})(</v>)|(<t(?: [^>]*)?>)([^<]{0,40})(</t>)")),
}


@pytest.fixture(scope="module")
def unpacked():
    """Decompressed members and value sites of the official files, read once."""
    return _unpack()


class _Unpacked(dict):
    def __repr__(self) -> str:  # keep failure reports short
        return f"<unpacked {sorted(self)}>"


def _unpack():
    out = _Unpacked()
    for key, path in (("moenv", MOENV_SAMPLE), ("cbam", CBAM_EXAMPLE)):
        with zipfile.ZipFile(path) as z:
            members = {i.filename: z.read(i) for i in z.infolist()}
        member, rx = _VALUE_SITES[path.suffix]
        names = [member] if member else [n for n in members if n.startswith("xl/worksheets/sheet") or n == "xl/sharedStrings.xml"]
        sites = [(n, m.span()) for n in names for m in rx.finditer(members[n])]
        out[key] = (path.suffix, members, sites, rx)
    return out


def _mutate(unpacked, key: str, picks: list[tuple[int, object]], seed: int) -> Path:
    suffix, members, sites, rx = unpacked[key]
    changed: dict[str, bytearray] = {}
    rnd = random.Random(seed)
    edits: dict[str, list] = {}
    for k, value in picks:
        name, span = sites[k % len(sites)]
        edits.setdefault(name, []).append((span, value))
    for name, es in edits.items():
        data = bytearray(members[name])
        for (a, b), value in sorted(es, key=lambda e: -e[0][0]):  # from the end: spans stay valid
            m = rx.match(bytes(data[a:b]))
            if m is None:
                continue
            g = [x for x in m.groups() if x is not None]
            new = b"" if value is None else escape(str(value), {'"': "&quot;"}).encode("utf-8", errors="replace")
            data[a:b] = (g[0] + new + g[2]) if rnd.random() > 0.1 else b""
        changed[name] = data
    d = Path(tempfile.mkdtemp())
    p = d / f"fuzz{suffix}"
    with zipfile.ZipFile(p, "w", zipfile.ZIP_STORED) as z:
        for name, data in members.items():
            z.writestr(name, bytes(changed.get(name, data)))
    return p


def _fuzz_other(unpacked, key, picks, seed):
    p = _mutate(unpacked, key, picks, seed)
    try:
        _check(READERS[key], p)
    finally:
        p.unlink()
        p.parent.rmdir()


@_settings("moenv", shrink=False)
@given(picks=st.lists(st.tuples(st.integers(min_value=0, max_value=10**9), junk), min_size=1, max_size=6), seed=st.integers(0, 2**32))
def test_fuzz_moenv_workbook(unpacked, picks, seed):
    _fuzz_other(unpacked, "moenv", picks, seed)


@_settings("cbam", shrink=False)
@given(picks=st.lists(st.tuples(st.integers(min_value=0, max_value=10**9), junk), min_size=1, max_size=6), seed=st.integers(0, 2**32))
def test_fuzz_cbam_template(unpacked, picks, seed):
    _fuzz_other(unpacked, "cbam", picks, seed)


def test_the_slow_run_is_large_enough():
    assert sum(slow for _, slow in EXAMPLES.values()) >= 10_000
    assert 200 <= sum(fast for fast, _ in EXAMPLES.values()) <= 400
