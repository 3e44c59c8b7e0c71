"""Home: what carbon is, and the example project's inventory."""

import pandas as pd
import plotly.express as px
import streamlit as st

from app_support.cache import example_result
from app_support.i18n import t
from carbon.errors import CarbonError

st.title(t("app.title"))
st.caption(t("app.tagline"))
st.subheader(t("home.example"))
try:
    res = example_result()
except CarbonError as err:
    st.error(str(err))
    st.stop()
d = res.to_dict()
st.markdown(f"**{d['organisation']}** — {d['reporting_year']} · {t('home.gwp')}: `{d['gwp_set']}`")
c1, c2, c3, c4 = st.columns(4)
c1.metric(t("home.total"), f"{d['total_tco2e']:,.3f}")
c2.metric(t("home.scope1"), f"{d['by_scope'].get('1', 0):,.3f}")
c3.metric(t("home.scope2"), f"{d['by_scope'].get('2', 0):,.3f}")
c4.metric(t("home.biogenic"), f"{d['biogenic_co2_t']:,.3f}")
cat = pd.DataFrame({"category": list(d["by_subcategory"]), "tco2e": list(d["by_subcategory"].values())})
fig = px.bar(cat, x="category", y="tco2e", template="plotly_white", labels={"category": "ISO 14064-1", "tco2e": "t CO2e"})
st.subheader(t("home.by_category"))
st.plotly_chart(fig, key="home_by_category")
st.subheader(t("home.sources"))
rows = [{"id": s["id"], "name": s["name"], "category": s["category"], "t CO2e": s["tco2e"], "excluded": s["excluded"]} for s in d["sources"]]
st.dataframe(pd.DataFrame(rows), hide_index=True, key="home_sources")
st.caption(t("home.editions") + ": " + ", ".join(f"{k} {v}" for k, v in d["factor_editions"].items()))
