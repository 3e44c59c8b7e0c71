"""Inventory: organisation, facilities and sources edited in place (every edit saved), results, quality, explain, import/export."""

import pandas as pd
import plotly.express as px
import streamlit as st

from app_support import exports, projects, reports, state
from app_support.cache import factor_ids
from app_support.i18n import lang, t
from app_support.inventory import (
    PROBLEM,
    TCO2E,
    apply_editor_state,
    calculate_version,
    compare_sources,
    gas_table,
    has_edits,
    problems_by_row,
    problems_table,
    read_and_check,
    sources_column_config,
    sources_columns,
    typed_table,
)
from app_support.uploads import INVENTORY_SUFFIXES, MAX_UPLOAD_BYTES, read_upload
from carbon import gwp_sets
from carbon.inventory import BOUNDARY_APPROACHES
from carbon.schema import FACILITY_COLUMNS
from carbon.store.documents import DOCUMENT_NAME, project_to_document

st.title(t("nav.inventory"))
info = projects.current()
doc = projects.document(info) or projects.blank_document()
pid, ver = info.id, info.version
seen = state.seen_version(pid)
if seen is not None and seen != ver and any(has_edits(st.session_state.get(f"{p}_{pid}_{seen}")) for p in ("inv_src", "inv_fac", "inv_org")):
    st.error(t("common.conflict", actual=ver, expected=seen))
state.set_seen_version(pid, ver)
SHOW_ALL = "inv_all_columns"
SOURCE_COLS = sources_columns(doc, bool(st.session_state.get(SHOW_ALL)))
FACILITY_COLS = [c.name for c in FACILITY_COLUMNS]


def save(new_doc: dict, action: str = "edit") -> None:
    """Save the document on top of the version shown, then show the new version."""
    projects.save(info, {DOCUMENT_NAME: new_doc}, action=action)
    st.rerun()


# pending table edits are saved before anything is drawn: one script run per edit
_pending = {}
for prefix, field, cols in (("inv_src", "sources", SOURCE_COLS), ("inv_fac", "facilities", FACILITY_COLS)):
    edits = st.session_state.get(f"{prefix}_{pid}_{ver}")
    if has_edits(edits):
        _pending[field] = apply_editor_state(doc.get(field) or [], edits, cols)
if _pending and any(_pending[f] != (doc.get(f) or []) for f in _pending):
    new_info = projects.save(info, {DOCUMENT_NAME: {**doc, **_pending}})
    if new_info is not None:
        info, doc, ver = new_info, {**doc, **_pending}, new_info.version
    else:
        state.show_flash()


# -- organisation and settings (saved on change) ---------------------------------------
org = dict(doc.get("organisation") or {})
settings = dict(doc.get("settings") or {})
with st.expander(t("inv.org"), expanded=False):
    c1, c2, c3 = st.columns(3)
    name = c1.text_input(t("inv.org.name"), value=str(org.get("name") or ""), key=f"inv_org_name_{pid}_{ver}")
    tax_id = c2.text_input(t("inv.org.tax_id"), value=str(org.get("tax_id") or ""), key=f"inv_org_tax_{pid}_{ver}")
    year = c3.text_input(t("inv.org.year"), value=str(org.get("reporting_year") or ""), key=f"inv_org_year_{pid}_{ver}")
    approaches = list(BOUNDARY_APPROACHES)
    boundary = c1.selectbox(
        t("inv.org.boundary"), approaches, index=approaches.index(org.get("boundary_approach", "operational_control")),
        format_func=lambda a: t(f"inv.boundary.{a}"), key=f"inv_org_boundary_{pid}_{ver}",
    )  # fmt: skip
    sets = list(gwp_sets())
    gwp = c2.selectbox(t("inv.org.gwp"), sets, index=sets.index(doc.get("gwp_set")) if doc.get("gwp_set") in sets else 0, key=f"inv_org_gwp_{pid}_{ver}")
    rounding = c3.selectbox(t("inv.org.rounding"), ["exact", "moenv"], index=["exact", "moenv"].index(settings.get("rounding", "exact")), key=f"inv_org_rounding_{pid}_{ver}")
typed = {"name": name, "tax_id": tax_id, "reporting_year": year}
changed = {k: v.strip() for k, v in typed.items() if v.strip() != str(org.get(k) or "")}
if boundary != org.get("boundary_approach", "operational_control"):
    changed["boundary_approach"] = boundary
if changed or gwp != (doc.get("gwp_set") if doc.get("gwp_set") in sets else sets[0]) or rounding != settings.get("rounding", "exact"):
    new_org = {k: v for k, v in {**org, **changed}.items() if v not in (None, "")}
    save({**doc, "organisation": new_org, "gwp_set": gwp, "settings": {**settings, "rounding": rounding}})

res, problems = calculate_version(info, doc)
by_row, other_problems = problems_by_row(problems or [])
if problems:
    st.error(t("common.problems"))
    if other_problems:
        st.dataframe(problems_table(other_problems), hide_index=True, key="inv_problems")

