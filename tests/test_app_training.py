"""Training pages through AppTest: join, submit right and wrong answers, hints, instructor view, no peeking."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from carbon.training.classes import Classroom, exercise_of

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
CASE = "seed-dyeing"
PW = "teach-123"


@pytest.fixture
def db(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'carbon.db'}"
    monkeypatch.setenv("CARBON_DATABASE_URL", url)
    return url


def session(page: str, lang: str = "zh-TW") -> AppTest:
    a = AppTest.from_file(APP, default_timeout=90)
    a.run()
    if lang != "zh-TW":
        a.selectbox(key="lang").set_value(lang).run()
    a.switch_page(page).run()
    assert not a.exception, a.exception
    return a


def join(a: AppTest, code: str, name: str) -> AppTest:
    a.text_input(key="tr_code").input(code)
    a.text_input(key="tr_name").input(name)
    a.button[0].click().run()  # the form's submit button
    assert not a.exception, a.exception
    return a


def submit(a: AppTest, answers: dict) -> AppTest:
    box = a.selectbox(key="tr_case")
    if box.value != (want := next(o for o in box.options if o.endswith(f"[{CASE}]"))):
        box.set_value(want).run()
    for qid, v in answers.items():
        a.number_input(key=f"tr_q_{CASE}_{qid}").set_value(v)
    next(b for b in a.button if b.label in ("提交答案", "Submit answers")).click().run()
    assert not a.exception, a.exception
    return a


def test_instructor_creates_trainees_answer_and_the_class_view_shows_both(db):
    ins = session("app_pages/instructor.py", "en")
    ins.text_input(key="ins_name").input("Seed class 1")
    ins.text_input(key="ins_who").input("Ms Lin")
    ins.text_input(key="ins_pw").input(PW)
    m = ins.multiselect(key="ins_cases")
    m.set_value([o for o in m.options if o.endswith((f"[{CASE}]", "[advanced-verification]"))])
    next(b for b in ins.button if b.label == "Create a class").click().run()
    assert not ins.exception, ins.exception
    code = Classroom(os.environ["CARBON_DATABASE_URL"]).store._sessions().execute(__import__("sqlalchemy").text("select code from classes")).scalar()
    assert any(code in s.value for s in ins.success)

    ex = exercise_of(CASE)
    right = {q.id: q.expected for q in ex.questions}
    a = join(session("app_pages/training.py", "en"), code, "Alice")
    assert any("Alice, you joined 'Seed class 1'" in s.value for s in a.success)
    submit(a, right)
    assert any("Attempt 1: score 100%" in h.value for h in a.subheader)
    assert not a.error

    b = join(session("app_pages/training.py", "zh-TW"), code, "Bob")
    wrong = {q.id: q.expected * 1000 for q in ex.questions}
    submit(b, wrong)
    assert any("第 1 次提交：得分 0%" in h.value for h in b.subheader)
    errors = [e.value for e in b.error]
    assert len(errors) == len(ex.questions)
    assert all("錯誤 —" in e for e in errors)  # each wrong answer with its hint (zh-TW)
    hints = {x["hint_zh"] for x in Classroom(os.environ["CARBON_DATABASE_URL"]).my_submissions(b.session_state["training_token"])[0]["grade"]["answers"]}
    assert all(any(h in e for e in errors) for h in hints)
    submit(b, right)  # retry
    assert any("第 2 次提交：得分 100%" in h.value for h in b.subheader)
    # Bob's history holds his two attempts, none of Alice's
    hist = next(d.value for d in b.dataframe if "次數" in d.value.columns)
    assert list(hist["次數"]) == [1, 2] and list(hist["%"]) == [0.0, 100.0]

    ins.run()
    trainees = next(d.value for d in ins.dataframe if "submissions" in d.value.columns)
    assert list(trainees["trainee"]) == ["Alice", "Bob"] and list(trainees["submissions"]) == [1, 2]
    table = next(d.value for d in ins.table if "score" in d.value.columns)
    assert dict(zip(table["trainee"], table["score"], strict=True)) == {"Alice": 100.0, "Bob": 100.0}
    assert dict(zip(table["trainee"], table["attempts"], strict=True)) == {"Alice": 1, "Bob": 2}


def test_a_trainee_cannot_reach_another_trainees_work(db):
    room = Classroom(os.environ["CARBON_DATABASE_URL"])
    info = room.create_class("C", "I", PW, [CASE])
    alice = room.join(info.code, "Alice")
    room.submit(alice, CASE, {q.id: q.expected for q in exercise_of(CASE).questions})
    # a new session: nothing shown without joining, whatever the URL says
    a = AppTest.from_file(APP, default_timeout=90)
    a.query_params["token"] = alice
    a.query_params["trainee"] = "Alice"
    a.run()
    a.switch_page("app_pages/training.py").run()
    assert not a.exception
    assert "training_token" not in a.session_state
    assert not a.dataframe and not a.subheader
    join(a, info.code, "Bob")
    assert a.session_state["training_token"] != alice
    assert not any("%" in d.value.columns for d in a.dataframe)  # Bob has no history; Alice's is not shown
    assert a.session_state["training_token"] not in str(dict(a.query_params))  # the token never goes into the URL


def test_closed_class_refuses_joining_and_wrong_password_opens_nothing(db):
    room = Classroom(os.environ["CARBON_DATABASE_URL"])
    info = room.create_class("C", "I", PW, [CASE])
    room.set_open(info.code, PW, False)
    a = join(session("app_pages/training.py", "en"), info.code, "Late")
    assert [e.value for e in a.error] == ["This class is closed."]
    ins = session("app_pages/instructor.py", "en")
    ins.text_input(key="ins_open_code").input(info.code)
    ins.text_input(key="ins_open_pw").input("guess-guess")
    next(b for b in ins.button if b.label == "Open").click().run()
    assert [e.value for e in ins.error] == ["Wrong instructor password, or shorter than 6 characters."]
    assert "instructor_class" not in ins.session_state


def test_verification_findings_are_graded(db):
    room = Classroom(os.environ["CARBON_DATABASE_URL"])
    info = room.create_class("Adv", "I", PW, ["advanced-verification"])
    a = join(session("app_pages/training.py", "en"), info.code, "Vera")
    errors = exercise_of("advanced-verification").errors
    for n, e in enumerate(errors, start=1):
        box = a.selectbox(key=f"tr_f_kind_{n}")
        box.set_value(next(o for o in box.options if o.endswith(f"[{e.kind}]")))
        a.text_input(key=f"tr_f_src_{n}").input(e.source_id or "")
        if n < len(errors):  # the last effect is left out: found, effect not given
            a.number_input(key=f"tr_f_eff_{n}").set_value(round(e.effect_tco2e, 3))
    next(b for b in a.button if b.label == "Submit answers").click().run()
    assert not a.exception, a.exception
    assert len(a.success) == len(errors) and len(a.warning) == 1 and not a.error  # +1 success: "you joined"
    score = 100 * (1 + (len(errors) - 1) / len(errors)) / 2
    assert any(f"Attempt 1: score {score:.0f}%" in h.value for h in a.subheader)


@pytest.mark.parametrize("lang", ["zh-TW", "en"])
@pytest.mark.parametrize("page", ["app_pages/training.py", "app_pages/instructor.py"])
def test_training_pages_run_in_both_languages(db, page, lang):
    from app_support.i18n import TEXT

    a = session(page, lang)
    assert a.title[0].value == TEXT["nav.training" if page.endswith("training.py") else "nav.instructor"][lang]
