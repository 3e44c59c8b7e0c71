"""Projects: open, create, rename, duplicate, delete (with undo), export and import."""

import pandas as pd
import streamlit as st

from app_support import projects, state
from app_support.i18n import t
from app_support.inventory import problems_table
from app_support.uploads import MAX_UPLOAD_BYTES, display_name
from carbon.errors import InputError

st.title(t("nav.projects"))
s = projects.store()
info = projects.current()
st.caption(t("proj.current", name=info.name) + " · " + t("proj.database", url=s.engine.url.render_as_string(hide_password=True)))

items = s.list_projects()
st.subheader(t("proj.list"))
st.dataframe(
    pd.DataFrame({t("proj.name"): [p.name for p in items], t("proj.version"): [p.version for p in items], t("proj.updated"): [p.updated_at for p in items]}),
    hide_index=True,
    key="proj_table",
)
ids = [p.id for p in items]
names = {p.id: p.name for p in items}
c1, c2 = st.columns([3, 1])
pick = c1.selectbox(t("proj.pick"), ids, index=ids.index(info.id) if info.id in ids else 0, format_func=lambda i: names.get(i, i), key="proj_pick")
if c2.button(t("proj.open"), key="proj_open") and pick:
    projects.open_project(pick)
    st.rerun()

c1, c2, c3 = st.columns([3, 1, 1])
new_name = c1.text_input(t("proj.new_name"), key="proj_new_name")
from_example = c2.checkbox(t("proj.new_from_example"), value=True, key="proj_new_example")
if c3.button(t("proj.create"), key="proj_create"):
    projects.create(new_name or (t("proj.example_name") if from_example else t("proj.blank_name")), example=from_example)
    st.rerun()

c1, c2, c3, c4 = st.columns([3, 1, 1, 1])
rename_to = c1.text_input(t("proj.rename_to"), key="proj_rename_to")
if c2.button(t("proj.rename"), key="proj_rename") and rename_to.strip():
    from carbon.store import StaleVersionError

    try:
        s.rename(info.id, rename_to, expected_version=info.version)
    except StaleVersionError as err:
        state.flash("error", t("common.conflict", actual=err.actual, expected=err.expected))
    st.rerun()
if c3.button(t("proj.duplicate"), key="proj_duplicate"):
    dup = s.duplicate(info.id)
    projects.open_project(dup.id)
    st.rerun()
if c4.button(t("proj.delete"), key="proj_delete"):
    s.delete(info.id)
    st.session_state[state.LAST_DELETED] = info.id
    st.session_state.pop(state.PROJECT, None)
    st.query_params.pop("project", None)
    state.flash("warning", t("proj.deleted", name=info.name))
    st.rerun()
last = st.session_state.get(state.LAST_DELETED)
if last and st.button(t("proj.restore"), key="proj_restore"):
    r = s.restore(last)
    st.session_state.pop(state.LAST_DELETED, None)
    projects.open_project(r.id)
    state.flash("success", t("proj.restored", name=r.name))
    st.rerun()

st.download_button(t("proj.export"), s.export_project(info.id), file_name="project.carbon.json", mime="application/json", key="proj_export")
up = st.file_uploader(t("proj.import"), type=["json"], key="proj_import", max_upload_size=MAX_UPLOAD_BYTES // (1024 * 1024))
done = st.session_state.setdefault(state.PROCESSED_UPLOADS, set())
if up is not None and up.file_id not in done:
    done.add(up.file_id)
    try:
        imported = s.import_project(up.getvalue(), file=display_name(up.name))
    except InputError as err:
        st.error(t("common.problems"))
        st.dataframe(problems_table(err.problems), hide_index=True, key="proj_import_problems")
    else:
        projects.open_project(imported.id)
        state.flash("success", t("proj.imported", name=imported.name))
        st.rerun()

st.subheader(t("proj.history"))
hist = s.history(info.id)
st.dataframe(
    pd.DataFrame({t("proj.version"): [h["version"] for h in hist], t("proj.action"): [h["action"] for h in hist], t("proj.name"): [h["name"] for h in hist], t("proj.updated"): [h["created_at"] for h in hist]}),
    hide_index=True,
    key="proj_history",
)
