"""Factor look-up with provenance."""

import pandas as pd
import streamlit as st

from app_support.cache import factor_registry
from app_support.i18n import t

st.title(t("nav.factors"))
reg = factor_registry()
q = st.text_input(t("fac.query"), value="柴油", key="fac_query")
ds = st.selectbox(t("fac.dataset"), [t("fac.all"), *reg.datasets()], key="fac_dataset")
hits = reg.search(q, dataset=None if ds == t("fac.all") else ds, limit=100) if q.strip() else []
if not hits:
    st.info(t("fac.none"))
    st.stop()
rows = [{"id": f.id, "name_zh": f.name_zh, "name_en": f.name_en, "gases": ", ".join(f"{g} {v.value:g} {v.unit}" for g, v in f.gases.items())} for f in hits]
st.dataframe(pd.DataFrame(rows), hide_index=True, key="fac_results")
fid = st.selectbox(t("fac.detail"), [f.id for f in hits], key="fac_pick")
st.json(reg.get(fid).to_dict())
