"""The app through AppTest: every page runs, the main flows work, projects are kept in the store."""

import ast
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
MOENV_SAMPLE = ROOT / "factors" / "sources" / "taiwan" / "moenv-inventory-workbook-sample.ods"
PAGES = ["app_pages/home.py", "app_pages/projects.py", "app_pages/inventory.py", "app_pages/cbam.py", "app_pages/factors.py"]
DEMO_TOTAL = 3400.547  # examples/demo-factory.yaml, exact rounding (issue #8: refrigerant fixed; tests/test_inventory.py checks the parts)


@pytest.fixture
def db(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'carbon.db'}"
    monkeypatch.setenv("CARBON_DATABASE_URL", url)
    return url


def new_session(page: str | None = None) -> AppTest:
    """A fresh browser session (as after a page refresh), optionally on a page."""
    a = AppTest.from_file(APP, default_timeout=90)
    a.run()
    assert not a.exception, a.exception
    if page:
        a.switch_page(page).run()
        assert not a.exception, a.exception
    return a


@pytest.fixture
def at(db):
    return new_session()


def metrics(a: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in a.metric}


def show(a: AppTest, section: str) -> AppTest:
    """Choose a section of the inventory page (data, results, quality, explain, io)."""
    a.segmented_control(key="inv_section").set_value(section).run()
    assert not a.exception, a.exception
    return a


def frame(a: AppTest, *columns: str):
    """The first table on the page that has these columns (st.dataframe keys are not exposed)."""
    for d in a.dataframe:
        v = d.value
        if set(columns) <= set(map(str, v.columns)):
            return v
    raise AssertionError(f"no table with columns {columns}")


def number(text: str) -> float:
    return float(text.replace(",", ""))


def the_store():
    from carbon.store import Store

    return Store(os.environ["CARBON_DATABASE_URL"])


# -- pages -----------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["zh-TW", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_in_both_languages(db, page, lang):
    a = new_session()
    a.selectbox(key="lang").set_value(lang).run()
    a.switch_page(page).run()
    assert not a.exception, a.exception
    from app_support.i18n import TEXT

    nav = {"app_pages/home.py": "app.title", "app_pages/projects.py": "nav.projects", "app_pages/inventory.py": "nav.inventory", "app_pages/cbam.py": "nav.cbam", "app_pages/factors.py": "nav.factors"}
    assert a.title[0].value == TEXT[nav[page]][lang]


def test_first_start_opens_the_demo_factory_from_the_store(at):
    projects = the_store().list_projects()
    assert [p.name for p in projects] == ["範例工廠 (範例螺絲)"]
    at.switch_page("app_pages/inventory.py").run()
    assert number(metrics(at)["總排放量 (t CO2e)"]) == pytest.approx(DEMO_TOTAL, abs=5e-4)
    kept = the_store().latest_result(projects[0].id, "inventory")  # the result is kept with the version that made it
    assert kept["project_version"] == projects[0].version and kept["summary"]["total_tco2e"] == pytest.approx(DEMO_TOTAL, abs=5e-4)
    assert kept["settings"] == {"gwp_set": "MOENV-2024", "rounding": "exact"}


def test_home_quick_estimate_electricity_and_fee(at):
    for k in ("diesel_stationary", "gasoline_vehicles", "natural_gas", "lpg", "fuel_oil", "diesel_vehicles"):
        at.number_input(key=f"quick_{k}").set_value(0.0)
    at.number_input(key="quick_electricity").set_value(1_000_000.0).run()
    m = metrics(at)
    assert number(m["估算總排放量 (t CO2e)"]) == pytest.approx(474.0)  # 1,000,000 度 × 0.474 kg/kWh (tw-grid/2024)
    assert number(m["範疇二 (t CO2e)"]) == pytest.approx(474.0)
    assert number(m["碳費曝險 (新台幣/年，一般費率)"]) == 0
    # 63,291,140 度 → 30,000.000 t: (30,000 − 25,000) × NT$300 = NT$1,500,000 (碳費收費辦法 §5 example)
    at.number_input(key="quick_electricity").set_value(30_000_000 / 0.474).run()
    assert number(metrics(at)["碳費曝險 (新台幣/年，一般費率)"]) == pytest.approx(1_500_000, abs=1)
    top = frame(at, "排放源", "t CO2e")
    assert list(top.iloc[:, 0]) == ["外購電力"]


