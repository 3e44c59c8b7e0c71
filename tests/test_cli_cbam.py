import json
import subprocess
import sys

import openpyxl
import pytest

from tests.conftest import SOURCES

EXAMPLE = SOURCES / "cbam" / "eu-cbam-example-steel-screws-and-nuts.xlsx"


def cli(*args):
    out = subprocess.run([sys.executable, "-m", "carbon.cli", *args], capture_output=True, text=True, encoding="utf-8", check=False)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_cbam_calc_json_keys_and_values():
    d = json.loads(cli("cbam", "calc", str(EXAMPLE), "--json"))
    assert set(d["installation"]) >= {"direct_t", "indirect_t"}
    assert abs(d["installation"]["direct_t"] - 4948.02) < 1e-6
    p = d["processes"][0]
    assert set(p) >= {"name", "activity_level_t", "attributed_direct_t", "attributed_indirect_t"}
    g = {x["cn_code"]: x for x in d["goods"]}
    assert set(g["73181542"]) >= {"cn_code", "process", "see_direct", "see_indirect", "see_total", "embedded_electricity_mwh_per_t"}
    assert abs(g["73181542"]["see_direct"] / 2.006938235 - 1) < 1e-6


def test_cbam_cost_on_defaults_json():
    d = json.loads(cli("cbam", "cost", "--cn", "73181542", "--quantity", "100", "--year", "2026", "--price", "80", "--json", "--projection"))
    assert abs(d["certificates"] - 164.8009) < 1e-3
    assert [p["year"] for p in d["projection"]] == list(range(2026, 2035))
    certs = [p["certificates"] for p in d["projection"]]
    assert certs == sorted(certs)


@pytest.mark.filterwarnings("ignore:.*extension is not supported:UserWarning")  # the official template's own Excel extensions
def test_cbam_template_written_and_opens(tmp_path):
    out = tmp_path / "filled.xlsx"
    cli("cbam", "template", str(EXAMPLE), "-o", str(out))
    wb = openpyxl.load_workbook(out)
    assert "A_InstData" in wb.sheetnames
