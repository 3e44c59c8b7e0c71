"""examples/installation.yaml: the README's ``carbon cbam template installation.yaml -o …`` works as written.

The example is a Taiwanese fastener maker; its regulatory numbers are checked against the legal
texts and factor tables they come from, and its results against a hand calculation.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

import carbon.cbam as cb
from carbon.cbam.defaults import benchmark, default_see
from carbon.cbam.engine import legal_constants
from carbon.cbam.from_inventory import grid_default_ef
from carbon.cbam.goods import LEGAL_DIR
from carbon.formats.cbam_template import read_template

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
YAML = EXAMPLES / "installation.yaml"

NG_T = 700 * 36.0 / 1000 * 56.1  # [t CO2] 1000 Nm3 x GJ/1000Nm3 -> TJ x t CO2/TJ (Eq. 5-6)
LPG_T = 95 * 47.3 / 1000 * 63.1
SEE_DIRECT = (NG_T + LPG_T) / 12000 + 12650 / 12000 * 2.5276120606  # Annex III B, Eq. 59-60
SEE_INDIRECT = 8400 * 0.561 / 12000  # Eq. 56


def cli(*args: str, cwd: Path) -> str:
    out = subprocess.run(
        [sys.executable, "-m", "carbon.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_example_numbers_come_from_their_sources():
    inp = cb.load_cbam_yaml(YAML)
    ng, lpg = inp.source_streams
    assert ng.emission_factor == legal_constants().ef_natural_gas  # IR 2025/2547 Annex II G Table 1
    table1 = (LEGAL_DIR / "ir-2025-2547-definitive-period-methodology.txt").read_text(encoding="utf-8")
    assert f"Liquefied petroleum gases {lpg.emission_factor:.1f} {lpg.ncv:.1f}".replace(".", ",") in table1
    el = inp.processes[0].electricity
    assert el.emission_factor == grid_default_ef("TW").value and el.ef_source == "D.4(a)"
    wire = inp.precursors[0]
    assert wire.see_direct == pytest.approx(default_see(wire.cn_code, "TW", 2026).with_markup, abs=1e-10)
    assert [g.cn_code for g in inp.goods] == ["73181588", "73181692"]


@pytest.mark.filterwarnings(
    "ignore:.*extension is not supported:UserWarning"
)  # the official template's own Excel extensions
def test_readme_template_command_writes_the_official_template(tmp_path):
    out = tmp_path / "communication.xlsx"
    assert "wrote" in cli("cbam", "template", "installation.yaml", "-o", str(out), cwd=EXAMPLES)
    assert list(tmp_path.iterdir()) == [out]
    wb = openpyxl.load_workbook(out)
    assert wb["A_InstData"]["I20"].value == "Gangshan Precision Fasteners Co., Ltd."
    assert wb["A_InstData"]["L83"].value == "Carbon steel hexagon bolts and nuts"
    assert wb["A_InstData"]["F102"].value == "TW"
    assert wb["B_EmInst"]["E17"].value == "Natural gas" and wb["B_EmInst"]["F17"].value == 700
    assert wb["D_Processes"]["L16"].value == 12000
    assert [wb["Summary_Products"][f"F{r}"].value for r in (10, 11)] == ["73181588", "73181692"]
    # the written template reads back to the same results as the YAML
    back = cb.calculate(read_template(out)).to_dict()
    direct = cb.calculate(cb.load_cbam_yaml(YAML)).to_dict()
    assert back["installation"] == pytest.approx(direct["installation"], rel=1e-12)
    for a, b in zip(back["goods"], direct["goods"], strict=True):
        assert a["cn_code"] == b["cn_code"]
        assert a["see_direct"] == pytest.approx(b["see_direct"], rel=1e-12)


def test_example_results_equal_the_hand_calculation():
    d = json.loads(cli("cbam", "calc", "installation.yaml", "--json", cwd=EXAMPLES))
    assert d["installation"]["direct_t"] == pytest.approx(NG_T + LPG_T, rel=1e-12)
    assert d["installation"]["direct_t"] == pytest.approx(1697.25985, rel=1e-9)
    for g in d["goods"]:
        assert g["see_direct"] == pytest.approx(SEE_DIRECT, rel=1e-12)
        assert g["see_indirect"] == pytest.approx(SEE_INDIRECT, rel=1e-12)
        assert g["see_total"] == pytest.approx(SEE_DIRECT + SEE_INDIRECT, rel=1e-12)
        assert g["see_embedded"] == pytest.approx(SEE_DIRECT, rel=1e-12)  # bolts and nuts: Annex II, direct only


def test_example_costs_with_the_wire_rod_benchmark_route(tmp_path):
    d = json.loads(
        cli("cbam", "cost", str(YAML), "--year", "2026", "--price", "80", "--quantity", "500", "--json", cwd=tmp_path)
    )
    assert any("benchmark route (C)" in n for n in d["assumptions"])
    # IR 2025/2620 Eq 1-4: FAA = CBAM factor x CSCF x (BM* of the bolts + m_wire x Column B of wire rod, route C)
    wire = benchmark("72139190", route="C", column="B").value
    for g in d["goods"]:
        bm_a = benchmark(g["cn_code"], column="A").value
        expected = 500 * (SEE_DIRECT - 0.975 * 1.0 * (bm_a + 12650 / 12000 * wire))
        assert g["certificates"] == pytest.approx(expected, rel=1e-12)
    assert d["certificates"] == pytest.approx(1366.9765, abs=1e-4)