def test_language_switch_keeps_widget_values(at):
    at.number_input(key="quick_diesel_stationary").set_value(12_345.0).run()
    at.selectbox(key="lang").set_value("en").run()
    assert at.number_input(key="quick_diesel_stationary").value == 12_345.0
    assert at.number_input(key="quick_diesel_stationary").label == "diesel (boilers, generators) (公升 per year)"
    assert "Estimated total (t CO2e)" in metrics(at)


# -- inventory flows -----------------------------------------------------------------
def test_edit_a_cell_changes_the_total_and_is_kept_after_refresh(at):
    at.switch_page("app_pages/inventory.py").run()
    info = the_store().list_projects()[0]
    before = number(metrics(at)["總排放量 (t CO2e)"])
    key = f"inv_src_{info.id}_{info.version}"
    table = at.data_editor(key=key).value
    row = list(table["source_id"]).index("S02")  # boiler diesel 12.5 公秉
    at.session_state[key] = {"edited_rows": {row: {"activity_amount": 25.0}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.exception, at.exception
    after = number(metrics(at)["總排放量 (t CO2e)"])
    assert after > before + 30  # doubling 12.5 kL of diesel adds its ~33.7 t
    stored = json.loads(the_store().document(info.id, "inventory")[0])
    assert [s["activity_amount"] for s in stored["sources"] if s["source_id"] == "S02"] == [25.0]
    # a new session (refresh, or a restarted server) finds the edit
    b = new_session("app_pages/inventory.py")
    assert number(metrics(b)["總排放量 (t CO2e)"]) == pytest.approx(after, abs=5e-4)
    # and undo brings the old total back
    b.button(key="side_undo").click().run()
    assert number(metrics(b)["總排放量 (t CO2e)"]) == pytest.approx(before, abs=5e-4)


def test_bad_cell_shows_the_core_error_next_to_its_row(at):
    at.switch_page("app_pages/inventory.py").run()
    info = the_store().list_projects()[0]
    key = f"inv_src_{info.id}_{info.version}"
    at.session_state[key] = {"edited_rows": {2: {"iso_category": None, "activity_unit": "公斤"}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.exception, at.exception
    info2 = the_store().info(info.id)
    table = at.data_editor(key=f"inv_src_{info.id}_{info2.version}").value
    assert "iso_category" in str(table["_problem"].iloc[2]) and "ISO 14064-1" in str(table["_problem"].iloc[2])
    assert table["_problem"].iloc[:2].isna().all()
    assert at.error  # the page says there are problems; results wait for the fix


def test_add_and_delete_rows(at):
    at.switch_page("app_pages/inventory.py").run()
    info = the_store().list_projects()[0]
    key = f"inv_src_{info.id}_{info.version}"
    new = {"source_id": "S99", "name": "新鍋爐", "iso_category": "1.1", "method": "fuel", "activity_amount": 1.0, "activity_unit": "公秉", "factor_id": "moenv-2024/diesel-stationary"}
    at.session_state[key] = {"edited_rows": {}, "added_rows": [new], "deleted_rows": [0]}
    at.run()
    assert not at.exception, at.exception
    ids = [s["source_id"] for s in json.loads(the_store().document(info.id, "inventory")[0])["sources"]]
    assert ids[0] == "S02" and ids[-1] == "S99" and "S01" not in ids


def test_upload_moenv_sample_gives_48925_715(at):
    show(at.switch_page("app_pages/inventory.py").run(), "io")
    at.file_uploader(key="inv_upload").set_value(("表單.ods", MOENV_SAMPLE.read_bytes(), "application/vnd.oasis.opendocument.spreadsheet")).run()
    assert not at.exception, at.exception
    assert metrics(at)["總排放量 (t CO2e)"] == "48,925.715"
    info = the_store().list_projects()[0]
    ups = the_store().uploads(info.id)
    assert ups[0]["name"] == "表單.ods" and len(ups[0]["id"]) == 32


def test_bad_upload_is_located_and_leaves_the_project_as_it_was(at):
    show(at.switch_page("app_pages/inventory.py").run(), "io")
    before = the_store().list_projects()[0]
    bad = b"source_id,iso_category,activity_amount,activity_unit,factor_id\nA,1.1,-3,L,moenv-2024/diesel-stationary\nB,9.9,1,L,moenv-2024/diesel-stationary\n"
    at.file_uploader(key="inv_upload").set_value(("../../bad.csv", bad, "text/csv")).run()
    assert not at.exception, at.exception
    problems = frame(at, "where", "problem")
    text = " | ".join(problems["where"] + " " + problems["problem"])
    assert "bad.csv, row 3, column 'iso_category'" in text and "'9.9' is not an ISO 14064-1 sub-category" in text
    assert "/tmp" not in text and "carbon-upload-" not in text
    assert the_store().info(before.id).version == before.version
    assert number(metrics(at)["總排放量 (t CO2e)"]) == pytest.approx(DEMO_TOTAL, abs=5e-4)


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("empty.xlsx", b"", "empty.xlsx"),
        ("not-a-zip.xlsx", b"hello, I am text", "not-a-zip.xlsx"),
        ("latin.csv", "source_id,name\nS1,caf\xe9\n".encode("latin-1"), "latin.csv"),
        ("broken.yaml", b"sources: [\n", "broken.yaml"),
    ],
)
def test_broken_files_give_a_message_never_a_traceback(at, name, data, expected):
    show(at.switch_page("app_pages/inventory.py").run(), "io")
    at.file_uploader(key="inv_upload").set_value((name, data, "application/octet-stream")).run()
    assert not at.exception, at.exception
    assert at.error, "a message is shown"
    shown = [e.value for e in at.error] + [str(v) for d in at.dataframe for v in d.value.to_numpy().ravel()]
    assert any(expected in x for x in shown), shown  # the upload's own name, located …
    assert not any("/tmp" in x or "carbon-upload-" in x for x in shown), shown  # … never the server's path
    at.switch_page("app_pages/home.py").run()  # the app keeps serving
    assert not at.exception


def test_upload_is_written_under_a_generated_name_only(tmp_path, monkeypatch):
    import tempfile

    from app_support.uploads import INVENTORY_SUFFIXES, read_upload

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    seen = []
    msgs = {"too_big": lambda **k: "big", "bad_type": lambda **k: "type", "unreadable": lambda **k: "unreadable"}
    out = read_upload("../../x.csv", b"a\n1\n", lambda p, name: seen.append(p) or p.read_bytes(), INVENTORY_SUFFIXES, msgs)
    assert out.value == b"a\n1\n"
    assert seen[0].parent.parent == tmp_path / "tmp" and seen[0].name != "x.csv" and seen[0].suffix == ".csv"
    assert not (tmp_path / "x.csv").exists() and list((tmp_path / "tmp").iterdir()) == []
    assert read_upload("big.csv", b"x" * (20 * 1024 * 1024 + 1), lambda p, name: p, INVENTORY_SUFFIXES, msgs).message == "big"


def test_exports_neutralise_formula_text_and_read_back():
    import io

    import pandas as pd

    from app_support.exports import records_csv, workbook_xlsx
    from carbon.formats.project import read_project
    from carbon.inventory import calculate
    from carbon.store.documents import project_to_document

    project = read_project(ROOT / "examples" / "demo-factory.yaml")
    project.sources.loc[0, "name"] = "=HYPERLINK(\"http://x\")"
    res = calculate(project)
    csv = pd.read_csv(io.BytesIO(records_csv(res.records)), encoding="utf-8-sig")
    assert csv.loc[csv["source_id"] == "S01", "source_name"].iloc[0].startswith("'=HYPERLINK")
    doc = project_to_document(project)
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "w.xlsx"
        p.write_bytes(workbook_xlsx(doc))
        back = read_project(p)
    assert calculate(back).total_tco2e == pytest.approx(res.total_tco2e, rel=1e-12)
    assert back.sources.loc[0, "name"].startswith("'=")


def test_downloads_are_kept_in_the_report_history(db):
    from app_support import projects
    from app_support.exports import records_csv

    new_session()
    s = the_store()
    info = s.list_projects()[0]
    from carbon.inventory import calculate
    from carbon.store.documents import document_to_project

    res = calculate(document_to_project(s.document(info.id, "inventory")[0]))
    data = projects.logged_download(info, "records", "csv", "records.csv", lambda: records_csv(res.records), "zh-TW")()
    assert data.decode("utf-8-sig").startswith("record_id,source_id,")
    assert [(r["kind"], r["format"], r["filename"], r["size"], r["version"]) for r in s.reports(info.id)] == [("records", "csv", "records.csv", len(data), info.version)]


def test_edit_from_a_stale_session_is_refused_not_overwritten(db):
    a = new_session("app_pages/inventory.py")
    b = new_session("app_pages/inventory.py")
    info = the_store().list_projects()[0]
    key = f"inv_src_{info.id}_{info.version}"
    a.session_state[key] = {"edited_rows": {1: {"activity_amount": 20.0}}, "added_rows": [], "deleted_rows": []}
    a.run()
    b.session_state[key] = {"edited_rows": {1: {"activity_amount": 99.0}}, "added_rows": [], "deleted_rows": []}
    b.run()
    assert not b.exception, b.exception
    assert any("changed in another tab" in e.value or "其他視窗" in e.value for e in b.error)
    stored = json.loads(the_store().document(info.id, "inventory")[0])
    assert stored["sources"][1]["activity_amount"] == 20.0


def test_organisation_edit_is_saved(at):
    at.switch_page("app_pages/inventory.py").run()
    info = the_store().list_projects()[0]
    at.text_input(key=f"inv_org_year_{info.id}_{info.version}").set_value("112").run()
    assert not at.exception, at.exception
    stored = json.loads(the_store().document(info.id, "inventory")[0])
    assert stored["organisation"]["reporting_year"] == "112"


def test_results_quality_explain_and_compare_sections(at):
    show(at.switch_page("app_pages/inventory.py").run(), "results")
    assert len(at.get("plotly_chart")) == 4
    show(at, "quality")
    at.number_input(key="inv_mc_iter").set_value(5000).run()
    at.button(key="inv_mc_run").click().run()
    assert not at.exception, at.exception
    mc = at.session_state["inv_mc_result"][2]
    assert mc["iterations"] == 5000 and mc["p2_5_tco2e"] < DEMO_TOTAL < mc["p97_5_tco2e"]
    show(at, "explain")
    at.selectbox(key="inv_explain").set_value("S02").run()
    working = at.code[0].value
    assert "12.5 公秉" in working and "moenv-2024/diesel-stationary" in working and "GWP set: MOENV-2024" in working
    at.selectbox(key="inv_compare_gwp").set_value("AR6").run()
    assert not at.exception, at.exception
    cmp_ = frame(at, "source_id", "MOENV-2024", "AR6")
    assert set(cmp_["source_id"]) >= {"S01", "S08"}
    s08 = cmp_[cmp_["source_id"] == "S08"].iloc[0]
    assert s08["change"] == pytest.approx(0.0, abs=1e-9)  # grid factors are CO2e: no GWP in them


# -- projects ---------------------------------------------------------------------
def test_projects_create_rename_duplicate_delete_undo_export_import(at):
    at.switch_page("app_pages/projects.py").run()
    at.text_input(key="proj_new_name").set_value("客戶 B").run()
    at.button(key="proj_create").click().run()
    s = the_store()
    assert sorted(p.name for p in s.list_projects()) == ["客戶 B", "範例工廠 (範例螺絲)"]
    at.text_input(key="proj_rename_to").set_value("客戶 B2").run()
    at.button(key="proj_rename").click().run()
    assert "客戶 B2" in [p.name for p in s.list_projects()]
    at.button(key="proj_duplicate").click().run()
    assert "客戶 B2 (copy)" in [p.name for p in s.list_projects()]
    at.button(key="proj_delete").click().run()
    assert "客戶 B2 (copy)" not in [p.name for p in s.list_projects()]
    at.button(key="proj_restore").click().run()
    assert not at.exception, at.exception
    assert "客戶 B2 (copy)" in [p.name for p in s.list_projects()]
    current = s.list_projects()[0]
    blob = s.export_project(current.id)
    at.file_uploader(key="proj_import").set_value(("p.carbon.json", blob, "application/json")).run()
    assert not at.exception, at.exception
    assert len(s.list_projects()) == 4
    at.file_uploader(key="proj_import").set_value(("bad.carbon.json", b"{]", "application/json")).run()
    assert not at.exception
    assert "not JSON" in " ".join(frame(at, "where", "problem")["problem"])


# -- CBAM and factors ------------------------------------------------------------
def test_cbam_from_the_inventory(at):
    at.switch_page("app_pages/cbam.py").run()
    assert not at.exception, at.exception
    goods = frame(at, "cn_code", "see_indirect")
    assert list(goods["cn_code"]) == ["73181542"]
    # indirect: 6,850 MWh × 0.561 t/MWh (IR 2025/2621 Annex II, Taiwan) / 2,000 t (tests/test_cbam_taiwan.py)
    assert goods["see_indirect"].iloc[0] == pytest.approx(6850 * 0.561 / 2000, rel=1e-9)
    proj = frame(at, "year", "certificates")
    assert list(proj["year"]) == list(range(2026, 2035))


def test_factor_search_page(at):
    at.switch_page("app_pages/factors.py").run()
    at.text_input(key="fac_query").set_value("電力 2024").run()
    assert not at.exception
    assert at.selectbox(key="fac_pick").value == "tw-grid/2024"


# -- i18n ---------------------------------------------------------------------------
def test_every_text_key_has_both_languages_and_every_used_key_exists():
    from app_support.i18n import LANGS, TEXT

    for key, entry in TEXT.items():
        assert set(entry) == set(LANGS), key
        assert all(v.strip() for v in entry.values()), key
    used = set()
    files = [ROOT / "app.py", *(ROOT / "app_pages").glob("*.py"), *(ROOT / "app_support").glob("*.py")]
    for f in files:
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "t" and node.args and isinstance(node.args[0], ast.Constant):
                used.add(node.args[0].value)
    assert used - set(TEXT) == set()
    from carbon.inventory import BOUNDARY_APPROACHES

    dynamic = {f"inv.boundary.{a}" for a in BOUNDARY_APPROACHES}
    assert dynamic - set(TEXT) == set()
    assert len(used) > 100


def test_streamlit_config_hides_developer_chrome_and_error_details():
    import tomllib

    cfg = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert cfg["client"]["toolbarMode"] == "minimal"
    assert cfg["client"]["showErrorDetails"] == "none"
    assert cfg["server"]["maxUploadSize"] == 20


# -- make run in a real browser -------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.e2e
def test_make_run_serves_the_home_page_in_a_browser(tmp_path):
    port = _free_port()
    log = open(tmp_path / "make-run.log", "w")
    env = {**os.environ, "CARBON_DATA_DIR": str(tmp_path / "data")}
    env.pop("CARBON_DATABASE_URL", None)
    proc = subprocess.Popen(["make", "run", f"PORT={port}"], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 300
        while time.time() < deadline:
            try:
                if urllib.request.urlopen(url + "/_stcore/health", timeout=2).read() == b"ok":
                    break
            except OSError:
                time.sleep(0.5)
            assert proc.poll() is None, (tmp_path / "make-run.log").read_text()
        else:
            pytest.fail("make run did not serve within 300 s")
        chromium = shutil.which("chromium") or shutil.which("chromium-browser")
        assert chromium, "chromium is installed by `make test` (sysdeps)"
        from playwright.sync_api import expect, sync_playwright

        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=chromium,
                args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                      "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic"],
            )  # fmt: skip
            page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="zh-TW")
            page.goto(url)
            expect(page.get_by_role("heading", name="碳算 carbon")).to_be_visible(timeout=60_000)
            expect(page.get_by_text("範例工廠 (範例螺絲)", exact=False).first).to_be_visible(timeout=60_000)
            expect(page.get_by_test_id("stMetricValue").first).to_be_visible(timeout=60_000)
            page.screenshot(path=str(tmp_path / "home.png"))
            browser.close()
        assert (tmp_path / "data" / "carbon.db").exists()  # the demo project went into the default SQLite file
        assert (tmp_path / "home.png").stat().st_size > 10_000
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
