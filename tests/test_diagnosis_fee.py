"""Taiwan carbon fee (碳費收費辦法 §2, §3, §5, §6, §9) against hand calculations."""

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from pathlib import Path

import pandas as pd
import pytest

from carbon.diagnosis.fee import FEE_PARAMS, FEE_SOURCE, carbon_fee, fee_basis, fee_from_inventory
from carbon.errors import InputError
from carbon.formats.project import read_project
from carbon.inventory import calculate

ROOT = Path(__file__).resolve().parent.parent
FACTS = Path("/work/shared/reference/taiwan/FACTS.md")


def test_general_rate_worked_example():
    # FACTS.md §6 example: (30,000 − 25,000) × 1 × 300 = NT$1,500,000
    r = carbon_fee(30_000)
    assert (r.chargeable_t, r.rate_ntd_per_t, r.fee_ntd) == (5000.0, 300.0, 1_500_000)
    assert r.payer and r.k_t == 25_000 and r.coefficient == 1
    assert "碳費收費辦法" in r.source and "§5" in r.source


def test_below_threshold_not_chargeable():
    r = carbon_fee(24_999.999)
    assert not r.payer and r.chargeable_t == 0 and r.fee_ntd == 0
    r = carbon_fee(25_000)
    assert r.payer and r.fee_ntd == 0


def test_high_leakage_k_zero_without_plan():
    r = carbon_fee(30_000, high_leakage=True)
    assert (r.k_t, r.chargeable_t, r.fee_ntd) == (0.0, 30_000.0, 9_000_000)


@pytest.mark.parametrize(("plan", "period", "coef", "rate"), [("A", 1, 0.2, 50), ("A", 2, 0.4, 50), ("B", 3, 0.6, 100), ("B", 1, 0.2, 100)])
def test_high_leakage_coefficients_and_preferential_rates(plan, period, coef, rate):
    r = carbon_fee(40_000, high_leakage=True, plan=plan, period=period)
    assert r.coefficient == coef and r.rate_ntd_per_t == rate
    assert r.chargeable_t == pytest.approx(40_000 * coef)
    assert r.fee_ntd == int(40_000 * coef * rate)


def test_plan_b_without_leakage():
    r = carbon_fee(35_000, plan="B")
    assert (r.chargeable_t, r.rate_ntd_per_t, r.fee_ntd) == (10_000.0, 100.0, 1_000_000)


def test_rounding_half_up_three_decimals_not_bankers():
    # 3,513.1225 rounds half-up to 3,513.123 (banker's rounding would give 3,513.122)
    r = carbon_fee(28_513.1225)
    assert r.chargeable_t == 3513.123
    # fee truncated: 3,513.123 × 300 = 1,053,936.9 → 1,053,936
    assert r.fee_ntd == 1_053_936


def test_fee_truncated_not_rounded():
    r = carbon_fee(30_000.0037, plan="B")  # 5,000.0037 → 5,000.004 t × 100 = 500,000.4
    assert r.chargeable_t == 5000.004 and r.fee_ntd == 500_000
    r = carbon_fee(25_000.0029)  # 0.0029 → 0.003 t × 300 = 0.9 → 0
    assert r.chargeable_t == 0.003 and r.fee_ntd == 0


def test_offsets_capped_at_ten_percent():
    r = carbon_fee(30_000, offsets_t=800)  # cap 10 % × 5,000 = 500
    assert (r.offsets_deducted_t, r.chargeable_t, r.fee_ntd) == (500.0, 4500.0, 1_350_000)
    r = carbon_fee(30_000, offsets_t=300)
    assert (r.offsets_deducted_t, r.chargeable_t, r.fee_ntd) == (300.0, 4700.0, 1_410_000)


def test_bad_inputs():
    with pytest.raises(InputError, match="high-leakage"):
        carbon_fee(30_000, period=1)
    with pytest.raises(InputError, match="plan"):
        carbon_fee(30_000, plan="C")
    with pytest.raises(InputError, match="≥ 0"):
        carbon_fee(-1)


def test_params_match_fact_sheet():
    text = FACTS.read_text(encoding="utf-8") if FACTS.exists() else ""
    if not text:
        pytest.skip("fact sheet not available")
    assert "25,000 tCO2e" in text and "NT$300" in text and "NT$100" in text and "NT$50" in text
    assert "period 1 = 0.2, period 2 = 0.4, period 3 = 0.6" in text and "≤ **10%**" in text
    assert FEE_PARAMS["K_t"][0] == 25_000 and FEE_PARAMS["offset_cap_share"][0] == 0.10
    assert "FACTS.md §6" in FEE_SOURCE


def test_basis_excludes_steam_and_other_indirect():
    rec = pd.DataFrame(
        {
            "source_id": ["A", "B", "C", "D"],
            "source_name": ["boiler", "grid", "steam", "transport"],
            "iso_subcategory": ["1.1", "2.1", "2.2", "3.1"],
            "facility": ["F1"] * 4,
            "co2e_t": [20_000.0, 8_000.0, 3_000.0, 500.0],
        }
    )
    b = fee_basis(rec)
    assert (b.direct_t, b.electricity_t, b.emissions_t) == (20_000.0, 8_000.0, 28_000.0)
    assert b.not_counted == {"steam_and_other_imported_energy_2.2": 3_000.0, "categories_3_to_6": 500.0}
    assert list(b.sources["counts"]) == [True, True, False, False]


def test_fee_from_dyeing_inventory():
    res = calculate(read_project(ROOT / "examples" / "dyeing-factory.yaml"))
    basis, fee = fee_from_inventory(res)
    assert basis.emissions_t == pytest.approx(res.total_tco2e)
    e = Decimal(repr(basis.emissions_t))
    chargeable = (e - 25_000).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)
    assert fee.chargeable_t == float(chargeable)
    assert fee.fee_ntd == int((chargeable * 300).to_integral_value(rounding=ROUND_DOWN))
    assert fee.fee_ntd == 1_053_936


def test_fee_per_site():
    rec = pd.DataFrame({"source_id": ["A", "B"], "source_name": ["a", "b"], "iso_subcategory": ["1.1", "1.1"], "facility": ["F1", "F2"], "co2e_t": [30_000.0, 20_000.0]})
    sites = fee_basis(rec).per_site()
    assert sites["F1"].fee_ntd == 1_500_000 and sites["F2"].fee_ntd == 0  # F2 alone is below the threshold
    assert carbon_fee(50_000).fee_ntd == 7_500_000  # what a single-site total would wrongly give
