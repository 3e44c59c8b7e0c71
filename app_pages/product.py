"""Product carbon footprint (ISO 14067): the product document edited in place, results, hotspots, tree, PACT, report."""

import pandas as pd
import streamlit as st

from app_support import product as pr
from app_support import projects, reports, state
from app_support.i18n import t
from app_support.inventory import problems_table
from app_support.uploads import MAX_UPLOAD_BYTES, read_upload
from carbon.errors import CarbonError

st.title(t("nav.product"))
st.caption(t("prod.intro"))
info = projects.current()
doc = projects.document(info, pr.DOCUMENT)
pid, ver = info.id, info.version


def save(new_doc: dict, action: str) -> None:
    """Save the product document on top of the version shown, then show the new version."""
    projects.save(info, {pr.DOCUMENT: new_doc}, action=action)
    st.rerun()


c1, c2 = st.columns(2)
if c1.button(t("prod.load_example"), key="prod_example"):
    state.flash("success", t("prod.example_loaded"))
    save(pr.example_document(), "product example")
up = c2.file_uploader(t("prod.upload"), type=[s.lstrip(".") for s in pr.SUFFIXES], key="prod_upload", max_upload_size=MAX_UPLOAD_BYTES // (1024 * 1024))
done = st.session_state.setdefault(state.PROCESSED_UPLOADS, set())
if up is not None and up.file_id not in done:
    done.add(up.file_id)
    data = up.getvalue()
    out = read_upload(up.name, data, pr.read_document, pr.SUFFIXES, {"too_big": lambda **k: t("inv.too_big", **k), "bad_type": lambda **k: t("inv.bad_type", **k), "unreadable": lambda **k: t("inv.unreadable", **k)})
    st.session_state["prod_upload_outcome"] = (up.file_id, out.message, out.problems)
    if out.ok:
        projects.store().add_upload(pid, up.name, data, up.type or "application/octet-stream", pr.DOCUMENT)
        state.flash("success", t("prod.imported"))
        save(out.value, "product import")
outcome = st.session_state.get("prod_upload_outcome")
if up is not None and outcome and outcome[0] == up.file_id:
    if outcome[1]:
        st.error(outcome[1])
    if outcome[2]:
        st.error(t("common.problems"))
        st.dataframe(problems_table(list(outcome[2])), hide_index=True, key="prod_upload_problems")
if doc is None:
    st.info(t("prod.none"))
    st.stop()

# -- the product system's tables (each edit saved) -----------------------------------
with st.expander(t("prod.data"), expanded=False):
    head = dict(doc.get("product") or {})
    st.caption(t("prod.head", name=head.get("name", "—"), amount=head.get("amount", "—"), unit=head.get("unit", "—"), boundary=head.get("boundary", "—")))
    for key in pr.TABLES:
        st.markdown(f"**{t('prod.table.' + key)}**")
        original = pr.table(doc, key)
        cfg = {c: st.column_config.TextColumn(c) for c in original.columns}
        edited = st.data_editor(original, key=f"prod_{key}_{pid}_{ver}", num_rows="dynamic", hide_index=True, column_config=cfg, width="stretch")
        new_rows = pr.rows_of(edited)
        if new_rows != pr.rows_of(original):
            save({**doc, key: new_rows}, f"edit product {key}")

results, problems = pr.calculate_document(doc, label=info.name)
if problems:
    st.error(t("common.problems"))
    st.dataframe(problems_table(problems), hide_index=True, key="prod_problems")
    st.stop()
names = [r.product.name for r in results.results]
name = st.selectbox(t("prod.product"), names, key="prod_which") if len(names) > 1 else names[0]
res = results[names.index(name) if name in names else 0]
d = res.to_dict()
m1, m2, m3 = st.columns(3)
m1.metric(t("prod.total", unit=d["declared_unit"]["text"]), f"{d['total_kgco2e']:,.6f}")
m2.metric(t("prod.fossil"), f"{d['fossil_kgco2e']:,.6f}")
m3.metric(t("prod.biogenic"), f"{d['biogenic_kgco2e']:,.6f}")
st.caption(t("prod.basis", boundary=d["boundary"], gwp=d["gwp_set"], covered=d["cutoff"]["covered_share"], primary=d["primary_data_share"]))

SECTIONS = {"results": "prod.tab.results", "hotspots": "prod.tab.hotspots", "tree": "prod.tab.tree", "pact": "prod.tab.pact", "report": "prod.tab.report"}
section = st.segmented_control(t("inv.section"), list(SECTIONS), format_func=lambda k: t(SECTIONS[k]), default="results", key="prod_section", label_visibility="collapsed") or "results"
if section == "results":
    from carbon.reporting.product import fig_stage_waterfall

    st.plotly_chart(fig_stage_waterfall(res, title=t("prod.waterfall")), key="prod_waterfall")
    c1, c2 = st.columns(2)
    c1.markdown(f"**{t('prod.by_stage')}**")
    c1.dataframe(pr.stage_table(res), hide_index=True, key="prod_stages")
    c2.markdown(f"**{t('prod.by_gas')}**")
    c2.dataframe(pr.gas_table(res), hide_index=True, key="prod_gases")
    st.markdown(f"**{t('prod.by_process')}**")
    st.dataframe(pd.DataFrame({"process": list(d["by_process"]), "kgco2e": list(d["by_process"].values())}), hide_index=True, key="prod_processes")
    st.markdown(f"**{t('prod.factors')}**")
    st.dataframe(pd.DataFrame(d["factors"]), hide_index=True, key="prod_factors")
elif section == "hotspots":
    from carbon.reporting.product import fig_hotspots

    st.plotly_chart(fig_hotspots(res, title=t("prod.tab.hotspots")), key="prod_hotspot_chart")
    st.dataframe(pd.DataFrame(d["hotspots"]), hide_index=True, key="prod_hotspots")
    proc = st.selectbox(t("prod.explain"), list(d["by_process"]), key="prod_explain")
    if proc:
        st.code(res.explain(proc), language=None)
elif section == "tree":
    st.dataframe(pd.DataFrame(pr.tree_rows(res.tree())), hide_index=True, key="prod_tree")
elif section == "pact":
    st.caption(t("prod.pact_intro"))
    c1, c2 = st.columns(2)
    fields = {
        "company_name": c1.text_input(t("prod.pact.company"), key="pact_company").strip(),
        "company_id": c2.text_input(t("prod.pact.company_id"), placeholder="urn:tw:tax-id:12345678", key="pact_company_id").strip(),
        "product_id": c1.text_input(t("prod.pact.product_id"), placeholder="urn:gtin:4712345678901", key="pact_product_id").strip(),
        "cpc": c2.text_input(t("prod.pact.cpc"), key="pact_cpc").strip(),
        "start": c1.text_input(t("prod.pact.start"), value="2024-01-01T00:00:00Z", key="pact_start").strip(),
        "end": c2.text_input(t("prod.pact.end"), value="2025-01-01T00:00:00Z", key="pact_end").strip(),
        "fossil_carbon_content": c1.number_input(t("prod.pact.fossil_c"), min_value=0.0, value=None, format="%.6f", key="pact_fossil_c"),
        "biogenic_carbon_content": c2.number_input(t("prod.pact.biogenic_c"), min_value=0.0, value=0.0, format="%.6f", key="pact_bio_c"),
        "packaging_included": st.checkbox(t("prod.pact.packaging"), key="pact_packaging"),
    }
    missing = [k for k in ("company_name", "company_id", "product_id", "cpc", "start", "end") if not fields[k]] + (["fossil_carbon_content"] if fields["fossil_carbon_content"] is None else [])
    if missing:
        st.info(t("prod.pact.missing", fields=", ".join(missing)))
    else:
        try:
            data = pr.pact_json(res, fields)
        except CarbonError as err:
            st.error(str(err))
        else:
            st.download_button(t("prod.pact.download"), data, file_name="pact-product-footprint.json", mime="application/json", key="pact_dl")
elif section == "report":
    reports.report_downloads(info, "product", lambda lg, charts: reports.product_document(res, lg, charts), key="prod_report")