# -- headline -------------------------------------------------------------------------
if res is not None:
    scopes = res.by_scope
    m1, m2, m3, m4 = st.columns(4)
    m1.metric(t("inv.total"), f"{res.total_tco2e:,.3f}")
    m2.metric(t("inv.scope1"), f"{scopes.get('1', 0.0):,.3f}")
    m3.metric(t("inv.scope2"), f"{scopes.get('2', 0.0):,.3f}")
    m4.metric(t("inv.biogenic"), f"{res.biogenic_co2_t:,.3f}")

# one section drawn at a time (a segmented control, not tabs: hidden tabs would still be drawn)
SECTIONS = {"data": "inv.tab.data", "results": "inv.tab.results", "quality": "inv.tab.quality", "explain": "inv.tab.explain", "io": "inv.tab.io"}
section = st.segmented_control(t("inv.section"), list(SECTIONS), format_func=lambda k: t(SECTIONS[k]), default="data", key="inv_section", label_visibility="collapsed") or "data"

# -- data: facilities and sources ----------------------------------------------------
if section == "data":
    st.subheader(t("inv.facilities"))
    fcols = FACILITY_COLS
    frows = doc.get("facilities") or []
    fcfg = {c.name: (c.zh if lang() == "zh-TW" else c.name) for c in FACILITY_COLUMNS}
    fkey = f"inv_fac_{pid}_{ver}"
    st.data_editor(typed_table(frows, fcols), key=fkey, num_rows="dynamic", hide_index=True, column_config=fcfg, width="stretch")

    st.subheader(t("inv.sources"))
    st.toggle(t("inv.all_columns"), key=SHOW_ALL)
    cols = SOURCE_COLS
    rows = doc.get("sources") or []
    table = typed_table(rows, cols)
    per_source = res.by_source if res is not None else {}
    table.insert(2, TCO2E, [per_source.get(str(s)) for s in table["source_id"]])
    table.insert(0, PROBLEM, [by_row.get(i) for i in range(len(table))])
    cfg = sources_column_config(doc, factor_ids(), cols)
    cfg[TCO2E] = st.column_config.NumberColumn(t("inv.col.tco2e"), format="%.4f", disabled=True)
    cfg[PROBLEM] = st.column_config.TextColumn(t("inv.col.problem"), disabled=True, width="medium")
    order = ([PROBLEM] if by_row else []) + cols[:2] + [TCO2E] + cols[2:]
    skey = f"inv_src_{pid}_{ver}"
    st.data_editor(table, key=skey, num_rows="dynamic", hide_index=True, column_config=cfg, column_order=order, width="stretch", height=min(38 * (len(table) + 2), 560))

# -- results ------------------------------------------------------------------------
if section == "results":
    if res is None:
        st.info(t("common.no_results"))
    else:
        c1, c2 = st.columns(2)
        cat = pd.DataFrame({"category": list(res.by_subcategory), "tco2e": list(res.by_subcategory.values())})
        c1.plotly_chart(px.bar(cat, x="category", y="tco2e", template="plotly_white", title=t("inv.by_category"), labels={"category": "ISO 14064-1", "tco2e": "t CO2e"}), key="inv_chart_category")
        sc = pd.DataFrame({"scope": [f"scope {k}" for k in res.by_scope], "tco2e": list(res.by_scope.values())})
        c2.plotly_chart(px.pie(sc, names="scope", values="tco2e", template="plotly_white", title=t("inv.by_scope")), key="inv_chart_scope")
        gases = gas_table(res)
        c1.plotly_chart(px.bar(gases, x="gas", y="tco2e", template="plotly_white", title=t("inv.by_gas"), labels={"tco2e": "t CO2e"}), key="inv_chart_gas")
        fac = pd.DataFrame({"facility": list(res.by_facility), "tco2e": list(res.by_facility.values())})
        c2.plotly_chart(px.bar(fac, x="facility", y="tco2e", template="plotly_white", title=t("inv.by_facility"), labels={"tco2e": "t CO2e"}), key="inv_chart_facility")
        st.subheader(t("inv.records"))
        rec_cols = ["source_id", "source_name", "iso_subcategory", "gas", "activity_amount", "activity_unit", "factor_id", "factor_value", "factor_unit", "mass_t", "gwp", "co2e_t", "factor_dataset", "factor_edition", "note"]
        st.dataframe(res.records[[c for c in rec_cols if c in res.records]], hide_index=True, key="inv_records")
        st.caption(t("inv.editions") + ": " + ", ".join(f"{k} {v}" for k, v in res.factor_editions.items()) + f" · GWP {res.gwp_set} · {res.rounding}")
        if res.excluded_sources:
            st.subheader(t("inv.excluded"))
            st.dataframe(pd.DataFrame(res.exclusions()), hide_index=True, key="inv_exclusions")

