"""``carbon training …``: the case library, exercises and their grading."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from carbon.cli._common import print_json


def cmd_cases(a) -> int:
    """``carbon training cases``: list the bundled cases; returns the exit code (0)."""
    from carbon.training import CLASSES, list_cases

    cases = list_cases(a.class_id)
    if a.json:
        print_json([{"id": c.id, "kind": c.kind, "classes": list(c.classes), "title": c.title(a.lang), "goals": list(c.goals(a.lang))} for c in cases])
        return 0
    for c in cases:
        classes = ", ".join(CLASSES[k][1 if a.lang == "en" else 0] for k in c.classes)
        print(f"{c.id:24s} {c.kind:12s} {c.title(a.lang)}  [{classes}]")
    return 0


def _exercise(case_id: str, rounding: str):
    from carbon.errors import InputError, Problem
    from carbon.training import build_exercise, case_project, get_case

    case = get_case(case_id)
    if case.kind == "verification":
        raise InputError([Problem(f"'{case_id}' is a verification case: its findings are graded in the app.", hint="Pick an inventory or quick-estimate case.")])
    return case, build_exercise(case_project(case), rounding=rounding, tolerance_rel=case.tolerance_rel)


def cmd_exercise(a) -> int:
    """``carbon training exercise``: print the questions of a case's exercise; returns the exit code (0)."""
    case, ex = _exercise(a.case, a.rounding)
    qs = [{"id": q.id, "question": q.label(a.lang), "unit": q.unit, "tolerance": q.tolerance} for q in ex.questions]
    if a.json:
        print_json({"case": case.id, "gwp_set": ex.gwp_set, "rounding": ex.rounding, "questions": qs})
        return 0
    print(f"{case.title(a.lang)} — GWP {ex.gwp_set}, rounding {ex.rounding}")
    for q in qs:
        print(f"  {q['id']:22s} {q['question']} [{q['unit']}]")
    return 0


def cmd_grade(a) -> int:
    """``carbon training grade``: grade answers (JSON: question id -> number) against a case; returns the exit code (0)."""
    from carbon.errors import InputError, Problem
    from carbon.training import grade

    path = Path(a.answers)
    try:
        answers = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise InputError([Problem(f"cannot read the answers: {type(err).__name__}.", file=path.name, hint="Give a JSON object: question id -> number.")]) from err
    if not isinstance(answers, dict):
        raise InputError([Problem("the answers are a JSON object: question id -> number.", file=path.name)])
    _, ex = _exercise(a.case, a.rounding)
    g = grade(ex, answers)
    if a.json:
        print_json(g.to_dict())
        return 0
    for ans in g.answers:
        print(f"  {'✓' if ans.correct else '✗'} {ans.question:22s} {ans.hint(a.lang)}")
    print(f"score {g.score:.0%}; by step: " + ", ".join(f"{k} {v:.0%}" for k, v in g.by_step.items()))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``carbon training cases|exercise|grade``."""
    tr = sub.add_parser("training", help="case library and graded exercises for the programme's classes").add_subparsers(dest="sub", required=True)
    s = tr.add_parser("cases", help="list the bundled cases")
    s.add_argument("--class", dest="class_id", choices=["ceo", "workshop", "seed", "advanced", "product"])
    s.add_argument("--lang", choices=["zh-TW", "en"], default="zh-TW")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_cases)
    for name, func, hlp in (("exercise", cmd_exercise, "the questions of a case's exercise"), ("grade", cmd_grade, "grade answers (JSON: question id -> number)")):
        s = tr.add_parser(name, help=hlp)
        s.add_argument("case")
        if name == "grade":
            s.add_argument("answers")
        s.add_argument("--rounding", choices=["exact", "moenv"], default="exact")
        s.add_argument("--lang", choices=["zh-TW", "en"], default="zh-TW")
        s.add_argument("--json", action="store_true")
        s.set_defaults(func=func)
