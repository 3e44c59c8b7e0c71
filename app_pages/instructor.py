"""Instructor: create a class and pick its cases, open/close it, see the class table and common mistakes, download xlsx.

The class view needs the class's code and password; they stay in this browser session's state.
"""

import pandas as pd
import streamlit as st

from app_support import training as tr
from app_support.i18n import t
from carbon.training import list_cases
from carbon.training.classes import ClassNotFoundError, NotAllowedError

st.title(t("nav.instructor"))
room = tr.classroom()


def _create() -> None:
    cases = {f"{tr.case_title(c.id)} [{c.id}]": c.id for c in list_cases()}
    with st.form("ins_create_form"):
        name = st.text_input(t("ins.class_name"), key="ins_name", max_chars=200)
        who = st.text_input(t("ins.instructor"), key="ins_who", max_chars=200)
        pw = st.text_input(t("ins.password"), type="password", key="ins_pw")
        picked = [cases[k] for k in st.multiselect(t("ins.cases"), list(cases), key="ins_cases") if k in cases]
        if not st.form_submit_button(t("ins.create")):
            return
    if not picked:
        st.error(t("ins.err.cases"))
        return
    try:
        info = room.create_class(name.strip() or "class", who.strip() or "—", pw, picked)
    except NotAllowedError:
        st.error(t("ins.err.password"))
        return
    st.session_state[tr.INSTRUCTOR] = (info.code, pw)
    st.rerun()


def _open() -> None:
    with st.form("ins_open_form"):
        code = st.text_input(t("tr.code"), key="ins_open_code", max_chars=16)
        pw = st.text_input(t("ins.password"), type="password", key="ins_open_pw")
        if not st.form_submit_button(t("ins.open")):
            return
    try:
        room.overview(code, pw)
    except ClassNotFoundError:
        st.error(t("tr.err.not_found"))
        return
    except NotAllowedError:
        st.error(t("ins.err.password"))
        return
    st.session_state[tr.INSTRUCTOR] = (code.strip().upper(), pw)
    st.rerun()


def _view(code: str, pw: str) -> None:
    view = room.overview(code, pw)
    info = view["class"]
    state = t("ins.state_open") if info.is_open else t("ins.state_closed")
    st.subheader(t("ins.class", name=info.name, code=info.code, state=state))
    st.success(t("ins.created", code=info.code))
    c1, c2, c3 = st.columns(3)
    if c1.button(t("ins.close") if info.is_open else t("ins.reopen"), key="ins_toggle"):
        room.set_open(code, pw, not info.is_open)
        st.rerun()
    c2.download_button(t("ins.download"), room.export_xlsx(code, pw), file_name=f"class-{info.code}.xlsx", mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="ins_xlsx")
    if c3.button(t("ins.forget"), key="ins_forget"):
        st.session_state.pop(tr.INSTRUCTOR, None)
        st.rerun()
    st.subheader(t("ins.trainees"))
    if not view["trainees"]:
        st.info(t("ins.no_trainees"))
        return
    st.dataframe(pd.DataFrame(view["trainees"]).astype({"joined": str}), hide_index=True, key="ins_trainees")
    for cid, summ in view["cases"].items():
        st.subheader(tr.case_title(cid))
        st.table(tr.summary_frame(summ))  # a static table: read aloud and copyable, also by a browser test
        if summ["steps"]:
            st.caption(t("ins.steps"))
            st.dataframe(pd.DataFrame({"step": [tr.step_label(k) for k in summ["steps"]], "%": [round(100 * v, 1) for v in summ["steps"].values()]}), hide_index=True, key=f"ins_steps_{cid}")
        if summ["mistakes"]:
            st.caption(t("ins.mistakes"))
            st.dataframe(pd.DataFrame({t("ins.mistake"): [tr.mistake_label(m["mistake"]) for m in summ["mistakes"]], t("ins.count"): [m["trainees"] for m in summ["mistakes"]]}), hide_index=True, key=f"ins_mistakes_{cid}")


opened = st.session_state.get(tr.INSTRUCTOR)
if opened:
    _view(*opened)
else:
    tab1, tab2 = st.tabs([t("ins.create"), t("ins.open_view")])
    with tab1:
        _create()
    with tab2:
        _open()
