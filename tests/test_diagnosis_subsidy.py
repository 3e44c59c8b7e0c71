"""The programme's budget rules, payment schedules, diagnosis fees and loan, against hand calculations."""

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from carbon.diagnosis.subsidy import (
    BUDGET_ITEMS,
    TRACKS,
    Budget,
    check_budget,
    check_eligibility,
    diagnosis_fee,
    domestic_priority,
    loan_estimate,
    payment_schedule,
    read_budget,
)
from carbon.errors import InputError

ROOT = Path(__file__).resolve().parent.parent


def budget(*rows, **kw):
    return Budget.from_items([{"item": i, "total_ntd": t, "subsidy_ntd": s} for i, t, s in rows], **kw)


def rules(c):
    return {(v["rule"], v["item"]): v["excess_ntd"] for v in c.violations}


def test_item_names_exact():
    assert {k: v[0] for k, v in BUDGET_ITEMS.items()} == {
        "consumables": "消耗性器材及原材料費",
        "new_equipment": "全新設備之購置費",
        "equipment_improvement": "既有設備之改善費",
        "research_verification": "委託研究或驗證費",
        "personnel": "人事費",
        "intangible_assets": "無形資產引進費",
        "domestic_travel": "國內差旅費",
    }
    assert {k for k, v in BUDGET_ITEMS.items() if v[1]} == {"personnel", "intangible_assets", "domestic_travel"}


def test_breaks_30pct_equipment_cap():
    # total 8,000,000: new-equipment subsidy ≤ 2,400,000; 2,500,000 asked → 100,000 over
    c = check_budget(budget(("new_equipment", 6_000_000, 2_500_000), ("equipment_improvement", 2_000_000, 1_000_000)), "10plus")
    assert c.total_budget_ntd == 8_000_000 and c.requested_subsidy_ntd == 3_500_000
    assert rules(c) == {("全新設備之購置費 subsidy ≤ 30% of the total budget", "new_equipment"): 100_000}
    assert not c.compliant
    # largest compliant: min(2,400,000 + 2,000,000, 50 % = 4,000,000, cap 5,000,000)
    assert c.max_subsidy_ntd == 4_000_000


def test_breaks_50pct_total_share():
    c = check_budget(budget(("consumables", 1_000_000, 800_000), ("equipment_improvement", 3_000_000, 1_500_000)), "10plus")
    assert rules(c) == {("subsidy ≤ 50% of the total budget", None): 300_000}
    assert c.max_subsidy_ntd == 2_000_000


def test_subsidised_personnel_is_a_violation():
    c = check_budget(budget(("personnel", 1_000_000, 200_000), ("equipment_improvement", 3_000_000, 1_000_000)), "10plus")
    assert rules(c) == {("人事費 is company-funded only (subsidy 0)", "personnel"): 200_000}
    # personnel counts in the total budget (4,000,000 → 50 % = 2,000,000) but cannot be subsidised
    assert c.max_subsidy_ntd == 2_000_000
    assert c.items[0]["company_ntd"] == 800_000


def test_research_40pct_and_item_above_its_total():
    c = check_budget(budget(("research_verification", 5_000_000, 2_500_000), ("equipment_improvement", 1_000_000, 0)), "10plus")
    assert rules(c) == {("委託研究或驗證費 subsidy ≤ 40% of the total budget", "research_verification"): 100_000}
    assert c.max_subsidy_ntd == 3_000_000  # min(2,400,000 + 1,000,000, 50 % = 3,000,000)
    c = check_budget(budget(("research_verification", 100_000, 150_000), ("equipment_improvement", 900_000, 0)), "10plus")
    assert rules(c)[("item subsidy above its own total", "research_verification")] == 50_000


@pytest.mark.parametrize(("track", "cap"), [("10plus", 5_000_000), ("lead-10", 30_000_000), ("lead-4", 20_000_000)])
def test_per_case_caps(track, cap):
    c = check_budget(budget(("equipment_improvement", 80_000_000, 35_000_000)), track)
    assert TRACKS[track].cap_ntd == cap
    assert rules(c) == {(f"per-case cap of track {track}", None): 35_000_000 - cap}
    assert c.max_subsidy_ntd == cap
    ok = check_budget(budget(("equipment_improvement", 2 * cap, cap)), track)
    assert ok.compliant and ok.max_subsidy_ntd == cap


def test_durations():
    assert TRACKS["10plus"].duration_months == 12 and TRACKS["lead-10"].duration_months == 24


def test_compliant_budget_and_payment_schedule_by_bond():
    c = check_budget(read_budget(ROOT / "examples" / "budget-10plus.yaml"), "10plus")
    assert c.compliant and c.total_budget_ntd == 6_850_000 and c.requested_subsidy_ntd == 2_300_000
    # new equipment min(4,000,000, 30 % = 2,055,000) + 1,500,000 + 300,000 + 400,000 = 4,255,000 > 50 % = 3,425,000
    assert c.max_subsidy_ntd == 3_425_000
    assert [p["amount_ntd"] for p in c.payment_schedule] == [1_150_000, 1_150_000]  # bond 20 %: 50 % at signing + 50 % final
    assert c.domestic_priority["share"] == pytest.approx(2_500_000 / 4_000_000) and c.domestic_priority["priority"]


