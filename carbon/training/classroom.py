"""What an instructor sees over a class: progress, scores per step, the most common mistakes."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

__all__ = ["class_summary"]


def class_summary(grades: Mapping[str, Mapping]) -> dict:
    """Summarise a class's latest grades.

    Parameters
    ----------
    grades : mapping
        Trainee name -> a grade as plain data (:meth:`carbon.training.exercise.Grade.to_dict`).

    Returns
    -------
    dict
        ``trainees`` (one row each: name, score, answered share, score per step),
        ``steps`` (class mean score per step) and ``mistakes`` (each usual mistake with the
        number of trainees who made it, most common first).
    """
    rows: list[dict] = []
    mistakes: dict[str, int] = {}
    for name, g in grades.items():
        answers = g.get("answers") or []
        answered = sum(a.get("given") is not None for a in answers)
        rows.append({"trainee": name, "score": g.get("score", 0.0), "answered": answered / len(answers) if answers else 0.0, **{f"step:{k}": v for k, v in (g.get("by_step") or {}).items()}})
        for m in g.get("mistakes") or {}:
            mistakes[m] = mistakes.get(m, 0) + 1
    table = pd.DataFrame(rows)
    steps = {c[5:]: float(table[c].mean()) for c in table.columns if c.startswith("step:")} if len(table) else {}
    return {
        "trainees": table.to_dict("records"),
        "steps": steps,
        "mistakes": sorted(({"mistake": k, "trainees": v} for k, v in mistakes.items()), key=lambda d: (-d["trainees"], d["mistake"])),
    }
