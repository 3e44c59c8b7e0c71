"""碳算 carbon — Streamlit front end (`make run`)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import streamlit as st  # noqa: E402

from app_support.i18n import language_selector, t  # noqa: E402

st.set_page_config(page_title="碳算 carbon", layout="wide")
language_selector()
pages = {
    t("nav.section.org"): [
        st.Page("app_pages/home.py", title=t("nav.home"), url_path="home", default=True),
        st.Page("app_pages/inventory.py", title=t("nav.inventory"), url_path="inventory"),
    ],
    t("nav.section.data"): [st.Page("app_pages/factors.py", title=t("nav.factors"), url_path="factors")],
}
st.navigation(pages).run()
