"""Inventory: upload a file (or use the example), calculate, explain, download."""

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from app_support.cache import EXAMPLE, factor_registry
from app_support.i18n import t
from carbon import gwp_sets
from carbon.errors import CarbonError, InputError
from carbon.formats.project import read_project, write_template
from carbon.inventory import calculate
from carbon.reporting.uncertainty import fig_uncertainty_histogram
from carbon.uncertainty import monte_carlo

st.title(t("nav.inventory"))
up = st.file_uploader(t("inv.upload"), type=["xlsx", "ods", "csv", "yaml", "yml", "json"], key="inv_upload")
st.caption(t("inv.use_example"))
c1, c2 = st.columns(2)
gwp = c1.selectbox(t("home.gwp"), gwp_sets(), index=gwp_sets().index("MOENV-2024"), key="inv_gwp")
rounding = c2.selectbox(t("inv.rounding"), ["exact", "moenv"], key="inv_rounding")

try:
    if up is not None:
        with tempfile.TemporaryDirectory() as d:
            p = Path(d) / up.name
            p.write_bytes(up.getvalue())
            project = read_project(p)
    else:
        project = read_project(EXAMPLE)
    res = calculate(project, gwp_set=gwp, rounding=rounding, registry=factor_registry())
except InputError as err:
    st.error(t("inv.errors"))
    st.code("\n".join(str(p) for p in err.problems), language=None)
    st.stop()
except CarbonError as err:
    st.error(str(err))
    st.stop()

d = res.to_dict()
c1, c2, c3 = st.columns(3)
c1.metric(t("home.total"), f"{d['total_tco2e']:,.3f}")
if d["data_quality"]["score"] is not None:
    c2.metric(t("inv.dq"), f"{d['data_quality']['score']:.2f} (level {d['data_quality']['level']})")
u = d["uncertainty"]
if u["lower_pct"] is not None:
    c3.metric(t("inv.unc"), f"−{u['lower_pct']:.2f} % / +{u['upper_pct']:.2f} %")
rec = res.records[["source_id", "source_name", "iso_subcategory", "gas", "activity_amount", "activity_unit", "factor_id", "factor_value", "factor_unit", "mass_t", "gwp", "co2e_t", "note"]]
st.dataframe(rec, hide_index=True, key="inv_records")
with st.expander(t("inv.mc"), expanded=False):
    iters = st.number_input(t("inv.mc_iterations"), min_value=1_000, max_value=200_000, value=20_000, step=1_000, key="inv_mc_iter")
    seed = st.number_input(t("inv.mc_seed"), min_value=0, value=12345, step=1, key="inv_mc_seed")
    if st.button(t("inv.mc_run"), key="inv_mc_run"):
        mc = monte_carlo(res.counted, int(iters), int(seed))
        st.session_state["inv_mc_result"] = (mc.to_dict(), fig_uncertainty_histogram(mc, res.total_tco2e))
    if "inv_mc_result" in st.session_state:
        mcd, fig = st.session_state["inv_mc_result"]
        st.markdown(f"95 %: {mcd['p2_5_tco2e']:,.3f} – {mcd['p97_5_tco2e']:,.3f} t CO2e (−{mcd['lower_pct']:.2f} % / +{mcd['upper_pct']:.2f} %)")
        st.plotly_chart(fig, key="inv_mc_hist")
sid = st.selectbox(t("inv.explain"), list(pd.unique(res.records["source_id"].astype(str))), key="inv_explain")
st.code(res.explain(sid), language=None)
st.download_button(t("inv.download_records"), res.records.to_csv(index=False).encode("utf-8-sig"), file_name="records.csv", mime="text/csv", key="dl_records")
with tempfile.TemporaryDirectory() as d:
    tp = write_template(Path(d) / "template.xlsx")
    st.download_button(t("inv.template"), tp.read_bytes(), file_name="carbon-inventory-template.xlsx", key="dl_template")
