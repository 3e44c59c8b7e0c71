"""Graded inventory exercises: expected answers from the core, hints from the usual mistakes.

An :class:`Exercise` is made from any inventory project (a bundled case or a real, anonymised
factory). Its questions are the intermediate and final figures a trainee works out by hand —
each gas's emitted mass per source, each source's CO2e, each category's total and the
inventory total — and their expected values are the core's own result (:func:`carbon.inventory.calculate`).

A wrong answer is compared with the same figures recomputed with each usual mistake
(:data:`MISTAKES`: a unit slip of 1,000, another GWP set, the wrong electricity year, the old
factor edition, certificates ignored, the heat value left out, kcal taken as 4.184 J, only CO2
counted, biogenic CO2 or excluded sources counted, the other rounding rule); the hint names the
step of the first mistake that reproduces the answer.

References
----------
ISO 14064-1:2018 §6 (quantification); MOENV 溫室氣體排放量盤查作業指引 (2022) ch. 3.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

from carbon.errors import CarbonError, InputError, Problem

__all__ = ["MISTAKES", "STEPS", "Answer", "Exercise", "Grade", "Mistake", "Question", "build_exercise", "grade"]

#: Steps of the working a hint can point at: id -> (zh-TW, English).
STEPS: dict[str, tuple[str, str]] = {
    "unit": ("單位換算", "unit conversion"),
    "heat_value": ("熱值", "heat value"),
    "factor": ("排放係數 (版本或年份)", "emission factor (edition or year)"),
    "gwp": ("全球暖化潛勢 (GWP)", "global warming potential (GWP)"),
    "gases": ("溫室氣體種類", "greenhouse gases counted"),
    "certificates": ("再生能源憑證", "renewable-energy certificates"),
    "boundary": ("盤查邊界 (排除、生質、持股)", "boundary (exclusions, biogenic CO2, equity share)"),
    "rounding": ("數值進位", "rounding"),
    "sum": ("加總", "summing"),
}


@dataclass(frozen=True)
class Question:
    """One figure the trainee works out.

    Attributes
    ----------
    id : str
        ``"<source>.<gas>.mass_t"``, ``"<source>.co2e_t"``, ``"category.<n>"`` or ``"total_tco2e"``.
    expected : float
        The core's value [``unit``].
    tolerance : float
        Largest accepted absolute difference [``unit``]: ``max(rel × |expected|, 0.0005)``.
    """

    id: str
    label_zh: str
    label_en: str
    unit: str
    expected: float
    tolerance: float
    step: str
    source_id: str | None = None

    def label(self, lang: str = "zh-TW") -> str:
        """The question in ``lang``."""
        return self.label_en if lang == "en" else self.label_zh

    def accepts(self, value: float) -> bool:
        """Whether ``value`` is within the tolerance of the expected value."""
        return math.isfinite(value) and abs(value - self.expected) <= self.tolerance


@dataclass(frozen=True)
class Mistake:
    """A usual mistake: the step it belongs to and how to reproduce its figures."""

    id: str
    step: str
    label_zh: str
    label_en: str
    apply: Callable  # (project, calculate) -> dict[question id, value] | None


@dataclass(frozen=True)
class Answer:
    """The grade of one answer."""

    question: str
    given: float | None
    expected: float
    correct: bool
    step: str
    mistake: str | None
    hint_zh: str
    hint_en: str

    def hint(self, lang: str = "zh-TW") -> str:
        """The hint in ``lang``."""
        return self.hint_en if lang == "en" else self.hint_zh


@dataclass(frozen=True)
class Grade:
    """The grade of a submission: each answer, the score and the score per step."""

    answers: tuple[Answer, ...]

    @property
    def score(self) -> float:
        """Share of questions answered right (0–1); unanswered questions count wrong."""
        return sum(a.correct for a in self.answers) / len(self.answers) if self.answers else 0.0

    @property
    def by_step(self) -> dict[str, float]:
        """Score per step of the working (0–1)."""
        out: dict[str, list[bool]] = {}
        for a in self.answers:
            out.setdefault(a.step, []).append(a.correct)
        return {k: sum(v) / len(v) for k, v in out.items()}

    @property
    def mistakes(self) -> dict[str, int]:
        """How often each usual mistake explained a wrong answer."""
        out: dict[str, int] = {}
        for a in self.answers:
            if a.mistake:
                out[a.mistake] = out.get(a.mistake, 0) + 1
        return out

    def to_dict(self) -> dict:
        """Plain data for JSON and the store."""
        return {
            "score": self.score,
            "by_step": self.by_step,
            "mistakes": self.mistakes,
            "answers": [dataclasses.asdict(a) for a in self.answers],
        }


@dataclass
class Exercise:
    """Questions with expected values and, per usual mistake, the figures it would give."""

    questions: tuple[Question, ...]
    variants: dict[str, dict[str, float]] = field(default_factory=dict)
    gwp_set: str = ""
    rounding: str = "exact"

    def question(self, qid: str) -> Question:
        """The question ``qid``."""
        for q in self.questions:
            if q.id == qid:
                return q
        raise InputError([Problem(f"no question '{qid}' in this exercise.", column="question")])


# --- answers of a result ------------------------------------------------------------------
def _answers(result, *, gases=None, with_biogenic=False, with_excluded=False) -> dict[str, float]:
    """Every question's value from an inventory result (or a variant of its records)."""
    inc = result.records if with_excluded else result.included
    if gases is not None:
        inc = inc[inc["gas"].astype(str).isin(gases)]
    counted = inc if with_biogenic else inc[~inc["biogenic"].astype(bool)]
    out: dict[str, float] = {}
    mass = inc.groupby(["source_id", "gas"], observed=True)["mass_t"].sum()
    for (sid, gas), v in mass.items():
        out[f"{sid}.{gas}.mass_t"] = float(v)
    for sid, v in counted.groupby("source_id", observed=True)["co2e_t"].sum().items():
        out[f"{sid}.co2e_t"] = float(v)
    for cat, v in counted.groupby("iso_category", observed=True)["co2e_t"].sum().items():
        out[f"category.{cat}"] = float(v)
    out["total_tco2e"] = float(counted["co2e_t"].sum())
    return out