def test_payment_schedules():
    assert [(p["share"], p["amount_ntd"]) for p in payment_schedule("10plus", 1_000_001, "none")] == [(0.5, 500_000), (0.5, 500_001)]
    assert [p["amount_ntd"] for p in payment_schedule("10plus", 1_000_000, "full")] == [1_000_000]
    assert payment_schedule("lead-10", 10_000_000, "none")[0]["amount_ntd"] is None
    assert [p["amount_ntd"] for p in payment_schedule("lead-4", 10_000_000, "20pct")] == [2_000_000, 8_000_000]
    with pytest.raises(InputError):
        payment_schedule("10plus", 1, "half")


def test_domestic_priority_threshold():
    assert domestic_priority(500_000, 1_000_000)["priority"]
    assert not domestic_priority(499_999, 1_000_000)["priority"]


def test_eligibility():
    yes = {"factory_registration": True, "sme": True, "insured_employees_10": True, "mainland_chinese_investment": False, "bank_rejected": False,
           "dissolved_or_suspended": False, "earlier_subsidy_same_content": False, "already_subsidised_under_rules": False}  # fmt: skip
    assert check_eligibility(yes)["eligible"]
    r = check_eligibility({**yes, "mainland_chinese_investment": True, "insured_employees_10": None})
    assert not r["eligible"] and r["failed"] == ["mainland_chinese_investment"] and r["missing"] == ["insured_employees_10"]


def test_diagnosis_fees():
    assert (diagnosis_fee(True)["total_ntd"], diagnosis_fee(True)["government_ntd"], diagnosis_fee(True)["company_ntd"]) == (200_000, 160_000, 40_000)
    assert (diagnosis_fee(False)["total_ntd"], diagnosis_fee(False)["government_ntd"], diagnosis_fee(False)["company_ntd"]) == (300_000, 240_000, 60_000)


def test_loan_leaflet_defaults():
    d = loan_estimate()
    assert d["amount_ntd"] == 35_000_000 and d["interest_subsidy_pct"] == 1.595
    assert d["year1_subsidy_ntd"] == 558_250  # 35,000,000 × 1.595 % ≈ the leaflet's "about NT$550,000"
    assert len(d["defaults_used"]) == 2
    d = loan_estimate(10_000_000, 5, 1.2)  # subsidy never above the bank rate
    assert d["interest_subsidy_pct"] == 1.2 and d["schedule"][0]["net_interest_ntd"] == 0
    assert [r["opening_balance_ntd"] for r in d["schedule"]] == [10_000_000, 8_000_000, 6_000_000, 4_000_000, 2_000_000]


def test_bad_budget_lines_all_reported(tmp_path):
    p = tmp_path / "b.xlsx"
    pd.DataFrame([{"item": "machines", "total_ntd": 1, "subsidy_ntd": 0}, {"item": "人事費", "total_ntd": -5, "subsidy_ntd": 0}]).to_excel(p, index=False, sheet_name="預算")
    with pytest.raises(InputError) as e:
        read_budget(p)
    msgs = [str(x) for x in e.value.problems]
    assert len(msgs) == 2
    assert "sheet '預算', row 2, column 'item'" in msgs[0] and "row 3, column 'total_ntd'" in msgs[1]


def test_budget_xlsx_with_chinese_item_names(tmp_path):
    p = tmp_path / "b.xlsx"
    pd.DataFrame([{"item": "全新設備之購置費", "total_ntd": 1_000_000, "subsidy_ntd": 300_000}, {"item": "人事費", "total_ntd": 500_000, "subsidy_ntd": 0}]).to_excel(p, index=False)
    b = read_budget(p)
    assert [x.item for x in b.lines] == ["new_equipment", "personnel"] and b.total_ntd == 1_500_000
    c = check_budget(b, "10plus")
    assert c.compliant and c.max_subsidy_ntd == 450_000  # 30 % × 1,500,000; personnel counts in the total, not in the subsidy


def test_cli_subsidy_check_json(tmp_path):
    p = tmp_path / "b.json"
    p.write_text(json.dumps({"items": [{"item": "new_equipment", "total_ntd": 6_000_000, "subsidy_ntd": 2_500_000},
                                       {"item": "equipment_improvement", "total_ntd": 2_000_000, "subsidy_ntd": 1_000_000}]}), encoding="utf-8")  # fmt: skip
    out = subprocess.run([sys.executable, "-m", "carbon.cli", "subsidy", "check", str(p), "--track", "10plus", "--json"], capture_output=True, text=True, encoding="utf-8", check=True)
    d = json.loads(out.stdout)
    assert {"total_budget_ntd", "requested_subsidy_ntd", "max_subsidy_ntd", "compliant", "violations", "payment_schedule"} <= set(d)
    assert d["violations"] == [{"rule": "全新設備之購置費 subsidy ≤ 30% of the total budget", "item": "new_equipment", "excess_ntd": 100_000}]
    assert d["max_subsidy_ntd"] == 4_000_000 and d["compliant"] is False
    out = subprocess.run([sys.executable, "-m", "carbon.cli", "subsidy", "diagnosis", "--non-sme"], capture_output=True, text=True, encoding="utf-8", check=True)
    assert "NT$300,000 = government NT$240,000 + company NT$60,000" in out.stdout
