"""Home: a two-minute quick estimate for the CEO class (in the spirit of 金好算)."""

import pandas as pd
import streamlit as st

from app_support.fee import THRESHOLD_T, fee_exposure
from app_support.i18n import t
from app_support.quick import quick_estimate

st.title(t("app.title"))
st.caption(t("app.tagline"))
st.write(t("home.intro"))
c1, c2, c3 = st.columns(3)
amounts = {
    "electricity": c1.number_input(t("home.electricity"), min_value=0.0, value=1_200_000.0, step=10_000.0, key="quick_electricity"),
    "diesel": c2.number_input(t("home.diesel"), min_value=0.0, value=20_000.0, step=1_000.0, key="quick_diesel"),
    "gasoline": c3.number_input(t("home.gasoline"), min_value=0.0, value=8_000.0, step=1_000.0, key="quick_gasoline"),
    "natural_gas": c1.number_input(t("home.natural_gas"), min_value=0.0, value=50_000.0, step=1_000.0, key="quick_natural_gas"),
    "lpg": c2.number_input(t("home.lpg"), min_value=0.0, value=0.0, step=100.0, key="quick_lpg"),
    "fuel_oil": c3.number_input(t("home.fuel_oil"), min_value=0.0, value=0.0, step=1_000.0, key="quick_fuel_oil"),
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
fee = fee_exposure(est["scope1"] + est["scope2"])
m4.metric(t("home.fee"), f"{fee:,.0f}")
if est["scope1"] + est["scope2"] < THRESHOLD_T:
    st.info(t("home.fee_none", total=est["scope1"] + est["scope2"]))
else:
    st.warning(t("home.fee_due", fee=fee))
st.subheader(t("home.top3"))
top = sorted(est["by_source"].items(), key=lambda kv: -kv[1])[:3]
st.dataframe(
    pd.DataFrame({t("home.source"): [t(f"home.fuel.{k}") for k, _ in top], "t CO2e": [round(v, 3) for _, v in top]}),
    hide_index=True,
    key="quick_top3",
)
st.caption(t("home.fee_ref"))
st.success(t("home.next"))
