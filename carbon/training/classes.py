"""Training classes kept in the store: create, open/close, join, submit, own work, instructor view.

A trainee joins with the class's code and a name and receives a random session token
(``secrets.token_urlsafe``; only its SHA-256 is stored). Every trainee call takes that
token and reaches only the trainee's own submissions: no call takes a trainee id, so a
trainee cannot name another trainee's work. The instructor view needs the class password
(hashed with Argon2id, argon2-cffi). Submissions are graded by the core
(:func:`carbon.training.grade`, :func:`carbon.training.grade_findings`) and refused when the
class is closed.
"""

from __future__ import annotations

import functools
import hashlib
import io
import secrets
import threading
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from carbon.errors import CarbonError
from carbon.store import Store
from carbon.store.classes import Submission, Trainee, TrainingClass
from carbon.training.cases import case_project, get_case
from carbon.training.classroom import class_summary
from carbon.training.exercise import build_exercise, grade
from carbon.training.verification import build_verification, grade_findings

__all__ = ["ClassClosedError", "ClassInfo", "ClassNotFoundError", "Classroom", "NotAllowedError", "case_of", "exercise_of"]

_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud in class


class ClassNotFoundError(CarbonError, LookupError):
    """No class has this code."""

    def __str__(self) -> str:
        return str(self.args[0])


class ClassClosedError(CarbonError):
    """The class is closed: no joining, no submissions."""


class NotAllowedError(CarbonError):
    """Wrong password or unknown session token."""


@dataclass(frozen=True)
class ClassInfo:
    """A class's header (no password hash)."""

    code: str
    name: str
    instructor: str
    case_ids: tuple[str, ...]
    is_open: bool


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


_BUILD_LOCK = threading.Lock()  # 30 sessions asking at once wait for one build, not 30


@functools.lru_cache(maxsize=64)
def case_of(case_id: str):
    """The bundled case ``case_id``, read once per process (:func:`carbon.training.get_case`)."""
    return get_case(case_id)


@functools.lru_cache(maxsize=32)
def _build(case_id: str):
    case = case_of(case_id)
    if case.kind == "verification":
        return build_verification(case)
    return build_exercise(case_project(case), tolerance_rel=case.tolerance_rel)


def exercise_of(case_id: str):
    """The exercise of a bundled case, built once per process: an inventory or a verification one."""
    with _BUILD_LOCK:
        return _build(case_id)


def _grade(case_id: str, answers) -> dict:
    """Grade plain-data answers: a mapping for an exercise, a list of findings for a verification."""
    ex = exercise_of(case_id)
    if case_of(case_id).kind == "verification":
        found = grade_findings(ex, list(answers or []))
        share = sum(f.found for f in found) / len(found) if found else 0.0
        effects = sum(f.effect_correct for f in found) / len(found) if found else 0.0
        return {
            "score": (share + effects) / 2,
            "by_step": {"find": share, "effect": effects},
            "mistakes": {f"missed:{f.error.kind}": 1 for f in found if not f.found},
            "findings": [asdict(f) for f in found],
        }
    return grade(ex, dict(answers or {})).to_dict()


