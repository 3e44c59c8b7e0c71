"""碳算 carbon — Streamlit front end (`make run`).

Pages are thin over ``carbon``; Streamlit helpers live in ``app_support``. Projects are kept in
the store (``carbon.store``: ``$CARBON_DATABASE_URL`` or a SQLite file in the user data
folder); every edit is saved as it is made. New capability pages (product footprint,
diagnosis, reports) are added to ``PAGES`` below in their own section.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import streamlit as st  # noqa: E402

from app_support import projects, state  # noqa: E402
from app_support.i18n import language_selector, t  # noqa: E402

st.set_page_config(page_title="碳算 carbon", page_icon="🌱", layout="wide")
language_selector()
projects.sidebar(projects.current())
state.show_flash()
PAGES = {
    t("nav.section.start"): [
        st.Page("app_pages/home.py", title=t("nav.home"), url_path="home", default=True),
        st.Page("app_pages/projects.py", title=t("nav.projects"), url_path="projects"),
    ],
    t("nav.section.org"): [st.Page("app_pages/inventory.py", title=t("nav.inventory"), url_path="inventory")],
    t("nav.section.cbam"): [st.Page("app_pages/cbam.py", title=t("nav.cbam"), url_path="cbam")],
    t("nav.section.product"): [st.Page("app_pages/product.py", title=t("nav.product"), url_path="product")],
    t("nav.section.diagnosis"): [st.Page("app_pages/diagnosis.py", title=t("nav.diagnosis"), url_path="diagnosis")],
    t("nav.section.data"): [st.Page("app_pages/factors.py", title=t("nav.factors"), url_path="factors")],
    t("nav.section.training"): [
        st.Page("app_pages/training.py", title=t("nav.training"), url_path="training"),
        st.Page("app_pages/instructor.py", title=t("nav.instructor"), url_path="instructor"),
    ],
}
st.navigation(PAGES).run()