def _with_sources(project, change: Callable):
    src = project.sources.copy()
    changed = change(src)
    if changed is None:
        return None
    return dataclasses.replace(project, sources=changed)


def _recompute(change: Callable, **calc_kw) -> Callable:
    """A mistake that changes the project, then recomputes with the core."""

    def apply(project, calculate):
        p = change(project)
        if p is None:
            return None
        try:
            return _answers(calculate(p, **calc_kw))
        except CarbonError:  # the mistake cannot be made on this project (e.g. no such year)
            return None

    return apply


def _scale_activity(k: float):
    def change(project):
        def f(src):
            src["activity_amount"] = src["activity_amount"].astype(float) * k
            return src

        return _with_sources(project, f)

    return change


def _electricity_year(delta: int):
    def change(project):
        def f(src):
            if "data_year" not in src or src["data_year"].isna().all():
                return None
            src["data_year"] = src["data_year"] + delta
            return src

        return _with_sources(project, f)

    return change


def _old_edition(project):
    def f(src):
        ids = src.get("factor_id")
        if ids is None or not ids.astype(str).str.startswith("moenv-2024/").any():
            return None
        src["factor_id"] = ids.astype(str).str.replace("moenv-2024/", "moenv-6.0.4/", regex=False).where(ids.notna())
        return src

    return _with_sources(project, f)


def _column_set(column: str, value: Callable):
    def change(project):
        def f(src):
            if column not in src or src[column].isna().all():
                return None
            src[column] = value(src[column])
            return src

        return _with_sources(project, f)

    return change


def _without_heat_value(project, calculate):
    """Each source's figures with its own heat value left out (the dataset's default used).

    One recomputation per source with a heat value, so a fuel whose factor has no default
    heat value (the calculation refuses it) leaves the others' figures standing.
    """
    src = project.sources
    if "heat_value" not in src:
        return None
    out: dict[str, float] = {}
    for i in src.index[src["heat_value"].notna()]:
        sid = str(src.at[i, "source_id"])
        changed = src.copy()
        changed.loc[i, "heat_value"] = np.nan
        try:
            got = _answers(calculate(dataclasses.replace(project, sources=changed)))
        except CarbonError:  # no default heat value for this fuel: the mistake cannot be made
            continue
        out.update({k: v for k, v in got.items() if k.startswith(f"{sid}.")})
    return out or None


def _other_gwp(gwp_set: str):
    def change(project):
        return None if project.gwp_set == gwp_set else dataclasses.replace(project, gwp_set=gwp_set)

    return change


