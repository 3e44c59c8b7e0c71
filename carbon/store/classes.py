"""Tables of training classes (migration 0002): classes, trainees and their submissions.

A *class* has a short join code, a name, its instructor, the password hash that opens the
instructor view, the ids of its cases and whether it takes submissions. A *trainee* joins
with the code and a name and gets a random session token; only its SHA-256 is stored. A
*submission* is one attempt at one case: the answers and the grade as JSON.
The API that grades and guards them is :mod:`carbon.training.classes`.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from carbon.store.models import Base, utcnow

__all__ = ["Submission", "Trainee", "TrainingClass"]


class TrainingClass(Base):
    """One class: join code, name, instructor, password hash, case ids, open or closed."""

    __tablename__ = "classes"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    instructor: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    case_ids: Mapped[list] = mapped_column(JSON)
    is_open: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Trainee(Base):
    """One trainee of a class; ``token_hash`` is the SHA-256 of the session token."""

    __tablename__ = "trainees"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    class_id: Mapped[str] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Submission(Base):
    """One attempt of a trainee at one case: answers and grade (JSON), score (0–1)."""

    __tablename__ = "submissions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    trainee_id: Mapped[str] = mapped_column(ForeignKey("trainees.id", ondelete="CASCADE"), index=True)
    case_id: Mapped[str] = mapped_column(String(120))
    attempt: Mapped[int] = mapped_column(Integer)
    answers: Mapped[dict] = mapped_column(JSON)
    grade: Mapped[dict] = mapped_column(JSON)
    score: Mapped[float] = mapped_column(Float)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (UniqueConstraint("trainee_id", "case_id", "attempt", name="uq_submissions_trainee_case_attempt"),)