# -- quality and uncertainty -------------------------------------------------------
if section == "quality":
    if res is not None:
        dq, unc = res.data_quality, res.uncertainty
        c1, c2 = st.columns(2)
        if dq.score is not None:
            c1.metric(t("inv.dq"), f"{dq.score:.2f}", t("inv.dq_level", level=dq.level), delta_color="off")
        if unc.lower_pct is not None:
            c2.metric(t("inv.unc"), f"−{unc.lower_pct:.2f} % / +{unc.upper_pct:.2f} %")
        st.dataframe(dq.table, hide_index=True, key="inv_dq_table")
        st.subheader(t("inv.mc"))
        c1, c2, c3 = st.columns(3)
        iters = c1.number_input(t("inv.mc_iterations"), min_value=1_000, max_value=200_000, value=20_000, step=1_000, key="inv_mc_iter")
        seed = c2.number_input(t("inv.mc_seed"), min_value=0, value=12345, step=1, key="inv_mc_seed")
        if c3.button(t("inv.mc_run"), key="inv_mc_run"):
            from carbon.reporting.uncertainty import fig_uncertainty_histogram
            from carbon.uncertainty import monte_carlo

            mc = monte_carlo(res.counted, int(iters), int(seed))
            st.session_state[state.MC_RESULT] = (pid, ver, mc.to_dict(), fig_uncertainty_histogram(mc, res.total_tco2e))
        mc_state = st.session_state.get(state.MC_RESULT)
        if mc_state and mc_state[:2] == (pid, ver):
            d = mc_state[2]
            st.markdown(t("inv.mc_result", low=d["p2_5_tco2e"], high=d["p97_5_tco2e"], lo=d["lower_pct"], hi=d["upper_pct"]))
            st.plotly_chart(mc_state[3], key="inv_mc_hist")

# -- explain and compare ---------------------------------------------------------
if section == "explain":
    if res is not None:
        ids = list(pd.unique(res.records["source_id"].astype(str)))
        sid = st.selectbox(t("inv.explain"), ids, key="inv_explain")
        if sid:
            st.code(res.explain(sid), language=None)
        st.subheader(t("inv.compare"))
        others = [g for g in gwp_sets() if g != res.gwp_set]
        other = st.selectbox(t("inv.compare_gwp"), [None, *others], format_func=lambda g: "—" if g is None else g, key="inv_compare_gwp")
        res_b = calculate_version(info, doc, gwp_set=other)[0] if other else None
        if res_b is not None:
            st.markdown(t("inv.compare_total", a=res.total_tco2e, b=res_b.total_tco2e, d=res_b.total_tco2e - res.total_tco2e))
            st.dataframe(compare_sources(res, res_b).rename(columns={"a": res.gwp_set, "b": other}), hide_index=True, key="inv_compare_table")

# -- import and export --------------------------------------------------------------
if section == "io":
    up = st.file_uploader(t("inv.import"), type=[s.lstrip(".") for s in INVENTORY_SUFFIXES], key="inv_upload", max_upload_size=MAX_UPLOAD_BYTES // (1024 * 1024))
    done = st.session_state.setdefault(state.PROCESSED_UPLOADS, set())
    if up is not None and up.file_id not in done:
        done.add(up.file_id)
        data = up.getvalue()
        out = read_upload(up.name, data, read_and_check, INVENTORY_SUFFIXES, {"too_big": lambda **k: t("inv.too_big", **k), "bad_type": lambda **k: t("inv.bad_type", **k), "unreadable": lambda **k: t("inv.unreadable", **k)})
        if out.ok:
            new_doc = project_to_document(out.value)
            new_doc["settings"] = {"rounding": "moenv" if out.value.origin.get("format") == "moenv-workbook" else "exact"}
            projects.store().add_upload(pid, up.name, data, up.type or "application/octet-stream", DOCUMENT_NAME)
            state.flash("success", t("inv.imported", name=out.value.organisation.name, n=len(new_doc["sources"])))
            save(new_doc, action="import")
        st.session_state["inv_upload_outcome"] = (up.file_id, out.message, out.problems)
    outcome = st.session_state.get("inv_upload_outcome")
    if up is not None and outcome and outcome[0] == up.file_id:
        if outcome[1]:
            st.error(outcome[1])
        if outcome[2]:
            st.error(t("common.problems"))
            st.dataframe(problems_table(list(outcome[2])), hide_index=True, key="inv_upload_problems")
    def logged(kind: str, fmt: str, filename: str, make):
        return projects.logged_download(info, kind, fmt, filename, make, lang())

    st.download_button(t("inv.export_workbook"), logged("workbook", "xlsx", "carbon-inventory.xlsx", lambda: exports.workbook_xlsx(doc)), file_name="carbon-inventory.xlsx", key="dl_workbook")
    if res is not None:
        st.download_button(t("inv.export_records"), logged("records", "csv", "records.csv", lambda: exports.records_csv(res.records)), file_name="records.csv", mime="text/csv", key="dl_records")
        st.download_button(t("inv.export_moenv"), logged("moenv-workbook", "xlsx", "moenv-inventory.xlsx", lambda: exports.moenv_xlsx(res.project, res)), file_name="moenv-inventory.xlsx", key="dl_moenv")
    else:
        st.caption(t("inv.export_unavailable"))
    st.download_button(t("inv.template"), lambda: exports.template_xlsx(lang()), file_name="carbon-inventory-template.xlsx", key="dl_template")
    if res is not None:
        reports.report_downloads(info, "inventory", lambda lg, charts: reports.inventory_document(res, lg, charts), key="inv_report")