def _operational_control(project):
    org = project.organisation
    if org.boundary_approach != "equity_share":
        return None
    return dataclasses.replace(project, organisation=dataclasses.replace(org, boundary_approach="operational_control"))


def _from_base(**kw) -> Callable:
    """A mistake read off the base result's records (no recomputation)."""

    def apply(project, calculate, base=None):
        return _answers(base, **kw)

    apply.uses_base = True  # type: ignore[attr-defined]
    return apply


MISTAKES: tuple[Mistake, ...] = (
    Mistake("x1000", "unit", "活動數據多乘 1,000 (如 公秉 當 公升、千度 當 度)", "activity 1,000 times too large (e.g. 公秉 read as litres)", _recompute(_scale_activity(1000.0))),
    Mistake("div1000", "unit", "活動數據少了 1,000 倍", "activity 1,000 times too small", _recompute(_scale_activity(0.001))),
    Mistake("kcal4184", "unit", "熱值以 1 kcal = 4.184 kJ 換算 (應為 4.1868 kJ)", "heat value converted with 4.184 kJ/kcal (the IT calorie is 4.1868)", _recompute(_column_set("heat_value", lambda s: s * 4.184 / 4.1868))),
    Mistake("no_heat_value", "heat_value", "未用自廠熱值 (用了係數表的預設熱值)", "own heat value not used (dataset default taken)", _without_heat_value),
    Mistake("year-1", "factor", "電力係數用了前一年", "electricity factor of the year before", _recompute(_electricity_year(-1))),
    Mistake("year-2", "factor", "電力係數用了兩年前", "electricity factor of two years before", _recompute(_electricity_year(-2))),
    Mistake("edition604", "factor", "用了舊版係數 (6.0.4) 而非 113 年公告", "the old edition (6.0.4) instead of the 2024 announcement", _recompute(_old_edition)),
    Mistake("gwp_ar4", "gwp", "用了 AR4 的 GWP", "AR4 GWP values", _recompute(_other_gwp("AR4"))),
    Mistake("gwp_ar5", "gwp", "用了 AR5 的 GWP", "AR5 GWP values", _recompute(_other_gwp("AR5"))),
    Mistake("gwp_ar6", "gwp", "用了 AR6 的 GWP", "AR6 GWP values", _recompute(_other_gwp("AR6"))),
    Mistake("gwp_moenv", "gwp", "用了環境部 (MOENV-2024) 的 GWP", "the MOENV-2024 GWP values", _recompute(_other_gwp("MOENV-2024"))),
    Mistake("co2_only", "gases", "只算了 CO2 (漏了 CH4、N2O 等)", "only CO2 counted (CH4, N2O … left out)", _from_base(gases=("CO2",))),
    Mistake("certificates", "certificates", "再生能源憑證未扣除 (電證合一應計 0)", "renewable certificates not deducted", _recompute(_column_set("certificate_kwh", lambda s: s * 0.0))),
    Mistake("biogenic", "boundary", "生質 CO2 計入總量 (應另列)", "biogenic CO2 counted in the total (report it apart)", _from_base(with_biogenic=True)),
    Mistake("excluded", "boundary", "已排除的排放源計入總量", "excluded sources counted", _from_base(with_excluded=True)),
    Mistake("equity", "boundary", "未依持股比例計算", "equity share not applied", _recompute(_operational_control)),
)


def _questions(base: Mapping[str, float], result, rel: float, names: Mapping[str, str]) -> list[Question]:
    qs = []
    for qid, value in base.items():
        tol = max(rel * abs(value), 0.0005)
        head = qid.split(".")[0]
        sid = None if head in ("category", "total_tco2e") else head
        name = names.get(sid or "", "")
        if qid.endswith(".mass_t"):
            gas = qid.split(".")[1]
            zh, en, unit, step = f"{sid} {name}: {gas} 排放量", f"{sid} {name}: {gas} emitted", f"t {gas}", "factor"
        elif qid.endswith(".co2e_t"):
            zh, en, unit, step = f"{sid} {name}: 排放當量", f"{sid} {name}: CO2e", "t CO2e", "gwp"
        elif head == "category":
            cat = qid.split(".")[1]
            zh, en, unit, step = f"類別 {cat} 排放量", f"category {cat} emissions", "t CO2e", "sum"
        else:
            zh, en, unit, step = "總排放量", "total emissions", "t CO2e", "sum"
        qs.append(Question(qid, zh, en, unit, value, tol, step, sid))
    return qs


