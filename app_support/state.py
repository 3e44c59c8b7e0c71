"""Session-state keys of the app (one place; nothing mutable at module level)."""

from __future__ import annotations

import streamlit as st

PROJECT = "project_id"  # id of the open project (also in the URL: ?project=<id>)
FLASH = "flash"  # (level, text) shown once at the top of the next run
SEEN = "seen_version"  # {project id: version the page last rendered}
MC_RESULT = "inv_mc_result"
PROCESSED_UPLOADS = "processed_uploads"  # file ids of uploads already handled
LAST_DELETED = "last_deleted"  # id of the project last deleted (for "undo delete")


def flash(level: str, text: str) -> None:
    """Show ``text`` at the top of the next run (``level``: success, info, warning, error)."""
    st.session_state[FLASH] = (level, text)


def show_flash() -> None:
    """Show and forget the pending flash message."""
    item = st.session_state.pop(FLASH, None)
    if item:
        getattr(st, item[0])(item[1])


def seen_version(project_id: str) -> int | None:
    """The project version this session last showed."""
    return st.session_state.get(SEEN, {}).get(project_id)


def set_seen_version(project_id: str, version: int) -> None:
    """Remember the project version this session shows."""
    st.session_state.setdefault(SEEN, {})[project_id] = version
