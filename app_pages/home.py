"""Home: a two-minute quick estimate for the CEO class (in the spirit of 金好算)."""

import pandas as pd
import streamlit as st

from app_support.i18n import lang, t
from app_support.quick import quick_estimate
from carbon.estimate import ITEMS

st.title(t("app.title"))
st.caption(t("app.tagline"))
st.write(t("home.intro"))
c1, c2, c3 = st.columns(3)
DEFAULTS = {"electricity": 1_200_000.0, "diesel_stationary": 20_000.0, "gasoline_vehicles": 8_000.0, "natural_gas": 50_000.0}
en = lang() == "en"
amounts = {
    key: col.number_input(
        f"{item.name_en if en else item.name_zh} ({item.unit}{' per year' if en else '/年'})",
        min_value=0.0, value=DEFAULTS.get(key, 0.0), step=1_000.0, key=f"quick_{key}",
    )
    for (key, item), col in zip(ITEMS.items(), [c1, c2, c3] * 3, strict=False)
}
year = c1.text_input(t("home.year"), value="113", key="quick_year")
est = quick_estimate(tuple(sorted(amounts.items())), year.strip())
if est["problems"]:
    st.error("\n".join(est["problems"]))
    st.stop()
m1, m2, m3, m4 = st.columns(4)
m1.metric(t("home.total"), f"{est['total']:,.1f}")
m2.metric(t("home.scope1"), f"{est['scope1']:,.1f}")
m3.metric(t("home.scope2"), f"{est['scope2']:,.1f}")
fee = est["fee"]["fee_ntd"] if est["fee"] else 0
m4.metric(t("home.fee"), f"{fee:,.0f}")
if not est["fee"] or not est["fee"]["payer"]:
    st.info(t("home.fee_none", total=est["scope1"] + est["scope2"]))
else:
    st.warning(t("home.fee_due", fee=fee))
st.subheader(t("home.top3"))
top = est["lines"][:3]
st.dataframe(
    pd.DataFrame({t("home.source"): [d["name_en" if en else "name_zh"] for d in top], "t CO2e": [round(d["tco2e"], 3) for d in top]}),
    hide_index=True,
    key="quick_top3",
)
st.caption(t("home.fee_ref"))
st.success(t("home.next"))
