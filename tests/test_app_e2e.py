"""The app in a real browser (Debian chromium via Playwright) against `streamlit run` on loopback.

Upload the MOENV sample and see 48,925.715; edit a cell and see the total change; refresh
the page and restart the server and find the edit kept; switch language; a bad upload gets
a located message while the server keeps serving; an upload named ``../../x.csv`` writes
nothing outside the temporary folder. Screenshots go to tmp_path.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parent.parent
MOENV_SAMPLE = ROOT / "factors" / "sources" / "taiwan" / "moenv-inventory-workbook-sample.ods"
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic"]  # fmt: skip


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`streamlit run app.py` on 127.0.0.1 with its own database and temporary folder."""

    def __init__(self, base: Path):
        self.base, self.port, self.proc = base, _free_port(), None
        self.tmp = base / "tmp"
        self.tmp.mkdir(parents=True, exist_ok=True)
        self.env = {**os.environ, "CARBON_DATABASE_URL": f"sqlite:///{base / 'carbon.db'}", "TMPDIR": str(self.tmp)}

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> float:
        t0 = time.perf_counter()
        log = open(self.base / "streamlit.log", "a")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless", "true", "--server.address", "127.0.0.1",
             "--server.port", str(self.port), "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=self.env,
        )  # fmt: skip
        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                if urllib.request.urlopen(self.url + "/_stcore/health", timeout=1).read() == b"ok":
                    return time.perf_counter() - t0
            except OSError:
                time.sleep(0.2)
            assert self.proc.poll() is None, (self.base / "streamlit.log").read_text()
        raise RuntimeError("streamlit did not start")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=30)
            self.proc = None

    def healthy(self) -> bool:
        return urllib.request.urlopen(self.url + "/_stcore/health", timeout=5).read() == b"ok"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    s = Server(tmp_path_factory.mktemp("app-e2e"))
    s.start()
    yield s
    s.stop()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is not installed: `make sysdeps` installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    from playwright.sync_api import expect

    expect.set_options(timeout=30_000)
    ctx = browser.new_context(viewport={"width": 1600, "height": 1100}, locale="zh-TW", accept_downloads=True)
    p = ctx.new_page()
    yield p
    ctx.close()


# -- helpers (also used by bench/app.py) --------------------------------------------------
def wait_idle(page) -> None:
    """Wait until Streamlit has finished the current run."""
    from playwright.sync_api import expect

    page.wait_for_timeout(200)
    expect(page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]')).to_have_count(1)
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0)


def metric(page, label: str) -> str:
    """The value of the metric with this label."""
    box = page.get_by_test_id("stMetric").filter(has=page.get_by_test_id("stMetricLabel").filter(has_text=label)).first
    return box.get_by_test_id("stMetricValue").inner_text().strip()


def edit_cell(page, grid, row: int, col: int, value: str, attempts: int = 4) -> None:
    """Type ``value`` into cell (row, col) of a data editor (0-based, visible columns)."""
    canvas = grid.get_by_test_id("data-grid-canvas")
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    editor = page.locator("#portal input.gdg-input, #portal textarea.gdg-input")
    for attempt in range(attempts):
        wait_idle(page)
        canvas.scroll_into_view_if_needed()
        box = canvas.bounding_box()
        page.mouse.click(box["x"] + 70, box["y"] + 35 * (row + 1) + 17)
        page.keyboard.press("Home")
        for _ in range(col):
            page.keyboard.press("ArrowRight")
        page.keyboard.press("Enter")
        try:
            editor.wait_for(state="visible", timeout=3_000)
            if not editor.is_enabled():  # a key press got lost while the grid re-rendered: a read-only cell
                raise RuntimeError("read-only cell")
            break
        except (PlaywrightTimeout, RuntimeError):
            if attempt == attempts - 1:
                raise
            page.keyboard.press("Escape")
    editor.fill(value)
    editor.press("Enter")
    wait_idle(page)


def open_tab(page, name: str) -> None:
    """Choose a section of the inventory page."""
    page.get_by_test_id("stButtonGroup").get_by_text(name, exact=True).click()
    wait_idle(page)


def upload(page, files) -> None:
    page.get_by_test_id("stFileUploaderDropzoneInput").first.set_input_files(files)
    wait_idle(page)


# -- tests --------------------------------------------------------------------------------
def test_upload_edit_refresh_restart_keeps_the_edit(server, page, tmp_path):
    from playwright.sync_api import expect

    page.goto(server.url + "/inventory")
    expect(page.get_by_role("heading", name="盤查計算")).to_be_visible(timeout=60_000)
    wait_idle(page)
    open_tab(page, "匯入與匯出")
    upload(page, str(MOENV_SAMPLE))
    expect(page.get_by_test_id("stMetricValue").first).to_have_text("48,925.715", timeout=60_000)
    assert page.evaluate("document.fonts.check('20px \"Noto Sans CJK TC\"', '盤查計算')")
    page.screenshot(path=str(tmp_path / "moenv.png"))
    assert (tmp_path / "moenv.png").stat().st_size > 30_000

    open_tab(page, "盤查資料")
    grid = page.get_by_test_id("stDataFrame").nth(1)  # facilities first, then sources
    # visible columns: 排放源編號, 排放源名稱, t CO2e, 廠區, 類別, 計算方法, 活動數據 …
    expect(grid.get_by_test_id("glide-cell-1-1")).to_have_text("GM02")  # 365.23 (809.2258 t CO2e); GM01 counts 0 t
    expect(grid.get_by_test_id("glide-cell-7-1")).to_have_text("365.23")
    edit_cell(page, grid, row=1, col=6, value="730.46")
    expect(page.get_by_test_id("stMetricValue").first).not_to_have_text("48,925.715")
    edited = metric(page, "總排放量")
    assert edited != "48,925.715"
    page.screenshot(path=str(tmp_path / "edited.png"))

    page.reload()
    wait_idle(page)
    expect(page.get_by_test_id("stMetricValue").first).to_have_text(edited)
    server.stop()
    server.start()
    page.goto(server.url + "/inventory")
    wait_idle(page)
    expect(page.get_by_test_id("stMetricValue").first).to_have_text(edited, timeout=60_000)


