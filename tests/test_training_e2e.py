"""Training classes in a real browser: two trainees in two browser contexts submit, the instructor sees both.

Trainee B never sees trainee A's work: B's history holds only B's attempt, and a fresh tab
of B's (with any URL) starts at the join form. Against `streamlit run` on loopback, as
tests/test_app_e2e.py starts it.
"""

from __future__ import annotations

import pytest
from test_app_e2e import ARGS, CHROMIUM, Server, wait_idle  # noqa: F401

from carbon.training.classes import Classroom, exercise_of

pytestmark = pytest.mark.e2e
CASE = "seed-dyeing"
PW = "teach-123"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    s = Server(tmp_path_factory.mktemp("training-e2e"))
    s.start()
    yield s
    s.stop()


def join_and_submit(browser, url: str, code: str, name: str, answers: list[float | None]):
    """A new browser context joins the class and submits ``answers`` (None: left empty)."""
    from playwright.sync_api import expect

    expect.set_options(timeout=30_000)
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-TW")
    page = ctx.new_page()
    page.goto(url + "/training")
    expect(page.get_by_role("heading", name="學員練習")).to_be_visible(timeout=60_000)
    wait_idle(page)
    page.get_by_label("課程代碼 (講師提供)").fill(code)
    page.get_by_label("您的姓名").fill(name)
    page.get_by_role("button", name="加入課程").click()
    expect(page.get_by_text(f"{name}，您已加入")).to_be_visible()
    wait_idle(page)
    boxes = page.get_by_test_id("stNumberInput").locator("input")
    expect(boxes).to_have_count(len(answers))
    for i, v in enumerate(answers):
        if v is not None:
            boxes.nth(i).fill(repr(v))
    page.get_by_role("button", name="提交答案").click()
    wait_idle(page)
    return ctx, page


def test_two_trainees_submit_and_the_instructor_sees_both(server, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    room = Classroom(server.env["CARBON_DATABASE_URL"])
    info = room.create_class("種子班", "林講師", PW, [CASE])
    ex = exercise_of(CASE)
    right = [q.expected for q in ex.questions]
    only_total = [q.expected * 1000 if q.id == "total_tco2e" else None for q in ex.questions]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        ca, a = join_and_submit(browser, server.url, info.code, "Alice", right)
        expect(a.get_by_role("heading", name="第 1 次提交：得分 100%")).to_be_visible()
        cb, b = join_and_submit(browser, server.url, info.code, "Bob", only_total)
        expect(b.get_by_role("heading", name="第 1 次提交：得分 0%")).to_be_visible()
        assert b.get_by_test_id("stAlertContentError").count() == len(ex.questions)
        assert "Alice" not in b.content() and "100%" not in b.get_by_role("heading").all_inner_texts()[1:]
        assert "token" not in a.url and "token" not in b.url
        b2 = cb.new_page()  # B's fresh tab, even pointed at a URL naming Alice, starts at the join form
        b2.goto(server.url + "/training?trainee=Alice&project=x")
        expect(b2.get_by_role("button", name="加入課程")).to_be_visible(timeout=60_000)
        assert "Alice" not in b2.content()

        ci = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-TW")
        ins = ci.new_page()
        ins.goto(server.url + "/instructor")
        expect(ins.get_by_role("heading", name="講師管理")).to_be_visible(timeout=60_000)
        wait_idle(ins)
        ins.get_by_role("tab", name="開啟課程檢視").click()
        ins.get_by_label("課程代碼 (講師提供)").fill(info.code)
        ins.get_by_role("textbox", name="講師密碼 (至少 6 字元)").fill(PW)
        ins.get_by_role("button", name="開啟", exact=True).click()
        wait_idle(ins)
        table = ins.get_by_test_id("stTable").first
        expect(table).to_contain_text("Alice")
        expect(table).to_contain_text("Bob")
        rows = [r.split() for r in table.locator("tbody tr").all_inner_texts()]
        assert [r[:3] for r in rows] == [["Alice", "100.0000", "1"], ["Bob", "0.0000", "1"]]  # trainee, score %, attempts
        ins.screenshot(path=str(tmp_path / "instructor.png"))
        for c in (ca, cb, ci):
            c.close()
        browser.close()
