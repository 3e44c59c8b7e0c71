"""The verification exercise: find the errors planted in a finished inventory.

A verification case holds a correct inventory and the errors planted in it. The trainee sees
the inventory with every error in it, and reports findings: which kind of error, in which
source, and its effect on the total. Each planted error's effect is computed by the core as
the total with all errors minus the total with that one error put right [t CO2e].

Planted errors (case file, key ``planted``), each with an ``id``, a ``kind`` from
:data:`ERROR_KINDS` and one operation: ``set`` (source columns to change), ``remove: true``
(the source is left out), ``duplicate_as`` (the source is counted twice under a new id) or
``project`` (project-level keys such as ``gwp_set``).

References
----------
ISO 14064-3:2019 §6 (verification activities); ISO 14064-1:2018 §5 (completeness, consistency).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from carbon.errors import InputError, Problem

__all__ = ["ERROR_KINDS", "Finding", "PlantedError", "VerificationExercise", "build_verification", "grade_findings"]

#: Kinds of planted error: id -> (zh-TW, English).
ERROR_KINDS: dict[str, tuple[str, str]] = {
    "electricity_year": ("電力係數年份錯誤", "wrong electricity-factor year"),
    "unit_slip": ("單位錯誤 (差 1,000 倍)", "unit slip of 1,000"),
    "missing_source": ("漏列排放源", "missing source"),
    "double_count": ("重複計算", "double-counted source"),
    "gwp_set": ("GWP 版本錯誤", "wrong GWP set"),
    "biogenic_as_fossil": ("生質燃料當作化石燃料", "biogenic fuel counted as fossil"),
    "factor": ("排放係數錯誤", "wrong emission factor"),
}


@dataclass(frozen=True)
class PlantedError:
    """One planted error and its effect on the total [t CO2e]."""

    id: str
    kind: str
    source_id: str | None
    effect_tco2e: float


@dataclass(frozen=True)
class Finding:
    """The grade of one planted error: found or not, effect stated right or not."""

    error: PlantedError
    found: bool
    effect_given: float | None
    effect_correct: bool


@dataclass(frozen=True)
class VerificationExercise:
    """What the trainee sees (``project``, the inventory with the errors) and the key."""

    project: dict
    errors: tuple[PlantedError, ...]
    total_with_errors: float
    total_correct: float
    tolerance_rel: float = 0.01


def _sources_by_id(data: dict) -> dict[str, dict]:
    return {str(s.get("source_id")): s for s in data.get("sources") or ()}


def _apply(data: dict, error: dict, file: str) -> None:
    """Plant one error in the project data (in place)."""
    sid = error.get("source_id")
    sources = _sources_by_id(data)
    if sid is not None and str(sid) not in sources:
        raise InputError([Problem(f"planted error {error.get('id')} names source '{sid}', which is not in the project.", file=file, column="planted")])
    if "set" in error:
        sources[str(sid)].update(error["set"])
    elif error.get("remove"):
        data["sources"] = [s for s in data["sources"] if str(s.get("source_id")) != str(sid)]
    elif "duplicate_as" in error:
        twin = copy.deepcopy(sources[str(sid)])
        twin["source_id"] = error["duplicate_as"]
        data["sources"].append(twin)
    elif "project" in error:
        data.update(error["project"])
    else:
        raise InputError([Problem(f"planted error {error.get('id')} has no operation (set, remove, duplicate_as or project).", file=file, column="planted")])


def _plant(project: dict, planted: Sequence[dict], skip: str | None, file: str) -> dict:
    data = copy.deepcopy(project)
    for e in planted:
        if e.get("id") != skip:
            _apply(data, e, file)
    return data


def _total(data: dict, name: str, rounding: str) -> float:
    from carbon.inventory import calculate
    from carbon.training.cases import project_of

    return calculate(project_of(data, name), rounding=rounding).total_tco2e


def build_verification(case, rounding: str = "exact") -> VerificationExercise:
    """Plant the case's errors and compute each one's effect with the core."""
    planted = case.planted
    for e in planted:
        if e.get("kind") not in ERROR_KINDS:
            raise InputError([Problem(f"planted error {e.get('id')}: kind '{e.get('kind')}' is unknown.", file=case.file, column="planted", hint=f"Use {sorted(ERROR_KINDS)}.")])
    wrong = _plant(case.project, planted, None, case.file)
    total_wrong = _total(wrong, case.id, rounding)
    errors = tuple(
        PlantedError(str(e["id"]), e["kind"], e.get("source_id"), total_wrong - _total(_plant(case.project, planted, e["id"], case.file), case.id, rounding))
        for e in planted
    )
    return VerificationExercise(wrong, errors, total_wrong, _total(case.project, case.id, rounding), case.tolerance_rel * 10)


def grade_findings(exercise: VerificationExercise, findings: Sequence[Mapping]) -> tuple[Finding, ...]:
    """Grade the trainee's findings, each ``{kind, source_id, effect_tco2e}``.

    A planted error is found when a finding names its kind and (where it has one) its source;
    its effect is right within ``tolerance_rel`` of the computed effect (at least 0.001 t).
    """
    out = []
    for err in exercise.errors:
        match = next(
            (f for f in findings if f.get("kind") == err.kind and (err.source_id is None or str(f.get("source_id")) == str(err.source_id))),
            None,
        )
        effect = None if match is None or match.get("effect_tco2e") in (None, "") else float(match["effect_tco2e"])
        ok = effect is not None and abs(effect - err.effect_tco2e) <= max(abs(err.effect_tco2e) * exercise.tolerance_rel, 0.001)
        out.append(Finding(err, match is not None, effect, ok))
    return tuple(out)
