"""CBAM: goods' specific embedded emissions, certificates, cost and projection, template download."""

import pandas as pd
import streamlit as st

from app_support import cbam as cb
from app_support import projects, reports
from app_support.i18n import t
from app_support.inventory import calculate_version, problems_table
from app_support.uploads import CBAM_SUFFIXES, MAX_UPLOAD_BYTES, read_upload
from carbon.cbam.goods import CATEGORY_CN
from carbon.errors import CarbonError

st.title(t("nav.cbam"))
st.caption(t("cbam.intro"))
info = projects.current()
doc = projects.document(info) or projects.blank_document()
spec = dict(projects.document(info, "cbam") or {})
mode = st.radio(t("cbam.source"), ["inventory", "template"], format_func=lambda m: t("cbam.from_inventory") if m == "inventory" else t("cbam.from_template"), horizontal=True, key="cbam_mode")
inp = res = None
if mode == "inventory":
    inv, problems = calculate_version(info, doc)
    if inv is None:
        st.error(t("common.problems"))
        st.dataframe(problems_table(problems), hide_index=True, key="cbam_inv_problems")
        st.stop()
    eligible = cb.eligible_sources(inv)
    cats = list(CATEGORY_CN)
    c1, c2 = st.columns(2)
    new = {
        "process": c1.text_input(t("cbam.process"), value=spec.get("process", "螺絲螺帽"), key="cbam_process").strip() or "process",
        "category": c2.selectbox(t("cbam.category"), cats, index=cats.index(spec.get("category", "Iron or steel products")), key="cbam_category"),
        "production_t": c1.number_input(t("cbam.production"), min_value=0.001, value=float(spec.get("production_t", 2000.0)), key="cbam_production"),
        "cn_code": c2.text_input(t("cbam.cn"), value=spec.get("cn_code", "73181542"), key="cbam_cn").strip(),
        "sources": st.multiselect(t("cbam.sources"), eligible, default=[s for s in spec.get("sources", eligible) if s in eligible], key="cbam_sources"),
    }
    if new != {k: spec.get(k) for k in new}:
        projects.save(info, {"cbam": {**spec, **new}}, action="edit cbam")
        st.rerun()
    try:
        inp, res = cb.from_inventory(inv, new)
    except CarbonError as err:
        st.error(str(err))
        st.stop()
else:
    up = st.file_uploader(t("cbam.upload"), type=[s.lstrip(".") for s in CBAM_SUFFIXES], key="cbam_upload", max_upload_size=MAX_UPLOAD_BYTES // (1024 * 1024))
    if up is None:
        st.info(t("cbam.need_upload"))
        st.stop()
    out = read_upload(up.name, up.getvalue(), cb.read_cbam_file, CBAM_SUFFIXES, {"too_big": lambda **k: t("inv.too_big", **k), "bad_type": lambda **k: t("inv.bad_type", **k), "unreadable": lambda **k: t("inv.unreadable", **k)})
    if not out.ok:
        if out.message:
            st.error(out.message)
        if out.problems:
            st.error(t("common.problems"))
            st.dataframe(problems_table(list(out.problems)), hide_index=True, key="cbam_upload_problems")
        st.stop()
    inp, res = out.value

d = res.to_dict()
st.markdown(t("cbam.installation", direct=d["installation"]["direct_t"], indirect=d["installation"]["indirect_t"]))
st.subheader(t("cbam.goods"))
st.dataframe(pd.DataFrame(d["goods"])[["cn_code", "process", "see_direct", "see_indirect", "see_total"]], hide_index=True, key="cbam_goods")
st.subheader(t("cbam.cost"))
c1, c2, c3 = st.columns(3)
year = c1.number_input(t("cbam.year"), min_value=2026, max_value=2034, value=2026, step=1, key="cbam_year")
price = c2.number_input(t("cbam.price"), min_value=0.0, value=80.0, step=5.0, key="cbam_price")
qty = c3.number_input(t("cbam.quantity"), min_value=0.0, value=100.0, step=10.0, key="cbam_quantity")
try:
    now, projection = cb.costs(res, qty, int(year), price)
except CarbonError as err:
    st.error(str(err))
    st.stop()
st.markdown(t("cbam.cost_total", year=int(year), cert=now.get("certificates") or 0, eur=now.get("cost_eur") or 0, dcert=now.get("default_certificates") or 0, deur=now.get("default_cost_eur") or 0))
st.subheader(t("cbam.projection"))
st.dataframe(pd.DataFrame(projection), hide_index=True, key="cbam_projection")
if now.get("assumptions"):
    with st.expander(t("cbam.assumptions")):
        for a in now["assumptions"]:
            st.markdown(f"- {a}")
st.download_button(t("cbam.template_download"), lambda: cb.template_bytes(inp, res), file_name="cbam-communication-template.xlsx", key="cbam_template")
reports.report_downloads(info, "cbam", lambda lg, charts: reports.cbam_document(inp, res, lg, charts), key="cbam_report")
