"""Training classes in the store (SQLite and a real PostgreSQL): join, submit, own work only, instructor view."""

from __future__ import annotations

import io
import threading

import openpyxl
import pytest
from sqlalchemy import func, inspect, select
from test_store import _fresh_pg_database, postgres_server  # noqa: F401  (the session's PostgreSQL server)

from carbon.errors import InputError
from carbon.store import Store
from carbon.store.classes import Submission, Trainee
from carbon.training import get_case
from carbon.training.classes import ClassClosedError, ClassNotFoundError, Classroom, NotAllowedError, exercise_of

CASE = "seed-dyeing"
VERIFY = "advanced-verification"
PW = "s3cret-pw"


@pytest.fixture(params=["sqlite", "postgresql"])
def room(request, tmp_path):
    url = f"sqlite:///{tmp_path / 'carbon.db'}" if request.param == "sqlite" else _fresh_pg_database(request.getfixturevalue("postgres_server"))
    store = Store(url)
    yield Classroom(store)
    store.close()


def _right():
    return {q.id: q.expected for q in exercise_of(CASE).questions}


def test_tables_and_password_is_hashed(room):
    names = set(inspect(room.store.engine).get_table_names())
    assert {"classes", "trainees", "submissions"} <= names
    info = room.create_class("Seed 1", "Ms Lin", PW, [CASE, VERIFY])
    assert len(info.code) == 6 and info.is_open and info.case_ids == (CASE, VERIFY)
    with room.store.engine.connect() as c:
        stored = c.exec_driver_sql("SELECT password_hash FROM classes").scalar()
    assert stored.startswith("$argon2id$") and PW not in stored
    with pytest.raises(InputError, match="no case 'nope'"):
        room.create_class("x", "y", PW, ["nope"])


def test_join_submit_grade_and_attempts(room):
    info = room.create_class("Seed 1", "Ms Lin", PW, [CASE])
    token = room.join(info.code.lower(), "王小明")
    assert room.whoami(token)[0] == "王小明"
    right = room.submit(token, CASE, _right())
    assert right["attempt"] == 1 and right["grade"]["score"] == 1.0
    wrong = {k: v * 1000 for k, v in _right().items()}
    second = room.submit(token, CASE, wrong)
    assert second["attempt"] == 2 and second["grade"]["score"] == 0.0
    assert all(a["hint_en"] and not a["correct"] for a in second["grade"]["answers"])
    mine = room.my_submissions(token)
    assert [m["attempt"] for m in mine] == [1, 2]
    with pytest.raises(NotAllowedError, match="not one of this class"):
        room.submit(token, VERIFY, [])


def test_a_trainee_reads_only_its_own_work(room):
    info = room.create_class("Seed 1", "Ms Lin", PW, [CASE])
    a, b = room.join(info.code, "A"), room.join(info.code, "B")
    room.submit(a, CASE, _right())
    assert room.my_submissions(b) == []
    assert len(room.my_submissions(a)) == 1
    with pytest.raises(NotAllowedError):
        room.my_submissions("not-a-token")
    with room.store.engine.connect() as c:  # only the token's hash is kept
        hashes = [r[0] for r in c.exec_driver_sql("SELECT token_hash FROM trainees")]
    assert a not in hashes and b not in hashes and len(hashes) == 2


def test_closed_class_refuses_join_and_submissions(room):
    info = room.create_class("Seed 1", "Ms Lin", PW, [CASE])
    token = room.join(info.code, "A")
    with pytest.raises(NotAllowedError, match="wrong instructor password"):
        room.set_open(info.code, "guess-guess", False)
    assert room.set_open(info.code, PW, False).is_open is False
    with pytest.raises(ClassClosedError):
        room.submit(token, CASE, _right())
    with pytest.raises(ClassClosedError):
        room.join(info.code, "late")
    with pytest.raises(ClassNotFoundError, match="no class with code"):
        room.join("ZZZZZZ", "A")
    room.set_open(info.code, PW, True)
    assert room.submit(token, CASE, _right())["attempt"] == 1


def test_instructor_view_scores_mistakes_and_xlsx(room):
    info = room.create_class("Seed 1", "Ms Lin", PW, [CASE, VERIFY])
    a, b = room.join(info.code, "A"), room.join(info.code, "=cmd|' /C calc'!A0")
    room.submit(a, CASE, _right())
    ex = exercise_of(CASE)
    half = {q.id: (q.expected if i % 2 else q.expected * 1000) for i, q in enumerate(ex.questions)}
    room.submit(b, CASE, half)
    planted = get_case(VERIFY).planted
    room.submit(a, VERIFY, [{"kind": e.kind, "source_id": e.source_id, "effect_tco2e": e.effect_tco2e} for e in exercise_of(VERIFY).errors])
    with pytest.raises(NotAllowedError):
        room.overview(info.code, "nope-nope")
    view = room.overview(info.code, PW)
    assert [t["trainee"] for t in view["trainees"]] == ["A", "=cmd|' /C calc'!A0"]
    scores = {r["trainee"]: r["score"] for r in view["cases"][CASE]["trainees"]}
    n = len(ex.questions)
    assert scores == {"A": 1.0, "=cmd|' /C calc'!A0": pytest.approx((n // 2) / n)}
    assert view["cases"][VERIFY]["trainees"][0]["score"] == 1.0 and len(planted) == len(exercise_of(VERIFY).errors)
    wb = openpyxl.load_workbook(io.BytesIO(room.export_xlsx(info.code, PW)))
    names = [r[0].value for r in wb["trainees"].iter_rows(min_row=2)]
    assert names == ["A", "'=cmd|' /C calc'!A0"]  # neutralised: no formula
    assert wb["trainees"]["C2"].value == 2


def test_thirty_concurrent_submissions_are_all_kept(room):
    info = room.create_class("Seed 1", "Ms Lin", PW, [CASE])
    tokens = [room.join(info.code, f"T{i}") for i in range(10)]
    right, errors = _right(), []

    def go(tok):
        try:
            for _ in range(3):
                room.submit(tok, CASE, right)
        except Exception as err:  # collected and asserted below
            errors.append(err)

    threads = [threading.Thread(target=go, args=(t,)) for t in tokens]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with room.store._sessions() as s:
        assert s.scalar(select(func.count()).select_from(Submission)) == 30
        assert s.scalar(select(func.count()).select_from(Trainee)) == 10