class Classroom:
    """Classes, trainees and submissions in a :class:`carbon.store.Store` (SQLite or PostgreSQL).

    Parameters
    ----------
    store : Store or str, optional
        An open store, or a database URL (default: the store's default database).
    """

    def __init__(self, store: Store | str | None = None):
        self.store = store if isinstance(store, Store) else Store(store)
        self._session = self.store._sessions
        from argon2 import PasswordHasher

        self._hasher = PasswordHasher()

    # -- instructor ----------------------------------------------------------------
    def create_class(self, name: str, instructor: str, password: str, case_ids: Sequence[str]) -> ClassInfo:
        """A new open class with a fresh 6-character join code; unknown case ids are an error."""
        if not password or len(password) < 6:
            msg = "the instructor password needs at least 6 characters."
            raise NotAllowedError(msg)
        ids = [case_of(c).id for c in case_ids]  # raises InputError naming the known cases
        for c in ids:  # each case builds (and the exercise is ready when the trainees arrive)
            exercise_of(c)
        for _ in range(10):
            code = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(6))
            row = TrainingClass(id=uuid.uuid4().hex, code=code, name=name, instructor=instructor, password_hash=self._hasher.hash(password), case_ids=ids, is_open=True)
            try:
                with self._session.begin() as s:
                    s.add(row)
                return self._info(row)
            except IntegrityError:  # code already taken: draw again
                continue
        msg = "could not draw a free class code; try again."
        raise CarbonError(msg)

    @staticmethod
    def _info(c: TrainingClass) -> ClassInfo:
        return ClassInfo(c.code, c.name, c.instructor, tuple(c.case_ids), bool(c.is_open))

    def _class(self, s, code: str) -> TrainingClass:
        c = s.scalar(select(TrainingClass).where(TrainingClass.code == (code or "").strip().upper()))
        if c is None:
            msg = f"no class with code '{code}'. Check the code the instructor gave."
            raise ClassNotFoundError(msg)
        return c

    def _check(self, c: TrainingClass, password: str) -> None:
        from argon2.exceptions import VerificationError

        try:
            self._hasher.verify(c.password_hash, password or "")
        except VerificationError as err:
            msg = "wrong instructor password."
            raise NotAllowedError(msg) from err

    def set_open(self, code: str, password: str, is_open: bool) -> ClassInfo:
        """Open or close the class (password needed)."""
        with self._session.begin() as s:
            c = self._class(s, code)
            self._check(c, password)
            c.is_open = bool(is_open)
            return self._info(c)

    def class_info(self, code: str) -> ClassInfo:
        """A class's header by its code (what a trainee sees before joining)."""
        with self._session() as s:
            return self._info(self._class(s, code))

    # -- trainee -------------------------------------------------------------------
    def join(self, code: str, name: str) -> str:
        """Join an open class; returns the session token (keep it secret, it is the trainee's key)."""
        name = (name or "").strip()
        if not name:
            msg = "enter your name to join."
            raise NotAllowedError(msg)
        token = secrets.token_urlsafe(32)
        with self._session.begin() as s:
            c = self._class(s, code)
            if not c.is_open:
                msg = f"class '{c.name}' is closed."
                raise ClassClosedError(msg)
            s.add(Trainee(id=uuid.uuid4().hex, class_id=c.id, name=name[:200], token_hash=_token_hash(token)))
        return token

    def _trainee(self, s, token: str) -> tuple[Trainee, TrainingClass]:
        t = s.scalar(select(Trainee).where(Trainee.token_hash == _token_hash(token or "")))
        if t is None:
            msg = "unknown session: join the class again."
            raise NotAllowedError(msg)
        return t, s.get(TrainingClass, t.class_id)

    def whoami(self, token: str) -> tuple[str, ClassInfo]:
        """The trainee's name and class."""
        with self._session() as s:
            t, c = self._trainee(s, token)
            return t.name, self._info(c)

    def submit(self, token: str, case_id: str, answers) -> dict:
        """Grade and keep one attempt; returns ``{attempt, grade}``. Refused when the class is closed."""
        with self._session() as s:
            t, c = self._trainee(s, token)
            if case_id not in c.case_ids:
                msg = f"case '{case_id}' is not one of this class's cases {list(c.case_ids)}."
                raise NotAllowedError(msg)
        result = _grade(case_id, answers)
        for _ in range(5):
            try:
                with self._session.begin() as s:
                    t, c = self._trainee(s, token)
                    if not c.is_open:
                        msg = f"class '{c.name}' is closed: submissions are no longer taken."
                        raise ClassClosedError(msg)
                    n = s.scalar(select(func.count()).select_from(Submission).where(Submission.trainee_id == t.id, Submission.case_id == case_id)) or 0
                    s.add(Submission(trainee_id=t.id, case_id=case_id, attempt=n + 1, answers=answers, grade=result, score=float(result["score"])))
                return {"attempt": n + 1, "grade": result}
            except IntegrityError:  # two tabs submitted at once: take the next attempt number
                continue
        msg = "the submission could not be stored; try again."
        raise CarbonError(msg)

    def my_submissions(self, token: str, case_id: str | None = None) -> list[dict]:
        """The trainee's own submissions (newest last): case, attempt, answers, grade, time."""
        with self._session() as s:
            t, _ = self._trainee(s, token)
            q = select(Submission).where(Submission.trainee_id == t.id)
            if case_id:
                q = q.where(Submission.case_id == case_id)
            rows = s.scalars(q.order_by(Submission.case_id, Submission.attempt))
            return [{"case_id": r.case_id, "attempt": r.attempt, "answers": r.answers, "grade": r.grade, "created_at": r.created_at} for r in rows]

    # -- instructor view -----------------------------------------------------------
    def overview(self, code: str, password: str) -> dict:
        """Trainees, progress, scores per step and common mistakes, per case (password needed).

        Returns
        -------
        dict
            ``class`` (ClassInfo), ``trainees`` (name, joined, submissions), and ``cases``:
            case id -> :func:`carbon.training.class_summary` of each trainee's latest attempt
            plus ``attempts`` per trainee.
        """
        with self._session() as s:
            c = self._class(s, code)
            self._check(c, password)
            trainees = list(s.scalars(select(Trainee).where(Trainee.class_id == c.id).order_by(Trainee.created_at, Trainee.name)))
            subs = list(s.scalars(select(Submission).where(Submission.trainee_id.in_([t.id for t in trainees])).order_by(Submission.attempt)))
            info = self._info(c)
        label = _labels(trainees)
        cases = {}
        for cid in info.case_ids:
            last = {r.trainee_id: r for r in subs if r.case_id == cid}  # subs are in attempt order
            latest = {label[t.id]: last[t.id].grade for t in trainees if t.id in last}  # in joining order
            attempts = {label[t.id]: last[t.id].attempt for t in trainees if t.id in last}
            cases[cid] = {**class_summary(latest), "attempts": attempts}
        count = {t.id: sum(r.trainee_id == t.id for r in subs) for t in trainees}
        rows = [{"trainee": label[t.id], "joined": t.created_at, "submissions": count[t.id]} for t in trainees]
        return {"class": info, "trainees": rows, "cases": cases}

    def export_xlsx(self, code: str, password: str) -> bytes:
        """The instructor view as a workbook (formula-safe, :func:`carbon.formats.safety.safe_workbook`)."""
        from carbon.formats.safety import safe_workbook

        view = self.overview(code, password)
        buf = io.BytesIO()
        wb = safe_workbook(buf, {"in_memory": True, "remove_timezone": True})
        ws = wb.add_worksheet("trainees")
        _table(ws, [{k: (str(v) if k == "joined" else v) for k, v in r.items()} for r in view["trainees"]])
        for i, (cid, summ) in enumerate(view["cases"].items(), start=1):
            _table(wb.add_worksheet(f"case{i}"), [{"case": cid, **r} for r in summ["trainees"]])
            _table(wb.add_worksheet(f"mistakes{i}"), [{"case": cid, **r} for r in summ["mistakes"]])
        wb.close()
        return buf.getvalue()


def _labels(trainees: Sequence[Trainee]) -> dict[str, str]:
    """Display names; two trainees with one name get ``name (2)``."""
    seen: dict[str, int] = {}
    out = {}
    for t in trainees:
        seen[t.name] = seen.get(t.name, 0) + 1
        out[t.id] = t.name if seen[t.name] == 1 else f"{t.name} ({seen[t.name]})"
    return out


def _table(ws, rows: Sequence[Mapping]) -> None:
    cols = list(dict.fromkeys(k for r in rows for k in r))
    ws.write_row(0, 0, cols)
    for i, r in enumerate(rows, start=1):
        ws.write_row(i, 0, [_cell(r.get(k)) for k in cols])


def _cell(v):
    """A cell value: NaN (a step the trainee's case does not have) is left empty."""
    return None if isinstance(v, float) and v != v else v
