"""Training classes as the app uses them: one shared Classroom, the trainee's token in session state only.

The token never goes into the URL or a project: it lives in ``st.session_state`` of the
trainee's own browser session, so no other session (or URL) can reach that trainee's work.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_support.i18n import lang
from carbon.store import default_url
from carbon.training import ERROR_KINDS, MISTAKES, STEPS
from carbon.training.classes import Classroom, case_of

TOKEN = "training_token"  # the trainee's session token (this browser session only)
RESULT = "training_result"  # {case, attempt, grade} of the last submission
INSTRUCTOR = "instructor_class"  # (code, password) of the class this instructor session opened


@st.cache_resource(show_spinner=False)
def _classroom(url: str) -> Classroom:
    from app_support.projects import store

    return Classroom(store())


def classroom() -> Classroom:
    """The classroom over the app's store (``$CARBON_DATABASE_URL`` or the default SQLite file)."""
    return _classroom(default_url())


def case_title(case_id: str) -> str:
    """A case's title in the current language."""
    return case_of(case_id).title(lang())


def step_label(step: str) -> str:
    """A step of the working (or a verification part) in the current language."""
    zh, en = STEPS.get(step, (step, step))
    return en if lang() == "en" else zh


def mistake_label(mid: str) -> str:
    """A usual mistake (or a missed planted error) in the current language."""
    en = lang() == "en"
    for m in MISTAKES:
        if m.id == mid:
            return m.label_en if en else m.label_zh
    if mid.startswith("missed:") and mid[7:] in ERROR_KINDS:
        zh, e = ERROR_KINDS[mid[7:]]
        return ("missed: " + e) if en else ("未找出：" + zh)
    return mid


def kind_label(kind: str) -> str:
    """A kind of planted error in the current language."""
    zh, en = ERROR_KINDS.get(kind, (kind, kind))
    return en if lang() == "en" else zh


def summary_frame(summary: dict) -> pd.DataFrame:
    """One row per trainee: score and score per step (column names in the current language)."""
    rows = []
    for r in summary["trainees"]:
        row = {"trainee": r["trainee"], "score": round(100 * r["score"], 1), "attempts": summary["attempts"].get(r["trainee"], 0)}
        row.update({step_label(k[5:]): round(100 * v, 1) for k, v in r.items() if k.startswith("step:") and v == v})
        rows.append(row)
    return pd.DataFrame(rows)
