"""Trainee: join a class with its code and a name, answer a case's questions, see each answer graded.

The session token stays in this browser session's state (never the URL); every read and
write goes through it, so a trainee sees only their own submissions.
"""

import pandas as pd
import streamlit as st

from app_support import training as tr
from app_support.i18n import lang, t
from carbon.training.classes import ClassClosedError, ClassNotFoundError, NotAllowedError, case_of, exercise_of

st.title(t("nav.training"))
room = tr.classroom()


def _join() -> None:
    with st.form("tr_join_form"):
        code = st.text_input(t("tr.code"), key="tr_code", max_chars=16)
        name = st.text_input(t("tr.name"), key="tr_name", max_chars=100)
        if not st.form_submit_button(t("tr.join")):
            return
    try:
        st.session_state[tr.TOKEN] = room.join(code, name)
    except ClassNotFoundError:
        st.error(t("tr.err.not_found"))
        return
    except ClassClosedError:
        st.error(t("tr.err.closed"))
        return
    except NotAllowedError:
        st.error(t("tr.err.name"))
        return
    st.rerun()


def _exercise_form(case_id: str) -> dict | None:
    ex = exercise_of(case_id)
    st.write(t("tr.questions"))
    with st.form(f"tr_form_{case_id}"):
        answers = {q.id: st.number_input(f"{q.label(lang())} [{q.unit}]", value=None, format="%.4f", key=f"tr_q_{case_id}_{q.id}") for q in ex.questions}
        if st.form_submit_button(t("tr.submit")):
            return {k: v for k, v in answers.items() if v is not None}
    return None


def _findings_form(case_id: str) -> list | None:
    ex = exercise_of(case_id)
    st.subheader(t("tr.inventory"))
    st.dataframe(pd.DataFrame(ex.project.get("sources") or []).astype(str), hide_index=True, key="tr_sources")
    st.caption(t("tr.total_with_errors", total=ex.total_with_errors))
    kinds = {t("tr.none"): "", **{f"{tr.kind_label(k)} [{k}]": k for k in tr.ERROR_KINDS}}
    st.write(t("tr.findings"))
    rows = []
    with st.form(f"tr_form_{case_id}"):
        for n in range(1, len(ex.errors) + 1):
            c1, c2, c3 = st.columns(3)
            kind = kinds.get(c1.selectbox(t("tr.finding_kind", n=n), list(kinds), key=f"tr_f_kind_{n}"), "")
            src = c2.text_input(t("tr.finding_source", n=n), key=f"tr_f_src_{n}", max_chars=40)
            eff = c3.number_input(t("tr.finding_effect", n=n), value=None, format="%.3f", key=f"tr_f_eff_{n}")
            if kind:
                rows.append({"kind": kind, "source_id": src.strip() or None, "effect_tco2e": eff})
        if st.form_submit_button(t("tr.submit")):
            return rows
    return None


def _show_grade(result: dict, verification: bool) -> None:
    g = result["grade"]
    st.subheader(t("tr.score", attempt=result["attempt"], score=100 * g["score"]))
    en = lang() == "en"
    if verification:
        for f in g["findings"]:
            e = f["error"]
            head = f"{tr.kind_label(e['kind'])} ({e['source_id'] or '—'})"
            if f["found"] and f["effect_correct"]:
                st.success(f"✅ {head}: {t('tr.found')}, {t('tr.effect_ok')}")
            elif f["found"]:
                st.warning(f"⚠️ {head}: {t('tr.found')}, {t('tr.effect_wrong', effect=e['effect_tco2e'])}")
            else:
                st.error(f"❌ {t('tr.not_found')}: {tr.kind_label(e['kind'])}")
    else:
        ex = exercise_of(result["case"])
        for a in g["answers"]:
            label = ex.question(a["question"]).label(lang())
            if a["correct"]:
                st.success(f"✅ {label}: {t('tr.right')}")
            else:
                st.error(f"❌ {label}: {t('tr.wrong')} — {a['hint_en' if en else 'hint_zh']}")
    st.info(t("tr.retry"))


def _trainee(token: str) -> None:
    try:
        name, info = room.whoami(token)
    except NotAllowedError:
        st.session_state.pop(tr.TOKEN, None)
        st.error(t("tr.err.session"))
        return
    c1, c2 = st.columns([4, 1])
    c1.success(t("tr.joined", name=name, cls=info.name))
    if c2.button(t("tr.leave"), key="tr_leave"):
        for k in (tr.TOKEN, tr.RESULT):
            st.session_state.pop(k, None)
        st.rerun()
    labels = {f"{tr.case_title(c)} [{c}]": c for c in info.case_ids}
    case_id = labels.get(st.selectbox(t("tr.case"), list(labels), key="tr_case"), info.case_ids[0])
    case = case_of(case_id)
    st.markdown(f"**{t('tr.goals')}**\n" + "\n".join(f"- {g}" for g in case.goals(lang())))
    if not info.is_open:
        st.warning(t("tr.closed"))
    verification = case.kind == "verification"
    answers = _findings_form(case_id) if verification else _exercise_form(case_id)
    if answers is not None:
        try:
            st.session_state[tr.RESULT] = {"case": case_id, **room.submit(token, case_id, answers)}
        except ClassClosedError:
            st.error(t("tr.err.closed"))
    result = st.session_state.get(tr.RESULT)
    if result and result["case"] == case_id:
        _show_grade(result, verification)
    mine = room.my_submissions(token, case_id)
    if mine:
        st.subheader(t("tr.history"))
        st.dataframe(pd.DataFrame({t("tr.attempt"): [m["attempt"] for m in mine], "%": [round(100 * m["grade"]["score"], 1) for m in mine]}), hide_index=True, key="tr_history")


token = st.session_state.get(tr.TOKEN)
if token:
    _trainee(token)
else:
    _join()
