"""Low-carbon diagnosis on the open project's inventory: hotspots, measures, portfolio and MACC, target, carbon fee, financing, smart stage, reports."""

import pandas as pd
import streamlit as st

from app_support import diagnosis as dx
from app_support import projects, reports, state
from app_support.i18n import t
from app_support.inventory import problems_table
from app_support.uploads import MAX_UPLOAD_BYTES, read_upload
from carbon.errors import CarbonError

st.title(t("nav.diagnosis"))
st.caption(t("dg.intro"))
info = projects.current()
pid, ver = info.id, info.version
inv_doc = projects.document(info) or projects.blank_document()
diag_doc = projects.document(info, dx.DOCUMENT)
base_doc = projects.document(info, dx.BASE_DOCUMENT)


def save(new_diag: dict, action: str) -> None:
    """Save the diagnosis document on top of the version shown, then show the new version."""
    projects.save(info, {dx.DOCUMENT: new_diag}, action=action)
    st.rerun()


c1, c2 = st.columns(2)
if c1.button(t("dg.load_example"), key="dg_example"):
    new = projects.store().create_project(t("dg.example_name"), dx.example_documents())
    projects.open_project(new.id)
    state.flash("success", t("dg.example_loaded"))
    st.rerun()
up = c2.file_uploader(t("dg.upload"), type=[s.lstrip(".") for s in dx.SUFFIXES], key="dg_upload", max_upload_size=MAX_UPLOAD_BYTES // (1024 * 1024))
done = st.session_state.setdefault(state.PROCESSED_UPLOADS, set())
if up is not None and up.file_id not in done:
    done.add(up.file_id)
    data = up.getvalue()
    out = read_upload(up.name, data, dx.read_document, dx.SUFFIXES, {"too_big": lambda **k: t("inv.too_big", **k), "bad_type": lambda **k: t("inv.bad_type", **k), "unreadable": lambda **k: t("inv.unreadable", **k)})
    st.session_state["dg_upload_outcome"] = (up.file_id, out.message, out.problems)
    if out.ok:
        projects.store().add_upload(pid, up.name, data, up.type or "application/octet-stream", dx.DOCUMENT)
        state.flash("success", t("dg.imported"))
        save(out.value, "diagnosis import")
outcome = st.session_state.get("dg_upload_outcome")
if up is not None and outcome and outcome[0] == up.file_id:
    if outcome[1]:
        st.error(outcome[1])
    if outcome[2]:
        st.error(t("common.problems"))
        st.dataframe(problems_table(list(outcome[2])), hide_index=True, key="dg_upload_problems")

result, dg, problems = dx.run(info, inv_doc, diag_doc, base_doc)
if problems:
    st.error(t("common.problems"))
    st.dataframe(problems_table(problems), hide_index=True, key="dg_problems")
    st.stop()
before, after = dg.fee_total()
m1, m2, m3 = st.columns(3)
m1.metric(t("dg.total"), f"{dg.total_tco2e:,.3f}")
m2.metric(t("dg.fee_before"), f"NT${before:,}")
m3.metric(t("dg.fee_after"), "—" if after is None else f"NT${after:,}")

SECTIONS = {k: f"dg.tab.{k}" for k in ("hotspots", "measures", "portfolio", "target", "fee", "financing", "smart", "report")}
section = st.segmented_control(t("inv.section"), list(SECTIONS), format_func=lambda k: t(SECTIONS[k]), default="hotspots", key="dg_section", label_visibility="collapsed") or "hotspots"

if section == "hotspots":
    from carbon.reporting.diagnosis import fig_pareto

    by = st.selectbox(t("dg.by"), list(dg.pareto), format_func=lambda b: t(f"dg.by.{b}"), key="dg_by")
    table = dx.pareto_frame(dg, by)
    if len(table):
        st.plotly_chart(fig_pareto(table, title=t("dg.pareto", by=t(f"dg.by.{by}"))), key="dg_pareto")
        st.dataframe(table, hide_index=True, key="dg_pareto_table")
    if dg.comparison is not None:
        st.markdown(f"**{t('dg.compare')}**")
        st.text(dg.comparison.explain())
elif section == "measures":
    st.caption(t("dg.measures_help"))
    original = dx.measures_table(diag_doc or {})
    cfg = {c: st.column_config.TextColumn(c) for c in original.columns}
    edited = st.data_editor(original, key=f"dg_measures_{pid}_{ver}", num_rows="dynamic", hide_index=True, column_config=cfg, width="stretch")
    new = dx.measures_of(edited)
    if new != dx.measures_of(original):
        save({**(diag_doc or {}), "measures": new}, "edit measures")
elif section == "portfolio":
    steps = dx.steps_frame(dg)
    if steps.empty:
        st.info(t("dg.no_measures"))
    else:
        p = dg.portfolio
        alone = sum(a.avoided_t for a in p.alone)
        st.markdown(t("dg.portfolio_total", avoided=p.avoided_t, alone=alone, overlap=alone - p.avoided_t, after=p.after_t))
        st.dataframe(steps, hide_index=True, key="dg_portfolio")
        if dg.macc is not None and dg.macc.points:
            from carbon.reporting.diagnosis import fig_macc

            st.plotly_chart(fig_macc(dg.macc.points, title=t("dg.macc")), key="dg_macc")
        with st.expander(t("dg.explain")):
            st.code(p.explain(), language=None)
elif section == "target":
    if dg.target is None:
        st.info(t("dg.no_target"))
    else:
        from carbon.reporting.diagnosis import fig_target_path

        st.text(dg.target.explain())
        st.plotly_chart(fig_target_path(dg.target, title=t("dg.tab.target")), key="dg_target")
elif section == "fee":
    b = dg.fee_basis
    st.markdown(t("dg.fee_basis", direct=b.direct_t, el=b.electricity_t, total=b.emissions_t))
    st.code(dg.fee_before.explain(), language=None)
    if dg.fee_after is not None:
        st.markdown(f"**{t('dg.fee_after')}**")
        st.code(dg.fee_after.explain(), language=None)
    if len(dg.fee_sites) > 1:
        st.dataframe(pd.DataFrame([{"site": k, "before_ntd": v[0].fee_ntd, "after_ntd": None if v[1] is None else v[1].fee_ntd} for k, v in dg.fee_sites.items()]), hide_index=True, key="dg_fee_sites")
elif section == "financing":
    from carbon.diagnosis import loan_estimate

    f = dg.financing or {}
    if f.get("diagnosis_fee"):
        d = f["diagnosis_fee"]
        st.markdown(t("dg.diag_fee", total=d["total_ntd"], gov=d["government_ntd"], co=d["company_ntd"]))
    bc = f.get("budget_check")
    st.subheader(t("dg.budget"))
    if bc:
        st.markdown(t("dg.budget_result", track=bc["track"], req=bc["requested_subsidy_ntd"], max=bc["max_subsidy_ntd"], ok=t("dg.yes") if bc["compliant"] else t("dg.no")))
        st.dataframe(pd.DataFrame(bc["items"]), hide_index=True, key="dg_budget_items")
        for v in bc.get("violations") or []:
            st.warning(str(v))
    else:
        st.info(t("dg.no_budget"))
    st.subheader(t("dg.loan"))
    loan = (diag_doc or {}).get("loan") or {}
    c1, c2, c3 = st.columns(3)
    amount = c1.number_input(t("dg.loan_amount"), min_value=0.0, value=float(loan.get("amount_ntd", 10_000_000)), step=1_000_000.0, key="dg_loan_amount")
    term = c2.number_input(t("dg.loan_term"), min_value=1, max_value=30, value=int(loan.get("term_years", 7)), key="dg_loan_term")
    rate = c3.number_input(t("dg.loan_rate"), min_value=0.0, value=float(loan.get("bank_rate_pct", 2.5)), step=0.1, key="dg_loan_rate")
    try:
        est = loan_estimate(amount, int(term), rate)
    except CarbonError as err:
        st.error(str(err))
    else:
        st.markdown(t("dg.loan_result", total=est["total_subsidy_ntd"], sub=est["interest_subsidy_pct"]))
        st.dataframe(pd.DataFrame(est["schedule"]), hide_index=True, key="dg_loan_schedule")
        for u in est["defaults_used"]:
            st.caption(u)
elif section == "smart":
    from carbon.diagnosis.smart import QUESTIONS, assess

    saved = dict((diag_doc or {}).get("smart") or {})
    answers = {k: st.checkbox(q, value=bool(saved.get(k)), key=f"dg_smart_{k}_{pid}_{ver}") for k, (_stage, q) in QUESTIONS.items()}
    r = assess(answers)
    st.markdown(t("dg.smart_stage", stage=r["stage"], name=r["stage_name"] or "—", next=r["next_stage_name"] or "—"))
    for c in r["recommended_courses"]:
        st.markdown(f"- {c}")
    if answers != {k: bool(saved.get(k)) for k in QUESTIONS} and st.button(t("dg.smart_save"), key="dg_smart_save"):
        save({**(diag_doc or {}), "smart": answers}, "edit smart answers")
elif section == "report":
    kind = st.radio(t("dg.report_kind"), ["diagnosis", "smart"], format_func=lambda k: t(f"dg.report.{k}"), horizontal=True, key="dg_report_kind")
    reports.report_downloads(info, kind, lambda lg, charts: reports.diagnosis_document(result, dg, lg, charts, smart=kind == "smart"), key=f"dg_report_{kind}")
