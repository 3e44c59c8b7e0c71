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
    # issue #8.5: total = direct + indirect (the Commission example's 2.413538); what counts for
    # certificates in the definitive period is direct only for this Annex II good
    assert abs(g["73181542"]["see_total"] - 2.413538235) < 1e-8
    assert abs(g["73181542"]["see_embedded"] - 2.006938235) < 1e-8
    assert g["73181542"]["indirect_counted"] is False


def test_cbam_calc_text_labels_direct_indirect_total_and_embedded():
    out = cli("cbam", "calc", str(EXAMPLE))
    assert "CN 73181542 (Carbon steel screws and nuts) specific embedded emissions [t CO2e/t]:" in out
    assert "direct 2.00693824 + indirect 0.4066 = total 2.41353824" in out
    assert "embedded emissions for certificates 2.00693824 (R 2023/956 Annex II good: only direct emissions count (Art 7(1)))" in out
    assert "total 2.00693824" not in out


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
    # the input cells written are those of the example: installation, production, DirEm*, products
    assert wb["A_InstData"]["L83"].value == "Carbon steel screws and nuts"
    assert wb["D_Processes"]["L16"].value == 17000
    assert abs(wb["D_Processes"]["L54"].value - 3337.95) < 1e-9
    assert [wb["Summary_Products"][f"F{r}"].value for r in (10, 11)] == ["73181542", "73181535"]
    # and reading the written file back gives the same results as the example
    again = json.loads(cli("cbam", "calc", str(out), "--json"))
    first = json.loads(cli("cbam", "calc", str(EXAMPLE), "--json"))
    assert again == first


def test_cbam_cost_of_the_example_unchanged_by_the_restructuring():
    """Figures saved from `carbon cbam cost` before issue #10's move (commit eb0ca20), to the last digit.

    Certificates = 100 t x (SEE direct - 0.975 x BM* 0.038) per good (IR 2025/2620 Eq 1-2; CSCF 1.0).
    """
    d = json.loads(cli("cbam", "cost", str(EXAMPLE), "--year", "2026", "--price", "80", "--quantity", "100", "--json"))
    assert d["certificates"] == 388.5285796269727
    assert d["cost_eur"] == 31082.286370157817
    assert d["default_certificates"] == 350.07680000000005
    assert [(g["cn_code"], g["certificates"], g["see_counted_t_per_t"]) for g in d["goods"]] == [
        ("73181542", 196.98882352941172, 2.0069382352941174),
        ("73181535", 191.53975609756097, 1.9524475609756098),
    ]
    for g in d["goods"]:
        assert g["certificates"] == pytest.approx(100 * (g["see_counted_t_per_t"] - 0.975 * 0.038), rel=1e-12)
