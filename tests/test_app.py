"""The app: every page runs (AppTest), and `make run` serves a page a real browser renders."""

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


@pytest.fixture
def at():
    a = AppTest.from_file(APP, default_timeout=60)
    a.run()
    assert not a.exception, a.exception
    return a


def test_home_shows_example_totals(at):
    assert at.title[0].value == "碳算 carbon"
    metrics = {m.label: m.value for m in at.metric}
    assert "總排放量 (t CO2e)" in metrics
    assert float(metrics["總排放量 (t CO2e)"].replace(",", "")) > 0


def test_english(at):
    at.selectbox(key="lang").set_value("en").run()
    assert not at.exception
    assert any(m.label == "Total (t CO2e)" for m in at.metric)


@pytest.mark.parametrize("page", ["app_pages/inventory.py", "app_pages/factors.py"])
def test_pages_run(at, page):
    at.switch_page(page).run()
    assert not at.exception, at.exception


def test_inventory_upload_with_errors_shows_them(at, tmp_path):
    at.switch_page("app_pages/inventory.py").run()
    bad = b"source_id,iso_category,activity_amount,activity_unit,factor_id\nA,1.1,-3,L,moenv-2024/diesel-stationary\n"
    at.file_uploader(key="inv_upload").set_value(("bad.csv", bad, "text/csv")).run()
    assert not at.exception
    assert at.error, "expected an error box"
    assert "negative activity" in at.code[0].value


def test_inventory_monte_carlo_histogram(at):
    at.switch_page("app_pages/inventory.py").run()
    at.number_input(key="inv_mc_iter").set_value(5000).run()
    at.button(key="inv_mc_run").click().run()
    assert not at.exception, at.exception
    mcd, fig = at.session_state["inv_mc_result"]
    assert mcd["iterations"] == 5000
    assert len(fig.data) >= 1 and mcd["p2_5_tco2e"] < mcd["mean_tco2e"] < mcd["p97_5_tco2e"]


def test_factor_search_page(at):
    at.switch_page("app_pages/factors.py").run()
    at.text_input(key="fac_query").set_value("電力 2024").run()
    assert not at.exception
    assert at.selectbox(key="fac_pick").value == "tw-grid/2024"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.e2e
def test_make_run_serves_the_home_page_in_a_browser(tmp_path):
    port = _free_port()
    log = open(tmp_path / "make-run.log", "w")
    proc = subprocess.Popen(["make", "run", f"PORT={port}"], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
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
        assert b"<html" in urllib.request.urlopen(url, timeout=10).read().lower()
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
            expect(page.get_by_text("範例螺絲股份有限公司", exact=False).first).to_be_visible(timeout=60_000)
            expect(page.get_by_test_id("stMetricValue").first).to_be_visible(timeout=60_000)
            page.screenshot(path=str(tmp_path / "home.png"))
            browser.close()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