def test_language_switch_on_a_page(server, page):
    from playwright.sync_api import expect

    page.goto(server.url + "/inventory")
    wait_idle(page)
    page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").first.click()
    page.get_by_role("option", name="English").click()
    wait_idle(page)
    expect(page.get_by_role("heading", name="Inventory")).to_be_visible()
    expect(page.get_by_test_id("stMetricLabel").first).to_contain_text("Total (t CO2e)")
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Emission factors").click()
    wait_idle(page)
    expect(page.get_by_role("heading", name="Emission factors")).to_be_visible()


def test_bad_upload_is_located_and_the_server_keeps_serving(server, page, tmp_path):
    from playwright.sync_api import expect

    page.goto(server.url + "/inventory")
    wait_idle(page)
    open_tab(page, "匯入與匯出")
    bad = b"source_id,iso_category,activity_amount,activity_unit,factor_id\nA,1.1,5,L,moenv-2024/diesel-stationary\nB,9.9,1,L,moenv-2024/diesel-stationary\n"
    upload(page, {"name": "bad.csv", "mimeType": "text/csv", "buffer": bad})
    expect(page.get_by_text("輸入有問題").first).to_be_visible()
    frame = page.get_by_test_id("stDataFrame").last
    expect(frame.get_by_test_id("glide-cell-0-0")).to_have_text("bad.csv, row 3, column 'iso_category'")
    expect(frame.get_by_test_id("glide-cell-1-0")).to_contain_text("'9.9' is not an ISO 14064-1 sub-category")
    upload(page, {"name": "broken.xlsx", "mimeType": "application/octet-stream", "buffer": b"PK\x03\x04 truncated"})
    frame = page.get_by_test_id("stDataFrame").last  # located: the upload's own name, never the server's path
    expect(frame.get_by_test_id("glide-cell-0-0")).to_have_text("broken.xlsx")
    page.screenshot(path=str(tmp_path / "bad-upload.png"))
    assert server.healthy()
    page.goto(server.url + "/factors")
    wait_idle(page)
    expect(page.get_by_role("heading", name="排放係數查詢")).to_be_visible()


def test_upload_named_with_dot_dot_writes_nothing_outside_the_temporary_folder(server, page):
    from playwright.sync_api import expect

    page.goto(server.url + "/inventory")
    wait_idle(page)
    open_tab(page, "匯入與匯出")
    body = b"source_id,name,iso_category,method,activity_amount,activity_unit,data_year\nE1,electricity,2.1,electricity,1000,kWh,2024\n"
    before = {p for p in server.base.rglob("*")}
    upload(page, {"name": "../../x.csv", "mimeType": "text/csv", "buffer": body})
    expect(page.get_by_text("已匯入").first).to_be_visible()
    expect(page.get_by_test_id("stMetricValue").first).to_have_text("0.474")  # 1,000 kWh × 0.474 kg/kWh
    for where in (ROOT, ROOT.parent, server.base, server.base.parent, server.tmp.parent):
        assert not (where / "x.csv").exists()
    assert not any(server.tmp.rglob("*.csv"))  # the generated copy went with its temporary folder
    new = {p for p in server.base.rglob("*")} - before
    assert all(p.name.startswith("carbon.db") for p in new), new


def test_projects_create_duplicate_delete_undo_and_a_download_that_opens(server, page, tmp_path):
    from playwright.sync_api import expect

    from carbon.store import Store

    page.goto(server.url + "/projects")
    wait_idle(page)
    page.get_by_label("新專案名稱").fill("瀏覽器專案")
    page.get_by_label("新專案名稱").press("Enter")
    wait_idle(page)
    page.get_by_role("button", name="建立").click()
    wait_idle(page)
    expect(page.get_by_text("目前開啟：瀏覽器專案")).to_be_visible()
    page.get_by_role("button", name="複製").click()
    wait_idle(page)
    expect(page.get_by_text("目前開啟：瀏覽器專案 (copy)")).to_be_visible()
    page.get_by_role("button", name="刪除").click()
    wait_idle(page)
    store = Store(server.env["CARBON_DATABASE_URL"], migrate=False)
    assert "瀏覽器專案 (copy)" not in [p.name for p in store.list_projects()]
    page.get_by_role("button", name="復原刪除").click()
    wait_idle(page)
    assert "瀏覽器專案 (copy)" in [p.name for p in store.list_projects()]
    page.screenshot(path=str(tmp_path / "projects.png"))

    page.goto(server.url + "/inventory")
    wait_idle(page)
    open_tab(page, "匯入與匯出")
    with page.expect_download(timeout=60_000) as dl:
        page.get_by_role("button", name="下載排放紀錄 (CSV)").click()
    target = tmp_path / dl.value.suggested_filename
    dl.value.save_as(target)
    import pandas as pd

    records = pd.read_csv(target, encoding="utf-8-sig")
    assert "外購電力" in set(records["source_name"])
    counted = records[records["source_id"] != "S09"]  # S09 is excluded in the demo factory
    assert counted["co2e_t"].sum() == pytest.approx(3400.5473318322, rel=1e-9)
    info = [p for p in store.list_projects() if p.name == "瀏覽器專案 (copy)"][0]
    assert [r["filename"] for r in store.reports(info.id)] == ["records.csv"]
    store.close()
