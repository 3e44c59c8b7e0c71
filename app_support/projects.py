"""The project store as the app uses it: one shared Store, the open project, saving with conflict checks."""

from __future__ import annotations

import json
from pathlib import Path

import streamlit as st

from app_support import state
from app_support.i18n import t
from carbon.store import ProjectInfo, ProjectNotFoundError, StaleVersionError, Store, default_url
from carbon.store.documents import DOCUMENT_NAME, project_to_document

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "demo-factory.yaml"


@st.cache_resource(show_spinner=False)
def _store(url: str) -> Store:
    return Store(url)


def store() -> Store:
    """The store of ``$CARBON_DATABASE_URL`` (or the default SQLite file), shared by all sessions."""
    return _store(default_url())


def example_document() -> dict:
    """The bundled example project as a stored document."""
    from carbon.formats.project import read_project

    return project_to_document(read_project(EXAMPLE))


def blank_document() -> dict:
    """An empty inventory: an organisation name and no sources yet."""
    return {"organisation": {"name": t("proj.blank_name")}, "gwp_set": "MOENV-2024", "facilities": [], "sources": []}


def create(name: str, example: bool = True) -> ProjectInfo:
    """Create a project (from the demo factory, or blank) and open it."""
    info = store().create_project(name, {DOCUMENT_NAME: example_document() if example else blank_document()})
    open_project(info.id)
    return info


def open_project(project_id: str) -> None:
    """Make ``project_id`` the open project of this session (and of the URL)."""
    st.session_state[state.PROJECT] = project_id
    st.query_params["project"] = project_id


def current() -> ProjectInfo:
    """The open project: this session's, the URL's, the most recently changed, or a new demo project."""
    s = store()
    for pid in (st.session_state.get(state.PROJECT), st.query_params.get("project")):
        if pid:
            try:
                info = s.info(str(pid))
            except ProjectNotFoundError:
                continue
            open_project(info.id)
            return info
    projects = s.list_projects()
    if projects:
        open_project(projects[0].id)
        return projects[0]
    return create(t("proj.example_name"), example=True)


@st.cache_data(max_entries=64, show_spinner=False)
def _document(url: str, project_id: str, version: int, name: str) -> str | None:
    text, _v = _store(url).document(project_id, name)
    return text


def document(info: ProjectInfo, name: str = DOCUMENT_NAME) -> dict | None:
    """A document of the project at ``info.version`` (cached per version)."""
    text = _document(default_url(), info.id, info.version, name)
    return None if text is None else json.loads(text)


def save(info: ProjectInfo, documents: dict, action: str = "edit") -> ProjectInfo | None:
    """Save documents on top of ``info.version``; on a conflict say so and return None."""
    try:
        new = store().save_documents(info.id, documents, expected_version=info.version, action=action)
    except StaleVersionError as err:
        state.flash("error", t("common.conflict", actual=err.actual, expected=err.expected))
        return None
    state.set_seen_version(new.id, new.version)
    return new


def undo(info: ProjectInfo) -> None:
    """Undo the last change of the project (flash says what happened)."""
    from carbon.store import StoreError

    try:
        new = store().undo(info.id, expected_version=info.version)
    except StaleVersionError as err:
        state.flash("error", t("common.conflict", actual=err.actual, expected=err.expected))
        return
    except StoreError:
        state.flash("info", t("common.nothing_to_undo"))
        return
    state.set_seen_version(new.id, new.version)
    state.flash("success", t("common.undone", version=new.version))


def sidebar(info: ProjectInfo) -> None:
    """The open project's name and version in the sidebar, with undo."""
    st.sidebar.markdown(f"**{t('side.project')}**")
    st.sidebar.text(info.name)
    st.sidebar.caption(t("side.version", version=info.version))
    if st.sidebar.button(t("common.undo"), key="side_undo"):
        undo(info)
        st.rerun()


def logged_download(info: ProjectInfo, kind: str, fmt: str, filename: str, make, lang: str):
    """A deferred download that, when clicked, builds the file and records it in the report history."""

    def build() -> bytes:
        data = make()
        store().add_report(info.id, info.version, kind, fmt, lang, filename, data)
        return data

    return build
