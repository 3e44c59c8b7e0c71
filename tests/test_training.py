"""Training: cases load, exercises grade the right answers right and name the step of each usual mistake."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from carbon.errors import InputError
from carbon.factors import load_registry
from carbon.training import (
    CLASSES,
    build_exercise,
    build_verification,
    class_summary,
    get_case,
    grade,
    grade_findings,
    list_cases,
    project_of,
)


@pytest.fixture(scope="module")
def dyeing():
    return build_exercise(project_of(get_case("seed-dyeing").project))


@pytest.fixture(scope="module")
def verification():
    return build_verification(get_case("advanced-verification"))


def _right(ex):
    return {q.id: q.expected for q in ex.questions}


def test_cases_name_their_class_and_goals():
    cases = list_cases()
    assert {c.id for c in cases} >= {"seed-dyeing", "workshop-fastener", "advanced-verification"}
    for c in cases:
        assert set(c.classes) <= set(CLASSES)
        assert c.goals("zh-TW") and c.goals("en") and c.title("en") and c.title("zh-TW")
    assert [c.id for c in list_cases("advanced")] == ["advanced-verification"]


def test_unknown_case_lists_the_known_ones():
    with pytest.raises(InputError, match="seed-dyeing"):
        get_case("no-such-case")


def test_right_answers_score_full(dyeing):
    g = grade(dyeing, _right(dyeing))
    assert g.score == 1.0 and not g.mistakes
    assert len(dyeing.questions) == 27  # 8 sources' gases, 8 sources, 2 categories, total


def test_answers_as_text_with_separators_and_full_width_digits(dyeing):
    q = dyeing.question("total_tco2e")
    text = f"{q.expected:,.3f}".translate(str.maketrans("0123456789.", "０１２３４５６７８９．"))
    assert grade(dyeing, {q.id: text}).answers[-1].correct


def test_unanswered_counts_wrong(dyeing):
    g = grade(dyeing, {})
    assert g.score == 0.0 and all(a.hint_en == "Not answered." for a in g.answers)


@pytest.mark.parametrize(
    ("mistake", "question", "step"),
    [
        ("x1000", "S04.CO2.mass_t", "unit"),  # forklift diesel: 公升 read as 公秉
        ("year-1", "S07.CO2e.mass_t", "factor"),  # electricity factor of 2023 for 2024 data
        ("gwp_ar4", "S05.co2e_t", "gwp"),  # HFC-134a with AR4's 1,430 instead of MOENV-2024's 1,300
        ("co2_only", "S01.co2e_t", "gases"),
        ("biogenic", "total_tco2e", "boundary"),  # wood CO2 counted in the total
        ("no_heat_value", "S01.CO2.mass_t", "heat_value"),
    ],
)
def test_each_usual_mistake_gets_a_hint_naming_its_step(dyeing, mistake, question, step):
    wrong = dyeing.variants[mistake][question]
    assert not dyeing.question(question).accepts(wrong)
    a = next(a for a in grade(dyeing, {question: wrong}).answers if a.question == question)
    assert (a.correct, a.mistake, a.step) == (False, mistake, step)
    assert "步" in a.hint_zh or "錯在" in a.hint_zh


def test_a_tight_tolerance_catches_the_kcal_slip():
    # 4.184 vs 4.1868 kJ/kcal is 0.07 %: inside the default 0.1 % tolerance, caught at 0.01 %
    ex = build_exercise(project_of(get_case("seed-dyeing").project), tolerance_rel=1e-4)
    wrong = ex.variants["kcal4184"]["S02.CO2.mass_t"]
    a = next(a for a in grade(ex, {"S02.CO2.mass_t": wrong}).answers if a.question == "S02.CO2.mass_t")
    assert (a.mistake, a.step) == ("kcal4184", "unit")


def test_electricity_year_mistake_is_the_grid_factor_difference(dyeing):
    reg = load_registry()
    f = {y: reg.get(f"tw-grid/{y}").gases["CO2e"].value for y in (2023, 2024)}
    # 9,800 千度 = 9,800,000 kWh; the grid factors are kg CO2e/kWh
    assert dyeing.question("S07.CO2e.mass_t").expected == pytest.approx(9_800_000 * f[2024] / 1000, rel=1e-12)
    assert dyeing.variants["year-1"]["S07.CO2e.mass_t"] == pytest.approx(9_800_000 * f[2023] / 1000, rel=1e-12)


def test_a_wrong_answer_no_mistake_explains_says_how_far_off(dyeing):
    q = dyeing.question("total_tco2e")
    a = grade(dyeing, {q.id: q.expected * 1.37}).answers[-1]
    assert not a.correct and a.mistake is None and "1.37 times" in a.hint_en


def test_unknown_question_is_an_error(dyeing):
    with pytest.raises(InputError, match="unknown questions"):
        grade(dyeing, {"S99.co2e_t": 1})


def test_verification_effects_by_hand(verification):
    eff = {e.id: e.effect_tco2e for e in verification.errors}
    reg = load_registry()
    grid = {y: reg.get(f"tw-grid/{y}").gases["CO2e"].value for y in (2021, 2024)}
    assert eff["E1"] == pytest.approx(9_800 * (grid[2021] - grid[2024]), rel=1e-9)  # 9,800 MWh × Δ factor
    # wood: 2,400 t × 4,000 kcal/kg × 4.1868 kJ/kcal = 40.19 TJ × 112,000 kg CO2/TJ (biogenic → counted)
    assert eff["E6"] == pytest.approx(2_400_000 * 4000 * 4.1868e-9 * 112, rel=1e-9)
    assert eff["E3"] < 0  # a missing source lowers the total
    assert verification.total_with_errors - verification.total_correct == pytest.approx(sum(eff.values()), rel=0.05)


def test_verification_grading(verification):
    findings = [{"kind": e.kind, "source_id": e.source_id, "effect_tco2e": e.effect_tco2e} for e in verification.errors]
    assert all(f.found and f.effect_correct for f in grade_findings(verification, findings))
    half = findings[:3] + [{**findings[3], "effect_tco2e": findings[3]["effect_tco2e"] * 2}]
    graded = grade_findings(verification, half)
    assert [f.found for f in graded] == [True, True, True, True, False, False]
    assert [f.effect_correct for f in graded][:4] == [True, True, True, False]
    wrong_source = [{**findings[0], "source_id": "S01"}]
    assert not grade_findings(verification, wrong_source)[0].found


def test_class_summary_counts_common_mistakes(dyeing):
    right = _right(dyeing)
    q = "S04.CO2.mass_t"
    slip = {**right, q: dyeing.variants["x1000"][q]}
    g = {"A": grade(dyeing, right).to_dict(), "B": grade(dyeing, slip).to_dict(), "C": grade(dyeing, slip).to_dict()}
    s = class_summary(g)
    assert s["mistakes"][0] == {"mistake": "x1000", "trainees": 2}
    assert [t["trainee"] for t in s["trainees"]] == ["A", "B", "C"]
    assert s["trainees"][0]["score"] == 1.0 and s["trainees"][1]["score"] < 1.0


def test_cli_exercise_and_grade(tmp_path):
    def run(*args):
        return subprocess.run([sys.executable, "-m", "carbon.cli", "training", *args], capture_output=True, text=True, encoding="utf-8", check=False)

    out = run("exercise", "workshop-fastener", "--json")
    assert out.returncode == 0, out.stderr
    questions = json.loads(out.stdout)["questions"]
    assert questions and all("expected" not in q for q in questions)  # the key is not shown
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"total_tco2e": "1,000"}), encoding="utf-8")
    out = run("grade", "workshop-fastener", str(answers), "--json")
    assert out.returncode == 0, out.stderr
    g = json.loads(out.stdout)
    assert g["score"] == 0.0 and len(g["answers"]) == len(questions)


def test_quick_estimate_case_is_graded_like_an_inventory():
    from carbon.estimate import quick_estimate
    from carbon.training import case_project

    case = get_case("ceo-quick-estimate")
    ex = build_exercise(case_project(case))
    q = quick_estimate(case.project["amounts"], year=case.project["year"])
    assert ex.question("total_tco2e").expected == pytest.approx(q.total_tco2e, rel=1e-12)
    wrong = ex.variants["x1000"]["electricity.co2e_t"]  # 度 read as 千度
    a = next(a for a in grade(ex, {"electricity.co2e_t": wrong}).answers if a.question == "electricity.co2e_t")
    assert (a.mistake, a.step) == ("x1000", "unit")
