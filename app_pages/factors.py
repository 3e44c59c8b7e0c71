"""Factor database: search, details with provenance and errata."""

import pandas as pd
import streamlit as st

from app_support.cache import factor_registry, factor_search
from app_support.i18n import lang, t

st.title(t("nav.factors"))
reg = factor_registry()
c1, c2 = st.columns([3, 1])
q = c1.text_input(t("fac.query"), value="柴油", key="fac_query")
ds = c2.selectbox(t("fac.dataset"), ["*", *reg.datasets()], format_func=lambda d: t("fac.all") if d == "*" else d, key="fac_dataset")
rows = factor_search(q.strip(), None if ds == "*" else ds, lang()) if q.strip() else []
if not rows:
    st.info(t("fac.none"))
    st.stop()
st.dataframe(pd.DataFrame(rows), hide_index=True, key="fac_results")
fid = st.selectbox(t("fac.detail"), [r["id"] for r in rows], key="fac_pick")
f = reg.get(fid)
d = f.to_dict()
st.markdown(f"**{f.name_zh} / {f.name_en}** — `{f.id}`")
st.subheader(t("fac.gases"))
st.dataframe(pd.DataFrame([{"gas": g, **v} for g, v in d["gases"].items()]), hide_index=True, key="fac_gases")
st.subheader(t("fac.provenance"))
src = d.get("source") or {}
st.dataframe(pd.DataFrame([{"field": k, "value": ", ".join(map(str, v)) if isinstance(v, list) else str(v)} for k, v in src.items()]), hide_index=True, key="fac_source")
if d.get("note"):
    st.caption(d["note"])
st.subheader(t("fac.errata"))
errata = (reg.meta.get(f.dataset) or {}).get("errata") or {}
if errata:
    st.dataframe(pd.DataFrame([{"id": k, "erratum": v} for k, v in errata.items()]), hide_index=True, key="fac_errata")
else:
    st.caption(t("fac.no_errata"))