def build_exercise(project, *, rounding: str = "exact", tolerance_rel: float = 0.001) -> Exercise:
    """Make an exercise of an inventory project.

    Parameters
    ----------
    project : carbon.inventory.InventoryProject
        Any project (a bundled case, or a real factory's file read with ``read_project``).
    rounding : {'exact', 'moenv'}
        The rounding rule the trainee is asked to follow.
    tolerance_rel : float
        Accepted relative difference [-] (at least 0.0005 in the figure's unit).
    """
    from carbon.inventory import calculate

    result = calculate(project, rounding=rounding)
    base = _answers(result)
    names = {str(s): str(n) for s, n in zip(project.sources["source_id"], project.sources.get("name", project.sources["source_id"]), strict=True)}
    variants: dict[str, dict[str, float]] = {}
    other = "exact" if rounding == "moenv" else "moenv"
    variants["rounding"] = _answers(calculate(project, rounding=other))
    for m in MISTAKES:
        if getattr(m.apply, "uses_base", False):
            got = m.apply(project, calculate, base=result)
        else:
            got = m.apply(project, lambda p, **kw: calculate(p, rounding=rounding, **kw))
        if got:
            variants[m.id] = got
    qs = tuple(_questions(base, result, tolerance_rel, names))
    return Exercise(qs, variants, gwp_set=project.gwp_set, rounding=rounding)


_ROUNDING = Mistake("rounding", "rounding", "進位方式不同 (環境部表單的進位規則)", "the other rounding rule (the MOENV workbook's)", _from_base())


def _mistake(mid: str) -> Mistake:
    return _ROUNDING if mid == "rounding" else next(m for m in MISTAKES if m.id == mid)


def _grade_one(ex: Exercise, q: Question, given) -> Answer:
    value = _number(given)
    if value is None:
        return Answer(q.id, None, q.expected, False, q.step, None, "未作答。", "Not answered.")
    if q.accepts(value):
        return Answer(q.id, value, q.expected, True, q.step, None, "正確。", "Correct.")
    for mid, figures in ex.variants.items():
        v = figures.get(q.id)
        if v is None or abs(v - q.expected) <= q.tolerance:
            continue  # this mistake does not change this figure
        if abs(value - v) <= max(abs(v) * (q.tolerance / max(abs(q.expected), 1e-12)), 0.0005):
            m = _mistake(mid)
            zh_step, en_step = STEPS[m.step]
            return Answer(
                q.id, value, q.expected, False, m.step, m.id,
                f"錯在「{zh_step}」：你的答案等於{m.label_zh}的結果。請檢查這一步後再試。",
                f"Check the step '{en_step}': your answer equals the result with {m.label_en}. Fix that step and try again.",
            )  # fmt: skip
    zh_step, en_step = STEPS[q.step]
    off = value / q.expected if q.expected else float("nan")
    return Answer(
        q.id, value, q.expected, False, q.step, None,
        f"不正確 (為正確值的 {off:.3g} 倍)。請逐步檢查：活動數據 → 單位 → 熱值 → 係數 → GWP → {zh_step}。",
        f"Not right ({off:.3g} times the expected value). Go step by step: activity → unit → heat value → factor → GWP → {en_step}.",
    )  # fmt: skip


def _number(given) -> float | None:
    if given is None:
        return None
    if isinstance(given, str):
        text = given.strip().replace(",", "").translate(str.maketrans("０１２３４５６７８９．－", "0123456789.-"))
        if not text:
            return None
        try:
            return float(text)
        except ValueError:
            return float("nan")
    return float(given)


def grade(exercise: Exercise, answers: Mapping[str, object]) -> Grade:
    """Grade a trainee's answers (question id -> number or text; missing = unanswered).

    Returns
    -------
    Grade
        Each answer with the expected value, right or wrong, and a hint naming the step.
    """
    unknown = sorted(set(answers) - {q.id for q in exercise.questions})
    if unknown:
        raise InputError([Problem(f"answers to unknown questions {unknown}.", column="question", hint="Answer the exercise's questions by their id.")])
    return Grade(tuple(_grade_one(exercise, q, answers.get(q.id)) for q in exercise.questions))
